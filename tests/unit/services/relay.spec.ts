import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../../../components/config";
import { Network } from "../../../components/network";
import { RelayService, RelayServiceArgs, relayRpcUrl, relaySettings } from "../../../components/services/relay";
import { MockRun, RecordedResource, registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { networkConfigFor } from "../../../harness/networkConfig";
import { withDefaultEphemeralStorage } from "../../support/workloadFixtures";

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const roleArn = (network: Network) => `arn:aws:iam::111122223333:role/messaging-infra-${network}-relay`;

function relayArgs(config: NetworkConfig, overrides: Partial<RelayServiceArgs> = {}): RelayServiceArgs {
    return {
        network: config.network,
        namespace: config.namespace.name,
        settings: config.services.relay,
        chain: config.chain,
        covenantSql: config.externalStores.covenantSql,
        kmsServiceUrl: `http://kms-service.${config.namespace.name}.svc.cluster.local:3300`,
        // devnet's besu Service URL, as the chain stack's Besu derives it (Besu's rpcUrl).
        ...(config.chain.mode === "in-cluster"
            ? { inClusterRpcUrl: `http://besu.${config.namespace.name}.svc.cluster.local:8545` }
            : {}),
        role: { arn: roleArn(config.network), serviceAccount: { namespace: config.namespace.name, name: "relay" } },
        operatorKeys: pulumi.secret('["operator-key-1"]'),
        covenantSqlCredentials: pulumi.secret("covenant-user:covenant-pass"),
        protect: config.protectStatefulResources,
        stackFile: config.stackFile,
        ...overrides,
    };
}

async function runRelay(config: NetworkConfig, overrides: Partial<RelayServiceArgs> = {}) {
    return runInMockEngine(
        () => {
            const relay = new RelayService("relay", relayArgs(config, overrides));
            return {
                selector: relay.selector,
                ports: relay.ports,
                serviceName: relay.serviceName,
                serviceAccountName: relay.serviceAccountName,
                secretName: relay.secretName,
            };
        },
        { project: "messaging-infra", stack: config.stack },
    );
}

function only(resources: RecordedResource[], type: string): RecordedResource {
    const found = resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.map((r) => r.name).join(", ")}`);
    return found[0];
}

const podSpec = (run: MockRun<unknown>) =>
    (only(run.resources, "kubernetes:apps/v1:StatefulSet").inputs as Json).spec.template.spec as Json;

/** DESIGN.md's network table and the stack files, written out rather than read back from config. */
const expected = {
    devnet: {
        // One pod and no HPA (equal bounds would register an autoscaler that never scales).
        hpa: undefined,
        pdb: false,
        spread: false,
        requests: { cpu: "100m", memory: "256Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
        rpc: "http://besu.messaging-devnet.svc.cluster.local:8545",
        chainId: "1337",
    },
    testnet: {
        hpa: [3, 5],
        pdb: true,
        spread: true,
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "1", memory: "1Gi" },
        rpc: "https://rpc.testnet.l2.example.org",
        chainId: "59141",
    },
    mainnet: {
        hpa: [3, 10],
        pdb: true,
        spread: true,
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "1", memory: "1Gi" },
        rpc: "https://rpc.l2.example.org",
        chainId: "59144",
    },
} as const;

describe("services RelayService", () => {
    for (const network of ["devnet", "testnet", "mainnet"] as const) {
        describe(network, () => {
            const config = networkConfigFor(network);
            const want = expected[network];
            let run: MockRun<Json>;
            before(async () => {
                run = (await runRelay(config)) as MockRun<Json>;
            });

            it("registers the workload and the secret under the service, named from it", () => {
                const component = only(run.resources, "messaging:services:RelayService");
                const children = run.resources.filter((r) => r.parent === component.urn).map((r) => [r.type, r.name]);
                assert.deepEqual(children, [
                    ["messaging:k8s:ClusterSecret", "relay-secrets"],
                    ["messaging:k8s:Workload", "relay-workload"],
                ]);
                assert.deepEqual(
                    run.resources.filter((r) => r.type.startsWith("aws:")),
                    [],
                    "services create no AWS resources",
                );
            });

            it("scales per the network table: HPA bounds and no fixed replica count, or one pod without an HPA; PDB", () => {
                const statefulSet = only(run.resources, "kubernetes:apps/v1:StatefulSet").inputs as Json;
                const hpas = run.resources
                    .filter((r) => r.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
                    .map((r) => r.inputs as Json);
                if (want.hpa === undefined) {
                    assert.equal(statefulSet.spec.replicas, 1);
                    assert.deepEqual(hpas, []);
                } else {
                    assert.equal("replicas" in statefulSet.spec, false, "the HPA owns the replica count");
                    assert.equal(hpas.length, 1);
                    const hpa = hpas[0];
                    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], want.hpa);
                    assert.deepEqual(hpa.spec.scaleTargetRef, {
                        apiVersion: "apps/v1",
                        kind: "StatefulSet",
                        name: "relay",
                    });
                    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
                }
                const pdbs = run.resources
                    .filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget")
                    .map((r) => (r.inputs as Json).spec);
                assert.deepEqual(
                    pdbs,
                    want.pdb
                        ? [
                              {
                                  maxUnavailable: 1,
                                  selector: { matchLabels: run.outputs.selector },
                                  unhealthyPodEvictionPolicy: "AlwaysAllow",
                              },
                          ]
                        : [],
                );
                assert.deepEqual(statefulSet.spec.updateStrategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { partition: 0 },
                });
                assert.equal(statefulSet.spec.podManagementPolicy, "Parallel");
            });

            it("keeps each replica's blob store on its own retained volume, protected where the network says", () => {
                const statefulSet = only(run.resources, "kubernetes:apps/v1:StatefulSet");
                const spec = (statefulSet.inputs as Json).spec;
                assert.deepEqual(
                    spec.volumeClaimTemplates.map((t: Json) => [t.metadata.name, t.spec.accessModes, t.spec.resources]),
                    [["data", ["ReadWriteOnce"], { requests: { storage: "10Gi" } }]],
                );
                assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, {
                    whenDeleted: "Retain",
                    whenScaled: "Retain",
                });
                assert.deepEqual(spec.template.spec.containers[0].volumeMounts, [
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "data", mountPath: "/data" },
                ]);
                assert.equal(statefulSet.options.protect, network !== "devnet");
                assert.equal(spec.template.metadata.labels["app.kubernetes.io/component"], "relay");
            });

            it("spreads across zones and nodes only when it can run several pods", () => {
                const spread = podSpec(run).topologySpreadConstraints as Json[] | undefined;
                if (!want.spread) assert.equal(spread, undefined);
                else
                    assert.deepEqual(
                        spread?.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]),
                        [
                            ["topology.kubernetes.io/zone", "DoNotSchedule", run.outputs.selector],
                            ["kubernetes.io/hostname", "ScheduleAnyway", run.outputs.selector],
                        ],
                    );
            });

            it("serves http 3200, ws 3201 and metrics, probed on /health and /ready", () => {
                const container = podSpec(run).containers[0] as Json;
                assert.deepEqual(container.ports, [
                    { name: "http", containerPort: 3200, protocol: "TCP" },
                    { name: "ws", containerPort: 3201, protocol: "TCP" },
                    { name: "metrics", containerPort: 9102, protocol: "TCP" },
                ]);
                assert.deepEqual(
                    [container.startupProbe.httpGet, container.livenessProbe.httpGet, container.readinessProbe.httpGet],
                    [
                        { path: "/health", port: "http", scheme: "HTTP" },
                        { path: "/health", port: "http", scheme: "HTTP" },
                        { path: "/ready", port: "http", scheme: "HTTP" },
                    ],
                );
                assert.deepEqual(run.outputs.ports, { http: 3200, ws: 3201, metrics: 9102 });
                const service = run.resources.find((r) => r.name === "relay-workload-service")?.inputs as Json;
                // Blobs live on the replica that received them: a client keeps reaching the same pod.
                assert.equal(service.spec.sessionAffinity, "ClientIP");
                assert.deepEqual(service.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
                assert.deepEqual(
                    service.spec.ports.map((p: Json) => [p.name, p.port, p.targetPort]),
                    [
                        ["http", 3200, "http"],
                        ["ws", 3201, "ws"],
                        ["metrics", 9102, "metrics"],
                    ],
                );
                assert.deepEqual(service.spec.selector, run.outputs.selector);
            });

            it("runs hardened, with the network's requests and limits", () => {
                const spec = podSpec(run);
                const container = spec.containers[0] as Json;
                assert.equal(container.image, "registry.example.org/messaging/relay:1.8.2");
                // Referenced by tag: every start re-resolves it.
                assert.equal(container.imagePullPolicy, "Always");
                assert.deepEqual(
                    container.resources,
                    withDefaultEphemeralStorage({ requests: want.requests, limits: want.limits }),
                );
                assert.deepEqual(spec.securityContext, {
                    runAsNonRoot: true,
                    runAsUser: 10001,
                    runAsGroup: 10001,
                    fsGroup: 10001,
                    fsGroupChangePolicy: "OnRootMismatch",
                    seccompProfile: { type: "RuntimeDefault" },
                });
                assert.deepEqual(container.securityContext, {
                    runAsNonRoot: true,
                    readOnlyRootFilesystem: true,
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                });
                assert.deepEqual(spec.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
                assert.equal(spec.terminationGracePeriodSeconds, 60);
            });

            it("has an IRSA service account with a token", () => {
                const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
                assert.equal(sa.metadata.name, "relay");
                assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": roleArn(network) });
                assert.equal(sa.automountServiceAccountToken, true);
                assert.equal(podSpec(run).serviceAccountName, "relay");
                assert.equal(podSpec(run).automountServiceAccountToken, true);
                assert.equal(run.outputs.serviceAccountName, "relay");
            });

            it("takes settings from the ConfigMap and the operator keys and CovenantSQL credentials from secretKeyRefs", () => {
                const configMap = only(run.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
                const sources = (podSpec(run).containers[0].env as Json[]).map((e) => {
                    if (e.valueFrom?.configMapKeyRef)
                        return [
                            e.name,
                            `configMap:${e.valueFrom.configMapKeyRef.name === configMap.metadata.name ? "settings" : "?"}/${e.valueFrom.configMapKeyRef.key}`,
                        ];
                    if (e.valueFrom?.secretKeyRef)
                        return [e.name, `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`];
                    return [e.name, "value"];
                });
                assert.deepEqual(sources, [
                    ...Object.keys(configMap.data)
                        .sort()
                        .map((k) => [k, `configMap:settings/${k}`]),
                    ["RELAY_OPERATOR_KEYS", "secret:relay-secrets/operator-keys"],
                    ["COVENANTSQL_CREDENTIALS", "secret:relay-secrets/covenantsql-credentials"],
                ]);
                assert.deepEqual(configMap.data, {
                    NETWORK: network,
                    HTTP_PORT: "3200",
                    WS_PORT: "3201",
                    METRICS_PORT: "9102",
                    L2_RPC_URL: want.rpc,
                    CHAIN_ID: want.chainId,
                    KEY_REGISTRY_ADDRESS: config.chain.keyRegistryAddress,
                    MESSAGE_NODE_REGISTRY_ADDRESS: config.chain.messageNodeRegistryAddress,
                    COVENANTSQL_ENDPOINTS: `covenantsql.${network}.example.org:4661`,
                    KMS_SERVICE_URL: `http://kms-service.messaging-${network}.svc.cluster.local:3300`,
                    OPERATOR_KEY_COUNT: String(config.services.relay.operatorKeyCount),
                    MAX_CONNECTIONS: "1000",
                    MAX_MESSAGE_SIZE_BYTES: "1048576",
                    // The blob relay write-up's defaults.
                    BLOB_TTL_DAYS: "90",
                    RATE_LIMIT_PER_CLIENT_PER_MINUTE: "60",
                    CLEANUP_INTERVAL_SECONDS: "3600",
                    RELAY_STORAGE_BACKEND: "sqlite",
                    RELAY_DATA_DIR: "/data",
                });
                assert.equal(configMap.immutable, true);
                assert.deepEqual(only(run.resources, "kubernetes:core/v1:ConfigMap").secretPaths, []);
            });

            it("keeps the secret values in a Kubernetes Secret, marked secret", () => {
                const secret = only(run.resources, "kubernetes:core/v1:Secret");
                assert.deepEqual((secret.inputs as Json).stringData, {
                    "covenantsql-credentials": "covenant-user:covenant-pass",
                    "operator-keys": '["operator-key-1"]',
                });
                assert.deepEqual(secret.secretPaths, ["stringData"]);
                assert.equal(run.outputs.secretName, "relay-secrets");
            });
        });
    }

    it("rolls its pods when a blob-relay limit changes, and only then", async () => {
        const config = networkConfigFor("testnet");
        const changed: NetworkConfig = {
            ...config,
            services: {
                ...config.services,
                relay: { ...config.services.relay, limits: { ...config.services.relay.limits, maxConnections: 2000 } },
            },
        };
        const [before, again, after] = [await runRelay(config), await runRelay(config), await runRelay(changed)];
        const template = (r: MockRun<unknown>) =>
            (only(r.resources, "kubernetes:apps/v1:StatefulSet").inputs as Json).spec.template;
        assert.deepEqual(template(again), template(before));
        assert.notDeepEqual(template(after), template(before));
        assert.equal(
            (only(after.resources, "kubernetes:core/v1:ConfigMap").inputs as Json).data.MAX_CONNECTIONS,
            "2000",
        );
    });

    it("derives the RPC URL from the chain mode", async () => {
        const devnet = networkConfigFor("devnet");
        const mainnet = networkConfigFor("mainnet");
        assert.equal(relayRpcUrl(mainnet.chain, "http://ignored"), "https://rpc.l2.example.org");
        // devnet's is the besu component's own URL, passed in, never typed or rebuilt from a name.
        const { outputs } = await runInMockEngine(
            () => ({
                url: pulumi.output(relayRpcUrl(devnet.chain, pulumi.output("http://besu.ns-x.svc.cluster.local:8545"))),
            }),
            { project: "messaging-infra", stack: "devnet" },
        );
        assert.deepEqual(outputs, { url: "http://besu.ns-x.svc.cluster.local:8545" });
        assert.throws(() => relayRpcUrl(devnet.chain, undefined), /needs the besu component's rpcUrl/);
        assert.deepEqual(
            Object.keys(relaySettings(relayArgs(mainnet))).filter((k) =>
                /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE/.test(k),
            ),
            [],
        );
    });

    it("reports bad config in the relay's terms, naming the stack file, before registering anything", async () => {
        const config = networkConfigFor("devnet");
        const bad: NetworkConfig = {
            ...config,
            services: {
                ...config.services,
                relay: { ...config.services.relay, image: "registry.example.org/messaging/relay:latest" },
            },
        };
        const failure = await runInMockEngine(() => new RelayService("relay", relayArgs(bad)), {
            project: "messaging-infra",
            stack: "devnet",
        }).then(
            () => assert.fail("expected the relay to reject an unpinned image"),
            (error: unknown) => error,
        );
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.throws(
            () => {
                throw failure;
            },
            {
                message: [
                    'Invalid arguments to messaging:k8s:Workload "relay-workload": 1 problem. Edit Pulumi.devnet.yaml (messaging-infra:services.relay):',
                    '  - image: got "registry.example.org/messaging/relay:latest"; allowed: an image pinned to ' +
                        "a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 " +
                        "hex> (never latest or untagged)",
                ].join("\n"),
            },
        );
    });
});
