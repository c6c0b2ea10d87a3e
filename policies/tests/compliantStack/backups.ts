/**
 * The compliant stack's backups: the object store's six-hourly backup CronJob, its IRSA
 * ServiceAccount and role (put under its own prefix of the backup bucket only), and the suspended
 * restore CronJob.
 */
import { OfflineResource } from "../../offline";
import { res } from "../support";
import { trustPolicy } from "./aws";
import { ACCOUNT, BUCKET_NAME, NS } from "./facts";
import { k8s, securePodSpec } from "./kubernetes";

/** The backup job's role name. */
export const BACKUP_ROLE = "messaging-infra-mainnet-object-store-backup";

/** A CronJob of the object store: the backup on its schedule, or the restore, suspended. */
function storeCronJob(mode: "backup" | "restore"): OfflineResource {
    const name = `object-store-${mode}`;
    const spec = securePodSpec(name, 8080);
    spec.restartPolicy = "OnFailure";
    return res(
        "kubernetes:batch/v1:CronJob",
        name,
        {
            metadata: { name, namespace: NS, labels: { [`messaging-infra/${mode}-of`]: "object-store" } },
            spec: {
                schedule: "0 */6 * * *",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 300,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                ...(mode === "restore" ? { suspend: true } : {}),
                jobTemplate: { spec: { activeDeadlineSeconds: 3600, backoffLimit: 2, template: { spec } } },
            },
        },
        k8s,
    );
}

/** The object store's six-hourly backup. */
export function cronJob(): OfflineResource {
    return storeCronJob("backup");
}

/** The object store's restore, suspended until an operator runs it. */
export function restoreCronJob(): OfflineResource {
    return storeCronJob("restore");
}

/** The backup job's ServiceAccount, bound to its role. */
export function backupServiceAccount(): OfflineResource {
    return res(
        "kubernetes:core/v1:ServiceAccount",
        "object-store-backup-sa",
        {
            metadata: {
                name: "object-store-backup",
                namespace: NS,
                annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/${BACKUP_ROLE}` },
            },
        },
        k8s,
    );
}

/** The backup job's role: trusts exactly its ServiceAccount. */
export function backupRole(): OfflineResource {
    return res("aws:iam/role:Role", "object-store-backup-irsa", {
        name: BACKUP_ROLE,
        assumeRolePolicy: trustPolicy(`system:serviceaccount:${NS}:object-store-backup`),
    });
}

/** The backup role's one permission: put under its own prefix. */
export function backupRolePolicy(): OfflineResource {
    return res("aws:iam/rolePolicy:RolePolicy", "object-store-backup-permissions", {
        role: BACKUP_ROLE,
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET_NAME}/object-store/*` },
            ],
        }),
    });
}
