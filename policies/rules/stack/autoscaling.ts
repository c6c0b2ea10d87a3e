/**
 * Disruption budgets and autoscalers that fit the workloads they govern: every PDB lets at least one
 * pod go, every HPA has room to scale and scales a workload of the stack, a workload scaled by an
 * HPA leaves the replica count to it, and a PDB stays below the HPA's floor.
 *
 * Who reports what (no condition is reported twice):
 * - `pdb-allows-disruption`: a budget that blocks whatever the replica count (maxUnavailable 0 or
 *   "0%", minAvailable "100%"), and a minAvailable at or above the pods of the fixed-size
 *   Deployments and StatefulSets it selects (spec.replicas, default 1);
 * - `pdb-below-hpa-min`: a minAvailable (a number, or a percentage below 100 of the floor) at or
 *   above the floor of what it selects when an HPA scales any of it (the HPA's minReplicas, plus the
 *   spec.replicas of fixed-size workloads the same PDB selects);
 * - `hpa-replica-bounds`: an HPA whose maxReplicas is not above its minReplicas (default 1);
 * - `hpa-target-exists`: an HPA whose scaleTargetRef names no apps/v1 Deployment or StatefulSet of
 *   the stack in its namespace;
 * - `hpa-target-no-replicas`: a Deployment or StatefulSet with an HPA that also sets spec.replicas.
 *   The HPA's replica floor itself is `workload-min-replicas`' (rules/workload/replicas.ts).
 *
 * Percentages round up, as the disruption controller computes them: minAvailable "50%" of 3 pods
 * keeps 2 up; any maxUnavailable above "0%" lets at least one pod go.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { podTemplateOf } from "../pods";
import { HPA_TYPES, hpaIndex } from "../workload/replicas";
import {
    asRecord,
    defaultEnforcement,
    describeK8s,
    exemptListSchema,
    groupBy,
    isExempt,
    K8S,
    k8sName,
    k8sNamespace,
    kindOf,
    selectorMatches,
    show,
} from "../util";

/** The kinds an HPA scales and a PDB budgets here: the replicated workloads of apps/v1. */
const SCALABLE: readonly string[] = [K8S.Deployment, K8S.StatefulSet];

/** A PDB field (`minAvailable`, `maxUnavailable`) read as Kubernetes' IntOrString: a count or a percentage. */
type Budget = { count: number } | { percent: number };

/** Reads an IntOrString budget; anything else (unset, "two", "1") reads as undefined. */
export function budgetOf(value: unknown): Budget | undefined {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return { count: value };
    const match = typeof value === "string" ? /^(\d+)%$/.exec(value) : null;
    return match ? { percent: Number(match[1]) } : undefined;
}

/** The pods a minAvailable keeps up out of `pods`: the count, or the percentage rounded up. */
export function podsKeptUp(budget: Budget, pods: number): number {
    return "count" in budget ? budget.count : Math.ceil((budget.percent * pods) / 100);
}

/** A workload a PDB selects, with its HPA (if one scales it) and the fewest pods it runs. */
interface Selected {
    workload: PolicyResource;
    hpa?: PolicyResource;
    floor: number;
}

/** The fewest pods a workload runs: its HPA's minReplicas (default 1), else its spec.replicas (default 1). */
function floorOf(workload: PolicyResource, hpa: PolicyResource | undefined): number {
    const value = hpa ? asRecord(hpa.props.spec)?.minReplicas : asRecord(workload.props.spec)?.replicas;
    return typeof value === "number" ? value : 1;
}

