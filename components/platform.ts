/**
 * MessagingPlatform: everything one network runs, composed from the building blocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "./config";
import { PlatformNamespace } from "./k8s/namespace";
import { PlatformProviders } from "./providers";

/** Arguments of {@link MessagingPlatform}. */
export interface MessagingPlatformArgs {
    /** The validated config of the network. */
    readonly config: NetworkConfig;
    /** The explicit providers every child uses. */
    readonly providers: PlatformProviders;
}

/** One network's messaging platform. */
export class MessagingPlatform extends pulumi.ComponentResource {
    /** The namespace the platform's workloads run in. */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: MessagingPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:platform:MessagingPlatform", name, {}, { ...opts, providers: [args.providers.aws, args.providers.kubernetes] });
        const { config } = args;
        const namespace = new PlatformNamespace(`${name}-namespace`, {
            name: config.namespace.name,
            network: config.network,
            owner: config.owner,
            quota: config.namespace.quota,
            containerDefaults: config.namespace.containerDefaults,
        }, { parent: this });
        this.namespace = namespace.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}
