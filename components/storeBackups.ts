/**
 * Off-cluster backups of every store the platform owns data in: the object store (MinIO) and the
 * API's Postgres database, each with a backup CronJob on the network's schedule and a suspended
 * restore CronJob, into its own prefix of the network's S3 backup bucket, each job with its own IRSA
 * role (see `serviceGrants`). The scripts are real shell programs (components/backups/scripts/),
 * exercised against real servers by tests/tools/backupScripts.spec.ts.
 *
 * The relay's blob volumes are not backed up: each replica's store is an encrypted delivery queue
 * with a TTL, mounted ReadWriteOnce by its own pod, so a CronJob could not read it consistently;
 * its volumes are retained and protected instead (a reviewed exemption in the pack's config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { IrsaCluster, IrsaRole } from "./aws/irsaRole";
import { Grant } from "./aws/irsaGrants";
import { NetworkConfig } from "./config";
import { BackupCronJob } from "./k8s/backupCronJob";
import { ClusterSecret } from "./k8s/clusterSecret";
import { TaskArgs } from "./k8s/taskSpec";
import { SecretEnv } from "./k8s/workloadArgs";
import { BackedUpStore, RoleAccount } from "./platformSecrets";
import { OBJECT_STORE_SECRET_KEYS } from "./services/objectStore";

/** Where the backup and restore scripts live, next to this file. */
export const BACKUP_SCRIPTS_DIR = path.join(__dirname, "backups", "scripts");

/** A script's text, read from {@link BACKUP_SCRIPTS_DIR}. */
export function backupScript(file: string): { file: string; text: string } {
    return { file, text: fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, file), "utf8") };
}

/** The key of the Postgres password in the backup jobs' own Secret. */
export const POSTGRES_PASSWORD_KEY = "password";

/** What the backups of one network are built from. */
export interface StoreBackupsArgs {
    readonly config: Pick<
        NetworkConfig,
        "network" | "owner" | "namespace" | "backups" | "services" | "externalStores" | "region"
    >;
    readonly namespace: pulumi.Input<string>;
    readonly cluster: IrsaCluster;
    readonly grants: Record<RoleAccount, Grant[]>;
    readonly bucketName: pulumi.Input<string>;
    readonly keyArn: pulumi.Input<string>;
    /** The object store: its S3 endpoint and its Secret (root user and password). */
    readonly objectStore: { readonly endpoint: pulumi.Input<string>; readonly secretName: pulumi.Input<string> };
    /** The Postgres password, as a Pulumi secret. */
    readonly postgresPassword: pulumi.Input<string>;
}

/** The jobs of one store, for the traffic matrix. */
export interface StoreJobs {
    readonly store: BackedUpStore;
    readonly backup: BackupCronJob;
    readonly restore: BackupCronJob;
}

/** The environment one script reads beyond the common one: plain values and secretKeyRefs. */
interface ScriptEnv {
    readonly env: Readonly<Record<string, pulumi.Input<string>>>;
    readonly secretEnv: readonly SecretEnv[];
}

/** What differs between the stores: each script's environment, and the scratch space they stage data in. */
interface StorePlan {
    readonly backup: ScriptEnv;
    readonly restore: ScriptEnv;
    readonly scratchSizeLimit?: string;
}

/** Creates each store's backup and restore CronJobs, their roles, and the Postgres jobs' Secret. */
export function storeBackups(name: string, args: StoreBackupsArgs, opts: pulumi.ComponentResourceOptions): StoreJobs[] {
    const { config } = args;
    const { network } = config;
    const postgres = config.externalStores.postgres;
    const postgresSecret = new ClusterSecret(
        `${name}-postgres-backup-secrets`,
        {
            namespace: args.namespace,
            network,
            service: "postgres-backup",
            values: { [POSTGRES_PASSWORD_KEY]: args.postgresPassword },
        },
        opts,
    );
    const storeSecret = (key: string) => ({ name: args.objectStore.secretName, key });
    const minio = (side: "SOURCE" | "TARGET"): ScriptEnv => ({
        env: { [`${side}_ENDPOINT`]: args.objectStore.endpoint },
        secretEnv: [
            { envName: `${side}_ACCESS_KEY_ID`, secret: storeSecret(OBJECT_STORE_SECRET_KEYS.rootUser) },
            { envName: `${side}_SECRET_ACCESS_KEY`, secret: storeSecret(OBJECT_STORE_SECRET_KEYS.rootPassword) },
        ],
    });
    const libpq: ScriptEnv = {
        env: {
            PGHOST: postgres.host,
            PGPORT: String(postgres.port),
            PGDATABASE: postgres.database,
            PGUSER: postgres.user,
            PGSSLMODE: postgres.sslMode,
        },
        secretEnv: [{ envName: "PGPASSWORD", secret: { name: postgresSecret.secretName, key: POSTGRES_PASSWORD_KEY } }],
    };
    const plans: Record<BackedUpStore, StorePlan> = {
        // The store is staged in the pod's scratch space on its way to and from the bucket.
        "object-store": {
            backup: minio("SOURCE"),
            restore: minio("TARGET"),
            scratchSizeLimit: config.services.objectStore.volumeSize,
        },
        // A restore downloads the whole dump before it verifies and restores it.
        postgres: { backup: libpq, restore: libpq, scratchSizeLimit: config.backups.postgresScratchSize },
    };
    return (Object.keys(plans) as BackedUpStore[]).map((store) => {
        const plan = plans[store];
        const job = (mode: "backup" | "restore") => {
            const account = `${store}-${mode}` as RoleAccount;
            const role = new IrsaRole(
                `${name}-${account}-role`,
                {
                    network,
                    owner: config.owner,
                    cluster: args.cluster,
                    namespace: config.namespace.name,
                    serviceAccountName: account,
                    grants: args.grants[account],
                },
                opts,
            );
            const task: Omit<TaskArgs, "command"> = {
                task: account,
                network,
                namespace: args.namespace,
                component: "backup",
                image: config.backups.image,
                resources: config.backups.resources,
                env: {
                    NETWORK: network,
                    // The bucket's region, set rather than left to the pod identity webhook.
                    AWS_REGION: config.region,
                    BACKUP_BUCKET: args.bucketName,
                    BACKUP_PREFIX: store,
                    KMS_KEY_ARN: args.keyArn,
                    ...plan[mode].env,
                },
                secretEnv: plan[mode].secretEnv,
                role,
                activeDeadlineSeconds: config.backups.activeDeadlineSeconds,
                // A failed backup is retried once; the next scheduled run comes six hours later anyway.
                backoffLimit: mode === "backup" ? 1 : 0,
                ...(plan.scratchSizeLimit ? { scratchSizeLimit: plan.scratchSizeLimit } : {}),
            };
            return new BackupCronJob(
                `${name}-${account}`,
                {
                    ...task,
                    store,
                    mode,
                    schedule: config.backups.schedule,
                    script: backupScript(`${store}-${mode}.sh`),
                    startingDeadlineSeconds: config.backups.startingDeadlineSeconds,
                },
                opts,
            );
        };
        return { store, backup: job("backup"), restore: job("restore") };
    });
}
