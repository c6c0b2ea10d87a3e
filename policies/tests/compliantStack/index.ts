/**
 * A small mainnet stack that every policy of the pack accepts, built fresh on each call. Specs
 * take one resource (or the whole list) as their passing input and mutate one property per
 * failing case. References are the values the cloud would give (a role's ARN, a bucket's name),
 * in the shapes the mock-engine harness computes them; only what the cloud would invent is
 * labelled mock (a key id, a secret ARN's random suffix, generated secret values).
 */
import { OfflineResource } from "../../offline";
import {
    bucket,
    bucketPolicy,
    githubDeployRole,
    githubDeployRolePolicy,
    kmsKey,
    publicAccessBlock,
    role,
    rolePolicy,
    secret,
    secretRotation,
    sse,
    versioning,
} from "./aws";
import { backupRole, backupRolePolicy, backupServiceAccount, cronJob, restoreCronJob } from "./backups";
import {
    configMap,
    defaultDeny,
    deployment,
    hpa,
    ingress,
    irsaServiceAccount,
    k8sSecret,
    namespace,
    pdb,
    plainServiceAccount,
    provider,
    service,
    statefulSet,
} from "./kubernetes";
import { k8sRole, roleBinding } from "./rbac";

export * from "./aws";
export * from "./backups";
export * from "./facts";
export * from "./kubernetes";
export * from "./rbac";

/** The whole compliant stack. */
export function compliantStack(): OfflineResource[] {
    return [
        provider(),
        namespace(),
        defaultDeny(),
        irsaServiceAccount(),
        plainServiceAccount("object-store"),
        backupServiceAccount(),
        plainServiceAccount("object-store-restore"),
        deployment(),
        hpa(),
        pdb(),
        statefulSet(),
        pdb("object-store"),
        cronJob(),
        restoreCronJob(),
        service(),
        ingress(),
        configMap(),
        k8sSecret(),
        k8sRole(),
        roleBinding(),
        role(),
        rolePolicy(),
        backupRole(),
        backupRolePolicy(),
        githubDeployRole(),
        githubDeployRolePolicy(),
        kmsKey(),
        secret(),
        secretRotation(),
        bucket(),
        publicAccessBlock(),
        sse(),
        versioning(),
        bucketPolicy(),
    ];
}
