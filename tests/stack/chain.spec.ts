/**
 * devnet's in-cluster chain in the whole stack, and the chart's ten tradeoffs, each asserted so it
 * fails if it comes back (the network policies' exactness is reachability.spec.ts's, the pack's
 * verdict policyIntegration.spec.ts's). testnet and mainnet run no chain at all.
 */
import * as assert from "node:assert/strict";
import { parseByteQuantity, parseCpuMillis } from "../../components/validators";
import { RecordedResource } from "../../harness/mockEngine";
import { evaluateRecorded } from "../../harness/policies";
import { runStack } from "../../harness/stack";
import { committedStackRun } from "../support/stackRuns";

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHAIN = ["sequencer", "maru", "besu", "ethstats", "tx-sender"];
const K = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    cronJob: "kubernetes:batch/v1:CronJob",
    job: "kubernetes:batch/v1:Job",
    service: "kubernetes:core/v1:Service",
    configMap: "kubernetes:core/v1:ConfigMap",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    quota: "kubernetes:core/v1:ResourceQuota",
    namespace: "kubernetes:core/v1:Namespace",
};

const inputs = (r: RecordedResource) => r.inputs as Json;
const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type).map(inputs);
const named = (resources: RecordedResource[], type: string, name: string) =>
    ofType(resources, type).find((r) => r.metadata?.name === name);
const isChain = (r: Json) => r.metadata?.labels?.["app.kubernetes.io/component"] === "chain";

