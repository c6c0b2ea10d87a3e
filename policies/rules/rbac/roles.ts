/**
 * What a Role or ClusterRole may grant, rule by rule: no wildcards, no way into running pods
 * (exec, attach, port-forward, ephemeral containers, the kubelet's proxy), and no verbs that
 * lift a subject above its own permissions (bind, escalate, impersonate, minting service-account
 * tokens). These hold for the rules a role declares; an aggregated ClusterRole's rules are those
 * of the ClusterRoles it selects, which these rules check where they are declared.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { defaultEnforcement, quoteList, show, validateTypes } from "../util";
import { describeGrants, Permission, policyRulesOf, PolicyRule, ROLE_TYPES } from "./permissions";

/** The list fields of a rule a wildcard may sit in, and what one entry of each names. */
const WILDCARD_FIELDS: readonly { field: keyof PolicyRule; entry: string }[] = [
    { field: "apiGroups", entry: "API group" },
    { field: "resources", entry: "resource" },
    { field: "verbs", entry: "verb" },
    { field: "nonResourceURLs", entry: "URL" },
];

/** No `*` in a rule's apiGroups, resources, verbs or nonResourceURLs. */
export const rbacNoWildcards: ResourceValidationPolicy = {
    name: "rbac-no-wildcards",
    description:
        "Role and ClusterRole rules must name their API groups, resources, verbs and non-resource URLs: no entry " +
        "may contain * (nor */subresource, nor a /path/* prefix), because a wildcard also grants whatever later " +
        "Kubernetes releases and CustomResourceDefinitions add.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "rbac"],
    validateResource: validateTypes(ROLE_TYPES, (args, reportViolation) => {
        for (const { path, rule } of policyRulesOf(args.props)) {
            for (const { field, entry } of WILDCARD_FIELDS) {
                const values = rule[field];
                const wild = values.filter((v) => v.includes("*"));
                if (wild.length === 0) continue;
                reportViolation(
                    `${path}.${field} is ${show(values)}; ${quoteList(wild)} ` +
                        `${wild.length > 1 ? "are wildcards, which also grant" : "is a wildcard, which also grants"} ` +
                        `what later releases and CRDs add: name each ${entry} the role needs.`,
                );
            }
        }
    }),
};

/**
 * The ways into a running pod: exec, attach and port-forward (`get` too: WebSocket clients
 * upgrade a GET), adding an ephemeral (debug) container, and the kubelet API through nodes/proxy,
 * which reaches every pod of the node.
 */
export const POD_ACCESS_PERMISSIONS: readonly Permission[] = [
    { group: "", resource: "pods/exec", verbs: ["create", "get"] },
    { group: "", resource: "pods/attach", verbs: ["create", "get"] },
    { group: "", resource: "pods/portforward", verbs: ["create", "get"] },
    { group: "", resource: "pods/ephemeralcontainers", verbs: ["update", "patch"] },
    { group: "", resource: "nodes/proxy", verbs: ["get", "create", "update", "patch", "delete"] },
];

/** No rule that reaches into running pods. */
export const rbacNoExecAttach: ResourceValidationPolicy = {
    name: "rbac-no-exec-attach",
    description:
        "Role and ClusterRole rules must not grant pods/exec, pods/attach or pods/portforward (create or get), " +
        "pods/ephemeralcontainers (update or patch) or nodes/proxy, counting wildcards, because each runs code in " +
        "or opens a port into a running pod past its security context and the default-deny network policy.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "rbac"],
    validateResource: validateTypes(ROLE_TYPES, (args, reportViolation) => {
        for (const { path, rule } of policyRulesOf(args.props)) {
            const granted = describeGrants(rule, POD_ACCESS_PERMISSIONS);
            if (granted === "") continue;
            reportViolation(
                `${path} grants ${granted} (resources ${show(rule.resources)}, verbs ${show(rule.verbs)}), which runs ` +
                    `code in or opens ports into running pods past their security context and network policies; ` +
                    `remove these resources and debug through a reviewed, short-lived binding instead.`,
            );
        }
    }),
};

/**
 * The permissions that lift a subject above its own: bind and escalate create or edit bindings and
 * roles wider than the subject's own permissions, impersonate acts as another user, group or service
 * account, and creating serviceaccounts/token mints a token for any service account in the namespace
 * (an IRSA one included, and with it its AWS role).
 */
export const ESCALATION_PERMISSIONS: readonly Permission[] = [
    { group: "rbac.authorization.k8s.io", resource: "roles", verbs: ["bind", "escalate"] },
    { group: "rbac.authorization.k8s.io", resource: "clusterroles", verbs: ["bind", "escalate"] },
    { group: "", resource: "users", verbs: ["impersonate"] },
    { group: "", resource: "groups", verbs: ["impersonate"] },
    { group: "", resource: "serviceaccounts", verbs: ["impersonate"] },
    { group: "authentication.k8s.io", resource: "uids", verbs: ["impersonate"] },
    { group: "", resource: "serviceaccounts/token", verbs: ["create"] },
];

/** No rule that grants bind, escalate, impersonate or service-account tokens. */
export const rbacNoPrivilegeEscalationVerbs: ResourceValidationPolicy = {
    name: "rbac-no-privilege-escalation-verbs",
    description:
        "Role and ClusterRole rules must not grant bind or escalate on roles and clusterroles, impersonate on users, " +
        "groups, service accounts or uids, or create on serviceaccounts/token, counting wildcards, because each lets " +
        "a subject act with more than its own permissions (a minted token of an IRSA service account carries its AWS role).",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "rbac"],
    validateResource: validateTypes(ROLE_TYPES, (args, reportViolation) => {
        for (const { path, rule } of policyRulesOf(args.props)) {
            const granted = describeGrants(rule, ESCALATION_PERMISSIONS);
            if (granted === "") continue;
            reportViolation(
                `${path} grants ${granted} (apiGroups ${show(rule.apiGroups)}, resources ${show(rule.resources)}, ` +
                    `verbs ${show(rule.verbs)}), which lets a subject bind or widen roles beyond its own, act as ` +
                    `someone else or mint service-account tokens; remove them: a workload needs none of these.`,
            );
        }
    }),
};
