/**
 * pdb-for-replicated-workloads (rules/stack/disruptionBudgets.ts): one passing stack and one
 * mutation per failing condition, with exact messages; label-selector semantics.
 */
import * as assert from "node:assert/strict";
import { pdbForReplicatedWorkloads } from "../../rules/stack/disruptionBudgets";
import { selectorMatches } from "../../rules/util";
import { deployment, hpa, pdb, provider, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("stack policies", () => {
    describe("pdb-for-replicated-workloads", () => {
        const stack = () => ({
            p: provider(),
            d: deployment(),
            h: hpa(),
            pd: pdb(),
            s: statefulSet(),
            ps: pdb("object-store"),
        });
        const fix =
            "add one whose spec.selector matches them (e.g. maxUnavailable 1) so node drains and upgrades keep it serving.";
        const relayLabels = '{"app.kubernetes.io/name":"relay","app.kubernetes.io/instance":"mainnet"}';
        const storeLabels = '{"app.kubernetes.io/name":"object-store","app.kubernetes.io/instance":"mainnet"}';
        policyTable(pdbForReplicatedWorkloads, stack, (s) => [s.p, s.d, s.h, s.pd, s.s, s.ps], [
            {
                name: "an HPA-scaled Deployment without a PDB",
                mutate: (s) => void (s.pd.type = "kubernetes:core/v1:ConfigMap"),
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler ` +
                        `"relay" but no PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod ` +
                        `labels ${relayLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB whose selector misses the pods",
                mutate: (s) =>
                    void (s.ps.props.spec.selector = { matchLabels: { "app.kubernetes.io/name": "objectstore" } }),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB without a selector (selects nothing in policy/v1)",
                mutate: (s) => void delete s.ps.props.spec.selector,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
            {
                name: "a PDB in another namespace",
                mutate: (s) => void (s.ps.props.metadata.namespace = "messaging-other"),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2 but no ` +
                        `PodDisruptionBudget (policy/v1) in "messaging-mainnet" selects its pod labels ` +
                        `${storeLabels}; ${fix}`,
                ],
            },
        ]);

        it("needs no PDB for a single replica, nor for an HPA that cannot scale past one", async () => {
            const s = statefulSet();
            s.props.spec.replicas = 1;
            assert.deepEqual(await messagesOf(pdbForReplicatedWorkloads, [provider(), s]), []);
            const d = deployment();
            d.props.spec.replicas = 1;
            const pinned = hpa();
            pinned.props.spec.minReplicas = 1;
            pinned.props.spec.maxReplicas = 1;
            assert.deepEqual(await messagesOf(pdbForReplicatedWorkloads, [provider(), d, pinned]), []);
        });

        it("selectorMatches follows label-selector semantics", () => {
            const labels = { app: "relay", tier: "edge" };
            assert.equal(selectorMatches({}, labels), true);
            assert.equal(selectorMatches(undefined, labels), false);
            assert.equal(selectorMatches({ matchLabels: { app: "relay" } }, labels), true);
            assert.equal(selectorMatches({ matchLabels: { app: "api" } }, labels), false);
            assert.equal(
                selectorMatches(
                    { matchExpressions: [{ key: "tier", operator: "In", values: ["edge", "core"] }] },
                    labels,
                ),
                true,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["edge"] }] }, labels),
                false,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels),
                true,
            );
            assert.equal(selectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels), false);
        });
    });
});
