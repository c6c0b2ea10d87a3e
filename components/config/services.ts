/**
 * The config of each platform service (`messaging-infra:services.<service>`): image, scaling,
 * resources, ports, probes and the service's own knobs. Per-network replica floors are applied by
 * the stack schema.
 */
import { z } from "zod";
import {
    autoscalingSchema,
    bytes,
    cidrs,
    dnsLabel,
    httpUrl,
    image,
    int,
    port,
    probesSchema,
    resourcesSchema,
} from "./fields";

export const relaySchema = z.strictObject({
    image,
    replicas: int(1, 100),
    autoscaling: autoscalingSchema.optional(),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3200), ws: port.default(3201), metrics: port.default(9102) })
        .default({ http: 3200, ws: 3201, metrics: 9102 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
    operatorKeyCount: int(1, 16),
    limits: z.strictObject({
        maxConnections: int(1, 1_000_000),
        maxMessageBytes: int(1024, 64 * 1024 * 1024),
        blobTtlDays: int(1, 365),
        rateLimitPerClientPerMinute: int(1, 100_000),
        cleanupIntervalSeconds: int(10, 86_400),
    }),
});

export const kmsServiceSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3300), metrics: port.default(9103) })
        .default({ http: 3300, metrics: 9103 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

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

export const messagingApiSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    autoscaling: autoscalingSchema.optional(),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3000), metrics: port.default(9090) })
        .default({ http: 3000, metrics: 9090 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

export const objectStoreSchema = z.strictObject({
    image,
    volumeSize: bytes,
    storageClass: dnsLabel.optional(),
    resources: resourcesSchema,
    port: port.default(9000),
});
