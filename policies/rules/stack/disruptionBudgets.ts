/**
 * PodDisruptionBudgets: every replicated workload (more than one replica, or an HPA that may scale
 * past one) has a PDB in its namespace whose selector matches its pods.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { hpaIndex } from "../workload/replicas";
import {
    asRecord,
    defaultEnforcement,
    describeK8s,
    groupBy,
    K8S,
    k8sName,
    k8sNamespace,
    selectorMatches,
    show,
} from "../util";

/** Every workload with more than one replica, or an HPA, has a PDB that selects its pods. */
export const pdbForReplicatedWorkloads: StackValidationPolicy = {
    name: "pdb-for-replicated-workloads",
    description:
        "Every Deployment or StatefulSet with more than one replica, or scaled by a " +
        "HorizontalPodAutoscaler whose maxReplicas exceeds 1, needs a PodDisruptionBudget " +
        "(policy/v1) in its namespace whose selector matches its pod template labels, so node " +
        "drains and upgrades never take all its pods at once.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const pdbsByNamespace = groupBy(args.resources, (r) =>
            r.type === K8S.PodDisruptionBudget ? k8sNamespace(r.props, r.provider) : undefined,
        );
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (r.type !== K8S.Deployment && r.type !== K8S.StatefulSet) continue;
            const spec = asRecord(r.props.spec) ?? {};
            // An HPA counts when it may scale past one replica (one pinned to 1 is hpa-replica-bounds' to report).
            const candidate = hpaOf(r);
            const maxReplicas = asRecord(candidate?.props.spec)?.maxReplicas;
            const hpa = candidate && !(typeof maxReplicas === "number" && maxReplicas <= 1) ? candidate : undefined;
            const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
            if (!hpa && replicas <= 1) continue;
            const ns = k8sNamespace(r.props, r.provider);
            const labels = (asRecord(asRecord(asRecord(spec.template)?.metadata)?.labels) ?? {}) as Record<
                string,
                string
            >;
            const covered = (pdbsByNamespace.get(ns) ?? []).some((p) =>
                selectorMatches(asRecord(p.props.spec)?.selector, labels),
            );
            if (covered) continue;
            const reason = hpa
                ? `is scaled by HorizontalPodAutoscaler ${JSON.stringify(k8sName(hpa.props, hpa.name))}`
                : `has spec.replicas ${replicas}`;
            reportViolation(
                `${describeK8s(r)} ${reason} but no PodDisruptionBudget (policy/v1) in ${JSON.stringify(ns)} ` +
                    `selects its pod labels ${show(labels)}; add one whose spec.selector matches them (e.g. ` +
                    `maxUnavailable 1) so node drains and upgrades keep it serving.`,
                r.urn,
            );
        }
    },
};
