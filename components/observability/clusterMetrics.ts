/**
 * The metrics the alerts and dashboards read that no platform service exposes: Prometheus's own
 * `up`, kube-state-metrics (v2, STABLE metrics plus `kube_cronjob_status_last_successful_time`) and
 * the kubelet's volume statistics. Declared here like a service's, so every query is checked
 * against a declaration. Their labels are the exporters' own (kube-state-metrics' ServiceMonitor
 * keeps them with `honorLabels`).
 */
import { gauge, MetricCatalog } from "../k8s/metrics";

/** What Prometheus records of every scrape. */
export const PROMETHEUS_METRICS = {
    up: gauge("up", "1 when the last scrape of the target succeeded, 0 when it failed."),
} as const satisfies MetricCatalog;

/** What kube-state-metrics exposes of the objects the alerts watch. */
export const KUBE_STATE_METRICS = {
    podReady: gauge("kube_pod_status_ready", "Whether the pod's Ready condition is true, false or unknown.", [
        "namespace",
        "pod",
        "condition",
    ]),
    containerWaiting: gauge(
        "kube_pod_container_status_waiting_reason",
        "1 while the container waits, by reason (CrashLoopBackOff, ImagePullBackOff, ...).",
        ["namespace", "pod", "container", "reason"],
    ),
    cronJobCreated: gauge("kube_cronjob_created", "Unix time the CronJob was created.", ["namespace", "cronjob"]),
    cronJobLastSuccess: gauge(
        "kube_cronjob_status_last_successful_time",
        "Unix time a Job of the CronJob last completed successfully (absent before the first success).",
        ["namespace", "cronjob"],
    ),
    jobOwner: gauge("kube_job_owner", "The Job's owner (a CronJob for scheduled runs).", [
        "namespace",
        "job_name",
        "owner_kind",
        "owner_name",
        "owner_is_controller",
    ]),
    jobFailed: gauge("kube_job_failed", "1 on the series whose condition matches the Job's Failed condition.", [
        "namespace",
        "job_name",
        "condition",
    ]),
    jobStartTime: gauge("kube_job_status_start_time", "Unix time the Job started.", ["namespace", "job_name"]),
} as const satisfies MetricCatalog;

/** What the kubelet exposes of every mounted PersistentVolumeClaim. */
export const KUBELET_METRICS = {
    volumeUsed: gauge("kubelet_volume_stats_used_bytes", "Bytes used on the claim's volume.", [
        "namespace",
        "persistentvolumeclaim",
    ]),
    volumeCapacity: gauge("kubelet_volume_stats_capacity_bytes", "Capacity of the claim's volume in bytes.", [
        "namespace",
        "persistentvolumeclaim",
    ]),
} as const satisfies MetricCatalog;
