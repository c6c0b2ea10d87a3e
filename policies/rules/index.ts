/**
 * The pack's rules by area. Importing this module starts nothing (no analyzer, no gRPC server):
 * only policies/index.ts constructs the PolicyPack. Tests, the offline runner and benchmarks
 * import from here.
 */
import { apiVersionPolicies } from "./apiVersions";
import { awsPolicies } from "./aws";
import { networkPolicies } from "./network";
import { podSecurityPolicies } from "./podSecurity";
import { rbacPolicies } from "./rbac";
import { secretsPolicies } from "./secrets";
import { stackPolicies } from "./stack";
import type { EnforcementLevel } from "@pulumi/policy";
import type { PackPolicy } from "./util";
import { workloadPolicies } from "./workload";

export type { PackPolicy, RuleKind } from "./util";

/** The name the pack is published and configured under. */
export const PACK_NAME = "messaging-infra";

/** The pack-wide default enforcement level (each policy sets its own; see `defaultEnforcement`). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

/** The areas, in the order the pack lists them. */
export const POLICY_GROUP_NAMES = [
    "pod-security",
    "workload",
    "network",
    "rbac",
    "secrets",
    "aws",
    "api-versions",
    "stack",
] as const;

/** One of {@link POLICY_GROUP_NAMES}. */
export type PolicyGroupName = (typeof POLICY_GROUP_NAMES)[number];

/** Every policy, by area. */
export const policyGroups: Readonly<Record<PolicyGroupName, readonly PackPolicy[]>> = {
    "pod-security": podSecurityPolicies,
    workload: workloadPolicies,
    network: networkPolicies,
    rbac: rbacPolicies,
    secrets: secretsPolicies,
    aws: awsPolicies,
    "api-versions": apiVersionPolicies,
    stack: stackPolicies,
};

/** Every policy of the pack, group after group. */
export const allPolicies: readonly PackPolicy[] = POLICY_GROUP_NAMES.flatMap((group) => policyGroups[group]);

const groupByPolicy = new Map<string, PolicyGroupName>(
    POLICY_GROUP_NAMES.flatMap((group) => policyGroups[group].map((p) => [p.name, group] as const)),
);

/** The group a policy belongs to (`undefined` for a name the pack does not have). */
export function groupOf(policyName: string): PolicyGroupName | undefined {
    return groupByPolicy.get(policyName);
}

/** Whether a policy guards security (tagged `security`) rather than reliability. */
export function isSecurityPolicy(policy: PackPolicy): boolean {
    return (policy.tags ?? []).includes("security");
}
