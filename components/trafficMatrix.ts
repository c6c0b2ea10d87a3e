/**
 * DESIGN.md's traffic matrix for one network, as data: who may reach whom on which ports.
 * The platform owns it; `components/k8s/networkPolicies.ts` turns it into NetworkPolicies.
 * Service ends and their ports come from the services themselves (their `selector` and `ports`
 * outputs), so a policy selects exactly the pods a service runs and opens exactly the ports they
 * listen on; outside ends (CIDRs, namespaces) come from config. A service joins the network by
 * adding its edges here.
 */
import { NetworkConfig } from "./config";
import { EdgePort, ExternalPeer, NamespacePeer, ServicePeer, TrafficEdge } from "./k8s/networkPolicies";
import { parseHostPort } from "./validators";

/** What the matrix needs of a service: the labels its pods carry and its container ports by name. */
export interface MatrixService {
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: Readonly<Record<string, number>>;
}

/** The services of one network, as the platform created them; an absent one has no edges. */
export interface PlatformServices {
    readonly relay: MatrixService;
    readonly kmsService: MatrixService;
    readonly farcasterSync?: MatrixService;
}

/** The config the outside ends of the matrix come from. */
export type MatrixConfig = Pick<
    NetworkConfig,
    "aws" | "ingress" | "monitoring" | "chain" | "externalStores" | "services"
>;

const NAME_LABEL = "app.kubernetes.io/name";

/** A service end of an edge: the service's own selector, named by its `app.kubernetes.io/name`. */
export function servicePeer(service: MatrixService): ServicePeer {
    return { kind: "service", name: service.selector[NAME_LABEL], selector: service.selector };
}

const tcp = (...ports: number[]): EdgePort[] => ports.map((port) => ({ port, protocol: "TCP" as const }));
const unique = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

/** The services present, in matrix order. */
function present(services: PlatformServices): MatrixService[] {
    return [services.relay, services.kmsService, ...(services.farcasterSync ? [services.farcasterSync] : [])];
}

/** The names of the services this network deploys, by their `app.kubernetes.io/name`. */
export function deployedServices(services: PlatformServices): string[] {
    return present(services).map((s) => servicePeer(s).name);
}

/** Every allowed connection of the network, from DESIGN.md's matrix, its services and this stack's config. */
export function platformTrafficMatrix(config: MatrixConfig, services: PlatformServices): TrafficEdge[] {
    const relay = servicePeer(services.relay);
    const kmsService = servicePeer(services.kmsService);
    const ingressController: NamespacePeer = {
        kind: "namespace",
        name: "ingress-controller",
        namespaceLabels: config.ingress.namespaceLabels,
    };
    const awsApis: ExternalPeer = { kind: "external", name: "aws-apis", cidrs: config.aws.apiCidrs };
    const covenantSql = config.externalStores.covenantSql;
    const edges: TrafficEdge[] = [
        {
            from: ingressController,
            to: relay,
            ports: tcp(services.relay.ports.http, services.relay.ports.ws),
            why: "clients reach the relay's HTTP and WebSocket ports through the ingress controller",
        },
        {
            from: relay,
            to: kmsService,
            ports: tcp(services.kmsService.ports.http),
            why: "the key service accepts traffic from the relay nodes only",
        },
        {
            from: relay,
            to: { kind: "external", name: "covenantsql", cidrs: covenantSql.cidrs },
            ports: tcp(...unique(covenantSql.endpoints.map((e) => parseHostPort(e)?.port ?? 0))),
            why: "the relay stores its configuration in CovenantSQL",
        },
        { from: relay, to: awsApis, ports: tcp(443), why: "the relay's IRSA role reads its secrets from AWS" },
        {
            from: kmsService,
            to: awsApis,
            ports: tcp(443),
            why: "the key service uses the network's KMS key through its IRSA role",
        },
    ];
    if (config.chain.mode === "external") {
        edges.push({
            from: relay,
            to: { kind: "external", name: "l2-rpc", cidrs: config.chain.rpcCidrs },
            ports: tcp(config.chain.rpcPort),
            why: "the relay reads the KeyRegistry and MessageNodeRegistry from the public L2 RPC",
        });
    }
    if (services.farcasterSync) {
        const sync = config.services.farcasterSync;
        edges.push({
            from: servicePeer(services.farcasterSync),
            to: { kind: "external", name: "farcaster-hub", cidrs: sync.hubCidrs },
            ports: tcp(sync.hubPort),
            why: "farcaster-sync pulls public social data from the hub",
        });
    }
    if (config.monitoring.enabled) {
        const monitoring: NamespacePeer = {
            kind: "namespace",
            name: "monitoring",
            namespaceLabels: config.monitoring.namespaceLabels,
        };
        for (const service of present(services)) {
            const why = "Prometheus scrapes the metrics port";
            edges.push({ from: monitoring, to: servicePeer(service), ports: tcp(service.ports.metrics), why });
        }
    }
    return edges;
}
