/**
 * RelayService: the relay nodes that route and deliver messages (HTTP 3200, WebSocket 3201) and
 * run the encrypted blob relay with its limits. A Workload (a StatefulSet with one blob volume per
 * replica, HPA and PDB per config, client-IP affinity) plus a ClusterSecret with the operator keys
 * and the CovenantSQL credentials. Scaling limit: blobs are stored by the replica that received them
 * and not shared, so clients are pinned to a replica (Service affinity here, cookie affinity at the
 * ingress), and a scale-down leaves the removed replicas' volumes (retained) unread until they return. The IRSA role, the
 * secret values and the KMS service's URL come from the platform; this file creates no AWS
 * resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { counter, gauge, histogram } from "../k8s/metrics";
import { IrsaBinding } from "../k8s/workload";
import { Network, SERVICE_NAMES } from "../network";
import { configuredWorkloadArgs, ownSecret, PlatformService, ServiceDefinition } from "./platformService";

/** Keys of the relay's Kubernetes Secret. */
export const RELAY_SECRET_KEYS = {
    operatorKeys: "operator-keys",
    covenantSqlCredentials: "covenantsql-credentials",
} as const;
/** Seconds a relay pod gets to drain its WebSocket connections. */
export const RELAY_TERMINATION_GRACE_SECONDS = 60;
/** Where each relay replica keeps its blob store (sqlite), on its own volume. */
export const RELAY_DATA_DIR = "/data";
/**
 * Seconds a client keeps reaching the same relay pod through the Service. Blobs live in the store of
 * the replica that received them and are not shared, so a client must come back to it (the ingress
 * pins WebSocket clients by cookie for the same reason): a scaling limit of the relay.
 */
export const RELAY_AFFINITY_SECONDS = 10_800;

/** What a relay node exposes on its metrics port (`/metrics`). */
export const RELAY_METRICS = {
    connectionsActive: gauge("relay_connections_active", "Client connections (HTTP and WebSocket) open on the node."),
    messagesReceived: counter("relay_messages_received_total", "Messages the node accepted from clients."),
    messagesRejected: counter(
        "relay_messages_rejected_total",
        "Messages the node refused (too large, malformed, expired).",
        ["reason"],
    ),
    rateLimited: counter("relay_rate_limited_total", "Requests refused for exceeding the per-client rate limit."),
    blobsStored: gauge("relay_blobs_stored", "Encrypted blobs the node's store holds, awaiting delivery or expiry."),
    blobsExpired: counter("relay_blobs_expired_total", "Blobs removed by the cleanup sweep after their TTL."),
    deliveryLatency: histogram(
        "message_delivery_latency_seconds",
        "Seconds from accepting a message to delivering it to its recipient.",
    ),
} as const;

