/**
 * messaging-infra: wiring only. Validated stack config -> explicit providers -> one
 * MessagingPlatform -> stack outputs (names and ARNs, never a secret value). Pulumi runs the
 * default export.
 */
import { loadNetworkConfig } from "./components/config";
import { MessagingPlatform } from "./components/platform";
import { createProviders } from "./components/providers";

export = async () => {
    // Validation throws, listing every problem, before any resource is registered.
    const config = loadNetworkConfig();
    const providers = createProviders(config);
    const platform = new MessagingPlatform(`messaging-${config.network}`, { config, providers });
    return {
        network: config.network,
        namespace: platform.namespace,
        keyArn: platform.keyArn,
        secretNames: platform.secretNames,
        roleArns: platform.roleArns,
        backupBucketName: platform.backupBucketName,
        endpoints: platform.endpoints,
    };
};
