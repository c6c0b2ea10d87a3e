/**
 * Backups: every stateful store has a backup CronJob that runs and can write to an S3 bucket, and a
 * restore CronJob. A store is a StatefulSet with volume claim templates, or an external store a
 * backup or restore CronJob names (a database the platform holds credentials for).
 *
 * Conventions: a backup CronJob declares its store with the label
 * `messaging-infra/backup-of: <store>` ({@link BACKUP_OF_LABEL}) on its own metadata, a restore
 * CronJob with `messaging-infra/restore-of: <store>` ({@link RESTORE_OF_LABEL}), both in the store's
 * namespace. "Can write" means the backup pod's ServiceAccount carries an IRSA annotation naming a
 * role of the stack whose permission documents (RolePolicy resources of the role, or its
 * inlinePolicies) allow s3:PutObject on an object ARN.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { actionMatches, inlinePolicyDocuments, parsePolicyDocument } from "../iamDocument";
import {
    asArray,
    asRecord,
    AWS,
    defaultEnforcement,
    describeK8s,
    exemptListSchema,
    groupBy,
    identityKeys,
    isExempt,
    K8S,
    k8sName,
    k8sNamespace,
    keyPath,
    quoteList,
    referenceKeys,
    show,
} from "../util";
import { irsaAnnotation, roleIndex } from "./irsa";

/** The label a backup CronJob carries: the store it backs up (a StatefulSet's name, or an external store's). */
export const BACKUP_OF_LABEL = "messaging-infra/backup-of";
/** The label a restore CronJob carries: the store it restores. */
export const RESTORE_OF_LABEL = "messaging-infra/restore-of";

/** Config of {@link backupForStatefulStores}. */
export interface BackupsConfig {
    /** Reviewed stores without backups, as <namespace>/<name> or <name>. */
    exempt: string[];
}

const labelOf = (r: PolicyResource, label: string): string | undefined => {
    const value = asRecord(asRecord(r.props.metadata)?.labels)?.[label];
    return r.type === K8S.CronJob && typeof value === "string" && value !== "" ? value : undefined;
};

/** The permission documents of a role: its RolePolicy resources and its inlinePolicies. */
function permissionDocuments(role: PolicyResource, resources: readonly PolicyResource[]): unknown[] {
    const keys = new Set([
        ...identityKeys(role, ["name", "id"]),
        ...(typeof role.props.name === "string" ? [`value:${role.props.name}`] : []),
    ]);
    const attached = resources
        .filter((r) => r.type === AWS.RolePolicy && referenceKeys(r.props.role).some((k) => keys.has(k)))
        .map((r) => r.props.policy);
    return [...attached, ...inlinePolicyDocuments(role.props.inlinePolicies).map((d) => d.document)];
}

/** Whether some Allow statement of the documents lets the role put objects into an S3 bucket. */
function allowsPutObject(documents: readonly unknown[]): boolean {
    return documents.some((document) =>
        parsePolicyDocument(document).statements.some(
            (st) =>
                st.effect === "Allow" &&
                st.actions.some((a) => actionMatches(a, "s3:PutObject")) &&
                st.resources.some((resource) => /^arn:[^:]+:s3:::[^/]+\/.+/.test(resource)),
        ),
    );
}

/** The backup CronJob's ServiceAccount, from its pod template, in its namespace. */
function serviceAccountOf(cronJob: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const pod = asRecord(asRecord(asRecord(asRecord(asRecord(cronJob.props.spec)?.jobTemplate)?.spec)?.template)?.spec);
    const name = typeof pod?.serviceAccountName === "string" ? pod.serviceAccountName : "default";
    const ns = k8sNamespace(cronJob.props, cronJob.provider);
    return resources.find(
        (r) =>
            r.type === K8S.ServiceAccount &&
            k8sName(r.props, r.name) === name &&
            k8sNamespace(r.props, r.provider) === ns,
    );
}

