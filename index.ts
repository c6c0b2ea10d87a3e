/**
 * messaging-infra: wiring only. Validated stack config -> explicit providers -> one
 * MessagingPlatform -> stack outputs. Pulumi runs the default export.
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
    };
};
