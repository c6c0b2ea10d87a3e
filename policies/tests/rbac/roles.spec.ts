/**
 * The role rules (rules/rbac/roles.ts): the compliant Role and a least-privilege ClusterRole pass; each
 * failing condition, wildcards included, fails with the exact message.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { rbacNoExecAttach, rbacNoPrivilegeEscalationVerbs, rbacNoWildcards } from "../../rules/rbac";
import { clusterRole, k8sRole } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

/** The compliant Role and ClusterRole. */
interface Roles {
    role: OfflineResource;
    cluster: OfflineResource;
}

function roles(): Roles {
    return { role: k8sRole(), cluster: clusterRole() };
}

function both(x: Roles): OfflineResource[] {
    return [x.role, x.cluster];
}

/** Adds a rule to the Role (it becomes `rules[1]`). */
function grant(x: Roles, rule: Record<string, unknown>): void {
    x.role.props.rules.push(rule);
}

const POD_ACCESS_WHY =
    "which runs code in or opens ports into running pods past their security context and network policies; " +
    "remove these resources and debug through a reviewed, short-lived binding instead.";

const ESCALATION_WHY =
    "which lets a subject bind or widen roles beyond its own, act as someone else or mint service-account tokens; " +
    "remove them: a workload needs none of these.";

