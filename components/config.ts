/**
 * The typed, validated stack config. One zod schema describes a whole network; per-network
 * floors (replicas, deletion windows, protection) come from {@link NETWORK_FLOORS}. A bad
 * config throws {@link ArgumentsError} listing every problem at once, before any resource
 * is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { z } from "zod";
import { ArgumentProblem, ArgumentsError, ProblemList } from "./errors";
import {
    checkCronSchedule,
    checkEvmAddress,
    checkNetworkCidr,
    checkPinnedImage,
    DNS_LABEL_ALLOWED,
    intRangeAllowed,
    isDnsLabel,
    parseByteQuantity,
    parseCpuMillis,
    parseHostPort,
    parseOidcProviderArn,
} from "./validators";

import { isNetwork, Network, NETWORKS, otherNetworkNamed, PROJECT } from "./network";

export { Network, NETWORKS, PROJECT } from "./network";

/** What no stack of a network may go below. */
export interface NetworkFloors {
    minReplicas: { relay: number; kmsService: number; messagingApi: number };
    minKmsDeletionWindowDays: number;
    minSecretRecoveryWindowDays: number;
    /** Stateful resources must be `protect`ed on this network. */
    requireProtection: boolean;
}

/** DESIGN.md's network table as floors: testnet and mainnet are highly available and protected. */
export const NETWORK_FLOORS: Record<Network, NetworkFloors> = {
    devnet: {
        minReplicas: { relay: 1, kmsService: 1, messagingApi: 1 },
        minKmsDeletionWindowDays: 7,
        minSecretRecoveryWindowDays: 7,
        requireProtection: false,
    },
    testnet: {
        minReplicas: { relay: 2, kmsService: 2, messagingApi: 2 },
        minKmsDeletionWindowDays: 30,
        minSecretRecoveryWindowDays: 30,
        requireProtection: true,
    },
    mainnet: {
        minReplicas: { relay: 3, kmsService: 2, messagingApi: 3 },
        minKmsDeletionWindowDays: 30,
        minSecretRecoveryWindowDays: 30,
        requireProtection: true,
    },
};

/** Operator-supplied secrets: values only an operator knows, set with `pulumi config set --secret`. */
export const OPERATOR_SECRET_KEYS = ["covenantSqlCredentials", "jwtPublicKey"] as const;
/** One of {@link OPERATOR_SECRET_KEYS}. */
export type OperatorSecretKey = (typeof OPERATOR_SECRET_KEYS)[number];

// ---------------------------------------------------------------------------------------------
// Field schemas. Every message is the "allowed" half of a problem report.

const text = (what: string) => z.string({ error: what }).min(1, { error: what });
const refined = (what: string, check: (value: string) => string | undefined) =>
    z.string({ error: what }).superRefine((value, ctx) => {
        const problem = check(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    });
const int = (min: number, max: number, what?: string) => {
    const allowed = what ?? intRangeAllowed(min, max);
    return z
        .number({ error: allowed })
        .int({ error: allowed })
        .min(min, { error: allowed })
        .max(max, { error: allowed });
};
const port = int(1, 65535, "a port number from 1 to 65535");
const hostname = z
    .hostname({ error: "a DNS hostname such as db.devnet.example.org" })
    .refine((h) => h.includes("."), { error: "a fully qualified DNS hostname such as db.devnet.example.org" });
const cidr = refined("a network CIDR such as 10.20.0.0/16", checkNetworkCidr);
const cidrs = z.array(cidr, { error: "a list of network CIDRs" }).min(1, { error: "at least one network CIDR" });
const image = refined("a container image reference", checkPinnedImage);
const evmAddress = refined("an EVM address: 0x followed by 40 hex digits", checkEvmAddress);
const httpUrl = z.url({
    protocol: /^https?$/,
    hostname: z.regexes.domain,
    error: "an http(s) URL with a DNS hostname, e.g. https://rpc.devnet.example.org",
});
const endpoint = refined("a host:port endpoint such as kafka-1.devnet.example.org:9092", (v) =>
    parseHostPort(v) ? undefined : "a host:port endpoint such as kafka-1.devnet.example.org:9092",
);
const cpu = refined("a CPU quantity such as 250m or 1", (v) =>
    parseCpuMillis(v) === undefined ? "a CPU quantity such as 250m or 1" : undefined,
);
const bytes = refined("a memory or storage quantity such as 256Mi or 10Gi", (v) =>
    parseByteQuantity(v) === undefined ? "a memory or storage quantity such as 256Mi or 10Gi" : undefined,
);
const probePath = z
    .string({ error: "an HTTP path starting with /" })
    .regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: "an HTTP path starting with /, e.g. /health" });
