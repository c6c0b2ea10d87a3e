/**
 * CronJobs that never overlap, start late, hang or pile up history: Forbid or Replace concurrency,
 * deadlines and history limits.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, defaultEnforcement, K8S, show, validateTypes } from "../util";

/** Messages for every unsafe scheduling setting of a CronJob's props. */
export function cronJobProblems(props: Record<string, unknown>): string[] {
    const spec = asRecord(props.spec) ?? {};
    const jobSpec = asRecord(asRecord(spec.jobTemplate)?.spec) ?? {};
    const messages: string[] = [];
    const policy = spec.concurrencyPolicy;
    if (policy !== "Forbid" && policy !== "Replace") {
        messages.push(
            `spec.concurrencyPolicy is ${show(policy)}; set it to "Forbid" (or "Replace") so a slow run ` +
                `never overlaps the next one (the default, Allow, lets runs pile up).`,
        );
    }
    const positive = (v: unknown) => typeof v === "number" && v > 0;
    if (!positive(spec.startingDeadlineSeconds)) {
        messages.push(
            `spec.startingDeadlineSeconds is ${show(spec.startingDeadlineSeconds)}; set a positive ` +
                `number of seconds (e.g. 300) so a run missed during an outage is skipped instead of ` +
                `started late, and missed schedules stop piling up.`,
        );
    }
    if (!positive(jobSpec.activeDeadlineSeconds)) {
        messages.push(
            `spec.jobTemplate.spec.activeDeadlineSeconds is ${show(jobSpec.activeDeadlineSeconds)}; set ` +
                `a positive number of seconds so a hung run is killed instead of blocking every later run.`,
        );
    }
    for (const [field, example] of [
        ["successfulJobsHistoryLimit", "3"],
        ["failedJobsHistoryLimit", "3"],
    ] as const) {
        const value = spec[field];
        if (typeof value !== "number" || value < 0) {
            messages.push(
                `spec.${field} is ${show(value)}; set it explicitly (e.g. ${example}) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            );
        }
    }
    return messages;
}

/** CronJobs never overlap, never start late, never hang, and keep a bounded history. */
export const cronJobSafety: ResourceValidationPolicy = {
    name: "cronjob-safe-scheduling",
    description:
        "Every CronJob must set concurrencyPolicy Forbid or Replace, startingDeadlineSeconds, the " +
        "job's activeDeadlineSeconds and both history limits, so runs never overlap, never start " +
        "late after an outage, never hang forever and leave a bounded history.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes([K8S.CronJob], (args, reportViolation) => {
        cronJobProblems(args.props).forEach((m) => reportViolation(m));
    }),
};
