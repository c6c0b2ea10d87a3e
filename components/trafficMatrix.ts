/**
 * DESIGN.md's traffic matrix for one network, as data: who may reach whom on which ports.
 * The platform owns it; `components/k8s/networkPolicies.ts` turns it into NetworkPolicies.
 * A service joins the network by adding its edges here.
 */
import { NetworkConfig } from "./config";
import { ExternalPeer, NamespacePeer, ServicePeer, TrafficEdge } from "./k8s/networkPolicies";
import { SERVICE_NAMES } from "./network";
import { parseHostPort } from "./validators";

const service = (name: string): ServicePeer => ({ kind: "service", service: name });
const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" as const }));
const unique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

/** The services this network deploys, by their `app.kubernetes.io/name`. */
export function deployedServices(config: NetworkConfig): string[] {
    return [
        SERVICE_NAMES.relay,
        SERVICE_NAMES.kmsService,
        ...(config.services.farcasterSync.enabled ? [SERVICE_NAMES.farcasterSync] : []),
    ];
}

/** Every allowed connection of the network, from DESIGN.md's matrix and this stack's config. */
export function platformTrafficMatrix(config: NetworkConfig): TrafficEdge[] {
    const { relay, kmsService, farcasterSync } = config.services;
    const deployed = deployedServices(config);
    const ingressController: NamespacePeer = {
        kind: "namespace",
        name: "ingress-controller",
        namespaceLabels: config.ingress.namespaceLabels,
    };
    const awsApis: ExternalPeer = { kind: "external", name: "aws-apis", cidrs: config.aws.apiCidrs };
    const edges: TrafficEdge[] = [
        {
            from: ingressController,
            to: service(SERVICE_NAMES.relay),
            ports: tcp(relay.ports.http, relay.ports.ws),
            why: "clients reach the relay's HTTP and WebSocket ports through the ingress controller",
        },
        {
            from: service(SERVICE_NAMES.relay),
            to: service(SERVICE_NAMES.kmsService),
            ports: tcp(kmsService.ports.http),
            why: "the key service accepts traffic from the relay nodes only",
        },
        {
            from: service(SERVICE_NAMES.relay),
            to: { kind: "external", name: "covenantsql", cidrs: config.externalStores.covenantSql.cidrs },
            ports: tcp(...unique(config.externalStores.covenantSql.endpoints.map((e) => parseHostPort(e)?.port ?? 0))),
            why: "the relay stores its configuration in CovenantSQL",
        },
        {
            from: service(SERVICE_NAMES.relay),
            to: awsApis,
            ports: tcp(443),
            why: "the relay's IRSA role reads its secrets from AWS",
        },
        {
            from: service(SERVICE_NAMES.kmsService),
            to: awsApis,
            ports: tcp(443),
            why: "the key service uses the network's KMS key through its IRSA role",
        },
    ];
    if (config.chain.mode === "external") {
        edges.push({
            from: service(SERVICE_NAMES.relay),
            to: { kind: "external", name: "l2-rpc", cidrs: config.chain.rpcCidrs },
            ports: tcp(config.chain.rpcPort),
            why: "the relay reads the KeyRegistry and MessageNodeRegistry from the public L2 RPC",
        });
    }
    if (config.services.farcasterSync.enabled) {
        edges.push({
            from: service(SERVICE_NAMES.farcasterSync),
            to: { kind: "external", name: "farcaster-hub", cidrs: farcasterSync.hubCidrs },
            ports: tcp(farcasterSync.hubPort),
            why: "farcaster-sync pulls public social data from the hub",
        });
    }
    if (config.monitoring.enabled) {
        const monitoring: NamespacePeer = {
            kind: "namespace",
            name: "monitoring",
            namespaceLabels: config.monitoring.namespaceLabels,
        };
        const metricsPorts: Record<string, number> = {
            [SERVICE_NAMES.relay]: relay.ports.metrics,
            [SERVICE_NAMES.kmsService]: kmsService.ports.metrics,
            [SERVICE_NAMES.farcasterSync]: farcasterSync.ports.metrics,
        };
        for (const name of deployed)
            edges.push({
                from: monitoring,
                to: service(name),
                ports: tcp(metricsPorts[name]),
                why: "Prometheus scrapes the metrics port",
            });
    }
    return edges;
}
