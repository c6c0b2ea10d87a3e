/**
 * stateful-resources-protected (rules/stack/protection.ts): one passing stack and one mutation per
 * failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { statefulResourcesProtected } from "../../rules/stack/protection";
import { bucket, kmsKey, secret, statefulSet } from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

describe("stack policies", () => {
    describe("stateful-resources-protected", () => {
        const pvc = () =>
            res(
                "kubernetes:core/v1:PersistentVolumeClaim",
                "scratch",
                { metadata: { name: "scratch", namespace: "messaging-mainnet" }, spec: {} },
                { protect: true },
            );
        const stack = () => ({ k: kmsKey(), s: secret(), b: bucket(), ss: statefulSet(), pvc: pvc() });
        const fix =
            "set protect: true (policy config requireProtect is true on this network) so Pulumi refuses to delete or replace it and its data.";
        const unprotect = (r: OfflineResource) => void (r.options.protect = false);
        policyTable(statefulResourcesProtected, stack, (s) => [s.k, s.s, s.b, s.ss, s.pvc], [
            {
                name: "KMS key",
                mutate: (s) => unprotect(s.k),
                messages: [`Key "network-key" has opts.protect false; ${fix}`],
            },
            {
                name: "Secrets Manager secret",
                mutate: (s) => void delete s.s.options.protect,
                messages: [`Secret "relay-operator-keys" has opts.protect false; ${fix}`],
            },
            {
                name: "bucket",
                mutate: (s) => unprotect(s.b),
                messages: [`Bucket "backups" has opts.protect false; ${fix}`],
            },
            {
                name: "StatefulSet",
                mutate: (s) => unprotect(s.ss),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has opts.protect false; ${fix}`,
                ],
            },
            {
                name: "PersistentVolumeClaim",
                mutate: (s) => unprotect(s.pvc),
                messages: [
                    `PersistentVolumeClaim "scratch" in namespace "messaging-mainnet" has opts.protect false; ${fix}`,
                ],
            },
        ]);

        it("asks nothing when requireProtect is false (devnet)", async () => {
            const k = kmsKey();
            k.options.protect = false;
            assert.deepEqual(await messagesOf(statefulResourcesProtected, [k], { requireProtect: false }), []);
        });
    });
});