/** Arguments of {@link RelayService}. */
export interface RelayServiceArgs {
    readonly network: Network;
    /** The namespace the relay runs in. */
    readonly namespace: pulumi.Input<string>;
    /** The relay's validated config (`services.relay`). */
    readonly settings: NetworkConfig["services"]["relay"];
    /** The chain the relay reads its registries from (`chain`). */
    readonly chain: NetworkConfig["chain"];
    /** The CovenantSQL store (`externalStores.covenantSql`). */
    readonly covenantSql: NetworkConfig["externalStores"]["covenantSql"];
    /** With `chain.mode: in-cluster`: devnet's besu RPC Service URL (Besu's `rpcUrl`), never typed. */
    readonly inClusterRpcUrl?: pulumi.Input<string>;
    /** The KMS service's in-cluster URL (KmsService's `url`). */
    readonly kmsServiceUrl: pulumi.Input<string>;
    /** The relay's IRSA role; its ServiceAccount is the one the role trusts and mounts a token. */
    readonly role: IrsaBinding;
    /** The operator keys, one JSON array, as a Pulumi secret (the Secrets Manager entry's value). */
    readonly operatorKeys: pulumi.Input<string>;
    /** The CovenantSQL credentials, as a Pulumi secret (the Secrets Manager entry's value). */
    readonly covenantSqlCredentials: pulumi.Input<string>;
    /** `protect` the StatefulSet that owns the replicas' blob volumes (testnet and mainnet). */
    readonly protect: boolean;
    /** The stack file an operator edits, named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/**
 * The L2 RPC URL: the configured public RPC, or on devnet the in-cluster besu Service's URL, derived
 * from the besu component (`http://besu.<namespace>.svc.cluster.local:8545`).
 */
export function relayRpcUrl(
    chain: NetworkConfig["chain"],
    inClusterRpcUrl: pulumi.Input<string> | undefined,
): pulumi.Input<string> {
    if (chain.mode === "external") return chain.rpcUrl;
    if (inClusterRpcUrl === undefined) throw new Error("chain.mode in-cluster needs the besu component's rpcUrl");
    return inClusterRpcUrl;
}

/**
 * The relay's public routes: its HTTP API at `/` and its WebSocket endpoint at `/ws` on the `ws`
 * port (the ingress terminates TLS for both).
 */
export const RELAY_ROUTES = [
    { path: "/ws", pathType: "Prefix", port: "ws" },
    { path: "/", pathType: "Prefix", port: "http" },
] as const;

/** The relay's non-secret settings (its ConfigMap): chain, registries, store endpoints, ports and blob-relay limits. */
export function relaySettings(
    args: Pick<
        RelayServiceArgs,
        "network" | "namespace" | "settings" | "chain" | "covenantSql" | "kmsServiceUrl" | "inClusterRpcUrl"
    >,
): Record<string, pulumi.Input<string>> {
    const { settings, chain } = args;
    return {
        NETWORK: args.network,
        HTTP_PORT: String(settings.ports.http),
        WS_PORT: String(settings.ports.ws),
        METRICS_PORT: String(settings.ports.metrics),
        L2_RPC_URL: relayRpcUrl(chain, args.inClusterRpcUrl),
        CHAIN_ID: String(chain.chainId),
        KEY_REGISTRY_ADDRESS: chain.keyRegistryAddress,
        MESSAGE_NODE_REGISTRY_ADDRESS: chain.messageNodeRegistryAddress,
        COVENANTSQL_ENDPOINTS: args.covenantSql.endpoints.join(","),
        KMS_SERVICE_URL: args.kmsServiceUrl,
        OPERATOR_KEY_COUNT: String(settings.operatorKeyCount),
        MAX_CONNECTIONS: String(settings.limits.maxConnections),
        MAX_MESSAGE_SIZE_BYTES: String(settings.limits.maxMessageBytes),
        BLOB_TTL_DAYS: String(settings.limits.blobTtlDays),
        RATE_LIMIT_PER_CLIENT_PER_MINUTE: String(settings.limits.rateLimitPerClientPerMinute),
        CLEANUP_INTERVAL_SECONDS: String(settings.limits.cleanupIntervalSeconds),
        RELAY_STORAGE_BACKEND: "sqlite",
        RELAY_DATA_DIR,
    };
}

/** The relay's one description: its Workload (StatefulSet, HPA and PDB per config) and its Secret. */
export function relayDefinition(args: RelayServiceArgs): ServiceDefinition {
    const { settings } = args;
    const service = SERVICE_NAMES.relay;
    return {
        workload: {
            ...configuredWorkloadArgs(service, "relay", args, settings, "http"),
            component: "relay",
            // Every replica keeps its own blob store, so each gets its own volume.
            kind: "StatefulSet",
            // Replicas do not depend on one another: start and scale them together.
            podManagementPolicy: "Parallel",
            volumeClaims: [
                {
                    name: "data",
                    mountPath: RELAY_DATA_DIR,
                    size: settings.storage.volumeSize,
                    ...(settings.storage.storageClass ? { storageClassName: settings.storage.storageClass } : {}),
                },
            ],
            protectVolumes: args.protect,
            clientIpAffinitySeconds: RELAY_AFFINITY_SECONDS,
            replicas: settings.replicas,
            autoscaling: settings.autoscaling,
            ports: [
                { name: "http", containerPort: settings.ports.http },
                { name: "ws", containerPort: settings.ports.ws },
                { name: "metrics", containerPort: settings.ports.metrics },
            ],
            settings: relaySettings(args),
            secretEnv: [
                { envName: "RELAY_OPERATOR_KEYS", secret: ownSecret(service, RELAY_SECRET_KEYS.operatorKeys) },
                {
                    envName: "COVENANTSQL_CREDENTIALS",
                    secret: ownSecret(service, RELAY_SECRET_KEYS.covenantSqlCredentials),
                },
            ],
            role: args.role,
            terminationGracePeriodSeconds: RELAY_TERMINATION_GRACE_SECONDS,
        },
        metrics: RELAY_METRICS,
        secrets: {
            [RELAY_SECRET_KEYS.operatorKeys]: args.operatorKeys,
            [RELAY_SECRET_KEYS.covenantSqlCredentials]: args.covenantSqlCredentials,
        },
    };
}

/** The relay nodes of one network. */
export class RelayService extends PlatformService {
    constructor(name: string, args: RelayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:RelayService", name, relayDefinition(args), opts);
        this.registerOutputs(this.serviceOutputs());
    }
}