describe("devnet's in-cluster chain", () => {
    const runs = new Map<string, RecordedResource[]>();
    before(async () => {
        for (const stack of ["devnet", "testnet", "mainnet"])
            runs.set(stack, (await committedStackRun(stack)).resources);
    });
    const devnet = () => runs.get("devnet") ?? [];
    const workloads = () => [...ofType(devnet(), K.deployment), ...ofType(devnet(), K.statefulSet)].filter(isChain);
    const workload = (name: string) => workloads().find((w) => w.metadata.name === name) as Json;
    const hpaOf = (name: string) => ofType(devnet(), K.hpa).find((h) => h.spec.scaleTargetRef.name === name);

    it("devnet runs the five components; testnet and mainnet run none of them", () => {
        assert.deepEqual(
            workloads()
                .map((w) => w.metadata.name)
                .sort(),
            [...CHAIN].sort(),
        );
        for (const stack of ["testnet", "mainnet"]) {
            const resources = runs.get(stack) ?? [];
            assert.deepEqual(
                resources.filter((r) => isChain(inputs(r))).map((r) => r.name),
                [],
                stack,
            );
            assert.deepEqual(
                resources.filter((r) => /-(chain|sequencer|maru|besu|ethstats|tx-sender)-/.test(r.name)),
                [],
            );
        }
    });

    it("points the relay's L2 RPC at the besu Service's own DNS name on devnet, at the public RPC elsewhere", () => {
        const relaySettings = (stack: string) =>
            ofType(runs.get(stack) ?? [], K.configMap).find((c) => c.metadata.name.startsWith("relay-settings-"))?.data;
        const besuService = named(devnet(), K.service, "besu") as Json;
        const rpcPort = besuService.spec.ports.find((p: Json) => p.name === "rpc").port;
        assert.equal(
            relaySettings("devnet").L2_RPC_URL,
            `http://${besuService.metadata.name}.${besuService.metadata.namespace}.svc.cluster.local:${rpcPort}`,
        );
        assert.equal(relaySettings("devnet").L2_RPC_URL, "http://besu.messaging-devnet.svc.cluster.local:8545");
        assert.equal(relaySettings("testnet").L2_RPC_URL, "https://rpc.testnet.l2.example.org");
    });

    it("1. publishes ethstats through a TLS Ingress, and no Service anywhere is a LoadBalancer or NodePort", () => {
        const ingress = named(devnet(), K.ingress, "ethstats") as Json;
        assert.deepEqual(ingress.spec.tls, [
            { hosts: ["ethstats.devnet.messaging.example.org"], secretName: "ethstats-tls" },
        ]);
        assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-staging");
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"], "true");
        assert.equal(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], "3600");
        assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend, {
            service: { name: "ethstats", port: { name: "http" } },
        });
        const types = new Set(ofType(devnet(), K.service).map((s) => s.spec.type ?? "ClusterIP"));
        assert.deepEqual([...types], ["ClusterIP"]);
    });

    it("2. rolls every Deployment by surge and every StatefulSet by RollingUpdate with a partition knob", async () => {
        for (const w of workloads()) {
            if (w.spec.strategy) {
                assert.deepEqual(w.spec.strategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
                });
            } else assert.deepEqual(w.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        }
        const tuned = await runStack("devnet", {
            configOverrides: { "messaging-infra:chain": JSON.stringify(partitioned()) },
        });
        const besu = named(tuned.resources, K.statefulSet, "besu") as Json;
        assert.deepEqual(besu.spec.updateStrategy.rollingUpdate, { partition: 2 });
    });

    it("3. claims no HA it does not have: one sequencer and one maru with drain-proof PDBs; besu autoscales 1..3", () => {
        for (const single of ["sequencer", "maru"]) {
            assert.equal(workload(single).spec.replicas, 1);
            assert.equal(hpaOf(single), undefined);
            const pdb = ofType(devnet(), K.pdb).find((p) => p.metadata.name === single) as Json;
            assert.equal(pdb.spec.maxUnavailable, 0);
        }
        assert.deepEqual([hpaOf("besu")?.spec.minReplicas, hpaOf("besu")?.spec.maxReplicas], [1, 3]);
        assert.equal((ofType(devnet(), K.pdb).find((p) => p.metadata.name === "besu") as Json).spec.maxUnavailable, 1);
        assert.deepEqual([workload("ethstats").spec.replicas, workload("tx-sender").spec.replicas], [1, 1]);
    });

    it("4. runs in the platform's PSA-restricted namespace, never default", () => {
        const namespace = ofType(devnet(), K.namespace)[0];
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const chainObjects = devnet().map(inputs).filter(isChain);
        assert.ok(chainObjects.length > 20);
        assert.deepEqual([...new Set(chainObjects.map((o) => o.metadata.namespace))], ["messaging-devnet"]);
    });

    it("6. exports the chain every six hours into the network's bucket, with a suspended restore check", () => {
        const cron = (name: string) => named(devnet(), K.cronJob, name) as Json;
        const backup = cron("chain-backup");
        assert.deepEqual(
            [backup.spec.schedule, backup.spec.suspend, backup.metadata.labels["messaging-infra/backup-of"]],
            ["30 */6 * * *", false, "besu"],
        );
        const restore = cron("chain-restore");
        assert.deepEqual([restore.spec.suspend, restore.metadata.labels["messaging-infra/restore-of"]], [true, "besu"]);
        const env = Object.fromEntries(
            backup.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: Json) => [e.name, e.value]),
        );
        assert.equal(env.RPC_URL, "http://besu.messaging-devnet.svc.cluster.local:8545");
        assert.equal(env.BACKUP_PREFIX, "chain");
        assert.match(env.BACKUP_BUCKET, /^messaging-infra-devnet-backups-111122223333$/);
        assert.deepEqual(backup.spec.jobTemplate.spec.template.spec.containers[0].command, [
            "bash",
            "/scripts/chain-backup.sh",
        ]);
    });

    it("6. the pack notices a chain without its export: besu's StatefulSet loses its backup", async () => {
        const withoutExport = (await committedStackRun("devnet")).resources.filter(
            (r) => !(r.type === K.cronJob && inputs(r).metadata.name === "chain-backup"),
        );
        const found = (await evaluateRecorded(withoutExport, "devnet")).filter(
            (v) => v.policyName === "backup-for-stateful-stores",
        );
        assert.deepEqual(
            found.map((v) => v.name),
            ["messaging-devnet-besu-workload-statefulset"],
        );
    });

    it("7. reaches AWS only through IRSA: the chain's jobs have their own roles, no chain pod has an AWS key", () => {
        for (const job of ["chain-backup", "chain-restore"]) {
            const sa = named(devnet(), K.serviceAccount, job) as Json;
            assert.equal(
                sa.metadata.annotations["eks.amazonaws.com/role-arn"],
                `arn:aws:iam::111122223333:role/messaging-infra-devnet-${job}`,
            );
            const pod = (named(devnet(), K.cronJob, job) as Json).spec.jobTemplate.spec.template.spec;
            assert.deepEqual([pod.serviceAccountName, pod.automountServiceAccountToken], [job, true]);
        }
        const pods = [
            ...workloads().map((w) => w.spec.template.spec),
            ...["chain-backup", "chain-restore"].map(
                (j) => (named(devnet(), K.cronJob, j) as Json).spec.jobTemplate.spec.template.spec,
            ),
        ];
        const envNames = pods.flatMap((p) => p.containers.flatMap((c: Json) => c.env.map((e: Json) => e.name)));
        assert.deepEqual(
            envNames.filter((n: string) => /^AWS_(ACCESS|SECRET|SESSION)/.test(n)),
            [],
        );
        for (const w of workloads())
            assert.equal(w.spec.template.spec.automountServiceAccountToken, false, w.metadata.name);
    });

    it("8. exposes every component's metrics on a port named metrics (9545), for the monitoring block's ServiceMonitors", () => {
        for (const w of workloads()) {
            const ports = w.spec.template.spec.containers[0].ports;
            assert.deepEqual(ports.find((p: Json) => p.name === "metrics")?.containerPort, 9545, w.metadata.name);
            assert.equal(w.spec.template.metadata.annotations["prometheus.io/port"], "9545");
            const service = named(devnet(), K.service, w.metadata.name) as Json;
            assert.ok(
                service.spec.ports.some((p: Json) => p.name === "metrics" && p.port === 9545),
                w.metadata.name,
            );
        }
    });

    it("9. spreads every component that may run more than one pod across zones", () => {
        for (const w of workloads()) {
            const most = hpaOf(w.metadata.name)?.spec.maxReplicas ?? w.spec.replicas;
            const zones = (w.spec.template.spec.topologySpreadConstraints ?? []).filter(
                (c: Json) => c.topologyKey === "topology.kubernetes.io/zone" && c.whenUnsatisfiable === "DoNotSchedule",
            );
            assert.equal(zones.length, most > 1 ? 1 : 0, w.metadata.name);
        }
        assert.ok(hpaOf("besu")?.spec.maxReplicas > 1, "besu is the multi-replica component");
    });

    it("10. devnet's quota holds every pod at its HPA maximum (plus a surge each) and every volume; the others are unchanged", () => {
        const hard = ofType(devnet(), K.quota)[0].spec.hard;
        const used = usage(devnet());
        assert.ok(
            used.cpu <= (parseCpuMillis(hard["requests.cpu"]) ?? 0),
            `requests.cpu ${used.cpu}m > ${hard["requests.cpu"]}`,
        );
        assert.ok(used.memory <= (parseByteQuantity(hard["requests.memory"]) ?? 0), "requests.memory");
        assert.ok(used.limitsCpu <= (parseCpuMillis(hard["limits.cpu"]) ?? 0), `limits.cpu ${used.limitsCpu}m`);
        assert.ok(used.limitsMemory <= (parseByteQuantity(hard["limits.memory"]) ?? 0), "limits.memory");
        assert.ok(used.pods <= Number(hard.pods), `pods ${used.pods}`);
        assert.ok(used.claims <= Number(hard.persistentvolumeclaims), `claims ${used.claims}`);
        assert.ok(used.storage <= (parseByteQuantity(hard["requests.storage"]) ?? 0), "requests.storage");
        // The old devnet quota (16 CPUs and 32Gi of limits, 200Gi of claims) would not hold the chain.
        assert.ok(used.limitsCpu > 16_000 && used.storage > 200 * 1024 ** 3);
        assert.deepEqual(
            [hard["limits.cpu"], hard["limits.memory"], hard["requests.storage"]],
            ["24", "40Gi", "300Gi"],
        );
        assert.deepEqual(ofType(runs.get("testnet") ?? [], K.quota)[0].spec.hard, {
            "requests.cpu": "16",
            "requests.memory": "32Gi",
            "limits.cpu": "32",
            "limits.memory": "64Gi",
            pods: "80",
            persistentvolumeclaims: "10",
            "requests.storage": "200Gi",
        });
        assert.deepEqual(ofType(runs.get("mainnet") ?? [], K.quota)[0].spec.hard["requests.cpu"], "32");
    });
});

