/**
 * Zone spread (a stack rule: an HPA's bounds count): a Deployment or StatefulSet that runs more
 * than one pod spreads them across zones, with a topology spread constraint or a pod anti-affinity
 * term on the zone label whose selector matches its own pods.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PodSpec, podTemplateOf } from "../pods";
import {
    asArray,
    asRecord,
    defaultEnforcement,
    describeK8s,
    K8S,
    k8sName,
    quoteList,
    selectorMatches,
    show,
} from "../util";
import { hpaIndex } from "./replicas";

/** The well-known node label of a node's zone. */
export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";

/** One placement term of a pod spec that can spread pods: its topology key and label selector. */
interface SpreadTerm {
    topologyKey: unknown;
    labelSelector: unknown;
}

/**
 * The pod spec's spreading terms: its topology spread constraints (either `whenUnsatisfiable`) and
 * its pod anti-affinity terms, required and preferred.
 */
export function spreadTerms(spec: PodSpec): SpreadTerm[] {
    const constraints = asArray<Record<string, unknown>>(spec.topologySpreadConstraints).map((c) => ({
        topologyKey: asRecord(c)?.topologyKey,
        labelSelector: asRecord(c)?.labelSelector,
    }));
    const antiAffinity = asRecord(asRecord(spec.affinity)?.podAntiAffinity);
    const required = asArray<Record<string, unknown>>(antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    const preferred = asArray<Record<string, unknown>>(
        antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ).map((p) => asRecord(asRecord(p)?.podAffinityTerm) ?? {});
    const terms = [...required, ...preferred].map((t) => ({
        topologyKey: asRecord(t)?.topologyKey,
        labelSelector: asRecord(t)?.labelSelector,
    }));
    return [...constraints, ...terms];
}

/** Why the terms do not spread pods with these labels across zones (`undefined` when they do). */
export function zoneSpreadGap(terms: readonly SpreadTerm[], labels: Record<string, string>): string | undefined {
    if (terms.length === 0) return "has no topologySpreadConstraints and no podAntiAffinity terms";
    const onZone = terms.filter((t) => t.topologyKey === ZONE_TOPOLOGY_KEY);
    if (onZone.length === 0) {
        const keys = [...new Set(terms.map((t) => String(t.topologyKey ?? "unset")))];
        return `spreads only by topologyKey ${quoteList(keys)}, not ${JSON.stringify(ZONE_TOPOLOGY_KEY)}`;
    }
    if (onZone.some((t) => selectorMatches(t.labelSelector, labels))) return undefined;
    return (
        `has terms on ${JSON.stringify(ZONE_TOPOLOGY_KEY)} but their labelSelector ` +
        `(${onZone.map((t) => show(t.labelSelector)).join(", ")}) does not match its pod labels ${show(labels)}`
    );
}

/** How many pods a workload may run, and why (`undefined` when it runs at most one). */
function multiReplicaReason(
    r: PolicyResource,
    hpaOf: (w: PolicyResource) => PolicyResource | undefined,
): string | undefined {
    const hpa = hpaOf(r);
    const bounds = asRecord(hpa?.props.spec);
    const max = bounds?.maxReplicas;
    const min = bounds?.minReplicas;
    // An HPA owns the replica count; one pinned to a single pod (min and max 1) runs one pod.
    if (hpa && ((typeof max === "number" && max > 1) || (typeof min === "number" && min > 1))) {
        return (
            `is scaled by HorizontalPodAutoscaler ${JSON.stringify(k8sName(hpa.props, hpa.name))} ` +
            `(minReplicas ${show(min)}, maxReplicas ${show(max)})`
        );
    }
    const replicas = asRecord(r.props.spec)?.replicas;
    return typeof replicas === "number" && replicas > 1 ? `has spec.replicas ${replicas}` : undefined;
}

/** Multi-replica Deployments and StatefulSets spread their pods across zones. */
export const spreadAcrossZones: StackValidationPolicy = {
    name: "workload-spread-across-zones",
    description:
        "A Deployment or StatefulSet that runs more than one pod (spec.replicas > 1, or an HPA whose " +
        `minReplicas or maxReplicas exceeds 1) must spread its pods across zones: a topologySpreadConstraint ` +
        `on ${ZONE_TOPOLOGY_KEY} (DoNotSchedule or ScheduleAnyway) or a podAntiAffinity term (required or ` +
        "preferred) with that topologyKey, whose labelSelector matches the pod template's labels, so " +
        "losing one zone does not take every replica.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateStack: (args, reportViolation) => {
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (r.type !== K8S.Deployment && r.type !== K8S.StatefulSet) continue;
            const reason = multiReplicaReason(r, hpaOf);
            const pod = podTemplateOf(r.type, r.props);
            if (!reason || !pod) continue;
            const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
            const gap = zoneSpreadGap(spreadTerms(pod.spec), labels);
            if (!gap) continue;
            reportViolation(
                `${describeK8s(r)} ${reason} but its pod template ${gap}; add to ${pod.specPath}.` +
                    `topologySpreadConstraints one with topologyKey ${ZONE_TOPOLOGY_KEY}, maxSkew 1 and a ` +
                    `labelSelector matching its pod labels, so losing one zone does not take every replica.`,
                r.urn,
            );
        }
    },
};
