/**
 * MessagingApi: the real-time messaging, WebSocket and call-signalling API on HTTP 3000 (metrics
 * 9090). A Deployment with an HPA on CPU and memory, a PDB that keeps two pods up once it runs three,
 * zone spread, a `db-migrate` init container that applies the image's migrations before the service
 * starts, and a ClusterIP Service with client-IP affinity (3 hours) so WebSocket clients reconnect to
 * the pod that holds their session. Public traffic arrives through the ingress only.
 *
 * Its stores are outside the cluster (Postgres, Redis, Kafka) or the in-cluster object store. The
 * connection URLs are built here from this network's host, port, user and password, never typed by
 * a person, so a URL cannot name another network's store (the outage of one write-up: production ran
 * with the testnet Redis password). The secret values come from the platform; this file creates no
 * AWS resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";
import { counter, gauge, histogram } from "../k8s/metrics";
import { IrsaBinding, WorkloadProbes } from "../k8s/workload";
import { Network, SERVICE_NAMES } from "../network";
import { ownSecret, PlatformService, ServiceDefinition, serviceIdentity, serviceProbes } from "./platformService";

type ApiSettings = NetworkConfig["services"]["messagingApi"];
type Postgres = NetworkConfig["externalStores"]["postgres"];
type Redis = NetworkConfig["externalStores"]["redis"];

/** Keys of the API's Kubernetes Secret, by the environment variable that reads each. */
export const MESSAGING_API_SECRET_KEYS = {
    POSTGRES_PASSWORD: "postgres-password",
    DATABASE_URL: "database-url",
    REDIS_PASSWORD: "redis-password",
    REDIS_URL: "redis-url",
    SECRETBOX_KEY_B64: "secretbox-key",
    JWT_PUBLIC_KEY_PEM: "jwt-public-key",
    AWS_ACCESS_KEY_ID: "object-store-access-key-id",
    AWS_SECRET_ACCESS_KEY: "object-store-secret-access-key",
} as const;