/** The committed devnet chain with besu's partition at 2 (of its HPA's 3). */
function partitioned(): Json {
    return {
        mode: "in-cluster",
        chainId: 1337,
        keyRegistryAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        messageNodeRegistryAddress: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        sequencer: { image: "registry.example.org/chain/sequencer:25.1.0" },
        maru: { image: "registry.example.org/chain/maru:1.0.3" },
        besu: { image: "registry.example.org/mirror/besu:25.1.0", partition: 2 },
        ethstats: { image: "registry.example.org/chain/ethstats:0.2.1" },
        txSender: { image: "registry.example.org/chain/tx-sender:0.3.0" },
    };
}

/** What the namespace's pods and claims add up to at most: every workload at its HPA maximum plus a surge pod, every job once. */
function usage(resources: RecordedResource[]) {
    const total = { cpu: 0, memory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0, claims: 0, storage: 0 };
    const hpas = ofType(resources, K.hpa);
    const addPod = (pod: Json, count: number) => {
        const sum = (kind: "requests" | "limits", what: "cpu" | "memory") => {
            const parse = what === "cpu" ? parseCpuMillis : parseByteQuantity;
            const containers = pod.containers.reduce(
                (n: number, c: Json) => n + (parse(c.resources[kind][what]) ?? 0),
                0,
            );
            const inits = (pod.initContainers ?? []).map((c: Json) => parse(c.resources[kind][what]) ?? 0);
            return Math.max(containers, ...inits);
        };
        total.cpu += count * sum("requests", "cpu");
        total.memory += count * sum("requests", "memory");
        total.limitsCpu += count * sum("limits", "cpu");
        total.limitsMemory += count * sum("limits", "memory");
        total.pods += count;
    };
    for (const type of [K.deployment, K.statefulSet]) {
        for (const w of ofType(resources, type)) {
            const most =
                hpas.find((h) => h.spec.scaleTargetRef.name === w.metadata.name)?.spec.maxReplicas ?? w.spec.replicas;
            addPod(w.spec.template.spec, most + (type === K.deployment ? 1 : 0));
            for (const claim of w.spec.volumeClaimTemplates ?? []) {
                total.claims += most;
                total.storage += most * (parseByteQuantity(claim.spec.resources.requests.storage) ?? 0);
            }
        }
    }
    for (const c of ofType(resources, K.cronJob)) addPod(c.spec.jobTemplate.spec.template.spec, 1);
    for (const j of ofType(resources, K.job)) addPod(j.spec.template.spec, 1);
    return total;
}
