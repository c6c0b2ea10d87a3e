/**
 * Backups: every stateful store (a StatefulSet with volume claim templates) has a backup CronJob.
 *
 * Convention: a backup CronJob declares what it backs up with the label
 * `messaging-infra/backup-of: <StatefulSet name>` on the CronJob's own metadata, in the
 * StatefulSet's namespace ({@link BACKUP_OF_LABEL}).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
    asArray,
    asRecord,
    defaultEnforcement,
    describeK8s,
    groupBy,
    K8S,
    k8sName,
    k8sNamespace,
    keyPath,
    quoteList,
    show,
} from "../util";

/** The label a backup CronJob carries: the name of the StatefulSet it backs up. */
export const BACKUP_OF_LABEL = "messaging-infra/backup-of";

/** Every StatefulSet with volume claim templates has a backup CronJob labelled for it. */
export const backupForStatefulStores: StackValidationPolicy = {
    name: "backup-for-stateful-stores",
    description:
        `Every StatefulSet with volumeClaimTemplates (a stateful store) needs a CronJob in its ` +
        `namespace, not suspended, labelled ${BACKUP_OF_LABEL}: <StatefulSet name> on the CronJob's ` +
        `metadata, so its data survives the loss of a volume.`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const backupsOf = groupBy(args.resources, (c) => {
            const label = asRecord(asRecord(c.props.metadata)?.labels)?.[BACKUP_OF_LABEL];
            return c.type === K8S.CronJob && typeof label === "string"
                ? `${k8sNamespace(c.props, c.provider)}/${label}`
                : undefined;
        });
        for (const r of args.resources) {
            if (r.type !== K8S.StatefulSet) continue;
            const templates = asArray(asRecord(r.props.spec)?.volumeClaimTemplates);
            if (templates.length === 0) continue;
            const name = k8sName(r.props, r.name);
            const ns = k8sNamespace(r.props, r.provider);
            const backups = backupsOf.get(`${ns}/${name}`) ?? [];
            const claims = templates.map((t, i) => k8sName(asRecord(t) ?? {}, `#${i}`));
            if (backups.length === 0) {
                reportViolation(
                    `${describeK8s(r)} keeps data in spec.volumeClaimTemplates ${show(claims)} but no CronJob ` +
                        `in ${JSON.stringify(ns)} carries metadata.labels${keyPath(BACKUP_OF_LABEL)} = ` +
                        `${JSON.stringify(name)}; add a backup CronJob with that label so the data survives the ` +
                        `loss of its volume.`,
                    r.urn,
                );
            } else if (backups.every((c) => asRecord(c.props.spec)?.suspend === true)) {
                reportViolation(
                    `${describeK8s(r)} is backed up only by suspended CronJobs (${quoteList(backups.map((c) => k8sName(c.props, c.name)))} ` +
                        `have spec.suspend true); resume one (spec.suspend false) so backups actually run.`,
                    r.urn,
                );
            }
        }
    },
};
