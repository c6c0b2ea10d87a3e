/**
 * Whole-stack rules: what only the set of resources can show, one file per subject. Default-deny
 * per namespace, a PDB for every replicated workload, a backup job for every stateful store, IRSA
 * annotations that match a role trusting exactly that service account (and no unused IRSA roles),
 * S3 buckets with all their companions, protected stateful resources, no resource in another
 * network's namespace, every metrics port scraped by a ServiceMonitor, disruption budgets and
 * autoscalers that fit their workloads, and selectors and backends that land on something.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
    hpaReplicaBounds,
    hpaTargetExists,
    hpaTargetNoReplicas,
    pdbAllowsDisruption,
    pdbBelowHpaMin,
} from "./autoscaling";
import { backupForStatefulStores } from "./backups";
import { s3BucketCompanions } from "./bucketCompanions";
import { namespaceDefaultDeny } from "./defaultDeny";
import { pdbForReplicatedWorkloads } from "./disruptionBudgets";
import { irsaAnnotationMatchesRoleTrust, irsaRoleUsed } from "./irsa";
import { networkNamespaceIsolation } from "./isolation";
import { workloadMetricsScraped } from "./monitoring";
import { statefulResourcesProtected } from "./protection";
import { ingressBackendExists, networkPolicySelectsPods, serviceSelectsWorkload } from "./selectors";

export { describeResource } from "../util";
export * from "./autoscaling";
export * from "./backups";
export * from "./bucketCompanions";
export * from "./defaultDeny";
export * from "./disruptionBudgets";
export * from "./irsa";
export * from "./isolation";
export * from "./monitoring";
export * from "./protection";
export * from "./selectors";

/** The stack group. */
export const stackPolicies: readonly StackValidationPolicy[] = [
    namespaceDefaultDeny,
    pdbForReplicatedWorkloads,
    backupForStatefulStores,
    irsaAnnotationMatchesRoleTrust,
    irsaRoleUsed,
    s3BucketCompanions,
    statefulResourcesProtected,
    networkNamespaceIsolation,
    workloadMetricsScraped,
    pdbAllowsDisruption,
    pdbBelowHpaMin,
    hpaReplicaBounds,
    hpaTargetExists,
    hpaTargetNoReplicas,
    serviceSelectsWorkload,
    networkPolicySelectsPods,
    ingressBackendExists,
];
