/**
 * Offline evaluation of the pack: runs every policy over a list of resources without the Pulumi
 * CLI or an analyzer process, the way @pulumi/policy's analyzer server would (server.js):
 *
 * - config: the CLI's reconciliation (schema defaults, `all`, per-policy entries, schema
 *   validation; see policyConfig.ts); `disabled` policies do not run; `remediate` reports as
 *   `mandatory`, as the server does;
 * - resource policies get `ResourceValidationArgs` (type, props, urn, name, opts, provider,
 *   stackTags, isType, asType, getConfig, notApplicable) per resource, are skipped for types their
 *   validation function does not handle (the SDK's `__pulumiType` fast path, and this pack's
 *   `__pulumiTypes`), and report against the resource's URN whatever URN they pass;
 * - stack policies get `StackValidationArgs` whose resources carry opts, provider, parent and
 *   dependencies (from `dependsOn`; the harness records no property dependencies);
 * - resource policies see a resource's inputs (`props`), as the analyzer's `analyze` call does;
 *   stack policies see its inputs overlaid with its `outputs` where it has them, as the
 *   analyzer's `analyzeStack` call sees outputs after `pulumi up`;
 * - `notApplicable` ends a validation quietly; any other error is rethrown with the policy and
 *   resource named.
 *
 * Differences from a CLI run, by construction: stack policies see inputs overlaid with outputs
 * (the CLI gives them outputs alone, which for a resource without recorded outputs are not known
 * here); one props object and one opts object per resource and view are shared by every policy
 * (the server deserializes fresh copies per policy), so policies must not mutate them;
 * `secretPaths` is accepted but, like the CLI (whose Node policy SDK drops the secret marker),
 * nothing about it reaches the policies.
 */
import type {
    EnforcementLevel,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { loadPolicyConfig, PolicyPackConfigFile, reconcilePolicyConfig, ReconciledPolicyConfig } from "./policyConfig";
import { allPolicies, groupOf, PACK_ENFORCEMENT_LEVEL, PackPolicy, PolicyGroupName } from "./rules";

export { loadPolicyConfig, PolicyConfigError, reconcilePolicyConfig } from "./policyConfig";
export type { PolicyConfigEntry, PolicyPackConfigFile, ReconciledPolicyConfig } from "./policyConfig";

/** One resource as the project's mock-engine harness hands it over. */
export interface OfflineResource {
    type: string; // e.g. "kubernetes:apps/v1:Deployment"
    name: string; // logical name
    urn: string;
    parent?: string; // parent urn
    // Inputs, secrets already unwrapped to plain values (as the policy engine gives them).
    props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // Outputs (inputs plus computed values such as `id` and `arn`), when the run recorded them.
    outputs?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    secretPaths?: string[]; // top-level or dotted paths of props that were Pulumi secrets
    options: {
        protect?: boolean;
        provider?: string;
        dependsOn?: string[];
        aliases?: unknown[];
        retainOnDelete?: boolean;
        ignoreChanges?: string[];
        deleteBeforeReplace?: boolean;
        additionalSecretOutputs?: string[];
    };
}

/** One reported violation. */
export interface OfflineViolation {
    policyName: string;
    group: PolicyGroupName | "other";
    /** `advisory` or `mandatory` (a `remediate` policy's violation reports as `mandatory`, as in the CLI). */
    enforcementLevel: EnforcementLevel;
    urn: string;
    type: string;
    name: string;
    message: string;
}

/** Options of {@link evaluatePolicies}. */
export interface EvaluateOptions {
    /**
     * A config file's content, or a network whose `policies/config/<network>.json` to load.
     * Default: no config (each policy's own level and schema defaults).
     */
    config?: PolicyPackConfigFile | string;
    /** The policies to run (default: the whole pack). */
    policies?: readonly PackPolicy[];
    /** Stack tags the policies see. */
    stackTags?: Record<string, string>;
}

/** Thrown by `args.notApplicable`; ends the validation without a violation, as in the analyzer. */
export class NotApplicableError extends Error {
    constructor(public readonly reason?: string) {
        super(reason ?? "Policy does not apply");
        this.name = "NotApplicableError";
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

type ResourceClass = { new (...rest: never[]): unknown; __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };

/** The analyzer's type test: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
    const pulumiType = resourceClass.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType.length > 0) return type === pulumiType;
    const isInstance = resourceClass.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** The engine's resource options for a recorded resource. */
export function policyResourceOptions(resource: OfflineResource): PolicyResourceOptions {
    const o = resource.options ?? {};
    const opts: PolicyResourceOptions = {
        protect: o.protect ?? false,
        ignoreChanges: [...(o.ignoreChanges ?? [])],
        aliases: (o.aliases ?? []).filter((a): a is string => typeof a === "string"),
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [...(o.additionalSecretOutputs ?? [])],
    };
    if (o.deleteBeforeReplace !== undefined) opts.deleteBeforeReplace = o.deleteBeforeReplace;
    if (resource.parent) opts.parent = resource.parent;
    return opts;
}

/** Finds the resource a URN (or a provider reference `<urn>::<id>`) names. */
function makeLookup(resources: readonly OfflineResource[]): (ref: string | undefined) => OfflineResource | undefined {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return (ref) => {
        if (!ref) return undefined;
        const exact = byUrn.get(ref);
        if (exact) return exact;
        const cut = ref.lastIndexOf("::");
        return cut > 0 ? byUrn.get(ref.slice(0, cut)) : undefined;
    };
}

/** A resource's props as stack policies see them: its inputs overlaid with its outputs, when recorded. */
export function stackProps(resource: OfflineResource): PolicyResource["props"] {
    return resource.outputs === undefined ? resource.props : { ...resource.props, ...resource.outputs };
}

/** The provider of a resource as the analyzer describes it (type, props, urn, name), with props from `view`. */
function providerOf(
    resource: OfflineResource,
    lookup: (ref: string | undefined) => OfflineResource | undefined,
    view: (found: OfflineResource) => Record<string, unknown> = (found) => found.props,
): PolicyProviderResource | undefined {
    const ref = resource.options?.provider;
    if (!ref) return undefined;
    const found = lookup(ref);
    if (found) return { type: found.type, props: view(found), urn: found.urn, name: found.name };
    // An unrecorded provider: its type and name are still in the reference's URN.
    const cut = ref.lastIndexOf("::");
    const urn = cut > 0 && ref.slice(0, cut).includes("::pulumi:providers:") ? ref.slice(0, cut) : ref;
    const parts = urn.split("::");
    return parts.length >= 4
        ? { type: parts[parts.length - 2], props: {}, urn, name: parts[parts.length - 1] }
        : undefined;
}

/**
 * Stack-policy view of the resources: PolicyResources with parents and dependencies linked, and
 * props (theirs and their providers') from {@link stackProps}.
 */
export function toPolicyResources(resources: readonly OfflineResource[]): PolicyResource[] {
    const lookup = makeLookup(resources);
    const views = new Map(resources.map((r) => [r, stackProps(r)]));
    const view = (r: OfflineResource) => views.get(r) ?? stackProps(r);
    const out = resources.map((r) => {
        const props = view(r);
        const policyResource: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: policyResourceOptions(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls as ResourceClass),
            asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(r, lookup, view);
        if (provider) policyResource.provider = provider;
        return policyResource;
    });
    const byUrn = new Map(out.map((p) => [p.urn, p]));
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) out[i].parent = parent;
        out[i].dependencies = (r.options?.dependsOn ?? [])
            .map((u) => byUrn.get(u))
            .filter((d): d is PolicyResource => d !== undefined);
    });
    return out;
}

