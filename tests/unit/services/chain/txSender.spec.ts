/** The tx-sender, field by field: one pod, besu's RPC, interval and amount, key and recipient only from its Secret. */
import * as assert from "node:assert/strict";
import { TxSender } from "../../../../components/services/chain/txSender";
import { MockRun } from "../../../../harness/mockEngine";
import {
    chainLabels,
    devnetChain,
    envOf,
    only,
    placement,
    runComponent,
    secretValue,
} from "../../../support/chainFixtures";

describe("chain: tx-sender", () => {
    let run: MockRun<unknown>;
    before(async () => {
        run = await runComponent(
            () =>
                new TxSender("tx-sender", {
                    ...placement,
                    chain: devnetChain(),
                    rpcUrl: "http://besu.messaging-devnet.svc.cluster.local:8545",
                    privateKey: secretValue("key"),
                    toAddress: secretValue("to"),
                }),
        );
    });
    const deployment = () => only(run.resources, "kubernetes:apps/v1:Deployment");
    const container = () => deployment().spec.template.spec.containers[0];

    it("is one Deployment pod (two would race for the account's nonces), rolled by surge", () => {
        assert.deepEqual(deployment().metadata.labels, chainLabels("tx-sender"));
        assert.equal(deployment().spec.replicas, 1);
        assert.deepEqual(deployment().spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
    });

    it("sends 10 wei every second to besu's RPC Service (the defaults), from its ConfigMap", () => {
        assert.deepEqual(only(run.resources, "kubernetes:core/v1:ConfigMap").data, {
            RPC_URL: "http://besu.messaging-devnet.svc.cluster.local:8545",
            CHAIN_ID: "1337",
            INTERVAL_SECONDS: "1",
            AMOUNT_WEI: "10",
            METRICS_PORT: "9545",
        });
    });

    it("takes its private key and recipient only from its Secret, by secretKeyRef", () => {
        const env = envOf(container());
        assert.equal(env.PRIVATE_KEY, "secret:tx-sender-secrets/private-key");
        assert.equal(env.TO_ADDRESS, "secret:tx-sender-secrets/to-address");
        assert.ok(!container().env.some((e: { value?: string }) => e.value !== undefined), "no env value anywhere");
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret");
        assert.deepEqual(Object.keys((secret?.inputs as { stringData: object }).stringData).sort(), [
            "private-key",
            "to-address",
        ]);
        assert.ok(secret?.secretPaths.some((p) => p.startsWith("stringData")));
    });

    it("serves metrics on 9545, probed there (readiness over HTTP, liveness over TCP)", () => {
        assert.deepEqual(container().ports, [{ name: "metrics", containerPort: 9545, protocol: "TCP" }]);
        assert.deepEqual(container().readinessProbe.httpGet, { path: "/metrics", port: "metrics", scheme: "HTTP" });
        assert.deepEqual(container().livenessProbe.tcpSocket, { port: "metrics" });
    });
});
