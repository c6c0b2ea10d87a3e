/**
 * Running the pack: reconciled config and enforcement levels, resource policies by the types they
 * handle, then stack policies over one shared view of the stack.
 */
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { loadPolicyConfig, PolicyPackConfigFile, reconcilePolicyConfig, ReconciledPolicyConfig } from "../policyConfig";
import { allPolicies, groupOf, PACK_ENFORCEMENT_LEVEL, PackPolicy, PolicyGroupName } from "../rules";
import {
    baseArgs,
    makeLookup,
    NotApplicableError,
    OfflineResource,
    providerOf,
    throwNotApplicable,
    toPolicyResources,
    withConfig,
} from "./resources";

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