/** Every stateful store has a running backup CronJob that can write to S3, and a restore CronJob. */
export const backupForStatefulStores: StackValidationPolicy = {
    name: "backup-for-stateful-stores",
    description:
        `Every stateful store (a StatefulSet with volumeClaimTemplates, or an external store a CronJob ` +
        `names) needs, in its namespace, a CronJob labelled ${BACKUP_OF_LABEL}: <store> that is not ` +
        `suspended and whose ServiceAccount's IRSA role may s3:PutObject, and a CronJob labelled ` +
        `${RESTORE_OF_LABEL}: <store>, so its data survives the loss of a volume and a restore is ready. ` +
        "`exempt` lists reviewed stores without backups.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    configSchema: {
        properties: {
            exempt: exemptListSchema("stores without backups (e.g. a per-replica delivery queue that no job can read)"),
        },
    },
    validateStack: (args, reportViolation) => {
        const exempt = new Set(args.getConfig<BackupsConfig>().exempt ?? []);
        const byStore = (label: string) =>
            groupBy(args.resources, (c) => {
                const store = labelOf(c, label);
                return store === undefined ? undefined : `${k8sNamespace(c.props, c.provider)}/${store}`;
            });
        const backupsOf = byStore(BACKUP_OF_LABEL);
        const restoresOf = byStore(RESTORE_OF_LABEL);
        const roleNamed = roleIndex(args.resources);
        // The stores: every StatefulSet with claims, and every store a backup or restore names.
        const stores = new Map<string, { resource: PolicyResource; what: string; claims?: string[] }>();
        for (const r of args.resources) {
            if (r.type !== K8S.StatefulSet) continue;
            const templates = asArray(asRecord(r.props.spec)?.volumeClaimTemplates);
            if (templates.length === 0) continue;
            const key = `${k8sNamespace(r.props, r.provider)}/${k8sName(r.props, r.name)}`;
            const claims = templates.map((t, i) => k8sName(asRecord(t) ?? {}, `#${i}`));
            stores.set(key, { resource: r, what: describeK8s(r), claims });
        }
        for (const [key, jobs] of [...backupsOf, ...restoresOf]) {
            if (!stores.has(key))
                stores.set(key, {
                    resource: jobs[0],
                    what: `Store ${JSON.stringify(key.split("/")[1])} (named by ${describeK8s(jobs[0])})`,
                });
        }
        for (const [key, store] of stores) {
            const [ns, name] = key.split("/");
            if (isExempt(exempt, ns, name)) continue;
            const backups = backupsOf.get(key) ?? [];
            const keeps = store.claims ? ` keeps data in spec.volumeClaimTemplates ${show(store.claims)} but` : "";
            if (backups.length === 0) {
                reportViolation(
                    `${store.what}${keeps} has no CronJob in ${JSON.stringify(ns)} carrying ` +
                        `metadata.labels${keyPath(BACKUP_OF_LABEL)} = ${JSON.stringify(name)}; add a backup CronJob ` +
                        `with that label so the data survives the loss of its volume.`,
                    store.resource.urn,
                );
            } else if (backups.every((c) => asRecord(c.props.spec)?.suspend === true)) {
                reportViolation(
                    `${store.what} is backed up only by suspended CronJobs (${quoteList(backups.map((c) => k8sName(c.props, c.name)))} ` +
                        `have spec.suspend true); resume one (spec.suspend false) so backups actually run.`,
                    store.resource.urn,
                );
            } else if (!backups.some((c) => canWrite(c))) {
                reportViolation(
                    `${store.what} is backed up by ${quoteList(backups.map((c) => k8sName(c.props, c.name)))}, but no ` +
                        `such CronJob's ServiceAccount names an IRSA role of the stack that may s3:PutObject; give the ` +
                        `backup its own role that can write under the store's prefix of the backup bucket.`,
                    store.resource.urn,
                );
            }
            if ((restoresOf.get(key) ?? []).length === 0) {
                reportViolation(
                    `${store.what} has no restore CronJob in ${JSON.stringify(ns)} carrying ` +
                        `metadata.labels${keyPath(RESTORE_OF_LABEL)} = ${JSON.stringify(name)}; add one (suspended, ` +
                        `run by hand) so a restore is tested and ready before it is needed.`,
                    store.resource.urn,
                );
            }
        }

        function canWrite(cronJob: PolicyResource): boolean {
            const sa = serviceAccountOf(cronJob, args.resources);
            const annotation = sa ? irsaAnnotation(sa) : undefined;
            const role = annotation === undefined ? undefined : roleNamed(annotation);
            return role !== undefined && allowsPutObject(permissionDocuments(role, args.resources));
        }
    },
};
