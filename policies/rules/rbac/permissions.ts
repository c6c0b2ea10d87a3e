/**
 * How an RBAC PolicyRule grants a permission, as the API server's authorizer matches it
 * (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac): `*` matches any API group, resource or verb,
 * and `*\/<subresource>` matches that subresource of any resource. The role rules and the binding
 * rules share it, so a wildcard grants what a named permission would.
 */
import type { PolicyResource } from "@pulumi/policy";
import { asArray, asRecord, K8S } from "../util";

/** The Kubernetes object types that hold RBAC rules. */
export const ROLE_TYPES: readonly string[] = [K8S.Role, K8S.ClusterRole];

/** The Kubernetes object types that bind a role to subjects. */
export const BINDING_TYPES: readonly string[] = [K8S.RoleBinding, K8S.ClusterRoleBinding];

/** One rule of a Role or ClusterRole, as far as the rules read it (absent or malformed lists read as empty). */
export interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames: string[];
    nonResourceURLs: string[];
}

/** A rule of a role with the path that names it in messages (`rules[0]`). */
export interface LocatedRule {
    path: string;
    rule: PolicyRule;
}

function strings(value: unknown): string[] {
    return asArray(value).filter((v): v is string => typeof v === "string");
}

/** The rules a Role or ClusterRole declares itself (an aggregated ClusterRole's are filled in by the controller). */
export function policyRulesOf(props: Record<string, unknown>): LocatedRule[] {
    return asArray(props.rules).map((raw, i) => {
        const r = asRecord(raw) ?? {};
        return {
            path: `rules[${i}]`,
            rule: {
                apiGroups: strings(r.apiGroups),
                resources: strings(r.resources),
                verbs: strings(r.verbs),
                resourceNames: strings(r.resourceNames),
                nonResourceURLs: strings(r.nonResourceURLs),
            },
        };
    });
}

/** A permission worth naming: some verbs on a resource (`pods/exec`) of an API group (`""` is core). */
export interface Permission {
    group: string;
    resource: string;
    verbs: readonly string[];
}

function matchesResource(ruleResources: readonly string[], resource: string): boolean {
    const slash = resource.indexOf("/");
    const subresource = slash < 0 ? undefined : resource.slice(slash + 1);
    return ruleResources.some(
        (r) => r === "*" || r === resource || (subresource !== undefined && r === `*/${subresource}`),
    );
}

/** The verbs of `permission` that `rule` grants (in the permission's order; none when its group or resource does not match). */
export function grantedVerbs(rule: PolicyRule, permission: Permission): string[] {
    if (!rule.apiGroups.some((g) => g === "*" || g === permission.group)) return [];
    if (!matchesResource(rule.resources, permission.resource)) return [];
    return permission.verbs.filter((v) => rule.verbs.includes("*") || rule.verbs.includes(v));
}

/** `create/get pods/exec, get nodes/proxy`: what a rule grants of `permissions`, or `""` for nothing. */
export function describeGrants(rule: PolicyRule, permissions: readonly Permission[]): string {
    return permissions
        .map((p) => ({ p, verbs: grantedVerbs(rule, p) }))
        .filter(({ verbs }) => verbs.length > 0)
        .map(({ p, verbs }) => `${verbs.join("/")} ${p.resource}`)
        .join(", ");
}

/** A roleRef as the binding rules read it. */
export interface RoleRef {
    kind: string;
    name: string;
}

/** A binding's roleRef (kind and name; empty strings when unset or not yet known). */
export function roleRefOf(binding: Pick<PolicyResource, "props">): RoleRef {
    const ref = asRecord(binding.props.roleRef) ?? {};
    return {
        kind: typeof ref.kind === "string" ? ref.kind : "",
        name: typeof ref.name === "string" ? ref.name : "",
    };
}
