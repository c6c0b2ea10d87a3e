/**
 * The validated NetworkConfig of a real stack file, for tests that build one component from the
 * config slice the platform would pass it (without running the whole program).
 */
import * as pulumi from "@pulumi/pulumi";
import { NETWORK_FLOORS, NetworkConfig, OPERATOR_SECRET_KEYS, OperatorSecretKey, OperatorSecretsPresence, parseStackConfig, PROJECT, RawStackConfig } from "../../components/config";
import { stackRunConfig } from "../harness/stack";

/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI hands it to a program (see `stackRunConfig`) and
 * validates it with `parseStackConfig`. Operator secrets are the harness's labelled placeholders.
 */
export function networkConfigFor(stack: string): NetworkConfig {
    const { config, secretKeys } = stackRunConfig(stack);
    const prefix = `${PROJECT}:`;
    const raw: RawStackConfig = {};
    for (const [key, value] of Object.entries(config)) {
        if (!key.startsWith(prefix)) continue;
        const name = key.slice(prefix.length);
        if ((OPERATOR_SECRET_KEYS as readonly string[]).includes(name)) continue;
        try {
            raw[name] = JSON.parse(value);
        } catch {
            raw[name] = value;
        }
    }
    if (config["aws:region"] !== undefined) raw.region = config["aws:region"];
    const presence: OperatorSecretsPresence = {};
    for (const key of OPERATOR_SECRET_KEYS) {
        const full = `${prefix}${key}`;
        if (full in config) presence[key] = secretKeys.includes(full) ? "secret" : "plain";
    }
    const parsed = parseStackConfig(raw, stack, presence);
    const operatorSecrets = Object.fromEntries(OPERATOR_SECRET_KEYS.map((key) => [key, pulumi.secret(config[`${prefix}${key}`])])) as Record<OperatorSecretKey, pulumi.Output<string>>;
    return { ...parsed, stack, stackFile: `Pulumi.${stack}.yaml`, floors: NETWORK_FLOORS[parsed.network], operatorSecrets };
}
