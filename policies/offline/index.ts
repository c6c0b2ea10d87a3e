/**
 * Offline evaluation of the pack: runs every policy over a list of resources without the Pulumi
 * CLI or an analyzer process, the way @pulumi/policy's analyzer server would (server.js):
 *
 * - config: the CLI's reconciliation (schema defaults, `all`, per-policy entries, schema
 *   validation; see ../policyConfig.ts); `disabled` policies do not run; `remediate` reports as
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
 *
 * resources.ts builds what the policies see of a resource; evaluate.ts runs the pack.
 */
export { evaluatePolicies } from "./evaluate";
export type { EvaluateOptions, OfflineViolation } from "./evaluate";
export {
    NotApplicableError,
    policyResourceOptions,
    resourceValidationArgs,
    stackProps,
    toPolicyResources,
} from "./resources";
export type { OfflineResource } from "./resources";
export { loadPolicyConfig, PolicyConfigError, reconcilePolicyConfig } from "../policyConfig";
export type { PolicyConfigEntry, PolicyPackConfigFile, ReconciledPolicyConfig } from "../policyConfig";
