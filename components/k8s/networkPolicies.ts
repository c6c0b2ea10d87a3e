/**
 * Network policies from a traffic matrix: a default deny for ingress and egress, DNS to
 * kube-dns, and for every edge the ingress rule on the destination and the egress rule on the
 * source. Services join by adding edges; nobody writes a NetworkPolicy by hand.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, ProblemList } from "../errors";
import { Network, platformLabels } from "../network";
import { checkNetworkCidr } from "../validators";

/**
 * Pods of one platform service in the network's namespace, selected by the labels the service's
 * pods carry (pass the service's own `selector` output, never a re-derived one).
 */
export interface ServicePeer {
    readonly kind: "service";
    /** The service's `app.kubernetes.io/name`, for policy names and reports. */
    readonly name: string;
    readonly selector: Readonly<Record<string, string>>;
}

/** Every pod in another namespace, selected by that namespace's labels (ingress controller, monitoring). */
export interface NamespacePeer {
    readonly kind: "namespace";
    /** A short name for policy names and reports, e.g. `ingress-controller`. */
    readonly name: string;
    readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Addresses outside the cluster (an L2 RPC, external stores, AWS APIs, the Farcaster hub). */
export interface ExternalPeer {
    readonly kind: "external";
    readonly name: string;
    readonly cidrs: readonly string[];
}

/** One end of an edge. */
export type TrafficPeer = ServicePeer | NamespacePeer | ExternalPeer;

/** A port an edge opens. */
export interface EdgePort {
    readonly port: number;
    readonly protocol?: "TCP" | "UDP";
}

/** One allowed connection: `from` may open connections to `to` on `ports`, and nothing else. */
export interface TrafficEdge {
    readonly from: TrafficPeer;
    readonly to: TrafficPeer;
    readonly ports: readonly EdgePort[];
    /** Why the edge exists; goes into the policies' annotations. */
    readonly why: string;
}

/** kube-dns as every cluster runs it. */
export const KUBE_DNS = {
    namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" },
    podLabels: { "k8s-app": "kube-dns" },
} as const;

/** The name a peer goes by in policy names and reports. */
export function peerName(peer: TrafficPeer): string {
    return peer.name;
}

/** The id of an edge: `<from>-to-<to>`, unique within a matrix. */
export function edgeId(edge: TrafficEdge): string {
    return `${peerName(edge.from)}-to-${peerName(edge.to)}`;
}

/**
 * Every problem with a matrix at once: edges to services that are not deployed, CIDRs that are
 * not networks, empty port lists, namespace peers without labels, edges between two outsiders,
 * duplicate edges.
 */
export function matrixProblems(edges: readonly TrafficEdge[], services: readonly string[]): ArgumentProblem[] {
    const problems = new ProblemList();
    const seen = new Set<string>();
    for (const edge of edges) {
        const id = edgeId(edge);
        const at = `edges[${id}]`;
        if (seen.has(id)) problems.add(at, id, "one edge per (from, to) pair; list every port on that edge");
        seen.add(id);
        for (const [side, peer] of [
            ["from", edge.from],
            ["to", edge.to],
        ] as const) {
            if (peer.kind === "service" && !services.includes(peer.name)) {
                problems.add(`${at}.${side}`, peer.name, `a deployed service: ${services.join(", ")}`);
            }
            if (peer.kind === "service" && Object.keys(peer.selector).length === 0) {
                problems.add(
                    `${at}.${side}.selector`,
                    peer.selector,
                    "the service's pod selector (its selector output)",
                );
            }
            if (peer.kind === "external") {
                if (peer.cidrs.length === 0) problems.add(`${at}.${side}.cidrs`, [], "at least one network CIDR");
                peer.cidrs.forEach((cidr, i) => {
                    const problem = checkNetworkCidr(cidr);
                    if (problem) problems.add(`${at}.${side}.cidrs[${i}]`, cidr, problem);
                });
            }
            if (peer.kind === "namespace") {
                const labels = Object.entries(peer.namespaceLabels);
                if (labels.length === 0 || labels.some(([k, v]) => k === "" || v === "")) {
                    problems.add(
                        `${at}.${side}.namespaceLabels`,
                        peer.namespaceLabels,
                        "at least one non-empty label that selects the namespace",
                    );
                }
            }
        }
        if (edge.from.kind !== "service" && edge.to.kind !== "service") {
            problems.add(at, id, "an edge with a platform service on at least one end (policies only select our pods)");
        }
        if (edge.ports.length === 0) problems.add(`${at}.ports`, [], "at least one port");
        edge.ports.forEach((p, i) => {
            if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)
                problems.add(`${at}.ports[${i}].port`, p.port, "a port number from 1 to 65535");
        });
    }
    return problems.problems;
}

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** A NetworkPolicy to create: its name, spec and the reason it exists. */
export interface PolicyDefinition {
    name: string;
    spec: NetworkPolicySpec;
    why: string;
}