const labels = z
    .record(z.string(), z.string().min(1, { error: "a non-empty label value" }), {
        error: "a map of label names to values",
    })
    .refine((m) => Object.keys(m).length > 0, {
        error: "at least one label that selects the namespace, e.g. kubernetes.io/metadata.name: ingress-nginx",
    });
const dnsLabel = z
    .string({ error: DNS_LABEL_ALLOWED })
    .refine((value) => isDnsLabel(value), { error: DNS_LABEL_ALLOWED });

const resourcesSchema = z.strictObject({
    requests: z.strictObject({ cpu, memory: bytes }),
    limits: z.strictObject({ cpu, memory: bytes }),
});

const autoscalingSchema = z.strictObject({
    minReplicas: int(1, 1000),
    maxReplicas: int(1, 1000),
    targetCpuUtilization: int(1, 100, "a CPU utilisation percentage from 1 to 100").default(70),
});

const probesSchema = z.strictObject({ health: probePath, ready: probePath });

const relaySchema = z.strictObject({
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

const kmsServiceSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3300), metrics: port.default(9103) })
        .default({ http: 3300, metrics: 9103 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

const farcasterSyncSchema = z.strictObject({
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

const messagingApiSchema = z.strictObject({
    image,
    replicas: int(1, 100),
    autoscaling: autoscalingSchema.optional(),
    resources: resourcesSchema,
    ports: z
        .strictObject({ http: port.default(3000), metrics: port.default(9090) })
        .default({ http: 3000, metrics: 9090 }),
    probes: probesSchema.default({ health: "/health", ready: "/ready" }),
});

const objectStoreSchema = z.strictObject({
    image,
    volumeSize: bytes,
    storageClass: dnsLabel.optional(),
    resources: resourcesSchema,
    port: port.default(9000),
});

const externalStoreSchema = z.strictObject({ host: hostname, port, cidrs });

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

const chainSchema = z.discriminatedUnion(
    "mode",
    [
        z.strictObject({
            mode: z.literal("in-cluster"),
            chainId: int(1, Number.MAX_SAFE_INTEGER),
            keyRegistryAddress: evmAddress,
            messageNodeRegistryAddress: evmAddress,
        }),
        z.strictObject({
            mode: z.literal("external"),
            chainId: int(1, Number.MAX_SAFE_INTEGER),
            rpcUrl: httpUrl,
            rpcCidrs: cidrs,
            rpcPort: port.default(443),
            keyRegistryAddress: evmAddress,
            messageNodeRegistryAddress: evmAddress,
        }),
    ],
    { error: "mode: in-cluster (devnet runs its own chain) or external (an L2 RPC URL and its CIDRs)" },
);

function stackSchema(network: Network | undefined) {
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
        monitoring: z.strictObject({
            enabled: z.boolean({ error: "true or false" }),
            namespace: dnsLabel,
            namespaceLabels: labels,
        }),
        chain: chainSchema,
        services: z.strictObject({
            relay: relaySchema.extend({ replicas: replicasFloor("relay") }),
            kmsService: kmsServiceSchema.extend({ replicas: replicasFloor("kmsService") }),
            farcasterSync: farcasterSyncSchema,
            messagingApi: messagingApiSchema.extend({ replicas: replicasFloor("messagingApi") }),
            objectStore: objectStoreSchema,
        }),
        externalStores: z.strictObject({
            postgres: externalStoreSchema.extend({
                database: dnsLabel.or(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)),
                user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "a Postgres role name" }),
            }),
            redis: externalStoreSchema,
            kafka: z.strictObject({
                brokers: z.array(endpoint).min(1, { error: "at least one host:port broker" }),
                cidrs,
            }),
            covenantSql: z.strictObject({
                endpoints: z.array(endpoint).min(1, { error: "at least one host:port endpoint" }),
                cidrs,
            }),
        }),
        backups: z.strictObject({
            schedule: refined("a cron schedule", checkCronSchedule),
            retentionDays: int(1, 3650, "an integer from 1 to 3650 (days)"),
            noncurrentRetentionDays: int(1, 3650, "an integer from 1 to 3650 (days)"),
        }),
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
    /** Operator-supplied secrets, always Pulumi secrets. */
    operatorSecrets: Record<OperatorSecretKey, pulumi.Output<string>>;
}

// ---------------------------------------------------------------------------------------------
// Problem reports

/** The subject of a stack config problem report: `Invalid stack config: <n> problems. Edit Pulumi.<stack>.yaml:`. */
export const STACK_CONFIG = "stack config";

function configPath(path: PropertyKey[]): string {
    const [top, ...rest] = path.map(String);
    const key = top === "region" ? "aws:region" : `${PROJECT}:${top ?? ""}`;
    return rest.length ? `${key}.${rest.join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]")}` : key;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    let current = root;
    for (const key of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
}

function problemsFromZod(issues: z.core.$ZodIssue[], raw: Record<string, unknown>): ArgumentProblem[] {
    const problems = new ProblemList();
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) {
                const path = [...issue.path, key];
                problems.add(
                    configPath(path),
                    valueAt(raw, path),
                    "no such setting (check the spelling against the README's config reference)",
                );
            }
            continue;
        }
        const given = valueAt(raw, issue.path);
        let allowed = issue.message;
        if (issue.code === "invalid_union" && issue.errors.length > 0) {
            // Report the branch the operator evidently meant (the one with the fewest problems).
            const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
            if (best.length > 0 && given !== null && typeof given === "object") {
                // Branch issues carry paths relative to the union.
                problems.problems.push(
                    ...problemsFromZod(
                        best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
                        raw,
                    ),
                );
                continue;
            }
        }
        if (given === undefined && issue.code === "invalid_type") allowed = `${issue.message} (required)`;
        problems.add(configPath(issue.path), given, allowed);
    }
    return problems.problems;
}