/** Indexes the stack's Deployments and StatefulSets, so each PDB finds what it selects in its namespace. */
function selectionIndex(resources: readonly PolicyResource[]): (pdb: PolicyResource) => Selected[] {
    const hpaOf = hpaIndex(resources);
    const byNamespace = groupBy(
        resources.filter((r) => SCALABLE.includes(r.type)),
        (r) => k8sNamespace(r.props, r.provider),
    );
    return (pdb) => {
        const selector = asRecord(pdb.props.spec)?.selector;
        return (byNamespace.get(k8sNamespace(pdb.props, pdb.provider)) ?? [])
            .filter((w) =>
                selectorMatches(
                    selector,
                    (podTemplateOf(w.type, w.props)?.metadata.labels ?? {}) as Record<string, string>,
                ),
            )
            .map((workload) => {
                const hpa = hpaOf(workload);
                return { workload, hpa, floor: floorOf(workload, hpa) };
            });
    };
}

/** `StatefulSet "relay": spec.replicas 2` or `Deployment "api": HorizontalPodAutoscaler "api" spec.minReplicas 3`. */
function floorSource({ workload, hpa }: Selected): string {
    const named = `${kindOf(workload.type)} ${JSON.stringify(k8sName(workload.props, workload.name))}`;
    if (hpa) {
        const min = asRecord(hpa.props.spec)?.minReplicas;
        const hpaName = JSON.stringify(k8sName(hpa.props, hpa.name));
        return `${named}: HorizontalPodAutoscaler ${hpaName} spec.minReplicas ${min === undefined ? "unset (1)" : show(min)}`;
    }
    const replicas = asRecord(workload.props.spec)?.replicas;
    return `${named}: spec.replicas ${replicas === undefined ? "unset (1)" : show(replicas)}`;
}

/** `spec.minAvailable 2`, or `spec.minAvailable "90%" (3 of 3 pods, rounded up)`. */
function minAvailableText(value: unknown, budget: Budget, pods: number): string {
    return "count" in budget
        ? `spec.minAvailable ${show(value)}`
        : `spec.minAvailable ${show(value)} (${podsKeptUp(budget, pods)} of ${pods} pods, rounded up)`;
}

const BLOCKS =
    "so it never allows a voluntary disruption: node drains, cluster upgrades and autoscaler scale-downs wait on its pods";

/** Config of {@link pdbAllowsDisruption}. */
export interface PdbAllowsDisruptionConfig {
    exempt: string[];
}

/** Every PDB allows at least one voluntary disruption. */
export const pdbAllowsDisruption: StackValidationPolicy = {
    name: "pdb-allows-disruption",
    description:
        'A PodDisruptionBudget must let at least one pod go: maxUnavailable 0 or "0%", minAvailable "100%", or a ' +
        "minAvailable at or above the replicas of the fixed-size Deployments and StatefulSets it selects never allow " +
        "a voluntary eviction, so node drains and cluster upgrades block. (A minAvailable at an HPA's floor is " +
        "pdb-below-hpa-min's.) `exempt` lists reviewed budgets that block drains on purpose.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    configSchema: {
        properties: {
            exempt: exemptListSchema(
                "PodDisruptionBudgets that block voluntary disruptions on purpose (a single writer an operator moves by hand)",
            ),
        },
    },
    validateStack: (args, reportViolation) => {
        const exempt = new Set(args.getConfig<PdbAllowsDisruptionConfig>().exempt ?? []);
        const selectedBy = selectionIndex(args.resources);
        for (const pdb of args.resources) {
            if (pdb.type !== K8S.PodDisruptionBudget) continue;
            if (isExempt(exempt, k8sNamespace(pdb.props, pdb.provider), k8sName(pdb.props, pdb.name))) continue;
            const spec = asRecord(pdb.props.spec) ?? {};
            const maxUnavailable = budgetOf(spec.maxUnavailable);
            const minAvailable = budgetOf(spec.minAvailable);
            if (maxUnavailable && ("count" in maxUnavailable ? maxUnavailable.count : maxUnavailable.percent) === 0) {
                reportViolation(
                    `${describeK8s(pdb)} has spec.maxUnavailable ${show(spec.maxUnavailable)}, ${BLOCKS}; set ` +
                        "maxUnavailable to 1 (or list it in exempt if an operator moves these pods by hand).",
                    pdb.urn,
                );
                continue;
            }
            if (!minAvailable) continue;
            if ("percent" in minAvailable && minAvailable.percent >= 100) {
                reportViolation(
                    `${describeK8s(pdb)} has spec.minAvailable ${show(spec.minAvailable)}, ${BLOCKS}; use maxUnavailable ` +
                        "1 instead.",
                    pdb.urn,
                );
                continue;
            }
            const selected = selectedBy(pdb);
            // What an HPA scales is judged against its floor by pdb-below-hpa-min.
            if (selected.length === 0 || selected.some((s) => s.hpa)) continue;
            const pods = selected.reduce((n, s) => n + s.floor, 0);
            if (podsKeptUp(minAvailable, pods) < pods) continue;
            reportViolation(
                `${describeK8s(pdb)} has ${minAvailableText(spec.minAvailable, minAvailable, pods)} but the pods it ` +
                    `selects number ${pods} (${selected.map(floorSource).join("; ")}), ${BLOCKS}; set minAvailable ` +
                    `below ${pods} or use maxUnavailable 1.`,
                pdb.urn,
            );
        }
    },
};

