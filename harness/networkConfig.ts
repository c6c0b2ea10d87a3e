/**
 * The validated NetworkConfig of a real stack file, for tests that build one component from the
 * config slice the platform would pass it (without running the whole program).
 */
import * as pulumi from "@pulumi/pulumi";
import {
    NetworkConfig,
    parseStackConfig,
    PROJECT,
    rawConfigFromCli,
    requiredOperatorSecrets,
    toNetworkConfig,
} from "../components/config";
import { stackRunConfig } from "./stack";

/**
 * Reads `Pulumi.<stack>.yaml` the way the CLI hands it to a program (see `stackRunConfig`) and
 * validates it with `parseStackConfig`. Operator secrets are the harness's labelled placeholders.
 */
export function networkConfigFor(stack: string): NetworkConfig {
    const { config, secretKeys } = stackRunConfig(stack);
    const { raw, operatorSecrets } = rawConfigFromCli(config, (key) => secretKeys.includes(key));
    const parsed = parseStackConfig(raw, stack, operatorSecrets);
    const secrets = requiredOperatorSecrets(raw).map((key) => [key, pulumi.secret(config[`${PROJECT}:${key}`])]);
    return toNetworkConfig(parsed, stack, Object.fromEntries(secrets));
}
