/** Besu, field by field: the RPC read replicas, autoscaled, spread, budgeted, derived into a URL. */
import * as assert from "node:assert/strict";
import { Besu } from "../../../../components/services/chain/besu";
import { MockRun, runInMockEngine } from "../../../../harness/mockEngine";
import {
    chainLabels,
    devnetChain,
    envOf,
    only,
    placement,
    runComponent,
    secretValue,
    TIMINGS,
} from "../../../support/chainFixtures";

const SEQUENCER_ENODE = `enode://${"ab".repeat(64)}@sequencer-0.sequencer-headless.messaging-devnet.svc.cluster.local:30303`;
const args = () => ({
    ...placement,
    chain: devnetChain(),
    ethstatsUrl: secretValue("ethstats-url"),
    bootnodes: [SEQUENCER_ENODE],
    protect: false,
});

describe("chain: besu", () => {
    let run: MockRun<unknown>;
    before(async () => {
        run = await runComponent(() => new Besu("besu", args()));
    });
    const set = () => only(run.resources, "kubernetes:apps/v1:StatefulSet");
    const container = () => set().spec.template.spec.containers[0];

    it("scales 1..3 with an HPA on CPU and memory at 70 %, which owns the replica count (tradeoff 3)", () => {
        assert.equal(set().spec.replicas, undefined);
        assert.deepEqual(only(run.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "besu" },
            minReplicas: 1,
            maxReplicas: 3,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                },
                {
                    type: "Resource",
                    resource: { name: "memory", target: { type: "Utilization", averageUtilization: 70 } },
                },
            ],
        });
    });

    it("has a PDB of one pod at a time from its first pod, and spreads across zones (tradeoff 9)", () => {
        assert.equal(only(run.resources, "kubernetes:policy/v1:PodDisruptionBudget").spec.maxUnavailable, 1);
        const spread = set().spec.template.spec.topologySpreadConstraints;
        assert.deepEqual(
            spread.map((c: { topologyKey: string; whenUnsatisfiable: string }) => [c.topologyKey, c.whenUnsatisfiable]),
            [
                ["topology.kubernetes.io/zone", "DoNotSchedule"],
                ["kubernetes.io/hostname", "ScheduleAnyway"],
            ],
        );
    });

    it("is a StatefulSet of independent replicas, each with its own 50Gi copy of the chain", () => {
        assert.deepEqual(set().metadata.labels, chainLabels("besu"));
        assert.equal(set().spec.podManagementPolicy, "Parallel");
        assert.deepEqual(set().spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        assert.equal(set().spec.volumeClaimTemplates[0].spec.resources.requests.storage, "50Gi");
    });

    it("serves JSON-RPC 8545 and WebSocket 8546, P2P and metrics, probed on besu's /liveness and /readiness", () => {
        assert.deepEqual(
            container().ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
            [
                ["rpc", 8545],
                ["ws", 8546],
                ["p2p", 30303],
                ["metrics", 9545],
            ],
        );
        const get = (path: string) => ({ httpGet: { path, port: "rpc", scheme: "HTTP" } });
        assert.deepEqual(container().startupProbe, { ...get("/liveness"), ...TIMINGS.startup });
        // Ready only with a peer and at most two blocks behind it: a node cut off from the sequencer leaves the Service.
        assert.deepEqual(container().readinessProbe, { ...get("/readiness"), ...TIMINGS.readiness });
        // Liveness asks only whether the process answers, so a node catching up is not restarted.
        assert.deepEqual(container().livenessProbe, { ...get("/liveness"), ...TIMINGS.liveness });
        const service = run.resources.find((r) => r.name === "besu-workload-service")?.inputs as {
            spec: { type: string };
        };
        assert.equal(service.spec.type, "ClusterIP", "never a LoadBalancer (tradeoff 1)");
    });

    it("is configured through besu's variables and reports to ethstats by secretKeyRef", () => {
        const data = only(run.resources, "kubernetes:core/v1:ConfigMap").data;
        assert.equal(data.BESU_RPC_HTTP_PORT, "8545");
        assert.equal(data.BESU_RPC_WS_PORT, "8546");
        assert.equal(data.BESU_RPC_HTTP_API, "ETH,NET,WEB3,TXPOOL,DEBUG");
        assert.equal(data.BESU_SYNC_MODE, "FULL");
        assert.equal(data.BESU_BOOTNODES, SEQUENCER_ENODE, "it syncs from the sequencer, dialled by its enode URL");
        assert.equal(data.SEQUENCER_P2P, undefined);
        assert.deepEqual(
            container().args,
            ["--Xdns-enabled=true", "--Xdns-update-enabled=true"],
            "DNS names in enode URLs",
        );
        assert.equal(envOf(container()).BESU_ETHSTATS, "secret:besu-secrets/ethstats-url");
    });

    it("derives its RPC and WebSocket URLs from its own Service", async () => {
        const { outputs } = await runInMockEngine(
            () => {
                const besu = new Besu("besu", args());
                const target = besu.scrapeTarget;
                return {
                    rpc: besu.rpcUrl,
                    ws: besu.wsUrl,
                    metrics: {
                        port: target.port,
                        path: target.path,
                        names: Object.values(target.metrics).map((m) => m.name),
                    },
                };
            },
            { project: "messaging-infra", stack: "devnet" },
        );
        assert.deepEqual(outputs, {
            rpc: "http://besu.messaging-devnet.svc.cluster.local:8545",
            ws: "ws://besu.messaging-devnet.svc.cluster.local:8546",
            metrics: {
                port: "metrics",
                path: "/metrics",
                names: ["ethereum_blockchain_height", "ethereum_peer_count", "besu_transaction_pool_transactions"],
            },
        });
    });
});