/** The probe timings the API's boot and failure behaviour need (all on `/health`, port `http`). */
export const MESSAGING_API_PROBES = {
    startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
    readiness: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    liveness: { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
} as const;

/** Seconds a client keeps reaching the same API pod (WebSocket reconnects within a session). */
export const MESSAGING_API_AFFINITY_SECONDS = 10_800;
/**
 * The API's public routes: Socket.IO, the REST resources, and `/health` exactly. ingress-nginx's
 * strict path validation refuses a `.` in Prefix paths, so `/socket.io` is a literal
 * ImplementationSpecific path (matched as a prefix).
 */
export const MESSAGING_API_ROUTES = [
    { path: "/socket.io", pathType: "ImplementationSpecific", port: "http" },
    { path: "/api/v1/conversations", pathType: "Prefix", port: "http" },
    { path: "/api/v1/messages", pathType: "Prefix", port: "http" },
    { path: "/api/v1/files", pathType: "Prefix", port: "http" },
    { path: "/api/v1/voice", pathType: "Prefix", port: "http" },
    { path: "/api/v1/keys", pathType: "Prefix", port: "http" },
    { path: "/api/v1/groups", pathType: "Prefix", port: "http" },
    { path: "/health", pathType: "Exact", port: "http" },
] as const;

/** What the API exposes on its metrics port (`/metrics` on 9090). */
export const MESSAGING_API_METRICS = {
    websocketConnections: gauge("websocket_connections_active", "WebSocket (Socket.IO) connections open on the pod."),
    messageQueueLength: gauge("message_queue_length", "Messages waiting in the pod's outbound queue to Kafka."),
    httpRequests: counter("http_requests_total", "HTTP requests answered, by method, route and status code.", [
        "method",
        "route",
        "status",
    ]),
    httpRequestDuration: histogram("http_request_duration_seconds", "Seconds to answer one HTTP request.", [
        "method",
        "route",
    ]),
    messagesSent: counter("messages_sent_total", "Messages the API accepted from senders."),
} as const;

/** The API runs as this uid/gid, as its image expects. */
export const MESSAGING_API_UID = 1001;
/** Seconds an API pod gets to close its WebSocket connections. */
export const MESSAGING_API_TERMINATION_GRACE_SECONDS = 60;

/** The Postgres URL of this network: `postgres://<user>:<password>@<host>:<port>/<database>?sslmode=<mode>`, URL-encoded. */
export function databaseUrl(
    store: Pick<Postgres, "host" | "port" | "user" | "database" | "sslMode">,
    password: string,
): string {
    const credentials = `${encodeURIComponent(store.user)}:${encodeURIComponent(password)}`;
    return `postgres://${credentials}@${store.host}:${store.port}/${encodeURIComponent(store.database)}?sslmode=${store.sslMode}`;
}

/** The Redis URL of this network: `rediss://[<user>]:<password>@<host>:<port>/0` (`redis://` without TLS), URL-encoded. */
export function redisUrl(store: Pick<Redis, "host" | "port" | "user" | "tls">, password: string): string {
    const credentials = `${store.user === undefined ? "" : encodeURIComponent(store.user)}:${encodeURIComponent(password)}`;
    return `${store.tls ? "rediss" : "redis"}://${credentials}@${store.host}:${store.port}/0`;
}

/** The credentials the API's pods read, as Pulumi secrets (Secrets Manager values). */
export interface MessagingApiCredentials {
    readonly postgresPassword: pulumi.Input<string>;
    readonly redisPassword: pulumi.Input<string>;
    readonly secretboxKey: pulumi.Input<string>;
    readonly jwtPublicKey: pulumi.Input<string>;
    /** The object store's access key pair (its root user and password). */
    readonly objectStoreAccessKeyId: pulumi.Input<string>;
    readonly objectStoreSecretAccessKey: pulumi.Input<string>;
}

/** Arguments of {@link MessagingApi}. */
export interface MessagingApiArgs {
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** Its validated config (`services.messagingApi`). */
    readonly settings: ApiSettings;
    /** The external stores it uses (`externalStores`). */
    readonly stores: Pick<NetworkConfig["externalStores"], "postgres" | "redis" | "kafka">;
    /** The object store's in-cluster S3 endpoint (ObjectStore's `endpoint`). */
    readonly objectStoreEndpoint: pulumi.Input<string>;
    /** The bucket voice messages go to (the object store creates it). */
    readonly voiceBucket: string;
    readonly credentials: MessagingApiCredentials;
    /** Its IRSA role: its own secrets and the network key, nothing else. */
    readonly role: IrsaBinding;
    /** The stack file an operator edits, named in errors. Default `Pulumi.<network>.yaml`. */
    readonly stackFile?: string;
}

/** The API's non-secret settings (its rolling ConfigMap), every knob from config. */
export function messagingApiSettings(
    args: Pick<MessagingApiArgs, "network" | "settings" | "stores" | "objectStoreEndpoint" | "voiceBucket">,
): Record<string, pulumi.Input<string>> {
    const { settings } = args;
    return {
        NETWORK: args.network,
        HTTP_PORT: String(settings.ports.http),
        METRICS_PORT: String(settings.ports.metrics),
        DATABASE_MAX_CONNECTIONS: String(settings.database.maxConnections),
        DATABASE_POOL_TIMEOUT: String(settings.database.poolTimeoutSeconds),
        DATABASE_IDLE_TIMEOUT: String(settings.database.idleTimeoutSeconds),
        REDIS_POOL_SIZE: String(settings.redis.poolSize),
        REDIS_CONNECT_TIMEOUT: String(settings.redis.connectTimeoutSeconds),
        REDIS_POOL_TIMEOUT: String(settings.redis.poolTimeoutSeconds),
        WS_MAX_FRAME_SIZE: String(settings.websocket.maxFrameBytes),
        WS_MESSAGE_BUFFER_SIZE: String(settings.websocket.messageBufferSize),
        VIDEO_CALL_MAX_DURATION_HOURS: String(settings.limits.videoCallMaxDurationHours),
        MESSAGE_MAX_LENGTH: String(settings.limits.messageMaxLength),
        KAFKA_BROKERS: args.stores.kafka.brokers.join(","),
        KAFKA_COMPRESSION_TYPE: settings.kafka.compressionType,
        KAFKA_REQUEST_TIMEOUT_MS: String(settings.kafka.requestTimeoutMs),
        KAFKA_CONSUMER_GROUP: settings.kafka.consumerGroup,
        S3_ENDPOINT: args.objectStoreEndpoint,
        S3_BUCKET_VOICE: args.voiceBucket,
    };
}

/**
 * The API's probes on the `http` port, with {@link MESSAGING_API_PROBES}: startup on its health path,
 * readiness on its ready path (by default also `/health`, the one path the API serves) and liveness
 * on the health path, or a TCP connect when the two paths are one ({@link serviceProbes}), so a
 * pod too busy to be ready leaves the Service without being restarted.
 */
export function messagingApiProbes(settings: ApiSettings): WorkloadProbes {
    return serviceProbes("http", settings.probes, MESSAGING_API_PROBES);
}

/** The Secret's values: the credentials and the URLs built from them. */
export function messagingApiSecrets(
    args: Pick<MessagingApiArgs, "stores" | "credentials">,
): Record<string, pulumi.Input<string>> {
    const { credentials, stores } = args;
    const keys = MESSAGING_API_SECRET_KEYS;
    return {
        [keys.POSTGRES_PASSWORD]: credentials.postgresPassword,
        [keys.DATABASE_URL]: pulumi.output(credentials.postgresPassword).apply((p) => databaseUrl(stores.postgres, p)),
        [keys.REDIS_PASSWORD]: credentials.redisPassword,
        [keys.REDIS_URL]: pulumi.output(credentials.redisPassword).apply((p) => redisUrl(stores.redis, p)),
        [keys.SECRETBOX_KEY_B64]: credentials.secretboxKey,
        [keys.JWT_PUBLIC_KEY_PEM]: credentials.jwtPublicKey,
        [keys.AWS_ACCESS_KEY_ID]: credentials.objectStoreAccessKeyId,
        [keys.AWS_SECRET_ACCESS_KEY]: credentials.objectStoreSecretAccessKey,
    };
}

/** The API's one description: Deployment, HPA, PDB, migrations, Service affinity, Secret. */
export function messagingApiDefinition(args: MessagingApiArgs): ServiceDefinition {
    const { settings } = args;
    const service = SERVICE_NAMES.messagingApi;
    const fewest = settings.autoscaling?.minReplicas ?? settings.replicas;
    return {
        workload: {
            ...serviceIdentity(service, "messagingApi", args, settings),
            component: "api",
            probes: messagingApiProbes(settings),
            replicas: settings.replicas,
            autoscaling: settings.autoscaling,
            // Two pods keep serving while a node drains, once there are three.
            ...(fewest >= 3 ? { minAvailable: 2 } : {}),
            ports: [
                { name: "http", containerPort: settings.ports.http },
                { name: "metrics", containerPort: settings.ports.metrics },
            ],
            settings: messagingApiSettings(args),
            secretEnv: Object.entries(MESSAGING_API_SECRET_KEYS).map(([envName, key]) => ({
                envName,
                secret: ownSecret(service, key),
            })),
            initContainers: [
                {
                    name: "db-migrate",
                    command: ["migrate"],
                    // The kubelet expands $(DATABASE_URL) from the container's env.
                    args: ["-path", "/migrations", "-database", "$(DATABASE_URL)", "up"],
                    resources: settings.migrations.resources,
                    secretEnv: [
                        { envName: "DATABASE_URL", secret: ownSecret(service, MESSAGING_API_SECRET_KEYS.DATABASE_URL) },
                    ],
                },
            ],
            clientIpAffinitySeconds: MESSAGING_API_AFFINITY_SECONDS,
            role: args.role,
            runAsId: MESSAGING_API_UID,
            terminationGracePeriodSeconds: MESSAGING_API_TERMINATION_GRACE_SECONDS,
        },
        metrics: MESSAGING_API_METRICS,
        secrets: messagingApiSecrets(args),
    };
}

/** The messaging API of one network. */
export class MessagingApi extends PlatformService {
    constructor(name: string, args: MessagingApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("messaging:services:MessagingApi", name, messagingApiDefinition(args), opts);
        this.registerOutputs(this.serviceOutputs());
    }
}
