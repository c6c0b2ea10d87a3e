/**
 * Reading and validating a stack's config: the raw config map the CLI hands a program, the typed
 * config, and the NetworkConfig every consumer takes. A bad config throws {@link ArgumentsError}
 * listing every problem at once, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { ArgumentsError } from "../errors";
import { isNetwork, PROJECT } from "../network";
import {
    existingSecretPath,
    NETWORK_FLOORS,
    OPERATOR_SECRET_KEYS,
    OperatorSecretKey,
    requiredOperatorSecrets,
} from "./floors";
import { crossFieldProblems, crossNetworkProblems, problemsFromZod, RawStackConfig, STACK_CONFIG } from "./problems";

export { RawStackConfig } from "./problems";
import { NetworkConfig, StackConfig, stackSchema } from "./schema";

/** How each operator secret is set in the stack: encrypted, in plain text, or not at all (absent key). */
export type OperatorSecretsPresence = Partial<Record<OperatorSecretKey, "secret" | "plain">>;

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
    const required = requiredOperatorSecrets(raw);
    for (const key of OPERATOR_SECRET_KEYS) {
        const presence = operatorSecrets[key];
        const instead = existingSecretPath(key);
        if (!required.includes(key)) {
            // Two sources for one password would leave it to chance which one the API uses.
            if (presence === undefined) continue;
            problems.push({
                path: `${PROJECT}:${key}`,
                given: presence === "plain" ? "[a plain, unencrypted value]" : "[a secret]",
                allowed: `nothing: ${PROJECT}:${instead} already names the secret (\`pulumi config rm ${key} --stack ${stack}\`)`,
            });
            continue;
        }
        if (presence === "secret") continue;
        const set = `a secret set with \`pulumi config set --secret ${key} <value> --stack ${stack}\``;
        problems.push({
            path: `${PROJECT}:${key}`,
            given: presence === "plain" ? "[a plain, unencrypted value]" : "(missing)",
            allowed:
                instead === undefined ? set : `${set}, or an existing Secrets Manager secret in ${PROJECT}:${instead}`,
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
    operatorSecrets: Partial<Record<OperatorSecretKey, pulumi.Output<string>>>,
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
    const secrets = requiredOperatorSecrets(raw).map((key) => [key, projectConfig.requireSecret(key)]);
    return toNetworkConfig(config, stack, Object.fromEntries(secrets));
}
