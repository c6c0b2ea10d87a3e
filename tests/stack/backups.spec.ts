/**
 * The backups each stack runs: a backup CronJob and a suspended restore CronJob per store, on the
 * network's staggered schedule, each with its own IRSA ServiceAccount, the real script mounted from
 * its ConfigMap, and the store's credentials only by secretKeyRef (never in AWS_* variables, which
 * would shadow the job's IRSA role).
 */
import * as assert from "node:assert/strict";
import { backupScript } from "../../components/storeBackups";
import { RecordedResource } from "../../harness/mockEngine";
import { committedStackRun } from "../support/stackRuns";

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCHEDULES = { devnet: "30 */6 * * *", testnet: "15 */6 * * *", mainnet: "0 */6 * * *" } as const;
const JOBS = ["object-store-backup", "object-store-restore", "postgres-backup", "postgres-restore"];

describe("backups per stack", () => {
    for (const stack of ["devnet", "testnet", "mainnet"] as const) {
        describe(stack, () => {
            let resources: RecordedResource[];
            before(async () => {
                resources = (await committedStackRun(stack)).resources;
            });
            const cronJob = (name: string) =>
                resources.find(
                    (r) => r.type === "kubernetes:batch/v1:CronJob" && (r.inputs as Json).metadata.name === name,
                )?.inputs as Json;
            const container = (name: string) => cronJob(name).spec.jobTemplate.spec.template.spec.containers[0];
            const envOf = (name: string) =>
                Object.fromEntries(
                    (container(name).env as Json[]).map((e) => [
                        e.name,
                        e.valueFrom
                            ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`
                            : e.value,
                    ]),
                );

            it("runs each store's backup on the network's schedule and creates its restore suspended", () => {
                assert.deepEqual(
                    JOBS.map((name) => {
                        const spec = cronJob(name).spec;
                        return [name, spec.schedule, spec.timeZone, spec.suspend, spec.concurrencyPolicy];
                    }),
                    JOBS.map((name) => [name, SCHEDULES[stack], "Etc/UTC", name.endsWith("-restore"), "Forbid"]),
                );
                assert.deepEqual(
                    JOBS.map((name) => cronJob(name).metadata.labels),
                    JOBS.map((name) => ({
                        "app.kubernetes.io/name": name,
                        "app.kubernetes.io/instance": stack,
                        "app.kubernetes.io/component": "backup",
                        "app.kubernetes.io/part-of": "messaging-infra",
                        "app.kubernetes.io/managed-by": "pulumi",
                        [`messaging-infra/${name.endsWith("-backup") ? "backup" : "restore"}-of`]: name.replace(
                            /-(backup|restore)$/,
                            "",
                        ),
                    })),
                );
            });

            it("mounts the real script and runs it with bash", () => {
                for (const name of JOBS) {
                    const pod = cronJob(name).spec.jobTemplate.spec.template.spec;
                    assert.deepEqual(container(name).command, ["bash", `/scripts/${name}.sh`]);
                    const configMapName = pod.volumes.find((v: Json) => v.name === "scripts").configMap.name;
                    const configMap = resources.find(
                        (r) =>
                            r.type === "kubernetes:core/v1:ConfigMap" &&
                            (r.inputs as Json).metadata.name === configMapName,
                    );
                    assert.deepEqual((configMap?.inputs as Json).data, {
                        [`${name}.sh`]: backupScript(`${name}.sh`).text,
                    });
                }
            });

            it("gives each job its own IRSA ServiceAccount", () => {
                for (const name of JOBS) {
                    const pod = cronJob(name).spec.jobTemplate.spec.template.spec;
                    assert.equal(pod.serviceAccountName, name);
                    assert.equal(pod.automountServiceAccountToken, true);
                    const sa = resources.find(
                        (r) =>
                            r.type === "kubernetes:core/v1:ServiceAccount" && (r.inputs as Json).metadata.name === name,
                    )?.inputs as Json;
                    assert.match(
                        sa.metadata.annotations["eks.amazonaws.com/role-arn"],
                        new RegExp(`^arn:aws:iam::[0-9]{12}:role/messaging-infra-${stack}-${name}$`),
                    );
                }
            });

            it("passes the store's credentials only by secretKeyRef, never as AWS_* variables", () => {
                const namespace = `messaging-${stack}`;
                const common = (prefix: string) => ({ NETWORK: stack, AWS_REGION: "us-east-1", BACKUP_PREFIX: prefix });
                const minio = (side: string) => ({
                    [`${side}_ENDPOINT`]: `http://object-store.${namespace}.svc.cluster.local:9000`,
                    [`${side}_ACCESS_KEY_ID`]: "secret:object-store-secrets/root-user",
                    [`${side}_SECRET_ACCESS_KEY`]: "secret:object-store-secrets/root-password",
                });
                const libpq = {
                    PGHOST: `postgres.${stack}.example.org`,
                    PGPORT: "5432",
                    PGDATABASE: "messaging",
                    PGUSER: "messaging_api",
                    PGSSLMODE: "require",
                    PGPASSWORD: "secret:postgres-backup-secrets/password",
                };
                const expected: Record<string, Record<string, string>> = {
                    "object-store-backup": { ...common("object-store"), ...minio("SOURCE") },
                    "object-store-restore": { ...common("object-store"), ...minio("TARGET") },
                    "postgres-backup": { ...common("postgres"), ...libpq },
                    "postgres-restore": { ...common("postgres"), ...libpq },
                };
                for (const name of JOBS) {
                    const env = envOf(name);
                    assert.match(env.BACKUP_BUCKET, new RegExp(`^messaging-infra-${stack}-backups-[0-9]{12}$`));
                    assert.match(env.KMS_KEY_ARN, /^arn:aws:kms:us-east-1:[0-9]{12}:key\//);
                    const rest = Object.fromEntries(
                        Object.entries(env).filter(([k]) => k !== "BACKUP_BUCKET" && k !== "KMS_KEY_ARN"),
                    );
                    assert.deepEqual(rest, expected[name], name);
                    assert.deepEqual(
                        Object.keys(env).filter((k) => k.startsWith("AWS_") && k !== "AWS_REGION"),
                        [],
                        `${name} must reach its bucket through IRSA only`,
                    );
                }
            });

            it("stages data in scratch space sized for the store", () => {
                const scratch = (name: string) =>
                    cronJob(name).spec.jobTemplate.spec.template.spec.volumes.find((v: Json) => v.name === "tmp")
                        .emptyDir.sizeLimit;
                const volume = stack === "mainnet" ? "50Gi" : "10Gi";
                assert.deepEqual(JOBS.map(scratch), [volume, volume, "20Gi", "20Gi"]);
            });
        });
    }
});
