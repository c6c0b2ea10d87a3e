import * as assert from "node:assert/strict";
import {
    BackupCronJob,
    BackupCronJobArgs,
    backupCronJobProblems,
    backupCronJobSpec,
    scriptConfigMapName,
} from "../../../components/k8s/backupCronJob";
import { MockRun, registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { Json, only } from "../../support/workloadFixtures";

const SCRIPT = "#!/usr/bin/env bash\nset -euo pipefail\necho backing up\n";
const ROLE = {
    arn: "arn:aws:iam::444455556666:role/messaging-infra-testnet-postgres-backup",
    serviceAccount: { namespace: "messaging-testnet", name: "postgres-backup" },
};

/** A valid backup of the postgres store; each bad-input case mutates one thing. */
function validArgs(overrides: Partial<BackupCronJobArgs> = {}): BackupCronJobArgs {
    return {
        task: "postgres-backup",
        network: "testnet",
        namespace: "messaging-testnet",
        component: "backup",
        image: "registry.example.org/mirror/backup-tools:2.1.0",
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        env: { NETWORK: "testnet", BACKUP_PREFIX: "postgres", PGHOST: "postgres.testnet.example.org" },
        secretEnv: [{ envName: "PGPASSWORD", secret: { name: "postgres-backup-secrets", key: "password" } }],
        role: ROLE,
        activeDeadlineSeconds: 3600,
        backoffLimit: 1,
        store: "postgres",
        mode: "backup",
        schedule: "15 */6 * * *",
        script: { file: "postgres-backup.sh", text: SCRIPT },
        ...overrides,
    };
}

const labels = {
    "app.kubernetes.io/name": "postgres-backup",
    "app.kubernetes.io/instance": "testnet",
    "app.kubernetes.io/component": "backup",
    "app.kubernetes.io/part-of": "messaging-infra",
    "app.kubernetes.io/managed-by": "pulumi",
};

async function run(args: BackupCronJobArgs): Promise<MockRun<Json>> {
    return (await runInMockEngine(
        () => {
            const job = new BackupCronJob("postgres-backup", args);
            return { selector: job.selector, cronJobName: job.cronJobName };
        },
        { project: "messaging-infra", stack: "testnet" },
    )) as MockRun<Json>;
}

describe("k8s BackupCronJob", () => {
    it("schedules in UTC, never overlaps, and bounds every run", () => {
        const spec = backupCronJobSpec(validArgs(), labels, "postgres-backup", "postgres-backup-script-x") as Json;
        assert.deepEqual(
            {
                schedule: spec.schedule,
                timeZone: spec.timeZone,
                concurrencyPolicy: spec.concurrencyPolicy,
                startingDeadlineSeconds: spec.startingDeadlineSeconds,
                successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit,
                failedJobsHistoryLimit: spec.failedJobsHistoryLimit,
                suspend: spec.suspend,
                activeDeadlineSeconds: spec.jobTemplate.spec.activeDeadlineSeconds,
                backoffLimit: spec.jobTemplate.spec.backoffLimit,
            },
            {
                schedule: "15 */6 * * *",
                timeZone: "Etc/UTC",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 600,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                suspend: false,
                activeDeadlineSeconds: 3600,
                backoffLimit: 1,
            },
        );
    });

    it("runs the script from a read-only ConfigMap in a hardened pod that never restarts in place", () => {
        const pod = (backupCronJobSpec(validArgs(), labels, "postgres-backup", "script-cm") as Json).jobTemplate.spec
            .template.spec;
        const container = pod.containers[0];
        assert.deepEqual(container.command, ["bash", "/scripts/postgres-backup.sh"]);
        assert.equal(pod.restartPolicy, "Never");
        assert.equal(pod.automountServiceAccountToken, true);
        assert.deepEqual(container.volumeMounts, [
            { name: "tmp", mountPath: "/tmp" },
            { name: "scripts", mountPath: "/scripts", readOnly: true },
        ]);
        assert.deepEqual(pod.volumes, [
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            { name: "scripts", configMap: { name: "script-cm", defaultMode: 0o444 } },
        ]);
        assert.deepEqual(container.securityContext, {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.deepEqual(container.env, [
            { name: "BACKUP_PREFIX", value: "postgres" },
            { name: "NETWORK", value: "testnet" },
            { name: "PGHOST", value: "postgres.testnet.example.org" },
            {
                name: "PGPASSWORD",
                valueFrom: { secretKeyRef: { name: "postgres-backup-secrets", key: "password", optional: false } },
            },
        ]);
    });

    it("creates a restore suspended, to be run by hand", () => {
        const spec = backupCronJobSpec(validArgs({ mode: "restore" }), labels, "sa", "cm") as Json;
        assert.equal(spec.suspend, true);
    });

    it("names the script's ConfigMap by a hash of the script, so an edit rolls the job", () => {
        assert.match(scriptConfigMapName("postgres-backup", SCRIPT), /^postgres-backup-script-[0-9a-f]{10}$/);
        assert.notEqual(
            scriptConfigMapName("postgres-backup", SCRIPT),
            scriptConfigMapName("postgres-backup", `${SCRIPT}#`),
        );
    });

    describe("resources under the mock engine", () => {
        let recorded: MockRun<Json>;
        before(async () => {
            recorded = await run(validArgs());
        });

        it("registers the script ConfigMap, its own IRSA ServiceAccount and the CronJob, all paired with the store", () => {
            const configMap = only(recorded.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
            assert.equal(configMap.metadata.name, scriptConfigMapName("postgres-backup", SCRIPT));
            assert.equal(configMap.immutable, true);
            assert.deepEqual(configMap.data, { "postgres-backup.sh": SCRIPT });
            const sa = only(recorded.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
            assert.equal(sa.metadata.name, "postgres-backup");
            assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": ROLE.arn });
            assert.equal(sa.automountServiceAccountToken, true);
            const cronJob = only(recorded.resources, "kubernetes:batch/v1:CronJob").inputs as Json;
            assert.deepEqual(cronJob.metadata.labels, { ...labels, "messaging-infra/backup-of": "postgres" });
            assert.equal(cronJob.spec.jobTemplate.spec.template.spec.serviceAccountName, "postgres-backup");
            assert.deepEqual(cronJob.spec.jobTemplate.spec.template.metadata.labels, labels);
            assert.equal(
                cronJob.spec.jobTemplate.spec.template.spec.volumes[1].configMap.name,
                configMap.metadata.name,
            );
            assert.deepEqual(recorded.outputs.selector, {
                "app.kubernetes.io/name": "postgres-backup",
                "app.kubernetes.io/instance": "testnet",
            });
        });

        it("labels a restore with restore-of", async () => {
            const restore = await run(validArgs({ task: "postgres-restore", mode: "restore" }));
            const cronJob = only(restore.resources, "kubernetes:batch/v1:CronJob").inputs as Json;
            assert.equal(cronJob.metadata.labels["messaging-infra/restore-of"], "postgres");
            assert.equal(cronJob.metadata.labels["messaging-infra/backup-of"], undefined);
        });
    });

    describe("bad input", () => {
        const cases: [string, Partial<BackupCronJobArgs>, string][] = [
            [
                "a six-field schedule",
                { schedule: "0 0 */6 * * *" },
                '  - schedule: got "0 0 */6 * * *"; allowed: a five-field cron expression (minute hour day-of-month month ' +
                    'day-of-week, e.g. "0 */6 * * *") or a macro such as @daily',
            ],
            [
                "a script that does not stop on errors",
                { script: { file: "postgres-backup.sh", text: "#!/bin/sh\npg_dump\n" } },
                '  - script.text: got "[the script]"; allowed: a shell script with a #! line that runs under set -euo pipefail',
            ],
            [
                "a script file that is not a .sh name",
                { script: { file: "../backup", text: SCRIPT } },
                '  - script.file: got "../backup"; allowed: a file name like object-store-backup.sh',
            ],
            [
                "an unknown store",
                { store: "Postgres" },
                "  - store: got \"Postgres\"; allowed: a DNS-1123 label: lower-case letters, digits and '-', " +
                    "starting and ending with a letter or digit, at most 63 characters",
            ],
            [
                "no history",
                { historyLimits: { succeeded: 0, failed: 3 } },
                "  - historyLimits.succeeded: got 0; allowed: an integer from 1 to 10",
            ],
            [
                "a start deadline under a minute",
                { startingDeadlineSeconds: 30 },
                "  - startingDeadlineSeconds: got 30; allowed: an integer from 60 to 86400 (seconds)",
            ],
            [
                "an unpinned image",
                { image: "registry.example.org/mirror/backup-tools:latest" },
                '  - image: got "registry.example.org/mirror/backup-tools:latest"; allowed: an image pinned to a version tag ' +
                    "or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never latest or untagged)",
            ],
            [
                "a secret-looking plain env",
                { env: { REDIS_PASSWORD: "hunter2" } },
                '  - env: got "REDIS_PASSWORD"; allowed: a non-secret name; secrets come through secretEnv',
            ],
        ];
        it("accepts the valid input", () => assert.deepEqual(backupCronJobProblems(validArgs()), []));
        for (const [what, overrides, line] of cases) {
            it(`rejects ${what}, registering nothing`, async () => {
                await assert.rejects(run(validArgs(overrides)), (error: unknown) => {
                    assert.ok(error instanceof Error);
                    assert.equal(
                        error.message,
                        `Invalid arguments to messaging:k8s:BackupCronJob "postgres-backup": 1 problem. Fix the caller:\n${line}`,
                    );
                    assert.equal(registeredBeforeFailure(error), 0);
                    return true;
                });
            });
        }
    });
});
