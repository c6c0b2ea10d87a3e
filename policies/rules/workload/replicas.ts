/**
 * The replica floor (a stack rule: an HPA's minReplicas counts), and the HPA index other stack rules
 * use to find a workload's autoscaler.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    asRecord,
    defaultEnforcement,
    describeK8s,
    exemptListSchema,
    isExempt,
    K8S,
    k8sName,
    k8sNamespace,
    kindOf,
    show,
} from "../util";

/** Both HorizontalPodAutoscaler versions (autoscaling/v2 and v1 share minReplicas, maxReplicas and scaleTargetRef). */
export const HPA_TYPES: readonly string[] = [K8S.HorizontalPodAutoscaler, K8S.HorizontalPodAutoscalerV1];

/** The key an HPA's scaleTargetRef and a workload share: `<namespace>/<kind>/<name>`. */
function scaleKey(namespace: string, kind: unknown, name: unknown): string {
    return `${namespace}/${String(kind)}/${String(name)}`;
}

/**
 * Indexes a stack's HPAs by the workload they scale (same namespace, scaleTargetRef kind and
 * name), so a stack rule finds a workload's HPA without scanning every resource.
 */
export function hpaIndex(
    resources: readonly PolicyResource[],
): (workload: PolicyResource) => PolicyResource | undefined {
    const byTarget = new Map<string, PolicyResource>();
    for (const r of resources) {
        if (!HPA_TYPES.includes(r.type)) continue;
        const target = asRecord(asRecord(r.props.spec)?.scaleTargetRef);
        const key = scaleKey(k8sNamespace(r.props, r.provider), target?.kind, target?.name);
        if (!byTarget.has(key)) byTarget.set(key, r);
    }
    return (workload) =>
        byTarget.get(
            scaleKey(
                k8sNamespace(workload.props, workload.provider),
                kindOf(workload.type),
                k8sName(workload.props, workload.name),
            ),
        );
}

/** Config of {@link minReplicas}. */
export interface MinReplicasConfig {
    minReplicas: number;
    exempt: string[];
}

/** Deployments and StatefulSets run at least the network's replica floor. */
export const minReplicas: StackValidationPolicy = {
    name: "workload-min-replicas",
    description:
        "Deployments and StatefulSets must run at least `minReplicas` replicas (spec.replicas, or " +
        "the minReplicas of an HPA that scales them), so losing one pod or node does not take a " +
        "service down. 1 turns the rule off; each network sets its floor; `exempt` lists reviewed " +
        "single-instance workloads.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    configSchema: {
        properties: {
            minReplicas: {
                type: "integer",
                minimum: 1,
                default: 1,
                description: "The fewest replicas a Deployment or StatefulSet may run.",
            },
            exempt: exemptListSchema("workloads that are single-instance by design (e.g. a standalone object store)"),
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<MinReplicasConfig>();
        const floor = config.minReplicas ?? 1;
        const exempt = new Set(config.exempt ?? []);
        if (floor <= 1) return;
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (r.type !== K8S.Deployment && r.type !== K8S.StatefulSet) continue;
            const name = k8sName(r.props, r.name);
            if (isExempt(exempt, k8sNamespace(r.props, r.provider), name)) continue;
            const hpa = hpaOf(r);
            if (hpa) {
                const min = asRecord(hpa.props.spec)?.minReplicas;
                const effective = typeof min === "number" ? min : 1;
                if (effective < floor) {
                    reportViolation(
                        `${describeK8s(r)} is scaled by HorizontalPodAutoscaler ${JSON.stringify(k8sName(hpa.props, hpa.name))} ` +
                            `whose spec.minReplicas is ${show(min)}; raise it to at least ${floor} on this network so ` +
                            `losing one pod does not take the service down.`,
                        r.urn,
                    );
                }
                continue;
            }
            const replicas = asRecord(r.props.spec)?.replicas;
            const effective = typeof replicas === "number" ? replicas : 1;
            if (effective < floor) {
                reportViolation(
                    `${describeK8s(r)} has spec.replicas ${show(replicas)}; run at least ${floor} replicas on ` +
                        `this network (or scale it with an HPA whose minReplicas is at least ${floor}) so losing ` +
                        `one pod does not take the service down.`,
                    r.urn,
                );
            }
        }
    },
};