describe("rbac policies", () => {
    policyTable(rbacNoWildcards, roles, both, [
        {
            name: "a wildcard verb",
            mutate: (x) => void (x.role.props.rules[0].verbs = ["get", "*"]),
            messages: [
                `rules[0].verbs is ["get","*"]; "*" is a wildcard, which also grants what later releases and CRDs ` +
                    `add: name each verb the role needs.`,
            ],
        },
        {
            name: "a wildcard resource of a subresource",
            mutate: (x) => void (x.role.props.rules[0].resources = ["configmaps", "*/scale"]),
            messages: [
                `rules[0].resources is ["configmaps","*/scale"]; "*/scale" is a wildcard, which also grants what ` +
                    `later releases and CRDs add: name each resource the role needs.`,
            ],
        },
        {
            name: "a wildcard API group",
            mutate: (x) => void (x.cluster.props.rules[0].apiGroups = ["*"]),
            messages: [
                `rules[0].apiGroups is ["*"]; "*" is a wildcard, which also grants what later releases and CRDs ` +
                    `add: name each API group the role needs.`,
            ],
        },
        {
            name: "wildcard non-resource URLs",
            mutate: (x) => void (x.cluster.props.rules[1].nonResourceURLs = ["/metrics/*", "*"]),
            messages: [
                `rules[1].nonResourceURLs is ["/metrics/*","*"]; "/metrics/*", "*" are wildcards, which also grant ` +
                    `what later releases and CRDs add: name each URL the role needs.`,
            ],
        },
        {
            name: "a rule of wildcards only",
            mutate: (x) => grant(x, { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }),
            messages: ["API group", "resource", "verb"].map(
                (entry, i) =>
                    `rules[1].${["apiGroups", "resources", "verbs"][i]} is ["*"]; "*" is a wildcard, which also ` +
                    `grants what later releases and CRDs add: name each ${entry} the role needs.`,
            ),
        },
    ]);

    policyTable(rbacNoExecAttach, roles, both, [
        {
            name: "create pods/exec",
            mutate: (x) => grant(x, { apiGroups: [""], resources: ["pods", "pods/exec"], verbs: ["get", "create"] }),
            messages: [
                `rules[1] grants create/get pods/exec (resources ["pods","pods/exec"], verbs ["get","create"]), ` +
                    POD_ACCESS_WHY,
            ],
        },
        {
            name: "get pods/attach (a WebSocket attach)",
            mutate: (x) => grant(x, { apiGroups: [""], resources: ["pods/attach"], verbs: ["get"] }),
            messages: [`rules[1] grants get pods/attach (resources ["pods/attach"], verbs ["get"]), ` + POD_ACCESS_WHY],
        },
        {
            name: "port-forward through */portforward and every verb",
            mutate: (x) => grant(x, { apiGroups: [""], resources: ["*/portforward"], verbs: ["*"] }),
            messages: [
                `rules[1] grants create/get pods/portforward (resources ["*/portforward"], verbs ["*"]), ` +
                    POD_ACCESS_WHY,
            ],
        },
        {
            name: "patch pods/ephemeralcontainers (a debug container)",
            mutate: (x) => grant(x, { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] }),
            messages: [
                `rules[1] grants patch pods/ephemeralcontainers (resources ["pods/ephemeralcontainers"], verbs ` +
                    `["patch"]), ` +
                    POD_ACCESS_WHY,
            ],
        },
        {
            name: "get nodes/proxy (the kubelet API)",
            mutate: (x) => void x.cluster.props.rules[0].resources.push("nodes/proxy"),
            messages: [
                `rules[0] grants get nodes/proxy (resources ["pods","services","endpoints","nodes/proxy"], verbs ` +
                    `["get","list","watch"]), ` +
                    POD_ACCESS_WHY,
            ],
        },
        {
            name: "get on every core resource, under a wildcard API group",
            mutate: (x) => grant(x, { apiGroups: ["*"], resources: ["*"], verbs: ["get"] }),
            messages: [
                `rules[1] grants get pods/exec, get pods/attach, get pods/portforward, get nodes/proxy (resources ` +
                    `["*"], verbs ["get"]), ` +
                    POD_ACCESS_WHY,
            ],
        },
    ]);

    it("rbac-no-exec-attach: a wildcard resource of another API group reaches no pod", async () => {
        const x = roles();
        grant(x, { apiGroups: ["apps"], resources: ["*"], verbs: ["*"] });
        assert.deepEqual(await messagesOf(rbacNoExecAttach, both(x)), []);
    });

    policyTable(rbacNoPrivilegeEscalationVerbs, roles, both, [
        {
            name: "bind clusterroles",
            mutate: (x) =>
                grant(x, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] }),
            messages: [
                `rules[1] grants bind clusterroles (apiGroups ["rbac.authorization.k8s.io"], resources ` +
                    `["clusterroles"], verbs ["bind"]), ` +
                    ESCALATION_WHY,
            ],
        },
        {
            name: "escalate roles through every verb",
            mutate: (x) => grant(x, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["*"] }),
            messages: [
                `rules[1] grants bind/escalate roles (apiGroups ["rbac.authorization.k8s.io"], resources ["roles"], ` +
                    `verbs ["*"]), ` +
                    ESCALATION_WHY,
            ],
        },
        {
            name: "impersonate users, groups and service accounts",
            mutate: (x) =>
                grant(x, {
                    apiGroups: [""],
                    resources: ["users", "groups", "serviceaccounts"],
                    verbs: ["impersonate"],
                }),
            messages: [
                `rules[1] grants impersonate users, impersonate groups, impersonate serviceaccounts (apiGroups [""], ` +
                    `resources ["users","groups","serviceaccounts"], verbs ["impersonate"]), ` +
                    ESCALATION_WHY,
            ],
        },
        {
            name: "create serviceaccounts/token (a token of an IRSA service account)",
            mutate: (x) => grant(x, { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }),
            messages: [
                `rules[1] grants create serviceaccounts/token (apiGroups [""], resources ["serviceaccounts/token"], ` +
                    `verbs ["create"]), ` +
                    ESCALATION_WHY,
            ],
        },
        {
            name: "everything",
            mutate: (x) => grant(x, { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }),
            messages: [
                `rules[1] grants bind/escalate roles, bind/escalate clusterroles, impersonate users, impersonate ` +
                    `groups, impersonate serviceaccounts, impersonate uids, create serviceaccounts/token (apiGroups ` +
                    `["*"], resources ["*"], verbs ["*"]), ` +
                    ESCALATION_WHY,
            ],
        },
    ]);

    it("rbac-no-privilege-escalation-verbs: an escalation verb on a resource it does not apply to grants nothing", async () => {
        const x = roles();
        grant(x, { apiGroups: [""], resources: ["configmaps"], verbs: ["bind", "impersonate"] });
        assert.deepEqual(await messagesOf(rbacNoPrivilegeEscalationVerbs, both(x)), []);
    });
});