/** A PDB's minAvailable stays below the HPA floor of what it selects. */
export const pdbBelowHpaMin: StackValidationPolicy = {
    name: "pdb-below-hpa-min",
    description:
        "A PodDisruptionBudget's minAvailable (a number, or a percentage of the floor) must be below the " +
        "minReplicas of the HorizontalPodAutoscaler that scales the workload it selects, so a node can still drain " +
        'when the HPA has scaled down to its floor. ("100%", maxUnavailable 0 and fixed-size workloads are ' +
        "pdb-allows-disruption's.)",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const selectedBy = selectionIndex(args.resources);
        for (const pdb of args.resources) {
            if (pdb.type !== K8S.PodDisruptionBudget) continue;
            const spec = asRecord(pdb.props.spec) ?? {};
            const minAvailable = budgetOf(spec.minAvailable);
            if (!minAvailable || ("percent" in minAvailable && minAvailable.percent >= 100)) continue;
            const selected = selectedBy(pdb);
            if (!selected.some((s) => s.hpa)) continue;
            const floor = selected.reduce((n, s) => n + s.floor, 0);
            if (podsKeptUp(minAvailable, floor) < floor) continue;
            reportViolation(
                `${describeK8s(pdb)} has ${minAvailableText(spec.minAvailable, minAvailable, floor)} but the pods it ` +
                    `selects may scale down to ${floor} (${selected.map(floorSource).join("; ")}), and at that floor no ` +
                    `pod can be evicted; set minAvailable below ${floor} (or use maxUnavailable 1) so node drains ` +
                    "and upgrades proceed at any scale.",
                pdb.urn,
            );
        }
    },
};

/** `spec.minReplicas 3`, or `spec.minReplicas unset (1)`. */
function minReplicasText(min: unknown): string {
    return min === undefined || min === null ? "spec.minReplicas unset (1)" : `spec.minReplicas ${show(min)}`;
}

/** Every HPA has room to scale: maxReplicas above minReplicas (default 1). */
export const hpaReplicaBounds: StackValidationPolicy = {
    name: "hpa-replica-bounds",
    description:
        "A HorizontalPodAutoscaler's spec.maxReplicas must be above its spec.minReplicas (default 1): equal bounds " +
        "make an HPA that never scales (a fixed spec.replicas says the same), and a maximum below the minimum is " +
        "rejected by the API server, so the bounds are fixed before the update rather than after it.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        for (const hpa of args.resources) {
            if (!HPA_TYPES.includes(hpa.type)) continue;
            const spec = asRecord(hpa.props.spec) ?? {};
            const minValue = spec.minReplicas;
            const min = typeof minValue === "number" ? minValue : 1;
            const max = spec.maxReplicas;
            if (typeof max !== "number") {
                reportViolation(
                    `${describeK8s(hpa)} has spec.maxReplicas ${show(max)}; set it above ${minReplicasText(minValue)}, ` +
                        "so the HPA has room to scale.",
                    hpa.urn,
                );
            } else if (max === min) {
                reportViolation(
                    `${describeK8s(hpa)} has ${minReplicasText(minValue)} equal to spec.maxReplicas ${max}, so it never ` +
                        `scales; raise maxReplicas above ${min}, or drop the HPA and give the workload spec.replicas ${min}.`,
                    hpa.urn,
                );
            } else if (max < min) {
                reportViolation(
                    `${describeK8s(hpa)} has spec.maxReplicas ${max} below ${minReplicasText(minValue)}, which the API ` +
                        `server rejects; raise maxReplicas above ${min} (or lower minReplicas).`,
                    hpa.urn,
                );
            }
        }
    },
};

