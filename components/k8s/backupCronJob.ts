/**
 * BackupCronJob: the one way a store is backed up off-cluster, or restored. A batch/v1 CronJob on a
 * validated five-field schedule in UTC that never overlaps itself (`Forbid`), with start and run
 * deadlines, retries and history limits; its pod is the hardened task pod (taskSpec.ts) running a
 * shell script that lives in an immutable ConfigMap, mounted read-only; its own ServiceAccount
 * carries its own IRSA role (a backup may only put under its store's prefix of the network's
 * bucket, a restore may only read there) and never a static key.
 *
 * A restore is the same block with `suspend: true`: it never runs on its schedule; an operator runs
 * it with `kubectl create job --from=cronjob/<name> <name>-manual`.
 *
 * The CronJob carries `messaging-infra/backup-of: <store>` (or `restore-of`), the label the policy
 * pack's whole-stack rules read to pair every stateful store with its backup and its restore.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { selectorLabels, serviceLabels } from "../network";
import { checkCronSchedule, intRangeAllowed, isDnsLabel, isIntInRange, DNS_LABEL_ALLOWED } from "../validators";
import { TaskArgs, taskJobSpec, taskProblems, taskServiceAccount } from "./taskSpec";

/** The label a backup CronJob carries: the store it backs up (a StatefulSet's name, or an external store's). */
export const BACKUP_OF_LABEL = "messaging-infra/backup-of";
/** The label a restore CronJob carries: the store it restores. */
export const RESTORE_OF_LABEL = "messaging-infra/restore-of";
/** Where the script's ConfigMap is mounted. */
export const SCRIPTS_PATH = "/scripts";
/** The time zone every schedule is read in. */
export const SCHEDULE_TIME_ZONE = "Etc/UTC";

/** Arguments of {@link BackupCronJob}. */
export interface BackupCronJobArgs extends Omit<TaskArgs, "command" | "args" | "configMapMounts"> {
    /** The store (a DNS-1123 label): the StatefulSet it backs up, or the external store's name. */
    readonly store: string;
    /** `backup` runs on its schedule; `restore` is created suspended and run by hand. */
    readonly mode: "backup" | "restore";
    /** Five-field cron or a macro (`@daily`), in UTC. */
    readonly schedule: string;
    /** The script: its file name (`<name>.sh`) and its text. It runs as `bash /scripts/<file>`. */
    readonly script: { readonly file: string; readonly text: string };
    /** Seconds a missed run may still start late (60 to 86400). Default 600. */
    readonly startingDeadlineSeconds?: number;
    /** Finished runs kept for inspection. Default 3 succeeded, 3 failed. */
    readonly historyLimits?: { readonly succeeded: number; readonly failed: number };
}

/** The immutable script ConfigMap's name: `<task>-script-<hash of the text>`, so an edit rolls the job. */
export function scriptConfigMapName(task: string, text: string): string {
    return `${task}-script-${createHash("sha256").update(text).digest("hex").slice(0, 10)}`;
}

/** Every problem with a BackupCronJob's arguments: the task's, the store, schedule, script and limits. */
export function backupCronJobProblems(args: BackupCronJobArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    problems.push(...taskProblems({ ...args, command: ["bash"] }));
    if (!isDnsLabel(args.store)) problems.add("store", args.store, DNS_LABEL_ALLOWED);
    if (args.mode !== "backup" && args.mode !== "restore") problems.add("mode", args.mode, "backup or restore");
    const scheduleProblem = checkCronSchedule(args.schedule);
    if (scheduleProblem) problems.add("schedule", args.schedule, scheduleProblem);
    if (!/^[a-z0-9][a-z0-9-]*\.sh$/.test(args.script.file)) {
        problems.add("script.file", args.script.file, "a file name like object-store-backup.sh");
    }
    // `set -euo pipefail` (other flags such as -E may join it): any failing command fails the run.
    const strict = /^\s*set\s+-(?=[A-Za-z]*e)(?=[A-Za-z]*u)[A-Za-z]*o\s+pipefail\b/m;
    if (!args.script.text.startsWith("#!") || !strict.test(args.script.text)) {
        problems.add("script.text", "[the script]", "a shell script with a #! line that runs under set -euo pipefail");
    }
    const late = args.startingDeadlineSeconds;
    if (late !== undefined && !isIntInRange(late, 60, 86_400)) {
        problems.add("startingDeadlineSeconds", late, intRangeAllowed(60, 86_400, "seconds"));
    }
    for (const kind of ["succeeded", "failed"] as const) {
        const limit = args.historyLimits?.[kind];
        if (limit !== undefined && !isIntInRange(limit, 1, 10))
            problems.add(`historyLimits.${kind}`, limit, intRangeAllowed(1, 10));
    }
    return problems.problems;
}