function policyPeers(peer: TrafficPeer): NetworkPolicyPeer[] {
    switch (peer.kind) {
        case "service":
            // No namespaceSelector: the policy's own namespace.
            return [{ podSelector: { matchLabels: { ...peer.selector } } }];
        case "namespace":
            return [{ namespaceSelector: { matchLabels: { ...peer.namespaceLabels } } }];
        case "external":
            return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    }
}

function policyPorts(ports: readonly EdgePort[]) {
    return ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" }));
}

/**
 * The namespace's policies for a matrix: default deny, DNS egress, and per edge an ingress
 * policy on a service destination and an egress policy on a service source. Throws with every
 * matrix problem listed.
 */
export function networkPolicyDefinitions(
    edges: readonly TrafficEdge[],
    services: readonly string[],
): PolicyDefinition[] {
    const problems = matrixProblems(edges, services);
    if (problems.length > 0) throw new ArgumentsError("arguments to the traffic matrix", problems);
    const definitions: PolicyDefinition[] = [
        {
            name: "default-deny",
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            why: "deny all traffic the matrix does not allow",
        },
        {
            name: "allow-dns",
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: { matchLabels: { ...KUBE_DNS.namespaceLabels } },
                                podSelector: { matchLabels: { ...KUBE_DNS.podLabels } },
                            },
                        ],
                        ports: [
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                ],
            },
            why: "every pod resolves names through kube-dns",
        },
    ];
    for (const edge of edges) {
        const id = edgeId(edge);
        if (edge.to.kind === "service") {
            definitions.push({
                name: `${id}-ingress`,
                spec: {
                    podSelector: { matchLabels: { ...edge.to.selector } },
                    policyTypes: ["Ingress"],
                    ingress: [{ from: policyPeers(edge.from), ports: policyPorts(edge.ports) }],
                },
                why: edge.why,
            });
        }
        if (edge.from.kind === "service") {
            definitions.push({
                name: `${id}-egress`,
                spec: {
                    podSelector: { matchLabels: { ...edge.from.selector } },
                    policyTypes: ["Egress"],
                    egress: [{ to: policyPeers(edge.to), ports: policyPorts(edge.ports) }],
                },
                why: edge.why,
            });
        }
    }
    return definitions;
}

/** Arguments of {@link TrafficPolicies}. */
export interface TrafficPoliciesArgs {
    /** The namespace the policies live in (the network's namespace). */
    readonly namespace: pulumi.Input<string>;
    readonly network: Network;
    /** The matrix: every allowed connection. */
    readonly edges: readonly TrafficEdge[];
    /** The services deployed in the namespace; an edge naming any other is an error. */
    readonly services: readonly string[];
}

/** The network's NetworkPolicies, derived from its traffic matrix. */
export class TrafficPolicies extends pulumi.ComponentResource {
    /** The policy names, for reports. */
    public readonly policyNames: string[];

    constructor(name: string, args: TrafficPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        // Derived (and the matrix checked) before registering anything.
        const definitions = networkPolicyDefinitions(args.edges, args.services);
        super("messaging:k8s:TrafficPolicies", name, {}, opts);
        for (const definition of definitions) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${definition.name}`,
                {
                    metadata: {
                        name: definition.name,
                        namespace: args.namespace,
                        labels: platformLabels(args.network),
                        annotations: { "messaging-infra/why": definition.why },
                    },
                    spec: definition.spec,
                },
                { parent: this },
            );
        }
        this.policyNames = definitions.map((d) => d.name);
        this.registerOutputs({ policyNames: this.policyNames });
    }
}