/** Every HPA scales an apps/v1 Deployment or StatefulSet of the stack, in its own namespace. */
export const hpaTargetExists: StackValidationPolicy = {
    name: "hpa-target-exists",
    description:
        "A HorizontalPodAutoscaler's spec.scaleTargetRef (apiVersion, kind, name) must name an apps/v1 Deployment or " +
        "StatefulSet of the stack in the HPA's namespace, so the autoscaler scales the workload it was written for " +
        "rather than nothing (a typo or a renamed workload leaves the service at whatever count it had).",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const workloads = new Set(
            args.resources
                .filter((r) => SCALABLE.includes(r.type))
                .map((r) => `${k8sNamespace(r.props, r.provider)}/${kindOf(r.type)}/${k8sName(r.props, r.name)}`),
        );
        for (const hpa of args.resources) {
            if (!HPA_TYPES.includes(hpa.type)) continue;
            const ns = k8sNamespace(hpa.props, hpa.provider);
            const ref = asRecord(asRecord(hpa.props.spec)?.scaleTargetRef) ?? {};
            const kind = typeof ref.kind === "string" ? ref.kind : "";
            if (ref.apiVersion !== "apps/v1" || (kind !== "Deployment" && kind !== "StatefulSet")) {
                reportViolation(
                    `${describeK8s(hpa)} has spec.scaleTargetRef ${show(ref)}, which is not an apps/v1 Deployment or ` +
                        'StatefulSet; point it at the workload it scales (apiVersion "apps/v1", kind "Deployment" or ' +
                        '"StatefulSet", name its metadata.name).',
                    hpa.urn,
                );
                continue;
            }
            if (workloads.has(`${ns}/${kind}/${String(ref.name)}`)) continue;
            reportViolation(
                `${describeK8s(hpa)} has spec.scaleTargetRef naming ${kind} ${show(ref.name)}, but the stack has no ` +
                    `${kind} of that name in ${JSON.stringify(ns)}, so it scales nothing; set spec.scaleTargetRef.name ` +
                    "to the workload's metadata.name (an HPA scales only in its own namespace).",
                hpa.urn,
            );
        }
    },
};

/** A workload scaled by an HPA leaves spec.replicas to it. */
export const hpaTargetNoReplicas: StackValidationPolicy = {
    name: "hpa-target-no-replicas",
    description:
        "A Deployment or StatefulSet scaled by a HorizontalPodAutoscaler must not set spec.replicas: Pulumi owns " +
        "every field it sets, so each `pulumi up` resets the replica count the HPA chose (scaling a busy service " +
        "down mid-peak) and the HPA scales it back; leave the count to the HPA.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (!SCALABLE.includes(r.type)) continue;
            const replicas = asRecord(r.props.spec)?.replicas;
            const hpa = hpaOf(r);
            if (!hpa || replicas === undefined || replicas === null) continue;
            reportViolation(
                `${describeK8s(r)} sets spec.replicas ${show(replicas)} and is scaled by HorizontalPodAutoscaler ` +
                    `${JSON.stringify(k8sName(hpa.props, hpa.name))}, so every pulumi up resets the replica count the ` +
                    "HPA chose; remove spec.replicas and let the HPA own the count.",
                r.urn,
            );
        }
    },
};
