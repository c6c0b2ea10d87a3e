/**
 * DESIGN.md's traffic matrix for one network, as data: who may reach whom on which ports.
 * The platform owns it; `components/k8s/networkPolicies.ts` turns it into NetworkPolicies.
 * Service ends and their ports come from the services themselves (their `selector` and `ports`
 * outputs), so a policy selects exactly the pods a service runs and opens exactly the ports they
 * listen on; outside ends (CIDRs, namespaces) come from config. A service joins the network by
 * adding its edges here.
 */
import { chainEdges, chainMatrixServices, ChainMatrixServices } from "./chainTraffic";
import { NetworkConfig } from "./config";
import { EdgePort, ExternalPeer, NamespacePeer, ServicePeer, TrafficEdge } from "./k8s/networkPolicies";
import { parseHostPort } from "./validators";

/** What the matrix needs of a service: the labels its pods carry and its container ports by name. */
export interface MatrixService {
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: Readonly<Record<string, number>>;
    /** The port Prometheus scrapes; a task that serves nothing has none. */
    readonly metricsPort?: number;
}

/** The services of one network, as the platform created them; an absent one has no edges. */
export interface PlatformServices {
    readonly relay: MatrixService;
    readonly kmsService: MatrixService;
    readonly farcasterSync?: MatrixService;
    readonly messagingApi: MatrixService;
    readonly objectStore: MatrixService;
    /** The job that creates the object store's buckets. */
    readonly objectStoreBuckets: MatrixService;
    /** Each backed-up store's backup and restore jobs. */
    readonly backups: readonly {
        readonly store: "object-store" | "postgres";
        readonly backup: MatrixService;
        readonly restore: MatrixService;
    }[];
    /** devnet's in-cluster chain, when it runs one. */
    readonly chain?: ChainMatrixServices;
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
    return [
        services.relay,
        services.kmsService,
        ...(services.farcasterSync ? [services.farcasterSync] : []),
        services.messagingApi,
        services.objectStore,
        services.objectStoreBuckets,
        ...services.backups.flatMap((b) => [b.backup, b.restore]),
        ...(services.chain ? chainMatrixServices(services.chain) : []),
    ];
}

/** The names of the services this network deploys, by their `app.kubernetes.io/name`. */
export function deployedServices(services: PlatformServices): string[] {
    return present(services).map((s) => servicePeer(s).name);
}

/** The messaging API's edges: from the ingress, to its stores, to the object store, to AWS; and the bucket job's. */
function messagingApiEdges(
    config: MatrixConfig,
    services: PlatformServices,
    ingressController: NamespacePeer,
    awsApis: ExternalPeer,
): TrafficEdge[] {
    const api = servicePeer(services.messagingApi);
    const store = servicePeer(services.objectStore);
    const { postgres, redis, kafka } = config.externalStores;
    return [
        {
            from: ingressController,
            to: api,
            ports: tcp(services.messagingApi.ports.http),
            why: "clients reach the messaging API (HTTP and WebSocket) through the ingress controller",
        },
        {
            from: api,
            to: store,
            ports: tcp(services.objectStore.ports.s3),
            why: "the API keeps voice messages and attachments in the object store",
        },
        {
            from: servicePeer(services.objectStoreBuckets),
            to: store,
            ports: tcp(services.objectStore.ports.s3),
            why: "the bucket job creates the attachment bucket",
        },
        {
            from: api,
            to: { kind: "external", name: "postgres", cidrs: postgres.cidrs },
            ports: tcp(postgres.port),
            why: "the API's database (and its migrations)",
        },
        {
            from: api,
            to: { kind: "external", name: "redis", cidrs: redis.cidrs },
            ports: tcp(redis.port),
            why: "the API's cache and presence store",
        },
        {
            from: api,
            to: { kind: "external", name: "kafka", cidrs: kafka.cidrs },
            ports: tcp(...unique(kafka.brokers.map((b) => parseHostPort(b)?.port ?? 0))),
            why: "the API's message queue",
        },
        { from: api, to: awsApis, ports: tcp(443), why: "the API's IRSA role reads its secrets from AWS" },
    ];
}

/** Each backup and restore job reaches exactly the store it copies, and the AWS APIs (its bucket, through IRSA). */
function backupEdges(config: MatrixConfig, services: PlatformServices, awsApis: ExternalPeer): TrafficEdge[] {
    const postgres = config.externalStores.postgres;
    return services.backups.flatMap(({ store, backup, restore }) =>
        [backup, restore].flatMap((job): TrafficEdge[] => [
            store === "object-store"
                ? {
                      from: servicePeer(job),
                      to: servicePeer(services.objectStore),
                      ports: tcp(services.objectStore.ports.s3),
                      why: "the object store's backup and restore jobs copy its buckets",
                  }
                : {
                      from: servicePeer(job),
                      to: { kind: "external", name: "postgres", cidrs: postgres.cidrs },
                      ports: tcp(postgres.port),
                      why: "the database's backup and restore jobs dump and restore it",
                  },
            {
                from: servicePeer(job),
                to: awsApis,
                ports: tcp(443),
                why: "the job's IRSA role reaches the backup bucket",
            },
        ]),
    );
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
    edges.push(...messagingApiEdges(config, services, ingressController, awsApis));
    edges.push(...backupEdges(config, services, awsApis));
    if (config.chain.mode === "external") {
        edges.push({
            from: relay,
            to: { kind: "external", name: "l2-rpc", cidrs: config.chain.rpcCidrs },
            ports: tcp(config.chain.rpcPort),
            why: "the relay reads the KeyRegistry and MessageNodeRegistry from the public L2 RPC",
        });
    }
    if (services.chain) edges.push(...chainEdges(services.chain, relay, ingressController, awsApis));
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
            if (service.metricsPort === undefined) continue;
            const why = "Prometheus scrapes the metrics port";
            edges.push({ from: monitoring, to: servicePeer(service), ports: tcp(service.metricsPort), why });
        }
    }
    return edges;
}
