/**
 * The compliant stack's RBAC: a least-privilege Role (the relay reads its own ConfigMap) and its
 * RoleBinding, in the network's namespace. The cluster-scoped builders are not part of the stack
 * (the program declares no cluster-wide RBAC); the RBAC specs add them as their passing inputs.
 */
import { OfflineResource } from "../../offline";
import { K8S } from "../../rules/util";
import { res } from "../support";
import { NS } from "./facts";
import { k8s } from "./kubernetes";

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** The Role: get on the relay's ConfigMap, by name. */
export function k8sRole(): OfflineResource {
    return res(
        K8S.Role,
        "relay-config-reader",
        {
            metadata: { name: "relay-config-reader", namespace: NS },
            rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["relay-config"], verbs: ["get"] }],
        },
        k8s,
    );
}

/** The RoleBinding of {@link k8sRole} to the relay's service account. */
export function roleBinding(): OfflineResource {
    return res(
        K8S.RoleBinding,
        "relay-config-reader",
        {
            metadata: { name: "relay-config-reader", namespace: NS },
            subjects: [{ kind: "ServiceAccount", name: "relay", namespace: NS }],
            roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: "relay-config-reader" },
        },
        k8s,
    );
}

/** A ClusterRole Prometheus needs: list and watch of pods, services and endpoints, and GET /metrics. */
export function clusterRole(): OfflineResource {
    return res(
        K8S.ClusterRole,
        "metrics-reader",
        {
            metadata: { name: "metrics-reader" },
            rules: [
                { apiGroups: [""], resources: ["pods", "services", "endpoints"], verbs: ["get", "list", "watch"] },
                { nonResourceURLs: ["/metrics"], verbs: ["get"] },
            ],
        },
        k8s,
    );
}

/** The ClusterRoleBinding of {@link clusterRole} to the monitoring namespace's Prometheus. */
export function clusterRoleBinding(): OfflineResource {
    return res(
        K8S.ClusterRoleBinding,
        "metrics-reader",
        {
            metadata: { name: "metrics-reader" },
            subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" }],
            roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "metrics-reader" },
        },
        k8s,
    );
}
