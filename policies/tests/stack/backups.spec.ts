/**
 * backup-for-stateful-stores (rules/stack/backups.ts): one passing stack and one mutation per
 * failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { backupForStatefulStores } from "../../rules/stack/backups";
import { cronJob, provider, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("stack policies", () => {
    describe("backup-for-stateful-stores", () => {
        const stack = () => ({ p: provider(), s: statefulSet(), c: cronJob() });
        const missing =
            'StatefulSet "object-store" in namespace "messaging-mainnet" keeps data in ' +
            'spec.volumeClaimTemplates ["data"] but no CronJob in "messaging-mainnet" carries ' +
            'metadata.labels["messaging-infra/backup-of"] = "object-store"; add a backup CronJob with ' +
            "that label so the data survives the loss of its volume.";
        policyTable(backupForStatefulStores, stack, (s) => [s.p, s.s, s.c], [
            { name: "no backup label", mutate: (s) => void delete s.c.props.metadata.labels, messages: [missing] },
            {
                name: "a label naming another store",
                mutate: (s) => void (s.c.props.metadata.labels["messaging-infra/backup-of"] = "postgres"),
                messages: [missing],
            },
            {
                name: "the backup job in another namespace",
                mutate: (s) => void (s.c.props.metadata.namespace = "backups"),
                messages: [missing],
            },
            {
                name: "the backup job suspended",
                mutate: (s) => void (s.c.props.spec.suspend = true),
                messages: [
                    'StatefulSet "object-store" in namespace "messaging-mainnet" is backed up only by suspended ' +
                        'CronJobs ("object-store-backup" have spec.suspend true); resume one (spec.suspend false) ' +
                        "so backups actually run.",
                ],
            },
        ]);

        it("asks nothing of a StatefulSet without volume claim templates", async () => {
            const s = statefulSet();
            delete s.props.spec.volumeClaimTemplates;
            assert.deepEqual(await messagesOf(backupForStatefulStores, [provider(), s]), []);
        });
    });
});
