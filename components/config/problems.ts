/**
 * Stack config problems beyond one field's schema: zod issues turned into problem reports with
 * config paths, rules that span fields, and values that name another network.
 */
import { z } from "zod";
import { ArgumentProblem, ProblemList } from "../errors";
import { Network, NETWORKS, otherNetworkNamed, PROJECT } from "../network";
import { parseByteQuantity, parseCpuMillis, parseOidcProviderArn } from "../validators";
import { inClusterChainRule } from "./chain";
import { hpaMinReplicasAllowed } from "./fields";
import { NETWORK_FLOORS } from "./floors";

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

export function problemsFromZod(issues: z.core.$ZodIssue[], raw: Record<string, unknown>): ArgumentProblem[] {
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

/** The raw, unvalidated config of a stack: `messaging-infra:*` keys without the prefix, plus `region`. */
export type RawStackConfig = Record<string, unknown>;

/** Reads a value at a dotted path of raw config, or `undefined` when any step is missing. */
function rawAt(raw: RawStackConfig, dotted: string): unknown {
    return valueAt(raw, dotted.split("."));
}

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === "string";

/** One rule that spans fields: reports through `add(path, allowed)`, the value given read at `path`. */
type CrossFieldRule = (
    raw: RawStackConfig,
    add: (path: string, allowed: string) => void,
    context: { stack: string; network: Network | undefined },
) => void;

/** A stack named after a network deploys that network. */
const stackIsItsNetwork: CrossFieldRule = (raw, add, { stack }) => {
    if ((NETWORKS as readonly string[]).includes(stack) && raw.network !== stack) {
        add("network", `"${stack}" (the stack is named ${stack}; a stack never deploys another network)`);
    }
};

/** The OIDC provider is an EKS one, in this account and region, and names the configured issuer. */
const oidcProviderMatchesCluster: CrossFieldRule = (raw, add) => {
    const arnText = rawAt(raw, "cluster.oidcProviderArn");
    if (!isString(arnText)) return;
    const arn = parseOidcProviderArn(arnText);
    if (!arn) {
        const allowed =
            "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>";
        add("cluster.oidcProviderArn", allowed);
        return;
    }
    const accountId = rawAt(raw, "aws.accountId");
    const issuerUrl = rawAt(raw, "cluster.oidcIssuerUrl");
    if (isString(accountId) && arn.accountId !== accountId) {
        add("cluster.oidcProviderArn", `an OIDC provider in this network's account ${accountId} (aws.accountId)`);
    }
    if (isString(raw.region) && arn.region !== raw.region) {
        add("cluster.oidcProviderArn", `an OIDC provider in this stack's region ${raw.region} (aws:region)`);
    }
    if (isString(issuerUrl) && issuerUrl !== `https://${arn.issuerHostPath}`) {
        add("cluster.oidcIssuerUrl", `https://${arn.issuerHostPath} (the issuer the OIDC provider ARN names)`);
    }
};

/** Protection where the network requires it; backups kept at least as long as noncurrent as current; the chain where it may run. */
const networkPosture: CrossFieldRule = (raw, add, { network }) => {
    if (network && NETWORK_FLOORS[network].requireProtection && raw.protectStatefulResources === false) {
        add("protectStatefulResources", `true (stateful resources are always protected on ${network})`);
    }
    const retention = rawAt(raw, "backups.retentionDays");
    const noncurrent = rawAt(raw, "backups.noncurrentRetentionDays");
    if (isInt(retention) && isInt(noncurrent) && noncurrent < retention) {
        add("backups.noncurrentRetentionDays", `an integer >= backups.retentionDays (${retention})`);
    }
    if (network && network !== "devnet" && rawAt(raw, "chain.mode") === "in-cluster") {
        add("chain.mode", `external (only devnet runs its own chain stack; ${network} uses a public L2 RPC)`);
    }
};

/** HPA bounds the right way round (min below max), at the network's floor, with the replica count inside them. */
const autoscalingBounds: CrossFieldRule = (raw, add, { network }) => {
    for (const service of ["relay", "messagingApi"] as const) {
        const floor = network ? NETWORK_FLOORS[network].minReplicas[service] : 1;
        const min = rawAt(raw, `services.${service}.autoscaling.minReplicas`);
        const max = rawAt(raw, `services.${service}.autoscaling.maxReplicas`);
        const replicas = rawAt(raw, `services.${service}.replicas`);
        if (!isInt(min) || !isInt(max)) continue;
        const at = `services.${service}`;
        // Equal bounds make an HPA that never scales: a fixed `replicas` says the same without one.
        if (min >= max) add(`${at}.autoscaling.minReplicas`, hpaMinReplicasAllowed(max));
        if (min < floor) add(`${at}.autoscaling.minReplicas`, `an integer >= ${floor} (the ${network} minimum)`);
        if (isInt(replicas) && min <= max && (replicas < min || replicas > max)) {
            add(
                `${at}.replicas`,
                `an integer from autoscaling.minReplicas (${min}) to autoscaling.maxReplicas (${max})`,
            );
        }
    }
};

/** No two ports of one service's pod share a number. */
const distinctPorts: CrossFieldRule = (raw, add) => {
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
};

/** Every service's limits are at least its requests. */
const limitsCoverRequests: CrossFieldRule = (raw, add) => {
    const services = rawAt(raw, "services");
    for (const service of services !== null && typeof services === "object" ? Object.keys(services) : []) {
        const at = `services.${service}.resources`;
        const quantity = (kind: "requests" | "limits", field: "cpu" | "memory" | "ephemeralStorage") => {
            const value = rawAt(raw, `${at}.${kind}.${field}`);
            if (!isString(value)) return undefined;
            return field === "cpu" ? parseCpuMillis(value) : parseByteQuantity(value);
        };
        for (const field of ["cpu", "memory", "ephemeralStorage"] as const) {
            const request = quantity("requests", field);
            const limit = quantity("limits", field);
            if (request !== undefined && limit !== undefined && limit < request) {
                const given = String(rawAt(raw, `${at}.requests.${field}`));
                add(`${at}.limits.${field}`, `a quantity >= requests.${field} (${given})`);
            }
        }
    }
};

/** An existing secret a store's password comes from lives in this network's account and region. */
const existingSecretsInThisAccount: CrossFieldRule = (raw, add) => {
    for (const store of ["postgres", "redis"]) {
        const path = `externalStores.${store}.password.secretArn`;
        const arn = rawAt(raw, path);
        const match = isString(arn) ? /^arn:[^:]+:secretsmanager:([^:]+):([0-9]{12}):secret:/.exec(arn) : null;
        if (!match) continue;
        const accountId = rawAt(raw, "aws.accountId");
        if (isString(accountId) && match[2] !== accountId) {
            add(path, `a secret in this network's account ${accountId} (aws.accountId)`);
        } else if (isString(raw.region) && match[1] !== raw.region) {
            add(path, `a secret in this stack's region ${raw.region} (aws:region)`);
        }
    }
};

/** The rules that span fields, in report order. A new area adds its rule here. */
const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
    stackIsItsNetwork,
    oidcProviderMatchesCluster,
    networkPosture,
    autoscalingBounds,
    distinctPorts,
    limitsCoverRequests,
    existingSecretsInThisAccount,
    inClusterChainRule,
];

/**
 * Rules that span fields. They read the raw input defensively, so they are reported together
 * with schema problems instead of after the operator has fixed those.
 */
export function crossFieldProblems(
    raw: RawStackConfig,
    stack: string,
    network: Network | undefined,
): ArgumentProblem[] {
    const problems = new ProblemList();
    const add = (path: string, allowed: string) => problems.add(`${PROJECT}:${path}`, rawAt(raw, path), allowed);
    for (const rule of CROSS_FIELD_RULES) rule(raw, add, { stack, network });
    return problems.problems;
}

/** Every string in the raw config that names a network other than this one. */
export function crossNetworkProblems(raw: Record<string, unknown>, network: Network): ArgumentProblem[] {
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
