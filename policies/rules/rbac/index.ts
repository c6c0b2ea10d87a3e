/**
 * RBAC: what Roles, ClusterRoles and their bindings may grant. The program itself declares no RBAC
 * (the deploy roles reach the cluster through EKS access entries made outside it); these rules guard what a change adds. One file
 * per subject; this index keeps the group and every export.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { rbacNoClusterAdminBinding, rbacNoClusterSecretRead } from "./bindings";
import { rbacNoExecAttach, rbacNoPrivilegeEscalationVerbs, rbacNoWildcards } from "./roles";

export * from "./bindings";
export * from "./permissions";
export * from "./roles";

/** The rbac group. */
export const rbacPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    rbacNoClusterAdminBinding,
    rbacNoWildcards,
    rbacNoExecAttach,
    rbacNoPrivilegeEscalationVerbs,
    rbacNoClusterSecretRead,
];
