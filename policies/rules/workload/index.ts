/**
 * Workload reliability and hygiene: resources, pinned images, health probes, safe CronJobs,
 * a replica floor, no workloads in `default`, no service-account token unless a pod needs
 * AWS through IRSA, and StatefulSets that retain their volume claims. One file per subject; this index keeps the group and every export.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { healthProbes, imagePinned, resourceRequestsLimits } from "./containers";
import { cronJobSafety } from "./cronJobs";
import { notInDefaultNamespace } from "./namespaces";
import { minReplicas } from "./replicas";
import { podServiceAccountToken, serviceAccountTokenAutomount } from "./serviceAccounts";
import { statefulSetClaimsRetained } from "./statefulSets";

export * from "./containers";
export * from "./cronJobs";
export * from "./namespaces";
export * from "./replicas";
export * from "./serviceAccounts";
export * from "./statefulSets";

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
];
