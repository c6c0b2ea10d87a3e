/**
 * The mock-engine harness: runs a Pulumi program in-process under `pulumi.runtime.setMocks`
 * and records every resource it registers with its type, name, parent, inputs, options and the
 * outputs the mock answered (computed values from placeholders.ts).
 *
 * Tests, the policy integration tests, the offline plan and the benchmarks all use it, so it
 * holds no module-level state between runs: each call sets fresh mocks, fresh config and a
 * fresh root stack resource, and several stacks can run one after another in one process.
 */
import * as pulumi from "@pulumi/pulumi";
import { isRpcSecret, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import {
    AWS_PROVIDER_TYPE,
    AwsLocation,
    awsProviderLocation,
    placeholderState,
    providerOfReference,
    UNKNOWN_AWS_LOCATION,
} from "./placeholders";

/** The resource options the harness records, with resource references turned into URNs. */
export interface RecordedOptions {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
    replaceOnChanges: string[];
    dependsOn: string[];
    aliases: unknown[];
    /** The provider reference (`<provider urn>::<id>`) the engine was asked to use; absent for components. */
    provider?: string;
}

/** One registered resource as the engine saw it. */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent resource; the root stack's children have the stack URN here. */
    parent: string;
    /** True for provider-managed resources, false for components and the stack. */
    custom: boolean;
    /** Inputs as the provider would receive them, with secrets unwrapped to plain values. */
    inputs: Record<string, unknown>;
    /** Dotted paths of inputs that were Pulumi secrets (e.g. `stringData`, `data.password`). */
    secretPaths: string[];
    /**
     * The state the mock engine answered (see `placeholderState`): the inputs plus the values the
     * cloud computes (`id`, `arn`, ...), as stack policies see a resource under `pulumi up`.
     */
    outputs: Record<string, unknown>;
    options: RecordedOptions;
}

/** What a program run produced. */
export interface MockRun<T> {
    resources: RecordedResource[];
    outputs: T;
    /** Every invoke (data source call) the program made, in order. */
    invokes: { token: string; inputs: Record<string, unknown> }[];
}

/** How the mock engine answers one invoke token. An unlisted token fails the run. */
export type InvokeAnswers = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;

/** Options for one run. */
export interface MockRunOptions {
    project: string;
    stack: string;
    /** Full config keys (`project:key`, `aws:region`) to their raw string values. */
    config?: Record<string, string>;
    /** Config keys whose values are secrets. */
    secretKeys?: string[];
    invokes?: InvokeAnswers;
    /** Run as a preview (`pulumi preview`) rather than an update. */
    preview?: boolean;
    /**
     * Stack transformations applied before the harness records a resource, e.g. to derive an
     * insecure variant of the real program for a policy test.
     */
    transformations?: pulumi.ResourceTransformation[];
    /**
     * Outputs of the stacks the program references (`new pulumi.StackReference(name)`), by stack
     * name. A reference to a stack not listed fails the run, like an unexpected invoke.
     */
    stackReferences?: Record<string, Record<string, unknown>>;
}

function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
    if (isRpcSecret(value)) {
        secretPaths.push(path);
        return unwrapSecrets(unwrapRpcSecret(value), path, []);
    }
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, path ? `${path}.${k}` : k, secretPaths);
        return out;
    }
    return value;
}

/** Resolves an Output (or plain value) under the mock engine, without creating anything. */
async function settle<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
    if (value === undefined) return undefined;
    if (pulumi.Output.isInstance(value)) {
        // `promise()` is internal to the SDK but stable; it resolves once the mock has answered.
        return (value as unknown as { promise(): Promise<T> }).promise();
    }
    return value as T;
}

/** Aliases with resource references and Outputs resolved, so they print as data. */
async function settleAliases(aliases: pulumi.Input<pulumi.URN | pulumi.Alias>[]): Promise<unknown[]> {
    const settled: unknown[] = [];
    for (const alias of aliases) {
        const value = await settle(alias);
        if (value === undefined || typeof value === "string") {
            settled.push(value);
            continue;
        }
        const { parent, ...rest } = value as pulumi.Alias;
        const resolved: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(rest)) resolved[key] = await settle(field as pulumi.Input<unknown>);
        if (parent !== undefined)
            resolved.parent = pulumi.Resource.isInstance(parent) ? await settle(parent.urn) : await settle(parent);
        settled.push(resolved);
    }
    return settled;
}

interface PendingRecord {
    resource: pulumi.Resource;
    type: string;
    name: string;
    opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
}

function resourceKey(type: string, name: string): string {
    return `${type}::${name}`;
}

