/**
 * The schema of one whole stack: cloud, cluster, namespace, ingress, monitoring, chain, services,
 * external stores and backups, with the network's floors applied.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Network, NETWORKS } from "../network";
import { checkCronSchedule } from "../validators";
import {
    bytes,
    cidrs,
    cpu,
    dnsLabel,
    endpoint,
    existingSecretSchema,
    hostname,
    image,
    int,
    labels,
    port,
    refined,
    resourcesSchema,
    text,
} from "./fields";
import { chainSchema } from "./chain";
import { NETWORK_FLOORS, NetworkFloors, OperatorSecretKey } from "./floors";
import { monitoringSchema } from "./monitoring";
import { farcasterSyncSchema, kmsServiceSchema, messagingApiSchema, objectStoreSchema, relaySchema } from "./services";

const externalStoreSchema = z.strictObject({ host: hostname, port, cidrs });

/**
 * Postgres: where it is, the database and role the API uses, TLS, and where the password comes from:
 * an existing Secrets Manager secret (e.g. the one RDS manages) by ARN, or else the operator secret
 * `postgresPassword`.
 */
const postgresSchema = externalStoreSchema.extend({
    database: z.string({ error: "a Postgres database name" }).regex(/^[a-z_][a-z0-9_-]{0,62}$/, {
        error: "a Postgres database name: lower-case letters, digits, '_' and '-', at most 63",
    }),
    user: z
        .string({ error: "a Postgres role name" })
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "a Postgres role name" }),
    sslMode: z
        .enum(["require", "verify-ca", "verify-full"], {
            error: "one of require, verify-ca, verify-full (never plain text)",
        })
        .default("require"),
    password: existingSecretSchema.optional(),
});

/** Redis: where it is, TLS, an optional ACL user, and where the password comes from (as for Postgres). */
const redisSchema = externalStoreSchema.extend({
    tls: z.boolean({ error: "true or false" }).default(true),
    user: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "a Redis ACL user name" })
        .optional(),
    password: existingSecretSchema.optional(),
});

/**
 * Off-cluster backups of every store into the network's bucket: when (UTC; stagger the minute per
 * network), for how long, with which tools image, and the run's limits.
 */
const backupsSchema = z.strictObject({
    schedule: refined("a cron schedule", checkCronSchedule),
    retentionDays: int(1, 3650, "an integer from 1 to 3650 (days)"),
    noncurrentRetentionDays: int(1, 3650, "an integer from 1 to 3650 (days)"),
    /** bash, coreutils, AWS CLI v2, jq and postgresql-client, pinned. */
    image,
    resources: resourcesSchema.default({
        requests: { cpu: "100m", memory: "256Mi" },
        limits: { cpu: "1", memory: "1Gi" },
    }),
    activeDeadlineSeconds: int(600, 86_400, "an integer from 600 to 86400 (seconds)").default(3600),
    startingDeadlineSeconds: int(60, 86_400, "an integer from 60 to 86400 (seconds)").default(600),
    /** Room for one Postgres dump in the restore job's scratch space. */
    postgresScratchSize: bytes.default("20Gi"),
});

const clusterSchema = z.union(
    [
        z.strictObject({
            name: dnsLabel,
            oidcProviderArn: z.string({ error: "an EKS OIDC provider ARN" }),
            oidcIssuerUrl: z.string({ error: "the cluster's OIDC issuer URL" }),
            kubeContext: text("a kubeconfig context name").optional(),
        }),
        z.strictObject({
            stackReference: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
                error: "a fully qualified stack name <org>/<project>/<stack>",
            }),
            outputs: z
                .strictObject({
                    name: text("an output name"),
                    oidcProviderArn: text("an output name"),
                    oidcIssuerUrl: text("an output name"),
                    kubeconfig: text("an output name"),
                })
                .default({
                    name: "clusterName",
                    oidcProviderArn: "oidcProviderArn",
                    oidcIssuerUrl: "oidcIssuerUrl",
                    kubeconfig: "kubeconfig",
                }),
        }),
    ],
    { error: "either {name, oidcProviderArn, oidcIssuerUrl} or {stackReference: <org>/<project>/<stack>}" },
);

