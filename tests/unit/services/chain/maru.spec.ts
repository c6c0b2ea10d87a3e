/** Maru, field by field: the consensus client, one pod, its key file, its TCP probes. */
import * as assert from "node:assert/strict";
import { Maru } from "../../../../components/services/chain/maru";
import { MockRun } from "../../../../harness/mockEngine";
import {
    chainLabels,
    devnetChain,
    envOf,
    Json,
    only,
    placement,
    runComponent,
    secretValue,
    TIMINGS,
} from "../../../support/chainFixtures";

describe("chain: maru", () => {
    let run: MockRun<unknown>;
    before(async () => {
        run = await runComponent(
            () =>
                new Maru("maru", {
                    ...placement,
                    chain: devnetChain(),
                    p2pKey: secretValue("maru-p2p-key"),
                    protect: false,
                }),
        );
    });
    const set = () => only(run.resources, "kubernetes:apps/v1:StatefulSet");
    const container = () => set().spec.template.spec.containers[0];

    it("is one StatefulSet pod with a 10Gi volume and a PDB of maxUnavailable 0 (a single writer)", () => {
        assert.deepEqual(set().metadata.labels, chainLabels("maru"));
        assert.equal(set().spec.replicas, 1);
        assert.deepEqual(set().spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        assert.equal(set().spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
        assert.equal(only(run.resources, "kubernetes:policy/v1:PodDisruptionBudget").spec.maxUnavailable, 0);
    });

    it("is probed by TCP connects, never an HTTP path: its API on 8080, and its metrics server for liveness", () => {
        for (const kind of ["startup", "readiness"] as const) {
            assert.deepEqual(container()[`${kind}Probe`], { tcpSocket: { port: "api" }, ...TIMINGS[kind] });
        }
        assert.deepEqual(container().livenessProbe, { tcpSocket: { port: "metrics" }, ...TIMINGS.liveness });
        assert.deepEqual(container().ports, [
            { name: "p2p", containerPort: 9000, protocol: "TCP" },
            { name: "api", containerPort: 8080, protocol: "TCP" },
            { name: "metrics", containerPort: 9545, protocol: "TCP" },
        ]);
    });

    it("reads its P2P key from a read-only file, and follows the sequencer by its stable pod name", () => {
        const mount = container().volumeMounts.find((m: Json) => m.name === "secret-keys-p2p");
        assert.deepEqual(mount, { name: "secret-keys-p2p", mountPath: "/keys/p2p", readOnly: true });
        assert.deepEqual(Object.keys(only(run.resources, "kubernetes:core/v1:Secret").stringData), ["p2p-key"]);
        assert.deepEqual(only(run.resources, "kubernetes:core/v1:ConfigMap").data, {
            MARU_CHAIN_ID: "1337",
            MARU_DATA_PATH: "/data",
            MARU_P2P_KEY_PATH: "/keys/p2p/key",
            MARU_P2P_PORT: "9000",
            MARU_API_PORT: "8080",
            MARU_METRICS_PORT: "9545",
            MARU_SEQUENCER_P2P: "sequencer-0.sequencer-headless.messaging-devnet.svc.cluster.local:30303",
        });
        assert.ok(
            Object.values(envOf(container())).every((v) => v.startsWith("config:")),
            "no secret in env",
        );
    });
});