// Internal to the SDK (stripped from its .d.ts): the real runtime drains the RPC queue this way
// before the process exits. Without it a run's last registrations land on the next run's mocks.
const waitForRPCs = (runtimeSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

const failedRuns = new WeakMap<object, number>();

/** How many resources a failed run had registered when it threw `error` (undefined if not from a run). */
export function registeredBeforeFailure(error: unknown): number | undefined {
    return error !== null && typeof error === "object" ? failedRuns.get(error) : undefined;
}

/**
 * Runs `program` as the body of a Pulumi stack under the mock engine and returns what it
 * registered. The program is the same function `pulumi up` would run (index.ts's default export).
 */
export async function runInMockEngine<T>(program: () => T | Promise<T>, options: MockRunOptions): Promise<MockRun<T>> {
    const invokes: MockRun<T>["invokes"] = [];
    const engineRecords = new Map<
        string,
        {
            inputs: Record<string, unknown>;
            secretPaths: string[];
            outputs: Record<string, unknown>;
            provider?: string;
            custom: boolean;
        }
    >();
    // Where each AWS provider of the run puts its resources, by provider type and name.
    const awsLocations = new Map<string, AwsLocation>();
    const locationOf = (reference: string | undefined): AwsLocation => {
        const provider = providerOfReference(reference);
        return (provider && awsLocations.get(resourceKey(provider.type, provider.name))) ?? UNKNOWN_AWS_LOCATION;
    };
    const pending: PendingRecord[] = [];
    const unexpectedInvokes: string[] = [];

    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const secretPaths: string[] = [];
                const inputs = unwrapSecrets(args.inputs ?? {}, "", secretPaths) as Record<string, unknown>;
                let answer: { id: string; state: Record<string, unknown> };
                if (args.type === "pulumi:pulumi:StackReference") {
                    const outputs = options.stackReferences?.[String(inputs.name)];
                    if (!outputs)
                        throw new Error(
                            `unexpected StackReference to ${String(inputs.name)}: the mock engine answers only the stacks the harness lists`,
                        );
                    answer = { id: String(inputs.name), state: { name: inputs.name, outputs, secretOutputNames: [] } };
                } else {
                    if (args.type === AWS_PROVIDER_TYPE)
                        awsLocations.set(resourceKey(args.type, args.name), awsProviderLocation(inputs));
                    answer = placeholderState(args.type, args.name, inputs, locationOf(args.provider));
                }
                engineRecords.set(resourceKey(args.type, args.name), {
                    inputs,
                    secretPaths,
                    outputs: answer.state,
                    provider: args.provider,
                    custom: args.custom ?? true,
                });
                return answer;
            },
            call(args) {
                const inputs = unwrapSecrets(args.inputs ?? {}, "", []) as Record<string, unknown>;
                invokes.push({ token: args.token, inputs });
                const answer = options.invokes?.[args.token];
                if (!answer) {
                    const problem =
                        `unexpected invoke ${args.token} with ${JSON.stringify(inputs)}: the mock engine answers ` +
                        `only the invokes the harness lists`;
                    unexpectedInvokes.push(problem);
                    throw new Error(problem);
                }
                return answer(inputs);
            },
        },
        options.project,
        options.stack,
        options.preview ?? false,
    );
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

    let outputs: T;
    try {
        outputs = (await pulumi.runtime.runInPulumiStack(async () => {
            // Old-style stack transformations see every resource's options; they must be registered
            // inside the stack (see DEVELOPERS.md). The caller's run first; the recorder changes nothing.
            for (const transformation of options.transformations ?? [])
                pulumi.runtime.registerStackTransformation(transformation);
            pulumi.runtime.registerStackTransformation((args) => {
                pending.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts });
                return undefined;
            });
            return program();
        })) as T;
        await waitForRPCs();
    } catch (error) {
        await waitForRPCs();
        // The SDK reduces a failed invoke to a bare "Error"; say which invoke it was.
        const reported = unexpectedInvokes.length > 0 ? new Error(unexpectedInvokes.join("\n")) : error;
        if (reported !== null && typeof reported === "object") failedRuns.set(reported, pending.length);
        throw reported;
    }
    if (unexpectedInvokes.length > 0) throw new Error(unexpectedInvokes.join("\n"));

    // The stack's outputs can resolve before every registration has been answered; wait for all.
    const urns = await Promise.all(pending.map((record) => settle(record.resource.urn)));

    // Resources created without a parent hang off the root stack resource.
    const stackUrn = `urn:pulumi:${options.stack}::${options.project}::pulumi:pulumi:Stack::${options.project}-${options.stack}`;
    const resources: RecordedResource[] = [];
    for (const [index, record] of pending.entries()) {
        const engine = engineRecords.get(resourceKey(record.type, record.name));
        const opts = record.opts;
        const urn = urns[index] as string;
        const parent = opts.parent ? ((await settle(opts.parent.urn)) as string) : stackUrn;
        const dependsOnList =
            opts.dependsOn === undefined
                ? []
                : ((await settle(opts.dependsOn as pulumi.Input<pulumi.Input<pulumi.Resource>[]>)) ?? []);
        const dependsOn: string[] = [];
        for (const dep of Array.isArray(dependsOnList) ? dependsOnList : [dependsOnList]) {
            const resolved = await settle(dep as pulumi.Input<pulumi.Resource>);
            if (resolved) dependsOn.push((await settle(resolved.urn)) as string);
        }
        resources.push({
            type: record.type,
            name: record.name,
            urn,
            parent,
            custom: engine?.custom ?? pulumi.CustomResource.isInstance(record.resource),
            inputs: engine?.inputs ?? {},
            secretPaths: engine?.secretPaths ?? [],
            outputs: engine?.outputs ?? {},
            options: {
                protect: opts.protect ?? false,
                retainOnDelete: opts.retainOnDelete ?? false,
                deleteBeforeReplace: opts.deleteBeforeReplace ?? false,
                ignoreChanges: opts.ignoreChanges ?? [],
                additionalSecretOutputs: opts.additionalSecretOutputs ?? [],
                replaceOnChanges: opts.replaceOnChanges ?? [],
                dependsOn,
                aliases: await settleAliases(opts.aliases ?? []),
                provider: engine?.provider,
            },
        });
    }
    return { resources, outputs, invokes };
}
