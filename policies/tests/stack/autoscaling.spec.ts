/**
 * pdb-allows-disruption, pdb-below-hpa-min, hpa-replica-bounds, hpa-target-exists and
 * hpa-target-no-replicas (rules/stack/autoscaling.ts): one passing stack and one mutation per failing
 * condition, with exact messages; which rule reports a minAvailable (fixed-size workloads vs an HPA's
 * floor), percentages rounded up, exemptions.
 */
import * as assert from "node:assert/strict";
import {
    budgetOf,
    hpaReplicaBounds,
    hpaTargetExists,
    hpaTargetNoReplicas,
    pdbAllowsDisruption,
    pdbBelowHpaMin,
    podsKeptUp,
} from "../../rules/stack/autoscaling";
import { deployment, hpa, pdb, provider, selector, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited as raw JSON
type Json = any;

/** The relay Deployment scaled by its HPA (3 to 10) with its PDB, and the object store (2 replicas) with its PDB. */
function stack() {
    return { p: provider(), d: deployment(), h: hpa(), pd: pdb(), s: statefulSet(), ps: pdb("object-store") } as Record<
        "p" | "d" | "h" | "pd" | "s" | "ps",
        Json
    >;
}
const list = (s: ReturnType<typeof stack>) => [s.p, s.d, s.h, s.pd, s.s, s.ps];

const STORE_PDB = 'PodDisruptionBudget "object-store" in namespace "messaging-mainnet"';
const RELAY_PDB = 'PodDisruptionBudget "relay" in namespace "messaging-mainnet"';
const RELAY_HPA = 'HorizontalPodAutoscaler "relay" in namespace "messaging-mainnet"';
const BLOCKS =
    "so it never allows a voluntary disruption: node drains, cluster upgrades and autoscaler scale-downs wait on its pods";

describe("stack policies", () => {
    describe("PDB and HPA sanity", () => {
        const useMinAvailable = (budget: Json, value: unknown) => {
            delete budget.props.spec.maxUnavailable;
            budget.props.spec.minAvailable = value;
        };

        policyTable(pdbAllowsDisruption, stack, list, [
            {
                name: "maxUnavailable 0",
                mutate: (s) => void (s.ps.props.spec.maxUnavailable = 0),
                messages: [
                    `${STORE_PDB} has spec.maxUnavailable 0, ${BLOCKS}; set maxUnavailable to 1 (or list it in exempt ` +
                        "if an operator moves these pods by hand).",
                ],
            },
            {
                name: 'maxUnavailable "0%"',
                mutate: (s) => void (s.pd.props.spec.maxUnavailable = "0%"),
                messages: [
                    `${RELAY_PDB} has spec.maxUnavailable "0%", ${BLOCKS}; set maxUnavailable to 1 (or list it in ` +
                        "exempt if an operator moves these pods by hand).",
                ],
            },
            {
                name: 'minAvailable "100%" (whatever the replica count, HPA-scaled or not)',
                mutate: (s) => useMinAvailable(s.pd, "100%"),
                messages: [`${RELAY_PDB} has spec.minAvailable "100%", ${BLOCKS}; use maxUnavailable 1 instead.`],
            },
            {
                name: "minAvailable equal to the selected workload's spec.replicas",
                mutate: (s) => useMinAvailable(s.ps, 2),
                messages: [
                    `${STORE_PDB} has spec.minAvailable 2 but the pods it selects number 2 (StatefulSet "object-store": ` +
                        `spec.replicas 2), ${BLOCKS}; set minAvailable below 2 or use maxUnavailable 1.`,
                ],
            },
            {
                name: "minAvailable above spec.replicas",
                mutate: (s) => useMinAvailable(s.ps, 3),
                messages: [
                    `${STORE_PDB} has spec.minAvailable 3 but the pods it selects number 2 (StatefulSet "object-store": ` +
                        `spec.replicas 2), ${BLOCKS}; set minAvailable below 2 or use maxUnavailable 1.`,
                ],
            },
            {
                name: "a percentage that rounds up to every pod",
                mutate: (s) => useMinAvailable(s.ps, "75%"),
                messages: [
                    `${STORE_PDB} has spec.minAvailable "75%" (2 of 2 pods, rounded up) but the pods it selects number ` +
                        `2 (StatefulSet "object-store": spec.replicas 2), ${BLOCKS}; set minAvailable below 2 or use ` +
                        "maxUnavailable 1.",
                ],
            },
            {
                name: "minAvailable 1 on a workload whose spec.replicas is unset (1)",
                mutate: (s) => {
                    delete s.s.props.spec.replicas;
                    useMinAvailable(s.ps, 1);
                },
                messages: [
                    `${STORE_PDB} has spec.minAvailable 1 but the pods it selects number 1 (StatefulSet "object-store": ` +
                        `spec.replicas unset (1)), ${BLOCKS}; set minAvailable below 1 or use maxUnavailable 1.`,
                ],
            },
        ]);

        it("pdb-allows-disruption counts every workload a PDB selects, leaves HPA floors to pdb-below-hpa-min, honours exempt", async () => {
            const s = stack();
            useMinAvailable(s.ps, 1);
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, list(s)), [], "1 of 2 lets one go");
            useMinAvailable(s.ps, "50%");
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, list(s)), [], "50% of 2 keeps 1 up");
            // One budget over two StatefulSets of 2 replicas each: 3 of 4 lets one go, 4 does not.
            const other = statefulSet();
            other.name = "object-store-b";
            other.props.metadata.name = "object-store-b";
            other.props.spec.template.metadata.labels = { ...selector("object-store"), shard: "b" };
            useMinAvailable(s.ps, 3);
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, [...list(s), other]), []);
            useMinAvailable(s.ps, 4);
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, [...list(s), other]), [
                `${STORE_PDB} has spec.minAvailable 4 but the pods it selects number 4 (StatefulSet "object-store": ` +
                    `spec.replicas 2; StatefulSet "object-store-b": spec.replicas 2), ${BLOCKS}; set minAvailable ` +
                    "below 4 or use maxUnavailable 1.",
            ]);
            // At the HPA's floor: pdb-below-hpa-min's condition, not this rule's.
            const scaled = stack();
            useMinAvailable(scaled.pd, 3);
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, list(scaled)), []);
            // A PDB that selects nothing is not judged here (pdb-for-replicated-workloads finds uncovered workloads).
            const orphan = stack();
            orphan.ps.props.spec.selector = { matchLabels: { "app.kubernetes.io/name": "gone" } };
            useMinAvailable(orphan.ps, 5);
            assert.deepEqual(await messagesOf(pdbAllowsDisruption, list(orphan)), []);
            const blocking = stack();
            blocking.ps.props.spec.maxUnavailable = 0;
            for (const exempt of ["object-store", "messaging-mainnet/object-store"]) {
                assert.deepEqual(await messagesOf(pdbAllowsDisruption, list(blocking), { exempt: [exempt] }), []);
            }
            assert.equal(
                (await messagesOf(pdbAllowsDisruption, list(blocking), { exempt: ["other/object-store"] })).length,
                1,
            );
        });

        policyTable(pdbBelowHpaMin, stack, list, [
            {
                name: "minAvailable equal to the HPA's minReplicas",
                mutate: (s) => useMinAvailable(s.pd, 3),
                messages: [
                    `${RELAY_PDB} has spec.minAvailable 3 but the pods it selects may scale down to 3 (Deployment ` +
                        `"relay": HorizontalPodAutoscaler "relay" spec.minReplicas 3), and at that floor no pod can be ` +
                        "evicted; set minAvailable below 3 (or use maxUnavailable 1) so node drains and upgrades " +
                        "proceed at any scale.",
                ],
            },
            {
                name: "a percentage of the HPA's minReplicas that rounds up to all of them",
                mutate: (s) => useMinAvailable(s.pd, "90%"),
                messages: [
                    `${RELAY_PDB} has spec.minAvailable "90%" (3 of 3 pods, rounded up) but the pods it selects may ` +
                        `scale down to 3 (Deployment "relay": HorizontalPodAutoscaler "relay" spec.minReplicas 3), and ` +
                        "at that floor no pod can be evicted; set minAvailable below 3 (or use maxUnavailable 1) so " +
                        "node drains and upgrades proceed at any scale.",
                ],
            },
            {
                name: "minAvailable 1 with the HPA's minReplicas unset (1)",
                mutate: (s) => {
                    delete s.h.props.spec.minReplicas;
                    useMinAvailable(s.pd, 1);
                },
                messages: [
                    `${RELAY_PDB} has spec.minAvailable 1 but the pods it selects may scale down to 1 (Deployment ` +
                        `"relay": HorizontalPodAutoscaler "relay" spec.minReplicas unset (1)), and at that floor no pod ` +
                        "can be evicted; set minAvailable below 1 (or use maxUnavailable 1) so node drains and " +
                        "upgrades proceed at any scale.",
                ],
            },
        ]);

        it("pdb-below-hpa-min passes a floor that lets one go, and leaves 100% and fixed-size workloads to pdb-allows-disruption", async () => {
            const s = stack();
            useMinAvailable(s.pd, 2);
            assert.deepEqual(await messagesOf(pdbBelowHpaMin, list(s)), []);
            useMinAvailable(s.pd, "100%");
            assert.deepEqual(await messagesOf(pdbBelowHpaMin, list(s)), []);
            useMinAvailable(s.ps, 2);
            assert.deepEqual(await messagesOf(pdbBelowHpaMin, list(s)), []);
        });

        policyTable(hpaReplicaBounds, stack, list, [
            {
                name: "equal bounds",
                mutate: (s) => void (s.h.props.spec.maxReplicas = 3),
                messages: [
                    `${RELAY_HPA} has spec.minReplicas 3 equal to spec.maxReplicas 3, so it never scales; raise ` +
                        "maxReplicas above 3, or drop the HPA and give the workload spec.replicas 3.",
                ],
            },
            {
                name: "maxReplicas 1 with minReplicas unset (1)",
                mutate: (s) => {
                    delete s.h.props.spec.minReplicas;
                    s.h.props.spec.maxReplicas = 1;
                },
                messages: [
                    `${RELAY_HPA} has spec.minReplicas unset (1) equal to spec.maxReplicas 1, so it never scales; raise ` +
                        "maxReplicas above 1, or drop the HPA and give the workload spec.replicas 1.",
                ],
            },
            {
                name: "maxReplicas below minReplicas",
                mutate: (s) => void (s.h.props.spec.maxReplicas = 2),
                messages: [
                    `${RELAY_HPA} has spec.maxReplicas 2 below spec.minReplicas 3, which the API server rejects; raise ` +
                        "maxReplicas above 3 (or lower minReplicas).",
                ],
            },
            {
                name: "maxReplicas unset",
                mutate: (s) => void delete s.h.props.spec.maxReplicas,
                messages: [
                    `${RELAY_HPA} has spec.maxReplicas unset; set it above spec.minReplicas 3, so the HPA has room to ` +
                        "scale.",
                ],
            },
        ]);

        const noTarget = (kind: string, name: string, ns = "messaging-mainnet") =>
            `${RELAY_HPA.replace("messaging-mainnet", ns)} has spec.scaleTargetRef naming ${kind} "${name}", but the ` +
            `stack has no ${kind} of that name in "${ns}", so it scales nothing; set spec.scaleTargetRef.name to the ` +
            "workload's metadata.name (an HPA scales only in its own namespace).";
        const notApps = (ref: string) =>
            `${RELAY_HPA} has spec.scaleTargetRef ${ref}, which is not an apps/v1 Deployment or StatefulSet; point it ` +
            'at the workload it scales (apiVersion "apps/v1", kind "Deployment" or "StatefulSet", name its metadata.name).';
        policyTable(hpaTargetExists, stack, list, [
            {
                name: "a name no workload has",
                mutate: (s) => void (s.h.props.spec.scaleTargetRef.name = "relay-v2"),
                messages: [noTarget("Deployment", "relay-v2")],
            },
            {
                name: "the right name under the wrong kind",
                mutate: (s) => void (s.h.props.spec.scaleTargetRef.kind = "StatefulSet"),
                messages: [noTarget("StatefulSet", "relay")],
            },
            {
                name: "the HPA in another namespace than its workload",
                mutate: (s) => void (s.h.props.metadata.namespace = "messaging-other"),
                messages: [noTarget("Deployment", "relay", "messaging-other")],
            },
            {
                name: "an apiVersion other than apps/v1",
                mutate: (s) => void (s.h.props.spec.scaleTargetRef.apiVersion = "apps/v1beta1"),
                messages: [notApps('{"apiVersion":"apps/v1beta1","kind":"Deployment","name":"relay"}')],
            },
            {
                name: "a kind an HPA here does not scale",
                mutate: (s) => void (s.h.props.spec.scaleTargetRef.kind = "DaemonSet"),
                messages: [notApps('{"apiVersion":"apps/v1","kind":"DaemonSet","name":"relay"}')],
            },
            {
                name: "no scaleTargetRef",
                mutate: (s) => void delete s.h.props.spec.scaleTargetRef,
                messages: [notApps("{}")],
            },
        ]);

        it("hpa-target-exists finds an auto-named workload by the name its outputs carry (stack policies see them)", async () => {
            const s = stack();
            delete s.d.props.metadata.name;
            s.d.outputs = { metadata: { name: "relay-mocksfx", namespace: "messaging-mainnet" } };
            s.h.props.spec.scaleTargetRef.name = "relay-mocksfx";
            assert.deepEqual(await messagesOf(hpaTargetExists, list(s)), []);
            s.h.props.spec.scaleTargetRef.name = "relay";
            assert.deepEqual(await messagesOf(hpaTargetExists, list(s)), [noTarget("Deployment", "relay")]);
        });

        policyTable(hpaTargetNoReplicas, stack, list, [
            {
                name: "spec.replicas on an HPA-scaled Deployment",
                mutate: (s) => void (s.d.props.spec.replicas = 3),
                messages: [
                    'Deployment "relay" in namespace "messaging-mainnet" sets spec.replicas 3 and is scaled by ' +
                        'HorizontalPodAutoscaler "relay", so every pulumi up resets the replica count the HPA chose; ' +
                        "remove spec.replicas and let the HPA own the count.",
                ],
            },
            {
                name: "spec.replicas on an HPA-scaled StatefulSet",
                mutate: (s) => {
                    s.h.props.spec.scaleTargetRef = {
                        apiVersion: "apps/v1",
                        kind: "StatefulSet",
                        name: "object-store",
                    };
                },
                messages: [
                    'StatefulSet "object-store" in namespace "messaging-mainnet" sets spec.replicas 2 and is scaled by ' +
                        'HorizontalPodAutoscaler "relay", so every pulumi up resets the replica count the HPA chose; ' +
                        "remove spec.replicas and let the HPA own the count.",
                ],
            },
        ]);

        it("reads minAvailable and maxUnavailable as IntOrString, rounding percentages up", () => {
            assert.deepEqual(budgetOf(2), { count: 2 });
            assert.deepEqual(budgetOf("25%"), { percent: 25 });
            assert.equal(budgetOf("2"), undefined);
            assert.equal(budgetOf(-1), undefined);
            assert.equal(budgetOf(undefined), undefined);
            assert.equal(podsKeptUp({ percent: 50 }, 3), 2);
            assert.equal(podsKeptUp({ percent: 34 }, 3), 2);
            assert.equal(podsKeptUp({ percent: 33 }, 3), 1);
            assert.equal(podsKeptUp({ count: 2 }, 10), 2);
        });
    });
});
