/**
 * The config of each platform service (`messaging-infra:services.<service>`): image, scaling,
 * resources, ports, probes and the service's own knobs. Per-network replica floors are applied by
 * the stack schema.
 */
import { z } from "zod";
import {
    autoscalingSchema,
    autoscalingSchemaWith,
    bucketName,
    bytes,
    cidrs,
    dnsLabel,
    httpUrl,
    image,
    int,
    port,
    probesSchema,
    resourcesSchema,
    volumeSchema,
} from "./fields";

/** The relay nodes and their blob relay. */
export const relaySchema = z.strictObject({
    image,
    replicas: int(1, 100),
    autoscaling: autoscalingSchema.optional(),
    // Each replica keeps its own blob store (sqlite under /data): one volume per pod.
    storage: volumeSchema("10Gi").default({ volumeSize: "10Gi" }),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3200), ws: port.default(3201), metrics: port.default(9102) })
        .default({ http: 3200, ws: 3201, metrics: 9102 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
    operatorKeyCount: int(1, 16),
    // The blob relay write-up's defaults: blobs live 90 days, 60 requests per client per minute,
    // expired blobs swept hourly.
    limits: z.strictObject({
        maxConnections: int(1, 1_000_000),
        maxMessageBytes: int(1024, 64 * 1024 * 1024),
        blobTtlDays: int(1, 365).default(90),
        rateLimitPerClientPerMinute: int(1, 100_000).default(60),
        cleanupIntervalSeconds: int(10, 86_400).default(3600),
    }),
});

/** The key service. */
export const kmsServiceSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3300), metrics: port.default(9103) })
        .default({ http: 3300, metrics: 9103 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

/** The Farcaster hub sync. */
export const farcasterSyncSchema = z.strictObject({
    enabled: z.boolean({ error: "true or false" }),
    image,
    hubUrl: httpUrl,
    hubCidrs: cidrs,
    hubPort: port.default(2283),
    syncIntervalMs: int(1000, 86_400_000),
    resources: resourcesSchema,
    ports: z.strictObject({ metrics: port.default(9104) }).default({ metrics: 9104 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

const kafkaGroup = z
    .string({ error: "a Kafka consumer group id" })
    .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: "a Kafka consumer group id: letters, digits, '.', '_' and '-'" });

/** The messaging API's tuning, each knob with the default the service ships with. */
const messagingApiTuning = {
    database: z
        .strictObject({
            maxConnections: int(1, 1000).default(10),
            poolTimeoutSeconds: int(1, 600).default(30),
            idleTimeoutSeconds: int(1, 86_400).default(600),
        })
        .default({ maxConnections: 10, poolTimeoutSeconds: 30, idleTimeoutSeconds: 600 }),
    redis: z
        .strictObject({
            poolSize: int(1, 1000).default(20),
            connectTimeoutSeconds: int(1, 120).default(5),
            poolTimeoutSeconds: int(1, 600).default(10),
        })
        .default({ poolSize: 20, connectTimeoutSeconds: 5, poolTimeoutSeconds: 10 }),
    websocket: z
        .strictObject({
            maxFrameBytes: int(1024, 16 * 1024 * 1024).default(1_048_576),
            messageBufferSize: int(1, 65_536).default(256),
        })
        .default({ maxFrameBytes: 1_048_576, messageBufferSize: 256 }),
    kafka: z
        .strictObject({
            compressionType: z
                .enum(["none", "gzip", "snappy", "lz4", "zstd"], { error: "one of none, gzip, snappy, lz4, zstd" })
                .default("snappy"),
            requestTimeoutMs: int(1000, 300_000).default(30_000),
            consumerGroup: kafkaGroup.default("messaging-service"),
        })
        .default({ compressionType: "snappy", requestTimeoutMs: 30_000, consumerGroup: "messaging-service" }),
    limits: z
        .strictObject({
            videoCallMaxDurationHours: int(1, 48).default(12),
            messageMaxLength: int(1, 1_048_576).default(4096),
        })
        .default({ videoCallMaxDurationHours: 12, messageMaxLength: 4096 }),
};

/** The database migrations the API's init container runs, and its own (small) resources. */
const migrationsSchema = z
    .strictObject({
        resources: resourcesSchema.default({
            requests: { cpu: "50m", memory: "64Mi" },
            limits: { cpu: "250m", memory: "256Mi" },
        }),
    })
    .default({ resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } } });

/** The messaging API (HTTP, WebSocket and call signalling). */
export const messagingApiSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    autoscaling: autoscalingSchemaWith(80).optional(),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3000), metrics: port.default(9090) })
        .default({ http: 3000, metrics: 9090 }),
    probes: probesSchema.default({ health: "/health", ready: "/health" }),
    migrations: migrationsSchema,
    ...messagingApiTuning,
});

/** The attachment object store (MinIO) and the client image its bucket job runs. */
export const objectStoreSchema = z.strictObject({
    image,
    /** The MinIO client (`mc`) image that creates the buckets. */
    clientImage: image,
    volumeSize: bytes,
    storageClass: dnsLabel.optional(),
    resources: resourcesSchema,
    port: port.default(9000),
    voiceBucket: bucketName.default("voice-messages"),
});