/** The resource-policy args for one resource and one policy's config. */
export function resourceValidationArgs(
    resource: OfflineResource,
    properties: Record<string, unknown> = {},
    context: { provider?: PolicyProviderResource; stackTags?: ReadonlyMap<string, string> } = {},
): ResourceValidationArgs {
    return withConfig(baseArgs(resource, context.provider, context.stackTags ?? new Map()), properties);
}

/** Everything of a resource's args except getConfig (built once per resource, shared by its policies). */
function baseArgs(
    resource: OfflineResource,
    provider: PolicyProviderResource | undefined,
    stackTags: ReadonlyMap<string, string>,
): Omit<ResourceValidationArgs, "getConfig"> {
    const base: Omit<ResourceValidationArgs, "getConfig"> = {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: policyResourceOptions(resource),
        stackTags,
        isType: (cls) => isTypeOf(resource.type, cls as ResourceClass),
        asType: ((cls: ResourceClass) =>
            isTypeOf(resource.type, cls) ? resource.props : undefined) as ResourceValidationArgs["asType"],
        notApplicable: throwNotApplicable,
    };
    if (provider) base.provider = provider;
    return base;
}

function withConfig(
    base: Omit<ResourceValidationArgs, "getConfig">,
    properties: Record<string, unknown>,
): ResourceValidationArgs {
    return { ...base, getConfig: <T extends object>() => ({ ...properties }) as T };
}

function isResourcePolicy(p: PackPolicy): p is ResourceValidationPolicy {
    const v = (p as ResourceValidationPolicy).validateResource;
    return typeof v === "function" || Array.isArray(v);
}