/** Reads a value at a dotted path of raw config, or `undefined` when any step is missing. */
function rawAt(raw: RawStackConfig, dotted: string): unknown {
    return valueAt(raw, dotted.split("."));
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === "string";

/**
 * Rules that span fields. They read the raw input defensively, so they are reported together
 * with schema problems instead of after the operator has fixed those.
 */
function crossFieldProblems(raw: RawStackConfig, stack: string, network: Network | undefined): ArgumentProblem[] {
    const problems = new ProblemList();
    const add = (path: string, allowed: string) => problems.add(`${PROJECT}:${path}`, rawAt(raw, path), allowed);

    if ((NETWORKS as readonly string[]).includes(stack) && raw.network !== stack) {
        add("network", `"${stack}" (the stack is named ${stack}; a stack never deploys another network)`);
    }
    const arnText = rawAt(raw, "cluster.oidcProviderArn");
    const issuerUrl = rawAt(raw, "cluster.oidcIssuerUrl");
    if (isString(arnText)) {
        const arn = parseOidcProviderArn(arnText);
        const accountId = rawAt(raw, "aws.accountId");
        if (!arn) {
            add(
                "cluster.oidcProviderArn",
                "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
            );
        } else {
            if (isString(accountId) && arn.accountId !== accountId)
                add(
                    "cluster.oidcProviderArn",
                    `an OIDC provider in this network's account ${accountId} (aws.accountId)`,
                );
            if (isString(raw.region) && arn.region !== raw.region)
                add("cluster.oidcProviderArn", `an OIDC provider in this stack's region ${raw.region} (aws:region)`);
            if (isString(issuerUrl) && issuerUrl !== `https://${arn.issuerHostPath}`)
                add("cluster.oidcIssuerUrl", `https://${arn.issuerHostPath} (the issuer the OIDC provider ARN names)`);
        }
    }
    if (network && NETWORK_FLOORS[network].requireProtection && raw.protectStatefulResources === false) {
        add("protectStatefulResources", `true (stateful resources are always protected on ${network})`);
    }
    const retention = rawAt(raw, "backups.retentionDays");
    const noncurrent = rawAt(raw, "backups.noncurrentRetentionDays");
    if (isInt(retention) && isInt(noncurrent) && noncurrent < retention)
        add("backups.noncurrentRetentionDays", `an integer >= backups.retentionDays (${retention})`);
    if (network && network !== "devnet" && rawAt(raw, "chain.mode") === "in-cluster") {
        add("chain.mode", `external (only devnet runs its own chain stack; ${network} uses a public L2 RPC)`);
    }

    for (const service of ["relay", "messagingApi"] as const) {
        const floor = network ? NETWORK_FLOORS[network].minReplicas[service] : 1;
        const min = rawAt(raw, `services.${service}.autoscaling.minReplicas`);
        const max = rawAt(raw, `services.${service}.autoscaling.maxReplicas`);
        const replicas = rawAt(raw, `services.${service}.replicas`);
        if (!isInt(min) || !isInt(max)) continue;
        if (min > max)
            add(`services.${service}.autoscaling.minReplicas`, `an integer <= autoscaling.maxReplicas (${max})`);
        if (min < floor)
            add(`services.${service}.autoscaling.minReplicas`, `an integer >= ${floor} (the ${network} minimum)`);
        if (isInt(replicas) && min <= max && (replicas < min || replicas > max)) {
            add(
                `services.${service}.replicas`,
                `an integer from autoscaling.minReplicas (${min}) to autoscaling.maxReplicas (${max})`,
            );
        }
    }

    for (const service of ["relay", "kmsService", "farcasterSync", "messagingApi"]) {
        const ports = rawAt(raw, `services.${service}.ports`);
        if (ports === null || typeof ports !== "object") continue;
        const seen = new Map<unknown, string>();
        for (const [name, value] of Object.entries(ports)) {
            const clash = seen.get(value);
            if (clash)
                add(`services.${service}.ports.${name}`, `a port not already used by ports.${clash} in the same pod`);
            else seen.set(value, name);
        }
    }

    const services = rawAt(raw, "services");
    for (const service of services !== null && typeof services === "object" ? Object.keys(services) : []) {
        const quantity = (kind: "requests" | "limits", field: "cpu" | "memory") => {
            const value = rawAt(raw, `services.${service}.resources.${kind}.${field}`);
            if (!isString(value)) return undefined;
            return field === "cpu" ? parseCpuMillis(value) : parseByteQuantity(value);
        };
        for (const field of ["cpu", "memory"] as const) {
            const request = quantity("requests", field);
            const limit = quantity("limits", field);
            if (request !== undefined && limit !== undefined && limit < request) {
                add(
                    `services.${service}.resources.limits.${field}`,
                    `a quantity >= requests.${field} (${String(rawAt(raw, `services.${service}.resources.requests.${field}`))})`,
                );
            }
        }
    }
    return problems.problems;
}

/** Every string in the raw config that names a network other than this one. */
function crossNetworkProblems(raw: Record<string, unknown>, network: Network): ArgumentProblem[] {
    const problems = new ProblemList();
    const visit = (value: unknown, path: PropertyKey[]) => {
        if (typeof value === "string") {
            const other = otherNetworkNamed(value, network);
            if (other)
                problems.add(
                    configPath(path),
                    value,
                    `a value of the ${network} network (this one names ${other}; endpoints, ARNs, buckets and hostnames never cross networks)`,
                );
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => visit(v, [...path, i]));
        } else if (value !== null && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
        }
    };
    for (const [key, value] of Object.entries(raw)) if (key !== "network") visit(value, [key]);
    return problems.problems;
}