/** The CronJob's spec: schedule in UTC, no overlap, deadlines, history, the task's job; suspended for a restore. */
export function backupCronJobSpec(
    args: BackupCronJobArgs,
    labels: Readonly<Record<string, string>>,
    serviceAccountName: pulumi.Input<string>,
    configMapName: pulumi.Input<string>,
): k8s.types.input.batch.v1.CronJobSpec {
    const task: TaskArgs = {
        ...args,
        command: ["bash", `${SCRIPTS_PATH}/${args.script.file}`],
        configMapMounts: [{ volume: "scripts", configMapName, mountPath: SCRIPTS_PATH }],
    };
    return {
        schedule: args.schedule,
        timeZone: SCHEDULE_TIME_ZONE,
        // A run still going when the next is due means the store is slow: never stack a second copy on it.
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: args.startingDeadlineSeconds ?? 600,
        successfulJobsHistoryLimit: args.historyLimits?.succeeded ?? 3,
        failedJobsHistoryLimit: args.historyLimits?.failed ?? 3,
        suspend: args.mode === "restore",
        jobTemplate: { metadata: { labels: { ...labels } }, spec: taskJobSpec(task, labels, serviceAccountName) },
    };
}

/** A backup or restore of one store. */
export class BackupCronJob extends pulumi.ComponentResource {
    /** The labels that select its pods (network policies select it by exactly these). */
    public readonly selector: Readonly<Record<string, string>>;
    /** A task serves nothing. */
    public readonly ports: Readonly<Record<string, number>> = {};
    /** The CronJob's name (`kubectl create job --from=cronjob/<name>`). */
    public readonly cronJobName: pulumi.Output<string>;

    constructor(name: string, args: BackupCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = backupCronJobProblems(args);
        if (problems.length > 0) {
            throw new ArgumentsError(componentArguments("messaging:k8s:BackupCronJob", name), problems, FIX_THE_CALLER);
        }
        super("messaging:k8s:BackupCronJob", name, {}, opts);
        this.selector = selectorLabels(args.task, args.network);
        const labels = serviceLabels(args.task, args.network, args.component);
        const pairing = { [args.mode === "backup" ? BACKUP_OF_LABEL : RESTORE_OF_LABEL]: args.store };
        const metadata = (objectName?: pulumi.Input<string>) => ({
            ...(objectName === undefined ? {} : { name: objectName }),
            namespace: args.namespace,
            labels: { ...labels, ...pairing },
        });
        const script = new k8s.core.v1.ConfigMap(
            `${name}-script`,
            {
                metadata: metadata(scriptConfigMapName(args.task, args.script.text)),
                immutable: true,
                data: { [args.script.file]: args.script.text },
            },
            { parent: this },
        );
        const serviceAccount = taskServiceAccount(name, args, { ...labels, ...pairing }, this);
        const cronJob = new k8s.batch.v1.CronJob(
            `${name}-cronjob`,
            {
                metadata: metadata(args.task),
                spec: backupCronJobSpec(args, labels, serviceAccount.metadata.name, script.metadata.name),
            },
            { parent: this },
        );
        this.cronJobName = cronJob.metadata.name;
        this.registerOutputs({ selector: this.selector, cronJobName: this.cronJobName });
    }
}
