/** The sequencer, field by field: the single writer, its volume, its key file, its probes and its budget. */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { enodeId } from "../../../../components/services/chain/chainNode";
import { Sequencer, sequencerDefinition } from "../../../../components/services/chain/sequencer";
import { MockRun, runInMockEngine } from "../../../../harness/mockEngine";
import {
    all,
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

const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
/** secp256k1's private key 1, whose public key is the curve's generator G (SEC 2, 2.4.1). */
const P2P_KEY_HEX = "00".repeat(31) + "01";
const GENERATOR_G =
    "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" +
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

describe("chain: sequencer", () => {
    let run: MockRun<unknown>;
    const args = () => ({
        ...placement,
        chain: devnetChain(),
        p2pKey: pulumi.secret(P2P_KEY_HEX),
        ethstatsUrl: secretValue("ethstats-url"),
        protect: false,
    });
    before(async () => {
        run = await runComponent(() => new Sequencer("sequencer", args()));
    });
    const set = () => only(run.resources, STATEFULSET);
    const container = () => set().spec.template.spec.containers[0];

    it("is one StatefulSet pod, never autoscaled, rolled by partition (tradeoffs 2 and 3)", () => {
        const spec = set().spec;
        assert.equal(set().metadata.name, "sequencer");
        assert.deepEqual(set().metadata.labels, chainLabels("sequencer"));
        assert.equal(spec.replicas, 1);
        assert.deepEqual(spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        assert.equal(spec.podManagementPolicy, "OrderedReady");
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.equal(all(run.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
        assert.equal(spec.template.spec.topologySpreadConstraints, undefined, "one pod spreads nowhere");
    });

    it("has a PDB no drain passes: the only writer leaves only when an operator moves it", () => {
        const pdb = only(run.resources, "kubernetes:policy/v1:PodDisruptionBudget").spec;
        assert.deepEqual(pdb, {
            maxUnavailable: 0,
            selector: {
                matchLabels: { "app.kubernetes.io/name": "sequencer", "app.kubernetes.io/instance": "devnet" },
            },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
    });

    it("keeps its chain on its own 50Gi volume at /data, in the cluster's default class", () => {
        assert.deepEqual(set().spec.volumeClaimTemplates, [
            {
                metadata: { name: "data", labels: chainLabels("sequencer") },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
            },
        ]);
        assert.deepEqual(
            container().volumeMounts.find((m: Json) => m.name === "data"),
            { name: "data", mountPath: "/data" },
        );
    });

    it("reads its P2P key from a read-only Secret file and its ethstats URL by secretKeyRef only", () => {
        const pod = set().spec.template.spec;
        assert.deepEqual(container().args, ["--node-private-key-file=/keys/p2p/key"]);
        assert.deepEqual(
            pod.volumes.find((v: Json) => v.secret),
            {
                name: "secret-keys-p2p",
                secret: {
                    secretName: "sequencer-secrets",
                    items: [{ key: "p2p-key", path: "key" }],
                    defaultMode: 0o400,
                    optional: false,
                },
            },
        );
        assert.deepEqual(
            container().volumeMounts.find((m: Json) => m.name === "secret-keys-p2p"),
            { name: "secret-keys-p2p", mountPath: "/keys/p2p", readOnly: true },
        );
        const secret = only(run.resources, "kubernetes:core/v1:Secret");
        assert.deepEqual(Object.keys(secret.stringData).sort(), ["ethstats-url", "p2p-key"]);
        assert.equal(envOf(container()).BESU_ETHSTATS, "secret:sequencer-secrets/ethstats-url");
    });

    it("serves P2P on 30303 and metrics on 9545, probed over HTTP at /metrics (liveness over TCP)", () => {
        assert.deepEqual(container().ports, [
            { name: "p2p", containerPort: 30303, protocol: "TCP" },
            { name: "metrics", containerPort: 9545, protocol: "TCP" },
        ]);
        for (const kind of ["startup", "readiness"] as const) {
            assert.deepEqual(container()[`${kind}Probe`], {
                httpGet: { path: "/metrics", port: "metrics", scheme: "HTTP" },
                ...TIMINGS[kind],
            });
        }
        // Liveness only connects: the same check as readiness would restart a node too busy to answer.
        assert.deepEqual(container().livenessProbe, { tcpSocket: { port: "metrics" }, ...TIMINGS.liveness });
        assert.equal(set().spec.template.metadata.annotations["prometheus.io/port"], "9545");
    });

    it("is configured through besu's own variables, from its immutable ConfigMap", () => {
        assert.deepEqual(only(run.resources, "kubernetes:core/v1:ConfigMap").data, {
            BESU_NETWORK_ID: "1337",
            BESU_DATA_PATH: "/data",
            BESU_P2P_PORT: "30303",
            BESU_METRICS_ENABLED: "true",
            BESU_METRICS_HOST: "0.0.0.0",
            BESU_METRICS_PORT: "9545",
            BESU_LOGGING: "INFO",
            BESU_MINER_ENABLED: "true",
        });
        assert.equal(set().spec.template.spec.terminationGracePeriodSeconds, 120);
        assert.equal(set().spec.template.spec.automountServiceAccountToken, false);
    });

    it("derives its enode URL from its P2P key's public key, which is not a secret", async () => {
        assert.equal(enodeId(P2P_KEY_HEX), GENERATOR_G);
        assert.equal(enodeId(`0x${P2P_KEY_HEX}`), GENERATOR_G);
        const { outputs } = await runInMockEngine(
            () => {
                const sequencer = new Sequencer("sequencer", args());
                return { url: sequencer.enodeUrl, secret: pulumi.isSecret(sequencer.enodeUrl) };
            },
            { project: "messaging-infra", stack: "devnet" },
        );
        assert.deepEqual(outputs, {
            url: `enode://${GENERATOR_G}@sequencer-0.sequencer-headless.messaging-devnet.svc.cluster.local:30303`,
            secret: false,
        });
    });

    it("takes the storage class and partition from config, and is protected when asked", async () => {
        const chain = devnetChain();
        const tuned = { ...chain, storageClass: "gp3", sequencer: { ...chain.sequencer, partition: 1 } };
        const definition = sequencerDefinition({ ...args(), chain: tuned, protect: true }).workload;
        assert.equal(definition.volumeClaims?.[0].storageClassName, "gp3");
        assert.equal(definition.partition, 1);
        const protectedRun = await runComponent(() => new Sequencer("sequencer", { ...args(), protect: true }));
        assert.equal(protectedRun.resources.find((r) => r.type === STATEFULSET)?.options.protect, true);
    });
});
