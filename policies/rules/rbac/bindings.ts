/**
 * What a binding may grant: never the built-in superuser roles, and no cluster-wide read of
 * Secrets. A ClusterRole is cluster-wide only through a ClusterRoleBinding (a RoleBinding scopes
 * it to its namespace), so the Secret rule is a stack rule that looks at bindings and the
 * ClusterRoles of the stack they name, aggregated ones included; it also refuses a Secret-reading
 * ClusterRole that aggregates into the built-in `view` role, which anyone may hold cluster-wide.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    asArray,
    asRecord,
    defaultEnforcement,
    describeK8s,
    K8S,
    k8sName,
    selectorMatches,
    validateTypes,
} from "../util";
import { BINDING_TYPES, describeGrants, LocatedRule, Permission, policyRulesOf, roleRefOf } from "./permissions";

/**
 * The built-in user-facing ClusterRoles no binding of this stack may grant, and where (Kubernetes
 * docs, "Using RBAC Authorization", user-facing roles). cluster-admin is everything, so nowhere; admin and edit
 * are meant for a namespace through a RoleBinding (the documented way to make someone a namespace's
 * admin), so only a ClusterRoleBinding, which grants them in every namespace, is refused.
 */
export const FORBIDDEN_BUILT_IN_ROLES: ReadonlyMap<string, { anyBinding: boolean; grants: string }> = new Map([
    ["cluster-admin", { anyBinding: true, grants: "every verb on every resource" }],
    ["admin", { anyBinding: false, grants: "read of Secrets and management of Roles and RoleBindings" }],
    ["edit", { anyBinding: false, grants: "read of Secrets and running pods as any service account" }],
]);

/** No binding grants cluster-admin, and no ClusterRoleBinding grants admin or edit. */
export const rbacNoClusterAdminBinding: ResourceValidationPolicy = {
    name: "rbac-no-cluster-admin-binding",
    description:
        "No RoleBinding or ClusterRoleBinding may name the built-in ClusterRole cluster-admin, and no " +
        "ClusterRoleBinding the built-in admin or edit (a RoleBinding to admin or edit, scoped to one namespace, " +
        "is allowed), because they grant far more than any workload or operator of this stack needs.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "rbac"],
    validateResource: validateTypes(BINDING_TYPES, (args, reportViolation) => {
        const ref = roleRefOf(args);
        const builtIn = ref.kind === "ClusterRole" ? FORBIDDEN_BUILT_IN_ROLES.get(ref.name) : undefined;
        if (!builtIn) return;
        if (builtIn.anyBinding) {
            const where =
                args.type === K8S.ClusterRoleBinding
                    ? "in every namespace and of the cluster itself"
                    : "in the namespace, the Namespace object and its RoleBindings included";
            reportViolation(
                `roleRef is ClusterRole "${ref.name}", which grants ${builtIn.grants} ${where}; bind a Role that ` +
                    `lists only the verbs and resources the subjects need.`,
            );
        } else if (args.type === K8S.ClusterRoleBinding) {
            reportViolation(
                `roleRef is ClusterRole "${ref.name}" in a ClusterRoleBinding, which grants its ${builtIn.grants} ` +
                    `in every namespace, kube-system included; bind it with a RoleBinding in the namespace the ` +
                    `subjects work in, or bind a narrower role.`,
            );
        }
    }),
};

/** Reading Secrets: get, list and watch on core secrets. */
export const SECRET_READ: readonly Permission[] = [{ group: "", resource: "secrets", verbs: ["get", "list", "watch"] }];

/**
 * The rules a ClusterRole of the stack carries: its own, and for an aggregated one those of every
 * ClusterRole of the stack its clusterRoleSelectors select (transitively, as the controller fills
 * them in), each with the path that names it.
 */
export function effectiveClusterRoleRules(
    role: PolicyResource,
    clusterRoles: readonly PolicyResource[],
    seen: Set<PolicyResource> = new Set(),
): LocatedRule[] {
    seen.add(role);
    const selectors = asArray(asRecord(role.props.aggregationRule)?.clusterRoleSelectors);
    if (selectors.length === 0) return policyRulesOf(role.props);
    const rules: LocatedRule[] = [];
    for (const other of clusterRoles) {
        if (seen.has(other)) continue;
        const labels = (asRecord(asRecord(other.props.metadata)?.labels) ?? {}) as Record<string, string>;
        if (!selectors.some((s) => selectorMatches(s, labels))) continue;
        for (const { path, rule } of effectiveClusterRoleRules(other, clusterRoles, seen)) {
            rules.push({ path: `${path} of ClusterRole ${JSON.stringify(k8sName(other.props, other.name))}`, rule });
        }
    }
    return rules;
}

/**
 * The label that aggregates a ClusterRole into the built-in `view` role, which leaves Secrets out on
 * purpose (Kubernetes docs: reading them would let a viewer act as any service account).
 */
export const AGGREGATE_TO_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

/** No ClusterRoleBinding of a stack ClusterRole that reads Secrets, and no Secret read aggregated into `view`. */
export const rbacNoClusterSecretRead: StackValidationPolicy = {
    name: "rbac-no-cluster-secret-read",
    description:
        "No ClusterRoleBinding may bind a ClusterRole of the stack (its own rules, or those it aggregates) that " +
        "grants get, list or watch on secrets, because that reads every Secret of every namespace, kube-system's " +
        "included; a RoleBinding to it, or a Role, keeps the read to one namespace. Nor may such a ClusterRole " +
        "carry the aggregate-to-view label, so the built-in view role keeps leaving Secrets out.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "rbac"],
    validateStack: (args, reportViolation) => {
        const clusterRoles = args.resources.filter((r) => r.type === K8S.ClusterRole);
        const byName = new Map(clusterRoles.map((r) => [k8sName(r.props, r.name), r]));
        const secretReads = (role: PolicyResource) =>
            effectiveClusterRoleRules(role, clusterRoles)
                .map(({ path, rule }) => ({ path, granted: describeGrants(rule, SECRET_READ) }))
                .filter(({ granted }) => granted !== "")
                .map((r) => `${r.path} grants ${r.granted}`)
                .join("; ");
        for (const role of clusterRoles) {
            if (asRecord(asRecord(role.props.metadata)?.labels)?.[AGGREGATE_TO_VIEW] !== "true") continue;
            const reads = secretReads(role);
            if (reads === "") continue;
            reportViolation(
                `${describeK8s(role)}: metadata.labels["${AGGREGATE_TO_VIEW}"] is "true" and its ${reads}, so ` +
                    `every subject of the built-in view role, cluster-wide ones included, reads Secrets; remove ` +
                    `the label or drop secrets from the role.`,
                role.urn,
            );
        }
        for (const binding of args.resources) {
            if (binding.type !== K8S.ClusterRoleBinding) continue;
            const ref = roleRefOf(binding);
            const role = ref.kind === "ClusterRole" ? byName.get(ref.name) : undefined;
            if (!role) continue; // a built-in or external role: rbac-no-cluster-admin-binding covers the built-ins
            const reads = secretReads(role);
            if (reads === "") continue;
            reportViolation(
                `${describeK8s(binding)}: roleRef names ${describeK8s(role)}, whose ${reads}, so its subjects read the ` +
                    `Secrets of every namespace, kube-system's included; bind it with a RoleBinding in the ` +
                    `namespace whose Secrets they need, or drop secrets from the role.`,
                binding.urn,
            );
        }
    },
};