/** How each operator secret is set in the stack: encrypted, in plain text, or not at all (absent key). */
export type OperatorSecretsPresence = Partial<Record<OperatorSecretKey, "secret" | "plain">>;

/** The raw, unvalidated config of a stack: `messaging-infra:*` keys without the prefix, plus `region`. */
export type RawStackConfig = Record<string, unknown>;

/**
 * Validates raw stack config. Returns the typed config, or throws {@link ArgumentsError} with
 * every problem: schema problems, cross-field rules, values naming another network and missing
 * or plain operator secrets (`operatorSecrets` says how each one is set).
 */
export function parseStackConfig(
    raw: RawStackConfig,
    stack: string,
    operatorSecrets: OperatorSecretsPresence,
): StackConfig {
    const stackFile = `Pulumi.${stack}.yaml`;
    const network = isNetwork(raw.network) ? raw.network : undefined;
    const result = stackSchema(network).safeParse(raw, { reportInput: true });
    const problems = result.success ? [] : problemsFromZod(result.error.issues, raw);
    // A field the schema already rejected needs no second report from a rule that spans fields.
    const reported = new Set(problems.map((p) => p.path));
    problems.push(...crossFieldProblems(raw, stack, network).filter((p) => !reported.has(p.path)));
    // A stack named after a network is that network, whatever the file claims.
    const expected = isNetwork(stack) ? stack : network;
    if (expected) problems.push(...crossNetworkProblems(raw, expected));
    for (const key of OPERATOR_SECRET_KEYS) {
        const presence = operatorSecrets[key];
        if (presence === "secret") continue;
        problems.push({
            path: `${PROJECT}:${key}`,
            given: presence === "plain" ? "[a plain, unencrypted value]" : "(missing)",
            allowed: `a secret set with \`pulumi config set --secret ${key} <value> --stack ${stack}\``,
        });
    }
    if (problems.length > 0 || !result.success) throw new ArgumentsError(STACK_CONFIG, problems, `Edit ${stackFile}`);
    return result.data;
}

