/**
 * The promtool cases of the alerts on what Kubernetes reports: backups overdue or failed
 * (kube-state-metrics' CronJob and Job series), crash-looping containers, unreachable scrape targets
 * and volumes filling up (the kubelet's volume statistics).
 */
import { AlertCase, AlertFacts, fired, s } from "./alertCases";

/** `<minutes>m` of a number of seconds. */
const minutes = (seconds: number) => `${Math.round(seconds / 60)}m`;
/** A gauge holding `value` for `steps` minutes. */
const constant = (value: number, steps: number) => `${value}x${steps}`;
/** `7h`, `1h 30m` as the alert texts say it. */
const human = (seconds: number) =>
    [
        [Math.floor(seconds / 3600), "h"],
        [Math.floor((seconds % 3600) / 60), "m"],
    ]
        .filter(([n]) => Number(n) > 0)
        .map(([n, u]) => `${n}${u}`)
        .join(" ");

/** The cases of the backup, workload and volume alerts. */
export function platformAlertCases(f: AlertFacts): AlertCase[] {
    const link = (alert: string) => `${f.runbook}#${alert.toLowerCase()}`;
    const ns = { namespace: f.ns };
    const cron = (cronjob: string) => ({ ...ns, cronjob });
    // Evaluated every 5 minutes (hours of series), 20 minutes after the backups became overdue (the alert waits 10).
    const late = f.backupMaxAge + 1200;
    const steps = late / 300 + 2;
    const overdue = (cronjob: string, store: string) =>
        fired(
            { severity: f.page, ...cron(cronjob), store },
            {
                summary: `No successful ${store} backup for more than ${human(f.backupMaxAge)}`,
                description:
                    `The CronJob ${cronjob} in ${f.ns} has not completed a backup for more than ${human(f.backupMaxAge)} ` +
                    `(its schedule runs at least every ${human(f.backupInterval)} and a run may take ` +
                    `${human(f.backupMaxAge - f.backupInterval)}): the newest off-cluster copy of ${store} is getting old.`,
                runbook_url: link("BackupOverdue"),
            },
        );
    const job = (name: string, owner: string, failed: boolean, start: number) => [
        s(
            "kube_job_owner",
            { ...ns, job_name: name, owner_kind: "CronJob", owner_name: owner, owner_is_controller: "true" },
            "1x30",
        ),
        s("kube_job_failed", { ...ns, job_name: name, condition: "true" }, failed ? "1x30" : "0x30"),
        s("kube_job_failed", { ...ns, job_name: name, condition: "false" }, failed ? "0x30" : "1x30"),
        s("kube_job_status_start_time", { ...ns, job_name: name }, constant(start, 30)),
    ];
    const failedBackup = (cronjob: string, store: string) =>
        fired(
            { severity: "warning", ...ns, cronjob, store },
            {
                summary: `The latest ${store} backup failed`,
                description:
                    `A Job of the CronJob ${cronjob} in ${f.ns} failed and no run has succeeded since; the next ` +
                    "scheduled run may fail the same way.",
                runbook_url: link("BackupFailed"),
            },
        );
    const pod = "messaging-api-7c9-abcde";
    const waiting = (reason: string, values: string) =>
        s("kube_pod_container_status_waiting_reason", { ...ns, pod, container: "messaging-api", reason }, values);
    const volume = (claim: string, used: number) => [
        s("kubelet_volume_stats_used_bytes", { ...ns, persistentvolumeclaim: claim }, constant(used, 20)),
        s("kubelet_volume_stats_capacity_bytes", { ...ns, persistentvolumeclaim: claim }, constant(10e9, 20)),
    ];
    const full = Math.round(f.thresholds.volumeUsageRatio * 100) + 5;
    return [
        {
            alert: "BackupOverdue",
            interval: "5m",
            fires: {
                title: "postgres last succeeded too long ago, the object store never",
                series: [
                    s("kube_cronjob_status_last_successful_time", cron("postgres-backup"), constant(0, steps)),
                    s("kube_cronjob_created", cron("postgres-backup"), constant(0, steps)),
                    s("kube_cronjob_created", cron("object-store-backup"), constant(0, steps)),
                ],
                at: minutes(late),
                alerts: [overdue("object-store-backup", "object-store"), overdue("postgres-backup", "postgres")],
            },
            quiet: [
                {
                    title: "a success within the schedule's gap, a backup created an hour ago, a restore never run",
                    series: [
                        s(
                            "kube_cronjob_status_last_successful_time",
                            cron("postgres-backup"),
                            constant(late - f.backupInterval, steps),
                        ),
                        s("kube_cronjob_created", cron("postgres-backup"), constant(0, steps)),
                        s("kube_cronjob_created", cron("object-store-backup"), constant(late - 3600, steps)),
                        s("kube_cronjob_created", cron("postgres-restore"), constant(0, steps)),
                    ],
                    at: minutes(late),
                },
                {
                    title: "overdue for 5 minutes only",
                    series: [
                        s("kube_cronjob_status_last_successful_time", cron("postgres-backup"), constant(0, steps)),
                    ],
                    at: minutes(f.backupMaxAge + 300),
                },
            ],
        },
        {
            alert: "BackupFailed",
            interval: "5m",
            fires: {
                title: "a postgres run failed after the last success, an object-store run failed before any",
                series: [
                    s("kube_cronjob_status_last_successful_time", cron("postgres-backup"), constant(0, 30)),
                    s("kube_cronjob_created", cron("postgres-backup"), constant(0, 30)),
                    s("kube_cronjob_created", cron("object-store-backup"), constant(0, 30)),
                    ...job("postgres-backup-29000060", "postgres-backup", true, 3600),
                    ...job("object-store-backup-29000060", "object-store-backup", true, 3600),
                ],
                at: "2h",
                alerts: [
                    failedBackup("object-store-backup", "object-store"),
                    failedBackup("postgres-backup", "postgres"),
                ],
            },
            quiet: [
                {
                    title: "a failed run followed by a success, a succeeded run, a failed restore",
                    series: [
                        s("kube_cronjob_status_last_successful_time", cron("postgres-backup"), constant(7200, 30)),
                        s("kube_cronjob_created", cron("postgres-backup"), constant(0, 30)),
                        s("kube_cronjob_created", cron("object-store-backup"), constant(0, 30)),
                        ...job("postgres-backup-29000060", "postgres-backup", true, 3600),
                        ...job("object-store-backup-29000060", "object-store-backup", false, 3600),
                        ...job("postgres-restore-manual", "postgres-restore", true, 3600),
                    ],
                    at: "2h",
                },
            ],
        },
        {
            alert: "PodCrashLooping",
            fires: {
                title: "in CrashLoopBackOff for 20 minutes",
                series: [waiting("CrashLoopBackOff", "1x30")],
                at: "20m",
                alerts: [
                    fired(
                        { severity: "warning", ...ns, pod, container: "messaging-api", reason: "CrashLoopBackOff" },
                        {
                            summary: `Container messaging-api of ${pod} is crash-looping`,
                            description: `Container messaging-api of pod ${pod} in ${f.ns} has been in CrashLoopBackOff for 15 minutes.`,
                            runbook_url: link("PodCrashLooping"),
                        },
                    ),
                ],
            },
            quiet: [
                { title: "an image that does not pull", series: [waiting("ImagePullBackOff", "1x30")], at: "20m" },
                {
                    title: "crash-looping for 10 minutes only",
                    series: [waiting("CrashLoopBackOff", "0x15 1x10")],
                    at: "25m",
                },
            ],
        },
        {
            alert: "ServiceTargetDown",
            fires: {
                title: "an API pod fails its scrapes",
                series: [s("up", { ...ns, job: "messaging-api", pod }, "0x10")],
                at: "8m",
                alerts: [
                    fired(
                        { severity: "warning", ...ns, job: "messaging-api", pod },
                        {
                            summary: `messaging-api pod ${pod} cannot be scraped`,
                            description:
                                `Prometheus has failed to scrape messaging-api pod ${pod} in ${f.ns} for 5 minutes: the pod ` +
                                "is down, or its metrics port is unreachable.",
                            runbook_url: link("ServiceTargetDown"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "a relay pod down (RelayNodeDown's), an API pod up",
                    series: [
                        s("up", { ...ns, job: "relay", pod: "relay-0" }, "0x10"),
                        s("up", { ...ns, job: "messaging-api", pod }, "1x10"),
                    ],
                    at: "8m",
                },
            ],
        },
        {
            alert: "PersistentVolumeFillingUp",
            fires: {
                title: `the object store's volume ${full} % full`,
                series: volume("data-object-store-0", full * 1e8),
                at: "15m",
                alerts: [
                    fired(
                        { severity: "warning", ...ns, persistentvolumeclaim: "data-object-store-0" },
                        {
                            summary: `Volume data-object-store-0 is ${full}% full`,
                            description:
                                `The volume of claim data-object-store-0 in ${f.ns} has been more than ` +
                                `${Math.round(f.thresholds.volumeUsageRatio * 100)}% full for 10 minutes; writes fail when ` +
                                "it is full. Grow the claim or free space.",
                            runbook_url: link("PersistentVolumeFillingUp"),
                        },
                    ),
                ],
            },
            quiet: [
                {
                    title: "a relay volume below the threshold",
                    series: volume("data-relay-0", (full - 10) * 1e8),
                    at: "15m",
                },
                { title: "another claim, full", series: volume("scratch-other-0", 99e8), at: "15m" },
            ],
        },
    ];
}