function isStackPolicy(p: PackPolicy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** The types a validation declares it handles (`undefined`: any type). */
function declaredTypes(validation: ResourceValidation): readonly string[] | undefined {
    const tagged = validation as ResourceValidation & { __pulumiType?: unknown; __pulumiTypes?: unknown };
    if (typeof tagged.__pulumiType === "string" && tagged.__pulumiType !== "") return [tagged.__pulumiType];
    if (Array.isArray(tagged.__pulumiTypes)) return tagged.__pulumiTypes as string[];
    return undefined;
}

async function settle(result: void | Promise<void>): Promise<void> {
    if (result && typeof (result as Promise<void>).then === "function") await result;
}

function reportLevel(level: EnforcementLevel): EnforcementLevel {
    return level === "remediate" ? "mandatory" : level;
}

function wrap(e: unknown, policy: string, subject: string): Error {
    const message = e instanceof Error ? e.message : String(e);
    const error: Error & { cause?: unknown } = new Error(
        `Error validating ${subject} with policy '${policy}': ${message}`,
    );
    error.cause = e;
    return error;
}

/**
 * Evaluates the pack (or `options.policies`) over `resources` and returns every violation, with
 * each policy's reconciled enforcement level. Resource violations come first, in resource then
 * policy order; stack violations follow, in policy order.
 */
export async function evaluatePolicies(
    resources: readonly OfflineResource[],
    options: EvaluateOptions = {},
): Promise<OfflineViolation[]> {
    const policies = options.policies ?? allPolicies;
    const configFile = typeof options.config === "string" ? loadPolicyConfig(options.config) : (options.config ?? {});
    const source = typeof options.config === "string" ? `policies/config/${options.config}.json` : "(inline)";
    const { byPolicy } = reconcilePolicyConfig(policies, configFile, PACK_ENFORCEMENT_LEVEL, source);
    const stackTags: ReadonlyMap<string, string> = new Map(Object.entries(options.stackTags ?? {}));
    const lookup = makeLookup(resources);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const violations: OfflineViolation[] = [];

    // Resource policies, indexed by the types they handle.
    type Entry = {
        policy: ResourceValidationPolicy;
        validations: ResourceValidation[];
        config: ReconciledPolicyConfig;
        order: number;
    };
    const anyType: Entry[] = [];
    const byType = new Map<string, Entry[]>();
    policies.forEach((policy, order) => {
        const config = byPolicy.get(policy.name) as ReconciledPolicyConfig;
        if (
            config.enforcementLevel === "disabled" ||
            !isResourcePolicy(policy) ||
            policy.validateResource === undefined
        )
            return;
        const validations = Array.isArray(policy.validateResource)
            ? policy.validateResource
            : [policy.validateResource];
        const entry: Entry = { policy, validations, config, order };
        const types = validations.map(declaredTypes);
        if (types.some((t) => t === undefined)) {
            anyType.push(entry);
            return;
        }
        for (const type of new Set(types.flatMap((t) => t as readonly string[])))
            byType.set(type, [...(byType.get(type) ?? []), entry]);
    });

    for (const resource of resources) {
        const typed = byType.get(resource.type) ?? [];
        const entries = anyType.length === 0 ? typed : [...typed, ...anyType].sort((a, b) => a.order - b.order);
        if (entries.length === 0) continue;
        const base = baseArgs(resource, providerOf(resource, lookup), stackTags);
        for (const { policy, validations, config } of entries) {
            const report: ReportViolation = (message) => {
                violations.push({
                    policyName: policy.name,
                    group: groupOf(policy.name) ?? "other",
                    enforcementLevel: reportLevel(config.enforcementLevel),
                    urn: resource.urn,
                    type: resource.type,
                    name: resource.name,
                    message,
                });
            };
            for (const validation of validations) {
                const args = withConfig(base, config.properties);
                try {
                    await settle(validation(args, report));
                } catch (e) {
                    if (e instanceof NotApplicableError) continue;
                    throw wrap(e, policy.name, `resource ${resource.urn}`);
                }
            }
        }
    }

    // Stack policies, over one shared view of the stack.
    let stackResources: PolicyResource[] | undefined;
    for (const policy of policies) {
        const config = byPolicy.get(policy.name) as ReconciledPolicyConfig;
        if (config.enforcementLevel === "disabled" || !isStackPolicy(policy)) continue;
        stackResources ??= toPolicyResources(resources);
        const report: ReportViolation = (message, urn) => {
            const subject = urn ? byUrn.get(urn) : undefined;
            violations.push({
                policyName: policy.name,
                group: groupOf(policy.name) ?? "other",
                enforcementLevel: reportLevel(config.enforcementLevel),
                urn: urn ?? "",
                type: subject?.type ?? "",
                name: subject?.name ?? "",
                message,
            });
        };
        const args: StackValidationArgs = {
            resources: stackResources,
            stackTags,
            getConfig: <T extends object>() => ({ ...config.properties }) as T,
            notApplicable: throwNotApplicable,
        };
        try {
            await settle(policy.validateStack(args, report));
        } catch (e) {
            if (e instanceof NotApplicableError) continue;
            throw wrap(e, policy.name, "the stack");
        }
    }
    return violations;
}
