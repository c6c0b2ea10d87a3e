/**
 * workload-spread-across-zones (rules/workload/spread.ts): one passing stack and one mutation per
 * failing condition, with exact messages; what counts as a spread; and the mainnet relay the issue
 * names (writable root, no spread), which the whole pack now blocks.
 */
import * as assert from "node:assert/strict";
import { evaluatePolicies } from "../../offline";
import { spreadAcrossZones } from "../../rules/workload/spread";
import { compliantStack, deployment, hpa, pod, provider, S, selector, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("workload policies", () => {
    const stack = () => ({ p: provider(), d: deployment(), h: hpa(), s: statefulSet() });
    const relayLabels = '{"app.kubernetes.io/name":"relay","app.kubernetes.io/instance":"mainnet"}';
    const storeLabels = '{"app.kubernetes.io/name":"object-store","app.kubernetes.io/instance":"mainnet"}';
    const fix =
        `add to ${S}.topologySpreadConstraints one with topologyKey topology.kubernetes.io/zone, maxSkew 1 and a ` +
        `labelSelector matching its pod labels, so losing one zone does not take every replica.`;
    const relay = `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler "relay" (minReplicas 3, maxReplicas 10)`;
    const store = `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 2`;
    policyTable(spreadAcrossZones, stack, (s) => [s.p, s.d, s.h, s.s], [
        {
            name: "no constraints (an HPA-scaled Deployment without spec.replicas)",
            mutate: (s) => {
                delete s.d.props.spec.replicas;
                delete pod(s.d).topologySpreadConstraints;
            },
            messages: [
                `${relay} but its pod template has no topologySpreadConstraints and no podAntiAffinity terms; ${fix}`,
            ],
        },
        {
            name: "a spread by node only (wrong topologyKey)",
            mutate: (s) => void (pod(s.s).topologySpreadConstraints![0].topologyKey = "kubernetes.io/hostname"),
            messages: [
                `${store} but its pod template spreads only by topologyKey "kubernetes.io/hostname", not ` +
                    `"topology.kubernetes.io/zone"; ${fix}`,
            ],
        },
        {
            name: "a zone constraint whose selector does not match the pods",
            mutate: (s) =>
                void (pod(s.s).topologySpreadConstraints![0].labelSelector = {
                    matchLabels: { "app.kubernetes.io/name": "objectstore" },
                }),
            messages: [
                `${store} but its pod template has terms on "topology.kubernetes.io/zone" but their labelSelector ` +
                    `({"matchLabels":{"app.kubernetes.io/name":"objectstore"}}) does not match its pod labels ` +
                    `${storeLabels}; ${fix}`,
            ],
        },
        {
            name: "a zone constraint without a labelSelector (it counts no pods)",
            mutate: (s) => void delete pod(s.d).topologySpreadConstraints![0].labelSelector,
            messages: [
                `${relay} but its pod template has terms on "topology.kubernetes.io/zone" but their labelSelector ` +
                    `(unset) does not match its pod labels ${relayLabels}; ${fix}`,
            ],
        },
        {
            name: "an anti-affinity term on the zone whose selector misses the pods",
            mutate: (s) => {
                delete pod(s.s).topologySpreadConstraints;
                pod(s.s).affinity = {
                    podAntiAffinity: {
                        requiredDuringSchedulingIgnoredDuringExecution: [
                            {
                                topologyKey: "topology.kubernetes.io/zone",
                                labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["x"] }] },
                            },
                        ],
                    },
                };
            },
            messages: [
                `${store} but its pod template has terms on "topology.kubernetes.io/zone" but their labelSelector ` +
                    `({"matchExpressions":[{"key":"app","operator":"In","values":["x"]}]}) does not match its pod ` +
                    `labels ${storeLabels}; ${fix}`,
            ],
        },
    ]);

    it("workload-spread-across-zones accepts ScheduleAnyway and zone anti-affinity, required or preferred", async () => {
        const soft = statefulSet();
        pod(soft).topologySpreadConstraints![0].whenUnsatisfiable = "ScheduleAnyway";
        const term = { topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: selector("relay") } };
        const required = deployment();
        delete pod(required).topologySpreadConstraints;
        pod(required).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
        const preferred = deployment();
        delete pod(preferred).topologySpreadConstraints;
        pod(preferred).affinity = {
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }],
            },
        };
        for (const w of [soft, required, preferred])
            assert.deepEqual(await messagesOf(spreadAcrossZones, [provider(), w]), [], w.name);
    });

    it("workload-spread-across-zones leaves single-pod workloads alone (one replica, an HPA pinned to one)", async () => {
        const single = statefulSet();
        single.props.spec.replicas = 1;
        delete pod(single).topologySpreadConstraints;
        const pinned = deployment();
        delete pod(pinned).topologySpreadConstraints;
        const pinnedHpa = hpa();
        pinnedHpa.props.spec.minReplicas = 1;
        pinnedHpa.props.spec.maxReplicas = 1;
        pinned.props.spec.replicas = 1;
        assert.deepEqual(await messagesOf(spreadAcrossZones, [provider(), single, pinned, pinnedHpa]), []);
        // An HPA that may scale past one pod counts even when spec.replicas is 1.
        pinnedHpa.props.spec.maxReplicas = 2;
        assert.equal((await messagesOf(spreadAcrossZones, [provider(), pinned, pinnedHpa])).length, 1);
    });

    it("a mainnet relay with a writable root and no zone spread now fails the pack on both rules", async () => {
        const resources = compliantStack();
        const relayDeployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        pod(relayDeployment).containers![0].securityContext!.readOnlyRootFilesystem = false;
        delete pod(relayDeployment).topologySpreadConstraints;
        const violations = await evaluatePolicies(resources, { config: "mainnet" });
        assert.deepEqual(
            violations.map((v) => [v.policyName, v.enforcementLevel, v.name]),
            [
                ["pod-read-only-root-filesystem", "mandatory", "relay"],
                ["workload-spread-across-zones", "mandatory", "relay"],
            ],
        );
    });
});
