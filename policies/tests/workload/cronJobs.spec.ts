/**
 * cronjob-safe-scheduling (rules/workload/cronJobs.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import { cronJobSafety } from "../../rules/workload/cronJobs";
import { cronJob } from "../compliantStack";
import { policyTable } from "../support";

describe("workload policies", () => {
    policyTable(cronJobSafety, cronJob, (c) => c, [
        {
            name: "concurrencyPolicy unset (Allow)",
            mutate: (c) => void delete c.props.spec.concurrencyPolicy,
            messages: [
                `spec.concurrencyPolicy is unset; set it to "Forbid" (or "Replace") so a slow run never ` +
                    `overlaps the next one (the default, Allow, lets runs pile up).`,
            ],
        },
        {
            name: "concurrencyPolicy Allow",
            mutate: (c) => void (c.props.spec.concurrencyPolicy = "Allow"),
            messages: [
                `spec.concurrencyPolicy is "Allow"; set it to "Forbid" (or "Replace") so a slow run never ` +
                    `overlaps the next one (the default, Allow, lets runs pile up).`,
            ],
        },
        {
            name: "no startingDeadlineSeconds",
            mutate: (c) => void delete c.props.spec.startingDeadlineSeconds,
            messages: [
                `spec.startingDeadlineSeconds is unset; set a positive number of seconds (e.g. 300) so a ` +
                    `run missed during an outage is skipped instead of started late, and missed schedules stop ` +
                    `piling up.`,
            ],
        },
        {
            name: "no activeDeadlineSeconds on the job",
            mutate: (c) => void delete c.props.spec.jobTemplate.spec.activeDeadlineSeconds,
            messages: [
                `spec.jobTemplate.spec.activeDeadlineSeconds is unset; set a positive number of seconds so ` +
                    `a hung run is killed instead of blocking every later run.`,
            ],
        },
        {
            name: "no successfulJobsHistoryLimit",
            mutate: (c) => void delete c.props.spec.successfulJobsHistoryLimit,
            messages: [
                `spec.successfulJobsHistoryLimit is unset; set it explicitly (e.g. 3) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            ],
        },
        {
            name: "no failedJobsHistoryLimit",
            mutate: (c) => void delete c.props.spec.failedJobsHistoryLimit,
            messages: [
                `spec.failedJobsHistoryLimit is unset; set it explicitly (e.g. 3) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            ],
        },
    ]);
});
