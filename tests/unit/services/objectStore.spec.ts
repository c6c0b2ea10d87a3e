import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../../../components/config";
import { clientHostUrl, ObjectStore, ObjectStoreArgs } from "../../../components/services/objectStore";
import { MockRun, registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { networkConfigFor } from "../../../harness/networkConfig";
import {
    hardenedContainer,
    hardenedPod,
    Json,
    only,
    withDefaultEphemeralStorage,
} from "../../support/workloadFixtures";

type StoreSettings = NetworkConfig["services"]["objectStore"];

function storeArgs(config: NetworkConfig, overrides: Partial<ObjectStoreArgs> = {}): ObjectStoreArgs {
    return {
        network: config.network,
        namespace: config.namespace.name,
        settings: config.services.objectStore,
        rootUser: pulumi.secret(`${config.network}-root-user`),
        rootPassword: pulumi.secret(`${config.network}-root-password`),
        protect: config.protectStatefulResources,
        stackFile: config.stackFile,
        ...overrides,
    };
}

async function runStore(config: NetworkConfig, overrides: Partial<ObjectStoreArgs> = {}): Promise<MockRun<Json>> {
    return runInMockEngine(
        () => {
            const store = new ObjectStore("object-store", storeArgs(config, overrides));
            return {
                selector: store.selector,
                ports: store.ports,
                metricsPort: store.metricsPort,
                serviceName: store.serviceName,
                secretName: store.secretName,
                endpoint: store.endpoint,
                voiceBucket: store.voiceBucket,
                bucketJobSelector: store.bucketJob.selector,
                hasAwsRole: store.hasAwsRole,
            };
        },
        { project: "messaging-infra", stack: config.stack },
    );
}

function withStoreSettings(config: NetworkConfig, change: Partial<StoreSettings>): NetworkConfig {
    return {
        ...config,
        services: { ...config.services, objectStore: { ...config.services.objectStore, ...change } },
    };
}

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const JOB = "kubernetes:batch/v1:Job";
const statefulSetOf = (run: MockRun<unknown>) => only(run.resources, STATEFUL_SET).inputs as Json;
const podSpecOf = (run: MockRun<unknown>) => statefulSetOf(run).spec.template.spec as Json;
const containerOf = (run: MockRun<unknown>) => podSpecOf(run).containers[0] as Json;
const jobOf = (run: MockRun<unknown>) => only(run.resources, JOB).inputs as Json;
const jobContainerOf = (run: MockRun<unknown>) => jobOf(run).spec.template.spec.containers[0] as Json;

/** DESIGN.md's network table: the volume and whether stateful resources are protected. */
const expected = {
    devnet: { volume: "10Gi", protect: false },
    testnet: { volume: "10Gi", protect: true },
    mainnet: { volume: "50Gi", protect: true },
} as const;

describe("services ObjectStore", () => {
    for (const network of ["devnet", "testnet", "mainnet"] as const) {
        describe(network, () => {
            const config = networkConfigFor(network);
            const want = expected[network];
            const namespace = `messaging-${network}`;
            let run: MockRun<Json>;
            before(async () => {
                run = await runStore(config);
            });

            it("registers its Secret, its Workload and the bucket job, and no AWS resource", () => {
                const component = only(run.resources, "messaging:services:ObjectStore");
                assert.deepEqual(
                    run.resources.filter((r) => r.parent === component.urn).map((r) => [r.type, r.name]),
                    [
                        ["messaging:k8s:ClusterSecret", "object-store-secrets"],
                        ["messaging:k8s:Workload", "object-store-workload"],
                        ["messaging:k8s:OneShotJob", "object-store-buckets"],
                    ],
                );
                assert.deepEqual(
                    run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [r.type, r.name]),
                    [
                        ["kubernetes:core/v1:Secret", "object-store-secrets-secret"],
                        ["kubernetes:core/v1:ServiceAccount", "object-store-workload-service-account"],
                        ["kubernetes:core/v1:ConfigMap", "object-store-workload-settings"],
                        ["kubernetes:core/v1:Service", "object-store-workload-headless"],
                        [STATEFUL_SET, "object-store-workload-statefulset"],
                        ["kubernetes:core/v1:Service", "object-store-workload-service"],
                        ["kubernetes:core/v1:ServiceAccount", "object-store-buckets-service-account"],
                        [JOB, "object-store-buckets-job"],
                    ],
                );
                assert.deepEqual(
                    run.resources.filter((r) => r.type.startsWith("aws:")),
                    [],
                );
                assert.equal(run.outputs.hasAwsRole, false);
            });

            it("runs one MinIO replica as a StatefulSet, with no HPA and no PDB", () => {
                const statefulSet = statefulSetOf(run);
                assert.equal(statefulSet.metadata.name, "object-store");
                assert.equal(statefulSet.spec.replicas, 1);
                assert.equal(statefulSet.spec.serviceName, "object-store-headless");
                assert.equal(statefulSet.spec.podManagementPolicy, "OrderedReady");
                assert.deepEqual(statefulSet.spec.updateStrategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { partition: 0 },
                });
                assert.equal(podSpecOf(run).topologySpreadConstraints, undefined);
                assert.deepEqual(
                    run.resources.filter((r) => /PodDisruptionBudget|HorizontalPodAutoscaler/.test(r.type)),
                    [],
                );
                assert.equal(statefulSet.spec.template.metadata.labels["app.kubernetes.io/component"], "object-store");
            });

            it("keeps its data on one retained claim of the network's size, protected where the network says", () => {
                const recorded = only(run.resources, STATEFUL_SET);
                const spec = (recorded.inputs as Json).spec;
                assert.deepEqual(
                    spec.volumeClaimTemplates.map((t: Json) => [t.metadata.name, t.spec]),
                    [["data", { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: want.volume } } }]],
                );
                assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, {
                    whenDeleted: "Retain",
                    whenScaled: "Retain",
                });
                assert.equal(recorded.options.protect, want.protect);
                assert.deepEqual(containerOf(run).volumeMounts, [
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "data", mountPath: "/data" },
                ]);
            });

            it("serves the S3 API on 9000 (s3), probed on MinIO's live and ready paths, scraped on the same port", () => {
                const container = containerOf(run);
                assert.deepEqual(container.ports, [{ name: "s3", containerPort: 9000, protocol: "TCP" }]);
                assert.deepEqual(
                    [container.startupProbe.httpGet, container.readinessProbe.httpGet, container.livenessProbe.httpGet],
                    [
                        { path: "/minio/health/live", port: "s3", scheme: "HTTP" },
                        { path: "/minio/health/ready", port: "s3", scheme: "HTTP" },
                        { path: "/minio/health/live", port: "s3", scheme: "HTTP" },
                    ],
                );
                assert.deepEqual(statefulSetOf(run).spec.template.metadata.annotations, {
                    "prometheus.io/scrape": "true",
                    "prometheus.io/port": "9000",
                    "prometheus.io/path": "/minio/v2/metrics/cluster",
                });
                assert.deepEqual(run.outputs.ports, { s3: 9000 });
                assert.equal(run.outputs.metricsPort, 9000);
                const service = only(
                    run.resources.filter((r) => r.name === "object-store-workload-service"),
                    "kubernetes:core/v1:Service",
                ).inputs as Json;
                assert.deepEqual(service.spec, {
                    type: "ClusterIP",
                    selector: run.outputs.selector,
                    ports: [{ name: "s3", port: 9000, targetPort: "s3", protocol: "TCP" }],
                });
                assert.equal(run.outputs.serviceName, "object-store");
            });

            it("runs `server /data` on :9000 with certificates under /tmp, hardened, with the configured image", () => {
                const spec = podSpecOf(run);
                const container = containerOf(run);
                assert.equal(container.image, "registry.example.org/mirror/minio:RELEASE.2025-09-07T16-13-09Z");
                assert.equal("command" in container, false, "the image's entrypoint runs");
                assert.deepEqual(container.args, [
                    "server",
                    "/data",
                    "--address",
                    ":9000",
                    "--certs-dir",
                    "/tmp/certs",
                ]);
                assert.deepEqual(
                    container.resources,
                    withDefaultEphemeralStorage({
                        requests: { cpu: "100m", memory: "256Mi" },
                        limits: { cpu: "500m", memory: "1Gi" },
                    }),
                );
                assert.deepEqual(container.securityContext, hardenedContainer);
                assert.deepEqual(spec.securityContext, hardenedPod(10001));
                assert.equal(spec.automountServiceAccountToken, false);
                assert.equal(spec.serviceAccountName, "object-store");
                const sa = (
                    run.resources.find((r) => r.name === "object-store-workload-service-account")?.inputs as Json
                ).metadata;
                assert.equal(sa.annotations, undefined);
            });

            it("serves metrics without a token and no console, and reads its root credentials from its Secret", () => {
                const configMap = only(run.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
                assert.deepEqual(configMap.data, { MINIO_BROWSER: "off", MINIO_PROMETHEUS_AUTH_TYPE: "public" });
                assert.deepEqual(containerOf(run).env, [
                    ...["MINIO_BROWSER", "MINIO_PROMETHEUS_AUTH_TYPE"].map((name) => ({
                        name,
                        valueFrom: { configMapKeyRef: { name: configMap.metadata.name, key: name, optional: false } },
                    })),
                    ...[
                        ["MINIO_ROOT_USER", "root-user"],
                        ["MINIO_ROOT_PASSWORD", "root-password"],
                    ].map(([name, key]) => ({
                        name,
                        valueFrom: { secretKeyRef: { name: "object-store-secrets", key, optional: false } },
                    })),
                ]);
            });

            it("keeps the root credentials and the mc alias URL in its Secret, marked secret", () => {
                const secret = only(run.resources, "kubernetes:core/v1:Secret");
                assert.deepEqual(secret.secretPaths, ["stringData"]);
                assert.deepEqual((secret.inputs as Json).stringData, {
                    "root-user": `${network}-root-user`,
                    "root-password": `${network}-root-password`,
                    "mc-host-local": `http://${network}-root-user:${network}-root-password@object-store.${namespace}.svc.cluster.local:9000`,
                });
                assert.equal(run.outputs.secretName, "object-store-secrets");
            });

            it("creates the voice bucket with an auto-named one-shot Job: mc mb --ignore-existing, after the store", () => {
                const job = jobOf(run);
                assert.deepEqual(job.metadata, {
                    namespace,
                    labels: {
                        "app.kubernetes.io/name": "object-store-buckets",
                        "app.kubernetes.io/instance": network,
                        "app.kubernetes.io/component": "object-store",
                        "app.kubernetes.io/part-of": "messaging-infra",
                        "app.kubernetes.io/managed-by": "pulumi",
                    },
                });
                assert.deepEqual(
                    [job.spec.activeDeadlineSeconds, job.spec.backoffLimit, job.spec.template.spec.restartPolicy],
                    [600, 6, "Never"],
                );
                assert.deepEqual(jobContainerOf(run), {
                    name: "object-store-buckets",
                    image: "registry.example.org/mirror/minio-mc:RELEASE.2025-08-13T08-35-41Z",
                    imagePullPolicy: "Always",
                    command: ["mc"],
                    args: ["--config-dir", "/tmp/.mc", "mb", "--ignore-existing", "local/voice-messages"],
                    env: [
                        {
                            name: "MC_HOST_local",
                            valueFrom: {
                                secretKeyRef: { name: "object-store-secrets", key: "mc-host-local", optional: false },
                            },
                        },
                    ],
                    resources: withDefaultEphemeralStorage({
                        requests: { cpu: "50m", memory: "64Mi" },
                        limits: { cpu: "250m", memory: "128Mi" },
                    }),
                    securityContext: hardenedContainer,
                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    terminationMessagePolicy: "FallbackToLogsOnError",
                });
                const pod = job.spec.template.spec;
                assert.deepEqual(pod.securityContext, hardenedPod(10001));
                assert.deepEqual(
                    [pod.automountServiceAccountToken, pod.serviceAccountName, pod.enableServiceLinks],
                    [false, "object-store-buckets", false],
                );
                const sa = run.resources.find((r) => r.name === "object-store-buckets-service-account")?.inputs as Json;
                assert.deepEqual(
                    [sa.metadata.name, sa.metadata.annotations, sa.automountServiceAccountToken],
                    ["object-store-buckets", undefined, false],
                );
                const bucketJob = only(run.resources, "messaging:k8s:OneShotJob");
                const workload = only(run.resources, "messaging:k8s:Workload");
                assert.deepEqual(bucketJob.options.dependsOn, [workload.urn]);
                assert.deepEqual(run.outputs.bucketJobSelector, {
                    "app.kubernetes.io/name": "object-store-buckets",
                    "app.kubernetes.io/instance": network,
                });
            });

            it("exposes its in-cluster endpoint and its voice bucket", () => {
                assert.equal(run.outputs.endpoint, `http://object-store.${namespace}.svc.cluster.local:9000`);
                assert.equal(run.outputs.voiceBucket, "voice-messages");
            });
        });
    }

    it("names the storage class only when the stack file sets one", async () => {
        const run = await runStore(withStoreSettings(networkConfigFor("mainnet"), { storageClass: "gp3" }));
        assert.deepEqual(statefulSetOf(run).spec.volumeClaimTemplates[0].spec, {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "gp3",
            resources: { requests: { storage: "50Gi" } },
        });
    });

    it("creates another bucket when voiceBucket changes, and changes nothing but the Job's args", async () => {
        const config = networkConfigFor("testnet");
        const [before, after] = [
            await runStore(config),
            await runStore(withStoreSettings(config, { voiceBucket: "voice-notes" })),
        ];
        assert.deepEqual(jobContainerOf(after).args, [
            "--config-dir",
            "/tmp/.mc",
            "mb",
            "--ignore-existing",
            "local/voice-notes",
        ]);
        assert.equal(after.outputs.voiceBucket, "voice-notes");
        const withArgsSetAside = (run: MockRun<Json>) =>
            run.resources.map((r) =>
                r.type === JOB
                    ? JSON.stringify(r).split("local/voice-notes").join("local/voice-messages")
                    : JSON.stringify(r),
            );
        assert.deepEqual(withArgsSetAside(after), withArgsSetAside(before));
    });

    it("checks its bucket job with the store, naming the stack file, before registering anything", async () => {
        const bad = withStoreSettings(networkConfigFor("testnet"), {
            clientImage: "registry.example.org/mirror/minio-mc:latest",
        });
        const failure = await runStore(bad).then(
            () => assert.fail("expected the store to reject an unpinned client image"),
            (error: unknown) => error,
        );
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                'Invalid arguments to messaging:services:ObjectStore "object-store": 1 problem. ' +
                    "Edit Pulumi.testnet.yaml (messaging-infra:services.objectStore):",
                '  - bucketJob.image: got "registry.example.org/mirror/minio-mc:latest"; allowed: an image pinned to a ' +
                    "version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> " +
                    "(never latest or untagged)",
            ].join("\n"),
        );
    });

    it("reports a bad volume size in the store's terms, naming the stack file, before registering anything", async () => {
        const bad = withStoreSettings(networkConfigFor("mainnet"), { volumeSize: "50 gigs" });
        const failure = await runStore(bad).then(
            () => assert.fail("expected the store to reject a volume size that is no quantity"),
            (error: unknown) => error,
        );
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                'Invalid arguments to messaging:k8s:Workload "object-store-workload": 1 problem. ' +
                    "Edit Pulumi.mainnet.yaml (messaging-infra:services.objectStore):",
                '  - volumeClaims[0].size: got "50 gigs"; allowed: a storage quantity such as 10Gi',
            ].join("\n"),
        );
    });

    describe("clientHostUrl", () => {
        const endpoint = "http://object-store.messaging-testnet.svc.cluster.local:9000";
        const host = "object-store.messaging-testnet.svc.cluster.local:9000";
        /** What mc reads from MC_HOST_<alias> (cmd/config.go, parseEnvURLStr): two patterns, no decoding. */
        function mcReads(url: string) {
            const withToken = /^(https?:\/\/)(.*?):(.*?):(.*)@(.*?)$/.exec(url);
            if (withToken)
                return {
                    accessKey: withToken[2],
                    secretKey: withToken[3],
                    sessionToken: withToken[4],
                    host: withToken[5],
                };
            const keys = /^(https?:\/\/)(.*?):(.*)@(.*?)$/.exec(url);
            return keys ? { accessKey: keys[2], secretKey: keys[3], sessionToken: "", host: keys[4] } : undefined;
        }

        const cases: [string, string, string, string][] = [
            [
                "letters and digits, as the platform generates them",
                "AKIA0user",
                "s3cretPassw0rd",
                `http://AKIA0user:s3cretPassw0rd@${host}`,
            ],
            ["@ / ? # % and a space in the password", "root", "p@ss/w?r#d% x", `http://root:p@ss/w?r#d% x@${host}`],
            ["@ / ? # % in the user", "r@o/o?t#%", "pw", `http://r@o/o?t#%:pw@${host}`],
            ["a password that looks percent-encoded", "root", "p%40ss", `http://root:p%40ss@${host}`],
        ];
        for (const [title, user, password, url] of cases) {
            it(`puts the credentials in as they are, as mc reads them: ${title}`, () => {
                assert.equal(clientHostUrl(endpoint, user, password), url);
                assert.deepEqual(mcReads(url), { accessKey: user, secretKey: password, sessionToken: "", host });
            });
        }

        it("keeps the endpoint's scheme, host and port, and drops its path", () => {
            assert.equal(
                clientHostUrl("https://minio.example.org:9443/", "u", "p"),
                "https://u:p@minio.example.org:9443",
            );
        });
    });
});
