/**
 * Policy-pack config files (`pulumi preview --policy-pack-config <file>`), read and reconciled
 * the way the Pulumi CLI does it (pkg/resource/analyzer/config.go): start from each policy's
 * configSchema defaults and its own enforcement level, apply `all`, then each policy's entry,
 * then validate every policy's properties against its schema and report every problem at once.
 *
 * No third-party JSON-schema library: the pack's runtime dependencies stay @pulumi/policy and
 * @pulumi/pulumi, so {@link validateAgainstSchema} implements the keywords policy schemas use.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

/** One entry of a config file: an enforcement level, or an object with an optional level and properties. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** A policy-pack config file: `{ "all": "advisory", "<policy>": { "enforcementLevel": ..., ...props } }`. */
export type PolicyPackConfigFile = Record<string, PolicyConfigEntry>;

/** What a policy runs with after reconciliation. */
export interface ReconciledPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** The enforcement levels the CLI accepts. */
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** What reconciliation needs to know about a policy. */
export interface ConfigurablePolicy {
    name: string;
    enforcementLevel?: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
}

/** A config file or reconciliation problem; `problems` lists every one of them. */
export class PolicyConfigError extends Error {
    constructor(
        public readonly source: string,
        public readonly problems: string[],
    ) {
        super(`invalid policy-pack config ${source}:\n  - ${problems.join("\n  - ")}`);
        this.name = "PolicyConfigError";
    }
}

/** The directory of the per-network config files. */
export const CONFIG_DIR = path.join(__dirname, "config");

/** The networks that have a config file. */
export function configuredNetworks(): string[] {
    return fs
        .readdirSync(CONFIG_DIR)
        .map((f) => /^([a-z0-9-]+)\.json$/.exec(f)?.[1])
        .filter((n): n is string => n !== undefined)
        .sort();
}

/** Reads `policies/config/<network>.json`, checking its shape (not yet the schemas). */
export function loadPolicyConfig(network: string): PolicyPackConfigFile {
    const file = path.join(CONFIG_DIR, `${network}.json`);
    if (!/^[a-z0-9-]+$/.test(network) || !fs.existsSync(file)) {
        throw new PolicyConfigError(`policies/config/${network}.json`, [
            `there is no config for network ${JSON.stringify(network)}; known: ${configuredNetworks().join(", ")}`,
        ]);
    }
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    const problems = checkConfigShape(parsed);
    if (problems.length > 0) throw new PolicyConfigError(`policies/config/${network}.json`, problems);
    return parsed as PolicyPackConfigFile;
}

/** Problems with a config file's shape, as the CLI's parser reports them. */
export function checkConfigShape(config: unknown): string[] {
    if (config === null || typeof config !== "object" || Array.isArray(config))
        return ["the file must hold a JSON object"];
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        if (typeof value === "string") {
            if (!ENFORCEMENT_LEVELS.includes(value as EnforcementLevel))
                problems.push(
                    `${key}: ${JSON.stringify(value)} is not an enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`,
                );
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const level = (value as Record<string, unknown>).enforcementLevel;
            if (level !== undefined && !ENFORCEMENT_LEVELS.includes(level as EnforcementLevel))
                problems.push(
                    `${key}.enforcementLevel: ${JSON.stringify(level)} is not an enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`,
                );
            if (key === "all" && Object.keys(value).some((k) => k !== "enforcementLevel"))
                problems.push(
                    `all: only enforcementLevel applies to every policy; put properties under a policy's name`,
                );
        } else {
            problems.push(`${key}: ${JSON.stringify(value)} must be an enforcement level or an object`);
        }
    }
    return problems;
}

/** Splits an entry into its enforcement level and its properties. */
function splitEntry(entry: PolicyConfigEntry): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    if (typeof entry === "string") return { level: entry, properties: {} };
    const { enforcementLevel, ...properties } = entry;
    return { level: enforcementLevel, properties };
}

/**
 * Reconciles a config file with the policies, as the CLI does before it configures the
 * analyzer: defaults from each configSchema, the policy's level (else `packLevel`), then `all`,
 * then each policy's own entry. Throws {@link PolicyConfigError} listing every schema violation.
 * Names the config has but the pack does not are returned in `unknown` (the CLI ignores them).
 */
