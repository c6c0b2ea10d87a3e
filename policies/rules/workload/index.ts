/**
 * Workload reliability and hygiene: resources (ephemeral storage included), pinned images pulled
 * so a moved tag is re-resolved, health probes (liveness distinct from readiness), unique env names,
 * safe CronJobs, a replica floor and a zone spread, no workloads in
 * `default`, no service-account token unless a pod needs AWS through IRSA, and StatefulSets that
 * retain their volume claims. One file per subject; this index keeps the group and every export.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    envUniqueNames,
    healthProbes,
    imagePinned,
    imagePullPolicy,
    probesDistinct,
    resourceRequestsLimits,
} from "./containers";
import { cronJobSafety } from "./cronJobs";
import { notInDefaultNamespace } from "./namespaces";
import { minReplicas } from "./replicas";
import { podServiceAccountToken, serviceAccountTokenAutomount } from "./serviceAccounts";
import { spreadAcrossZones } from "./spread";
import { statefulSetClaimsRetained } from "./statefulSets";
import { ephemeralStorage } from "./storage";

export * from "./containers";
export * from "./cronJobs";
export * from "./namespaces";
export * from "./replicas";
export * from "./serviceAccounts";
export * from "./spread";
export * from "./statefulSets";
export * from "./storage";

/** The workload group. */
export const workloadPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    resourceRequestsLimits,
    imagePinned,
    healthProbes,
    cronJobSafety,
    minReplicas,
    notInDefaultNamespace,
    serviceAccountTokenAutomount,
    podServiceAccountToken,
    statefulSetClaimsRetained,
    ephemeralStorage,
    imagePullPolicy,
    probesDistinct,
    envUniqueNames,
    spreadAcrossZones,
];