// The SDK keeps this check internal (it is stripped from the .d.ts); it reads the secret keys the
// engine passed with the config, which is the only way to tell an encrypted value from a plain one.
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

function parseConfigValue(value: string): unknown {
    // Pulumi hands structured config to programs as JSON and scalars as strings.
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * Splits the config map the CLI hands a program (full keys to strings) into the raw config
 * `parseStackConfig` validates (`messaging-infra:*` without the prefix, plus `region` from
 * `aws:region`) and how each operator secret is set. Secret values never enter `raw`.
 */
export function rawConfigFromCli(
    all: Readonly<Record<string, string>>,
    isSecret: (fullKey: string) => boolean,
): { raw: RawStackConfig; operatorSecrets: OperatorSecretsPresence } {
    const prefix = `${PROJECT}:`;
    const raw: RawStackConfig = {};
    for (const [key, value] of Object.entries(all)) {
        if (!key.startsWith(prefix)) continue;
        const name = key.slice(prefix.length);
        if ((OPERATOR_SECRET_KEYS as readonly string[]).includes(name)) continue;
        raw[name] = parseConfigValue(value);
    }
    if (all["aws:region"] !== undefined) raw.region = all["aws:region"];
    const operatorSecrets: OperatorSecretsPresence = {};
    for (const key of OPERATOR_SECRET_KEYS) {
        if (`${prefix}${key}` in all) operatorSecrets[key] = isSecret(`${prefix}${key}`) ? "secret" : "plain";
    }
    return { raw, operatorSecrets };
}

/** Validated config plus what every consumer derives from it: stack file, floors, operator secrets. */
export function toNetworkConfig(
    config: StackConfig,
    stack: string,
    operatorSecrets: Record<OperatorSecretKey, pulumi.Output<string>>,
): NetworkConfig {
    return {
        ...config,
        stack,
        stackFile: `Pulumi.${stack}.yaml`,
        floors: NETWORK_FLOORS[config.network],
        operatorSecrets,
    };
}

/**
 * Reads and validates the current stack's config (`Pulumi.<stack>.yaml`). Reads nothing else;
 * components never read config themselves.
 */
export function loadNetworkConfig(): NetworkConfig {
    const stack = pulumi.getStack();
    const { raw, operatorSecrets } = rawConfigFromCli(pulumi.runtime.allConfig(), isConfigSecret);
    const config = parseStackConfig(raw, stack, operatorSecrets);
    const projectConfig = new pulumi.Config(PROJECT);
    return toNetworkConfig(
        config,
        stack,
        Object.fromEntries(OPERATOR_SECRET_KEYS.map((key) => [key, projectConfig.requireSecret(key)])) as Record<
            OperatorSecretKey,
            pulumi.Output<string>
        >,
    );
}
