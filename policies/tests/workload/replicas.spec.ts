/**
 * workload-min-replicas (rules/workload/replicas.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { minReplicas } from "../../rules/workload/replicas";
import { deployment, hpa, provider, statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("workload policies", () => {
    const workloads = () => ({ d: deployment(), s: statefulSet(), h: hpa(), p: provider() });
    const floor = { minReplicas: 2 };
    policyTable(
        minReplicas,
        workloads,
        (w) => [w.p, w.d, w.s, w.h],
        [
            {
                name: "one replica and no HPA",
                mutate: (w) => void (w.s.props.spec.replicas = 1),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 1; run at ` +
                        `least 2 replicas on this network (or scale it with an HPA whose minReplicas is at least 2) ` +
                        `so losing one pod does not take the service down.`,
                ],
            },
            {
                name: "replicas unset (1)",
                mutate: (w) => void delete w.s.props.spec.replicas,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas unset; run ` +
                        `at least 2 replicas on this network (or scale it with an HPA whose minReplicas is at least ` +
                        `2) so losing one pod does not take the service down.`,
                ],
            },
            {
                name: "an HPA whose minReplicas is below the floor (spec.replicas does not count)",
                mutate: (w) => {
                    w.h.props.spec.minReplicas = 1;
                    w.d.props.spec.replicas = 3;
                },
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler ` +
                        `"relay" whose spec.minReplicas is 1; raise it to at least 2 on this network so losing one ` +
                        `pod does not take the service down.`,
                ],
            },
            {
                name: "an HPA whose minReplicas is unset (Kubernetes defaults it to 1)",
                mutate: (w) => void delete w.h.props.spec.minReplicas,
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler ` +
                        `"relay" whose spec.minReplicas is unset; raise it to at least 2 on this network so losing one ` +
                        `pod does not take the service down.`,
                ],
            },
        ],
        floor,
    );

    it("workload-min-replicas is off at 1 and honours reviewed exemptions", async () => {
        const s = statefulSet();
        s.props.spec.replicas = 1;
        assert.deepEqual(await messagesOf(minReplicas, [provider(), s]), []);
        assert.deepEqual(
            await messagesOf(minReplicas, [provider(), s], { minReplicas: 2, exempt: ["object-store"] }),
            [],
        );
        assert.deepEqual(
            await messagesOf(minReplicas, [provider(), s], {
                minReplicas: 2,
                exempt: ["messaging-mainnet/object-store"],
            }),
            [],
        );
        assert.equal(
            (await messagesOf(minReplicas, [provider(), s], { minReplicas: 2, exempt: ["other/object-store"] })).length,
            1,
        );
    });
});
