/**
 * The alerts on what Kubernetes reports about the platform: backups that are overdue or failed
 * (kube-state-metrics' CronJob and Job metrics), crash-looping containers and unreachable scrape
 * targets, and volumes filling up (the kubelet's volume statistics). They cover every target and
 * every backup CronJob handed to them, so a new service or store is watched by adding it.
 */
import { AlertGroup } from "../k8s/alertRules";
import { ScrapeTarget } from "../k8s/monitoring";
import { KUBE_STATE_METRICS, KUBELET_METRICS, PROMETHEUS_METRICS } from "./clusterMetrics";
import { humanDuration, oneOf, promDuration, promNumber, re, selector } from "./promql";
import { alert, AlertScope, pageOnMainnet } from "./serviceAlerts";

/** The backup CronJobs and how late a backup may be. */
export interface BackupWatch {
    /** Each store's backup CronJob, e.g. `{ store: "postgres", cronJob: "postgres-backup" }`. */
    readonly jobs: readonly { readonly store: string; readonly cronJob: string }[];
    /** The longest gap between two runs of the schedule (seconds). */
    readonly intervalSeconds: number;
    /** How long one run may take (`activeDeadlineSeconds`). */
    readonly runSeconds: number;
    /** How late a run may start (`startingDeadlineSeconds`): the overdue alert waits this long. */
    readonly startSeconds: number;
}

/** A `store` label from a backup CronJob's name (`postgres-backup` -> `postgres`). */
const withStore = (expr: string) => `label_replace(\n${expr},\n"store", "$1", "cronjob", "(.+)-backup"\n)`;

/** Backups: none succeeded for longer than the schedule's gap plus a run, or the latest run failed. */
export function backupAlerts(scope: AlertScope, watch: BackupWatch): AlertGroup {
    const ns = scope.namespace;
    const cronJobs = oneOf(watch.jobs.map((j) => j.cronJob));
    const maxAge = watch.intervalSeconds + watch.runSeconds;
    const lastSuccess = selector(KUBE_STATE_METRICS.cronJobLastSuccess.name, { namespace: ns, cronjob: cronJobs });
    const created = selector(KUBE_STATE_METRICS.cronJobCreated.name, { namespace: ns, cronjob: cronJobs });
    const overdue =
        `(time() - ${lastSuccess}) > ${maxAge}\n` +
        `or\n((time() - ${created}) > ${maxAge} unless on (namespace, cronjob) ${lastSuccess})`;
    // The newest failed run of each backup CronJob, by its start time; it counts once no run has succeeded since.
    const failedRuns =
        `max by (namespace, owner_name) (\n` +
        `${selector(KUBE_STATE_METRICS.jobOwner.name, { namespace: ns, owner_kind: "CronJob", owner_name: cronJobs })}\n` +
        `* on (namespace, job_name) group_left () (${selector(KUBE_STATE_METRICS.jobFailed.name, { namespace: ns, condition: "true" })} == 1)\n` +
        `* on (namespace, job_name) group_left () ${selector(KUBE_STATE_METRICS.jobStartTime.name, { namespace: ns })}\n)`;
    const newestFailure = `label_replace(${failedRuns}, "cronjob", "$1", "owner_name", "(.+)")`;
    const sinceSuccess = `(${lastSuccess} or on (namespace, cronjob) (0 * ${created}))`;
    return {
        name: "backups",
        rules: [
            alert(scope, {
                alert: "BackupOverdue",
                expr: withStore(overdue),
                for: promDuration(watch.startSeconds),
                severity: pageOnMainnet(scope.network),
                summary: "No successful {{ $labels.store }} backup for more than " + humanDuration(maxAge),
                description:
                    `The CronJob {{ $labels.cronjob }} in {{ $labels.namespace }} has not completed a backup for more ` +
                    `than ${humanDuration(maxAge)} (its schedule runs at least every ${humanDuration(watch.intervalSeconds)} ` +
                    `and a run may take ${humanDuration(watch.runSeconds)}): the newest off-cluster copy of ` +
                    "{{ $labels.store }} is getting old.",
            }),
            alert(scope, {
                alert: "BackupFailed",
                expr: withStore(`${newestFailure}\n> on (namespace, cronjob) ${sinceSuccess}`),
                severity: "warning",
                summary: "The latest {{ $labels.store }} backup failed",
                description:
                    "A Job of the CronJob {{ $labels.cronjob }} in {{ $labels.namespace }} failed and no run has " +
                    "succeeded since; the next scheduled run may fail the same way.",
            }),
        ],
    };
}

/** Workloads: containers in CrashLoopBackOff, and scrape targets that stay unreachable (the relay has its own). */
export function workloadAlerts(scope: AlertScope, targets: readonly ScrapeTarget[]): AlertGroup {
    const waiting = selector(KUBE_STATE_METRICS.containerWaiting.name, {
        namespace: scope.namespace,
        reason: "CrashLoopBackOff",
    });
    const others = targets.filter((t) => t.service !== "relay").map((t) => t.service);
    const up = selector(PROMETHEUS_METRICS.up.name, { namespace: scope.namespace, job: oneOf(others) });
    return {
        name: "workloads",
        rules: [
            alert(scope, {
                alert: "PodCrashLooping",
                expr: `max_over_time(${waiting}[5m]) >= 1`,
                for: "15m",
                severity: "warning",
                summary: "Container {{ $labels.container }} of {{ $labels.pod }} is crash-looping",
                description:
                    "Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} has been " +
                    "in CrashLoopBackOff for 15 minutes.",
            }),
            alert(scope, {
                alert: "ServiceTargetDown",
                expr: `max by (namespace, job, pod) (${up} == 0)`,
                for: "5m",
                severity: "warning",
                summary: "{{ $labels.job }} pod {{ $labels.pod }} cannot be scraped",
                description:
                    "Prometheus has failed to scrape {{ $labels.job }} pod {{ $labels.pod }} in {{ $labels.namespace }} " +
                    "for 5 minutes: the pod is down, or its metrics port is unreachable.",
            }),
        ],
    };
}

/** Volumes: a claim of a scrape target (the object store's, a relay node's) fuller than the threshold. */
export function volumeAlerts(scope: AlertScope, targets: readonly ScrapeTarget[]): AlertGroup | undefined {
    const claims = targets.flatMap((t) => t.volumeClaims);
    if (claims.length === 0) return undefined;
    const matchers = { namespace: scope.namespace, persistentvolumeclaim: re(claims.join("|")) };
    const bytes = (series: string) => `max by (namespace, persistentvolumeclaim) (${selector(series, matchers)})`;
    const ratio = promNumber(scope.thresholds.volumeUsageRatio);
    return {
        name: "volumes",
        rules: [
            alert(scope, {
                alert: "PersistentVolumeFillingUp",
                expr: `${bytes(KUBELET_METRICS.volumeUsed.name)}\n/\n${bytes(KUBELET_METRICS.volumeCapacity.name)}\n> ${ratio}`,
                for: "10m",
                severity: "warning",
                summary: "Volume {{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
                description:
                    `The volume of claim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has been more ` +
                    `than ${promNumber(scope.thresholds.volumeUsageRatio * 100)}% full for 10 minutes; writes fail ` +
                    "when it is full. Grow the claim or free space.",
            }),
        ],
    };
}
