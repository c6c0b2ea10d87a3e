/**
 * Network isolation: no resource of this stack uses a namespace that names another network.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asRecord, defaultEnforcement, describeResource, K8S, show, stackOfUrn } from "../util";

/** The networks a namespace name may name. */
export const NETWORK_NAMES: readonly string[] = ["devnet", "testnet", "mainnet"];

/** Config of {@link networkNamespaceIsolation}. */
export interface NetworkIsolationConfig {
    network?: string;
    networks: string[];
}

/** The network a stack deploys: config `network`, else the stack name of the resources' URNs when it is a network. */
export function stackNetwork(config: NetworkIsolationConfig, resources: readonly PolicyResource[]): string | undefined {
    if (config.network) return config.network;
    const networks = config.networks ?? NETWORK_NAMES;
    for (const r of resources) {
        const stack = stackOfUrn(r.urn);
        if (stack && networks.includes(stack)) return stack;
    }
    return undefined;
}

/** No resource lives in a namespace that names another network. */
export const networkNamespaceIsolation: StackValidationPolicy = {
    name: "network-namespace-isolation",
    description:
        "No Kubernetes resource, Namespace or Kubernetes provider of this stack may use a namespace " +
        "whose name contains another network's name (devnet/testnet/mainnet), so one network's " +
        "objects never land in, or reach into, another's. The network is config `network`, else the " +
        "stack name.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    configSchema: {
        properties: {
            network: {
                type: "string",
                enum: [...NETWORK_NAMES],
                description: "The network this stack deploys (default: the stack name).",
            },
            networks: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [...NETWORK_NAMES],
                description: "Every network name a namespace could carry.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<NetworkIsolationConfig>();
        const own = stackNetwork(config, args.resources);
        if (own === undefined) args.notApplicable("the network is neither configured nor the stack name");
        const others = (config.networks ?? NETWORK_NAMES).filter((n) => n !== own);
        const check = (r: PolicyResource, field: string, value: unknown) => {
            if (typeof value !== "string") return;
            const other = others.find((n) => value.includes(n));
            if (other) {
                reportViolation(
                    `${describeResource(r)}: ${field} is ${show(value)}, which names network ` +
                        `${JSON.stringify(other)}, but this stack deploys ${JSON.stringify(own)}; use ${own}'s ` +
                        `namespace so one network's objects never land in another's.`,
                    r.urn,
                );
            }
        };
        for (const r of args.resources) {
            if (r.type === K8S.Provider) check(r, "namespace", r.props.namespace);
            else if (r.type === K8S.Namespace) check(r, "metadata.name", asRecord(r.props.metadata)?.name);
            else if (r.type.startsWith("kubernetes:"))
                check(r, "metadata.namespace", asRecord(r.props.metadata)?.namespace);
        }
    },
};