export function reconcilePolicyConfig(
    policies: readonly ConfigurablePolicy[],
    config: PolicyPackConfigFile = {},
    packLevel: EnforcementLevel = "advisory",
    source = "(inline)",
): { byPolicy: Map<string, ReconciledPolicyConfig>; unknown: string[] } {
    const shape = checkConfigShape(config);
    if (shape.length > 0) throw new PolicyConfigError(source, shape);
    const byPolicy = new Map<string, ReconciledPolicyConfig>();
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) properties[key] = structuredClone(schema.default);
        }
        byPolicy.set(policy.name, { enforcementLevel: policy.enforcementLevel ?? packLevel, properties });
    }
    const all = config.all === undefined ? undefined : splitEntry(config.all).level;
    if (all) for (const entry of byPolicy.values()) entry.enforcementLevel = all;
    const unknown: string[] = [];
    for (const [name, raw] of Object.entries(config)) {
        if (name === "all") continue;
        const target = byPolicy.get(name);
        if (!target) {
            unknown.push(name);
            continue;
        }
        const { level, properties } = splitEntry(raw);
        if (level) target.enforcementLevel = level;
        Object.assign(target.properties, properties);
    }
    const problems: string[] = [];
    for (const policy of policies) {
        if (!policy.configSchema) continue;
        const props = byPolicy.get(policy.name)?.properties ?? {};
        const schema: PolicyConfigJSONSchema = {
            type: "object",
            properties: policy.configSchema.properties,
            required: policy.configSchema.required,
        };
        for (const problem of validateAgainstSchema(schema, props, "")) problems.push(`${policy.name}: ${problem}`);
    }
    if (problems.length > 0) throw new PolicyConfigError(source, problems);
    return { byPolicy, unknown };
}

function typeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
    return expected === actual || (expected === "number" && actual === "integer");
}

/**
 * Validates a value against the JSON-schema keywords policy config schemas use (type, enum,
 * const, numeric and length bounds, pattern, items, uniqueItems, properties, required,
 * additionalProperties) and returns every problem as `<path>: <what is wrong>`.
 */
export function validateAgainstSchema(schema: PolicyConfigJSONSchemaDefinition, value: unknown, at: string): string[] {
    if (schema === true) return [];
    const where = at === "" ? "(root)" : at;
    if (schema === false) return [`${where}: no value is allowed here`];
    const problems: string[] = [];
    const actual = typeOf(value);
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        if (!types.some((t) => typeMatches(t, actual)))
            return [`${where}: ${JSON.stringify(value)} is not of type ${types.join(" or ")}`];
    }
    if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
        problems.push(`${where}: must be ${JSON.stringify(schema.const)}`);
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum)
            problems.push(`${where}: ${value} is less than the minimum ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum)
            problems.push(`${where}: ${value} is more than the maximum ${schema.maximum}`);
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
            problems.push(`${where}: ${value} must be more than ${schema.exclusiveMinimum}`);
        if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
            problems.push(`${where}: ${value} must be less than ${schema.exclusiveMaximum}`);
        if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0)
            problems.push(`${where}: ${value} is not a multiple of ${schema.multipleOf}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength)
            problems.push(`${where}: shorter than ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength)
            problems.push(`${where}: longer than ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
            problems.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems)
            problems.push(`${where}: fewer than ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems)
            problems.push(`${where}: more than ${schema.maxItems} items`);
        if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
            problems.push(`${where}: items are not unique`);
        if (schema.items !== undefined && !Array.isArray(schema.items)) {
            value.forEach((item, i) =>
                problems.push(
                    ...validateAgainstSchema(schema.items as PolicyConfigJSONSchemaDefinition, item, `${at}[${i}]`),
                ),
            );
        }
    }
    if (actual === "object") {
        const record = value as Record<string, unknown>;
        for (const key of schema.required ?? []) {
            if (record[key] === undefined) problems.push(`${where}: ${key} is required`);
        }
        for (const [key, item] of Object.entries(record)) {
            const child = at === "" ? key : `${at}.${key}`;
            const sub = schema.properties?.[key];
            if (sub !== undefined) problems.push(...validateAgainstSchema(sub, item, child));
            else if (schema.additionalProperties !== undefined)
                problems.push(...validateAgainstSchema(schema.additionalProperties, item, child));
        }
    }
    return problems;
}