/** The schema of a stack of `network` (floors applied), or of an unknown network (no floors). */
export function stackSchema(network: Network | undefined) {
    const floors = network ? NETWORK_FLOORS[network] : undefined;
    const minReplicas = (service: keyof NetworkFloors["minReplicas"]) => (floors ? floors.minReplicas[service] : 1);
    const replicasFloor = (service: keyof NetworkFloors["minReplicas"]) =>
        int(
            minReplicas(service),
            100,
            `an integer from ${minReplicas(service)} to 100${network ? ` (the ${network} minimum is ${minReplicas(service)})` : ""}`,
        );
    return z.strictObject({
        network: z.enum(NETWORKS, { error: `one of ${NETWORKS.join(", ")}` }),
        owner: text("the owning team's name, used in tags"),
        aws: z.strictObject({
            accountId: z
                .string({ error: "a 12-digit AWS account id" })
                .regex(/^[0-9]{12}$/, { error: "a 12-digit AWS account id" }),
            kmsDeletionWindowDays: int(
                floors?.minKmsDeletionWindowDays ?? 7,
                30,
                `an integer from ${floors?.minKmsDeletionWindowDays ?? 7} to 30 (days)`,
            ),
            secretRecoveryWindowDays: int(
                floors?.minSecretRecoveryWindowDays ?? 7,
                30,
                `an integer from ${floors?.minSecretRecoveryWindowDays ?? 7} to 30 (days)`,
            ),
            apiCidrs: cidrs.default(["0.0.0.0/0"]),
        }),
        region: z
            .string({ error: "an AWS region such as us-east-1" })
            .regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { error: "an AWS region such as us-east-1" }),
        cluster: clusterSchema,
        domain: hostname,
        namespace: z.strictObject({
            name: dnsLabel,
            quota: z.strictObject({
                requestsCpu: cpu,
                requestsMemory: bytes,
                limitsCpu: cpu,
                limitsMemory: bytes,
                pods: int(1, 10_000),
                persistentVolumeClaims: int(0, 1000),
                requestsStorage: bytes,
            }),
            containerDefaults: z.strictObject({
                requests: z.strictObject({ cpu, memory: bytes }),
                limits: z.strictObject({ cpu, memory: bytes }),
            }),
        }),
        ingress: z.strictObject({
            namespace: dnsLabel,
            namespaceLabels: labels,
            className: dnsLabel,
            clusterIssuer: dnsLabel,
        }),
        monitoring: monitoringSchema,
        chain: chainSchema,
        services: z.strictObject({
            relay: relaySchema.extend({ replicas: replicasFloor("relay") }),
            kmsService: kmsServiceSchema.extend({ replicas: replicasFloor("kmsService") }),
            farcasterSync: farcasterSyncSchema,
            messagingApi: messagingApiSchema.extend({ replicas: replicasFloor("messagingApi") }),
            objectStore: objectStoreSchema,
        }),
        externalStores: z.strictObject({
            postgres: postgresSchema,
            redis: redisSchema,
            kafka: z.strictObject({
                brokers: z.array(endpoint).min(1, { error: "at least one host:port broker" }),
                cidrs,
            }),
            covenantSql: z.strictObject({
                endpoints: z.array(endpoint).min(1, { error: "at least one host:port endpoint" }),
                cidrs,
            }),
        }),
        backups: backupsSchema,
        protectStatefulResources: z.boolean({ error: "true or false" }),
    });
}

/** The whole validated config of one network, as the platform consumes it. */
export type StackConfig = z.output<ReturnType<typeof stackSchema>>;

/** Validated config plus what the loader derived: the stack file and operator secrets. */
export interface NetworkConfig extends StackConfig {
    /** The stack name (`pulumi stack select <stack>`). */
    stack: string;
    /** The file an operator edits to change this config. */
    stackFile: string;
    /** The network's floors, for components that size per network. */
    floors: NetworkFloors;
    /**
     * Operator-supplied secrets, always Pulumi secrets: every key `requiredOperatorSecrets`
     * lists for this stack (a store password is absent when the store names an existing secret).
     */
    operatorSecrets: Partial<Record<OperatorSecretKey, pulumi.Output<string>>>;
}
