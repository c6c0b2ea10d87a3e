/**
 * Runs the real program (index.ts) for a named stack under the mock engine, reading
 * `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { PROJECT, rawConfigFromCli, RawStackConfig, requiredOperatorSecrets } from "../components/config";
import program from "../index";
import { InvokeAnswers, MockRun, runInMockEngine } from "./mockEngine";
import { knownStacks, REPO_ROOT } from "./stackFiles";

export { knownStacks, REPO_ROOT } from "./stackFiles";

/** A stack's config as the CLI passes it: full keys to strings, plus which keys are secrets. */
export interface StackConfigFile {
    config: Record<string, string>;
    secretKeys: string[];
}

/** Reads `Pulumi.<stack>.yaml`. Structured values become JSON, as the CLI passes them. */
export function readStackFile(stack: string): StackConfigFile {
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file))
        throw new Error(
            `unknown stack "${stack}": there is no Pulumi.${stack}.yaml (known stacks: ${knownStacks().join(", ")})`,
        );
    const document = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(document?.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            // Ciphertext can only be decrypted by the CLI; offline runs see a labelled stand-in.
            config[key] = `offline-placeholder-for-${key}`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

/** Options of {@link runStack}. */
export interface RunStackOptions {
    /**
     * Operator secrets live only in the real stack's encrypted config, never in the repository.
     * By default offline runs supply a labelled placeholder for each missing one; set false to
     * see the program reject their absence.
     */
    operatorSecretPlaceholders?: boolean;
    /** Replaces or adds config values (full keys, raw strings) before the run. */
    configOverrides?: Record<string, string>;
    /** Removes config keys before the run. */
    removeKeys?: string[];
    preview?: boolean;
    /** Stack transformations applied to the program's resources before they are recorded. */
    transformations?: pulumi.ResourceTransformation[];
    /** Outputs of referenced stacks, by stack name (see `MockRunOptions.stackReferences`). */
    stackReferences?: Record<string, Record<string, unknown>>;
    /** Answers to invokes, on top of {@link EXISTING_SECRET_ANSWERS}. */
    invokes?: InvokeAnswers;
}

/** The stack's config as a run will see it, after placeholders and overrides. */
export function stackRunConfig(stack: string, options: RunStackOptions = {}): StackConfigFile {
    const { config, secretKeys } = readStackFile(stack);
    Object.assign(config, options.configOverrides ?? {});
    for (const key of options.removeKeys ?? []) delete config[key];
    if (options.operatorSecretPlaceholders ?? true) {
        // Only the secrets this config needs: a store that names an existing secret needs none.
        for (const key of requiredOperatorSecrets(rawConfigFromCli(config, () => true).raw)) {
            const full = `${PROJECT}:${key}`;
            if (!(full in config)) {
                config[full] = `offline-placeholder-for-${key}`;
                secretKeys.push(full);
            }
        }
    }
    return { config, secretKeys };
}

/** What index.ts's default export returns. */
export type StackOutputs = Record<string, unknown>;

/** Runs the real program for `stack` and returns every resource it registered. */
export async function runStack(stack: string, options: RunStackOptions = {}): Promise<MockRun<StackOutputs>> {
    const { config, secretKeys } = stackRunConfig(stack, options);
    // index.ts exports the program as a function, so importing it caches nothing stack-specific.
    return runInMockEngine(program as () => Promise<StackOutputs>, {
        project: PROJECT,
        stack,
        config,
        secretKeys,
        preview: options.preview,
        transformations: options.transformations,
        stackReferences: options.stackReferences,
        invokes: { ...EXISTING_SECRET_ANSWERS, ...options.invokes },
    });
}

/**
 * How offline runs answer the data sources the program reads: an existing Secrets Manager secret
 * (a store's password) reads as a labelled stand-in, in the JSON shape RDS-managed secrets have.
 */
export const EXISTING_SECRET_ANSWERS: InvokeAnswers = {
    "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => {
        const arn = String(inputs.secretId);
        const stand = `offline-placeholder-for-${arn.slice(arn.lastIndexOf(":") + 1)}`;
        return {
            arn,
            id: `${arn}|AWSCURRENT`,
            secretId: arn,
            secretString: JSON.stringify({ username: "offline-placeholder-user", password: stand }),
            versionId: "offline-placeholder-version",
            versionStage: "AWSCURRENT",
            versionStages: ["AWSCURRENT"],
        };
    },
};

/**
 * The raw config object `loadNetworkConfig` validates for `stack`, read from its stack file the
 * same way (`rawConfigFromCli`). Operator secrets are left out, as the loader leaves them out.
 */
export function rawStackConfig(stack: string): RawStackConfig {
    return rawConfigFromCli(readStackFile(stack).config, () => true).raw;
}
