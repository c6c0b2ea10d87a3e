/**
 * The binding rules (rules/rbac/bindings.ts): the compliant RoleBinding and a cluster-wide binding of a
 * least-privilege ClusterRole pass; each failing condition fails with the exact message.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { rbacNoClusterAdminBinding, rbacNoClusterSecretRead } from "../../rules/rbac";
import { K8S } from "../../rules/util";
import { clusterRole, clusterRoleBinding, NS, roleBinding } from "../compliantStack";
import { messagesOf, policyTable, res, urnOf } from "../support";

/** The message for a binding to cluster-admin, granted `where`. */
function clusterAdmin(where: string): string {
    return (
        `roleRef is ClusterRole "cluster-admin", which grants every verb on every resource ${where}; bind a Role ` +
        `that lists only the verbs and resources the subjects need.`
    );
}

/** A ClusterRole that reads Secrets, bound in one namespace by a RoleBinding (allowed), plus the metrics reader bound cluster-wide. */
interface Bindings {
    metrics: OfflineResource;
    metricsBinding: OfflineResource;
    secretReader: OfflineResource;
    secretReaderBinding: OfflineResource;
    namespacedReader: OfflineResource;
}

function bindings(): Bindings {
    return {
        metrics: clusterRole(),
        metricsBinding: clusterRoleBinding(),
        secretReader: res(K8S.ClusterRole, "secret-reader", {
            metadata: { name: "secret-reader" },
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
        }),
        secretReaderBinding: res(K8S.RoleBinding, "secret-reader", {
            metadata: { name: "secret-reader", namespace: NS },
            subjects: [{ kind: "ServiceAccount", name: "object-store-backup", namespace: NS }],
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "secret-reader" },
        }),
        namespacedReader: res(K8S.Role, "secret-lister", {
            metadata: { name: "secret-lister", namespace: NS },
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"] }],
        }),
    };
}

function all(x: Bindings): OfflineResource[] {
    return Object.values(x);
}

const CLUSTER_WIDE =
    "so its subjects read the Secrets of every namespace, kube-system's included; bind it with a RoleBinding in the " +
    "namespace whose Secrets they need, or drop secrets from the role.";

describe("rbac policies", () => {
    policyTable(
        rbacNoClusterAdminBinding,
        () => [roleBinding(), clusterRoleBinding()],
        (x) => x,
        [
            {
                name: "a RoleBinding to cluster-admin",
                mutate: ([rb]) => void (rb.props.roleRef = { kind: "ClusterRole", name: "cluster-admin" }),
                messages: [clusterAdmin("in the namespace, the Namespace object and its RoleBindings included")],
            },
            {
                name: "a ClusterRoleBinding to cluster-admin",
                mutate: ([, crb]) => void (crb.props.roleRef.name = "cluster-admin"),
                messages: [clusterAdmin("in every namespace and of the cluster itself")],
            },
            {
                name: "a ClusterRoleBinding to admin",
                mutate: ([, crb]) => void (crb.props.roleRef.name = "admin"),
                messages: [
                    `roleRef is ClusterRole "admin" in a ClusterRoleBinding, which grants its read of Secrets and ` +
                        `management of Roles and RoleBindings in every namespace, kube-system included; bind it with a ` +
                        `RoleBinding in the namespace the subjects work in, or bind a narrower role.`,
                ],
            },
            {
                name: "a ClusterRoleBinding to edit",
                mutate: ([, crb]) => void (crb.props.roleRef.name = "edit"),
                messages: [
                    `roleRef is ClusterRole "edit" in a ClusterRoleBinding, which grants its read of Secrets and ` +
                        `running pods as any service account in every namespace, kube-system included; bind it with ` +
                        `a RoleBinding in the namespace the subjects work in, or bind a narrower role.`,
                ],
            },
        ],
    );

    it("rbac-no-cluster-admin-binding: admin and edit through a RoleBinding, and a Role named cluster-admin, pass", async () => {
        const rbs = ["admin", "edit"].map((name) => {
            const rb = roleBinding();
            rb.props.roleRef = { kind: "ClusterRole", name };
            return rb;
        });
        const ownRole = roleBinding();
        ownRole.props.roleRef = { kind: "Role", name: "cluster-admin" };
        assert.deepEqual(await messagesOf(rbacNoClusterAdminBinding, [...rbs, ownRole]), []);
    });

    policyTable(rbacNoClusterSecretRead, bindings, all, [
        {
            name: "the Secret-reading ClusterRole bound cluster-wide",
            mutate: (x) => {
                x.secretReaderBinding.type = K8S.ClusterRoleBinding;
                x.secretReaderBinding.urn = urnOf(K8S.ClusterRoleBinding, "secret-reader");
                delete x.secretReaderBinding.props.metadata.namespace;
            },
            messages: [
                `ClusterRoleBinding "secret-reader": roleRef names ClusterRole "secret-reader", whose rules[0] grants ` +
                    `get secrets, ${CLUSTER_WIDE}`,
            ],
        },
        {
            name: "the cluster-wide ClusterRole gains list and watch on secrets",
            mutate: (x) =>
                void x.metrics.props.rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"] }),
            messages: [
                `ClusterRoleBinding "metrics-reader": roleRef names ClusterRole "metrics-reader", whose rules[2] ` +
                    `grants list/watch secrets, ${CLUSTER_WIDE}`,
            ],
        },
        {
            name: "the cluster-wide ClusterRole reads every core resource",
            mutate: (x) => void (x.metrics.props.rules[0] = { apiGroups: [""], resources: ["*"], verbs: ["*"] }),
            messages: [
                `ClusterRoleBinding "metrics-reader": roleRef names ClusterRole "metrics-reader", whose rules[0] ` +
                    `grants get/list/watch secrets, ${CLUSTER_WIDE}`,
            ],
        },
        {
            name: "the cluster-wide ClusterRole aggregates the Secret reader",
            mutate: (x) => {
                delete x.metrics.props.rules;
                x.metrics.props.aggregationRule = {
                    clusterRoleSelectors: [{ matchLabels: { "example.org/aggregate-to-metrics-reader": "true" } }],
                };
                x.secretReader.props.metadata.labels = { "example.org/aggregate-to-metrics-reader": "true" };
            },
            messages: [
                `ClusterRoleBinding "metrics-reader": roleRef names ClusterRole "metrics-reader", whose rules[0] of ` +
                    `ClusterRole "secret-reader" grants get secrets, ${CLUSTER_WIDE}`,
            ],
        },
        {
            name: "the Secret reader aggregates into the built-in view role",
            mutate: (x) =>
                void (x.secretReader.props.metadata.labels = { "rbac.authorization.k8s.io/aggregate-to-view": "true" }),
            messages: [
                `ClusterRole "secret-reader": metadata.labels["rbac.authorization.k8s.io/aggregate-to-view"] is ` +
                    `"true" and its rules[0] grants get secrets, so every subject of the built-in view role, ` +
                    `cluster-wide ones included, reads Secrets; remove the label or drop secrets from the role.`,
            ],
        },
    ]);

    it("rbac-no-cluster-secret-read: an aggregated ClusterRole whose selectors match no Secret reader passes", async () => {
        const x = bindings();
        x.metrics.props.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { "example.org/none": "true" } }] };
        assert.deepEqual(await messagesOf(rbacNoClusterSecretRead, all(x)), []);
    });
});
