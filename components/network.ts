/**
 * The networks this program deploys and the naming rules every layer may import: the project
 * name, physical AWS names, AWS tags and Kubernetes labels, computed in one place and in one merge
 * order, so that selectors, PDBs and network policies reuse exactly the labels the pods carry.
 * Nothing here reads config (the config loader imports this module, never the other way round).
 */

/** The Pulumi project name; config keys are `messaging-infra:<key>`. */
export const PROJECT = "messaging-infra";

/** The networks this program deploys, one Pulumi stack each. */
export const NETWORKS = ["devnet", "testnet", "mainnet"] as const;
/** One of {@link NETWORKS}. */
export type Network = (typeof NETWORKS)[number];

/** Whether a value is one of {@link NETWORKS}. */
export function isNetwork(value: unknown): value is Network {
    return (NETWORKS as readonly unknown[]).includes(value);
}

/** The other networks a value must never name (a testnet stack pointing at a mainnet endpoint). */
export function otherNetworkNamed(value: string, network: Network): Network | undefined {
    const lower = value.toLowerCase();
    return NETWORKS.find((other) => other !== network && new RegExp(`(^|[^a-z0-9])${other}([^a-z0-9]|$)`).test(lower));
}

/** Who and what a resource belongs to; every tag and label derives from it. */
export interface Ownership {
    network: Network;
    owner: string;
}

/**
 * AWS tags: project, network and owner, then the resource's own. The fixed keys come last so a
 * caller can never relabel a resource into another network.
 */
export function awsTags(ownership: Ownership, extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, project: PROJECT, network: ownership.network, owner: ownership.owner };
}

/** The labels of objects that belong to the network's platform as a whole (namespace policies, quotas). */
export function platformLabels(network: Network): Record<string, string> {
    return {
        "app.kubernetes.io/part-of": PROJECT,
        "app.kubernetes.io/instance": network,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The labels that select one service's pods (`app.kubernetes.io/name` and `instance`). */
export function selectorLabels(service: string, network: Network): Record<string, string> {
    return { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": network };
}

/** Every label a service's objects carry: the selector labels plus part-of and managed-by. */
export function serviceLabels(service: string, network: Network, component?: string): Record<string, string> {
    return {
        ...selectorLabels(service, network),
        ...(component ? { "app.kubernetes.io/component": component } : {}),
        "app.kubernetes.io/part-of": PROJECT,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** A physical AWS name that carries the project and the network: `messaging-infra-<network>-<suffix>`. */
export function physicalName(network: Network, suffix: string): string {
    return `${PROJECT}-${network}-${suffix}`;
}

/** The platform's services by their `app.kubernetes.io/name`, the one spelling used everywhere. */
export const SERVICE_NAMES = {
    relay: "relay",
    kmsService: "kms-service",
    farcasterSync: "farcaster-sync",
    messagingApi: "messaging-api",
    objectStore: "object-store",
    backup: "backup",
} as const;
