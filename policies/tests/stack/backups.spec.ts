/**
 * backup-for-stateful-stores (rules/stack/backups.ts): one passing stack and one mutation per
 * failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { backupForStatefulStores } from "../../rules/stack/backups";
import {
    backupRole,
    backupRolePolicy,
    backupServiceAccount,
    cronJob,
    provider,
    restoreCronJob,
    statefulSet,
} from "../compliantStack";
import { messagesOf, policyTable } from "../support";

const STORE = 'StatefulSet "object-store" in namespace "messaging-mainnet"';
const noBackup =
    `${STORE} keeps data in spec.volumeClaimTemplates ["data"] but has no CronJob in "messaging-mainnet" carrying ` +
    'metadata.labels["messaging-infra/backup-of"] = "object-store"; add a backup CronJob with that label so the data ' +
    "survives the loss of its volume.";
const cannotWrite =
    `${STORE} is backed up by "object-store-backup", but no such CronJob's ServiceAccount names an IRSA role of the ` +
    "stack that may s3:PutObject; give the backup its own role that can write under the store's prefix of the backup bucket.";
const noRestore = (store: string, ns = "messaging-mainnet") =>
    `${store} has no restore CronJob in "${ns}" carrying metadata.labels["messaging-infra/restore-of"] = ` +
    `"${store.includes("postgres") ? "postgres" : "object-store"}"; add one (suspended, run by hand) so a restore is ` +
    "tested and ready before it is needed.";

describe("stack policies", () => {
    describe("backup-for-stateful-stores", () => {
        const stack = () => ({
            p: provider(),
            s: statefulSet(),
            c: cronJob(),
            restore: restoreCronJob(),
            sa: backupServiceAccount(),
            role: backupRole(),
            permissions: backupRolePolicy(),
        });
        const all = (s: ReturnType<typeof stack>) => [s.p, s.s, s.c, s.restore, s.sa, s.role, s.permissions];
        policyTable(backupForStatefulStores, stack, all, [
            {
                name: "no backup label",
                mutate: (s) => void delete s.c.props.metadata.labels["messaging-infra/backup-of"],
                messages: [noBackup],
            },
            {
                name: "the backup job in another namespace",
                mutate: (s) => void (s.c.props.metadata.namespace = "backups"),
                messages: [
                    noBackup,
                    'Store "object-store" (named by CronJob "object-store-backup" in namespace "backups") is backed up by ' +
                        '"object-store-backup", but no such CronJob\'s ServiceAccount names an IRSA role of the stack that ' +
                        "may s3:PutObject; give the backup its own role that can write under the store's prefix of the backup bucket.",
                    noRestore(
                        'Store "object-store" (named by CronJob "object-store-backup" in namespace "backups")',
                        "backups",
                    ),
                ],
            },
            {
                name: "the backup job suspended",
                mutate: (s) => void (s.c.props.spec.suspend = true),
                messages: [
                    `${STORE} is backed up only by suspended CronJobs ("object-store-backup" have spec.suspend true); ` +
                        "resume one (spec.suspend false) so backups actually run.",
                ],
            },
            {
                name: "a backup role that may only read",
                mutate: (s) =>
                    void (s.permissions.props.policy = JSON.stringify({
                        Statement: [
                            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/object-store/*" },
                        ],
                    })),
                messages: [cannotWrite],
            },
            {
                name: "a backup role that may put only into the bucket itself, not an object",
                mutate: (s) =>
                    void (s.permissions.props.policy = JSON.stringify({
                        Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b" }],
                    })),
                messages: [cannotWrite],
            },
            {
                name: "a backup ServiceAccount without a role",
                mutate: (s) => void delete s.sa.props.metadata.annotations,
                messages: [cannotWrite],
            },
            {
                name: "a backup pod on another ServiceAccount",
                mutate: (s) => void (s.c.props.spec.jobTemplate.spec.template.spec.serviceAccountName = "default"),
                messages: [cannotWrite],
            },
            {
                name: "no restore",
                mutate: (s) => void delete s.restore.props.metadata.labels["messaging-infra/restore-of"],
                messages: [noRestore(STORE)],
            },
        ]);

        it("asks nothing of a StatefulSet without volume claim templates", async () => {
            const s = statefulSet();
            delete s.props.spec.volumeClaimTemplates;
            assert.deepEqual(await messagesOf(backupForStatefulStores, [provider(), s]), []);
        });

        it("holds an external store a job names to the same standard", async () => {
            const orphan = restoreCronJob();
            orphan.props.metadata.labels = { "messaging-infra/restore-of": "postgres" };
            assert.deepEqual(await messagesOf(backupForStatefulStores, [...all(stack()), orphan]), [
                'Store "postgres" (named by CronJob "object-store-restore" in namespace "messaging-mainnet") has no CronJob ' +
                    'in "messaging-mainnet" carrying metadata.labels["messaging-infra/backup-of"] = "postgres"; add a backup ' +
                    "CronJob with that label so the data survives the loss of its volume.",
            ]);
        });

        it("skips a reviewed exemption, by <namespace>/<name>", async () => {
            const bare = [provider(), statefulSet()];
            assert.deepEqual(
                await messagesOf(backupForStatefulStores, bare, { exempt: ["messaging-mainnet/object-store"] }),
                [],
            );
            assert.deepEqual(
                await messagesOf(backupForStatefulStores, bare, { exempt: ["messaging-testnet/object-store"] }),
                [noBackup, noRestore(STORE)],
            );
        });
    });
});
