import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { NetworkConfig } from "../../../components/config";
import { Network } from "../../../components/network";
import {
    databaseUrl,
    MessagingApi,
    MessagingApiArgs,
    MessagingApiCredentials,
    redisUrl,
} from "../../../components/services/messagingApi";
import { MockRun, registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { networkConfigFor } from "../../../harness/networkConfig";
import {
    hardenedContainer,
    hardenedPod,
    Json,
    only,
    withDefaultEphemeralStorage,
} from "../../support/workloadFixtures";

type ApiSettings = NetworkConfig["services"]["messagingApi"];

const roleArn = (network: Network) => `arn:aws:iam::111122223333:role/messaging-infra-${network}-messaging-api`;

/** Plain stand-ins for the Secrets Manager values, one per credential and network. */
interface Passwords {
    readonly postgres: string;
    readonly redis: string;
}

function credentialsFor(network: Network, passwords?: Passwords): MessagingApiCredentials {
    return {
        postgresPassword: pulumi.secret(passwords?.postgres ?? `${network}-postgres-password`),
        redisPassword: pulumi.secret(passwords?.redis ?? `${network}-redis-password`),
        secretboxKey: pulumi.secret(`${network}-secretbox-key`),
        jwtPublicKey: pulumi.secret(`${network}-jwt-public-key`),
        objectStoreAccessKeyId: pulumi.secret(`${network}-object-store-user`),
        objectStoreSecretAccessKey: pulumi.secret(`${network}-object-store-password`),
    };
}

function apiArgs(config: NetworkConfig, overrides: Partial<MessagingApiArgs> = {}): MessagingApiArgs {
    const namespace = config.namespace.name;
    return {
        network: config.network,
        namespace,
        settings: config.services.messagingApi,
        stores: config.externalStores,
        objectStoreEndpoint: pulumi.output(`http://object-store.${namespace}.svc.cluster.local:9000`),
        voiceBucket: config.services.objectStore.voiceBucket,
        credentials: credentialsFor(config.network),
        role: { arn: roleArn(config.network), serviceAccount: { namespace, name: "messaging-api" } },
        stackFile: config.stackFile,
        ...overrides,
    };
}

async function runApi(config: NetworkConfig, overrides: Partial<MessagingApiArgs> = {}): Promise<MockRun<Json>> {
    return runInMockEngine(
        () => {
            const api = new MessagingApi("messaging-api", apiArgs(config, overrides));
            return {
                selector: api.selector,
                ports: api.ports,
                metricsPort: api.metricsPort,
                serviceName: api.serviceName,
                serviceAccountName: api.serviceAccountName,
                secretName: api.secretName,
                hasAwsRole: api.hasAwsRole,
            };
        },
        { project: "messaging-infra", stack: config.stack },
    );
}

/** The config with the API's settings changed: one knob per test. */
function withApiSettings(config: NetworkConfig, change: (settings: ApiSettings) => ApiSettings): NetworkConfig {
    return {
        ...config,
        services: { ...config.services, messagingApi: change(config.services.messagingApi) },
    };
}

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const deploymentOf = (run: MockRun<unknown>) => only(run.resources, DEPLOYMENT).inputs as Json;
const podSpecOf = (run: MockRun<unknown>) => deploymentOf(run).spec.template.spec as Json;
const containerOf = (run: MockRun<unknown>) => podSpecOf(run).containers[0] as Json;
const configMapOf = (run: MockRun<unknown>) => only(run.resources, CONFIG_MAP).inputs as Json;
const secretDataOf = (run: MockRun<unknown>) =>
    (only(run.resources, "kubernetes:core/v1:Secret").inputs as Json).stringData as Record<string, string>;

/** Where each env var of a container comes from: `configMap:<key>`, `secret:<name>/<key>` or `value`. */
function envSources(container: Json, configMapName: string): string[][] {
    return (container.env as Json[]).map((e) => {
        const fromConfigMap = e.valueFrom?.configMapKeyRef;
        if (fromConfigMap)
            return [
                e.name,
                `configMap:${fromConfigMap.name === configMapName ? "settings" : "?"}/${fromConfigMap.key}`,
            ];
        const fromSecret = e.valueFrom?.secretKeyRef;
        if (fromSecret) return [e.name, `secret:${fromSecret.name}/${fromSecret.key}`];
        return [e.name, "value"];
    });
}

/** DESIGN.md's network table and the stack files, written out rather than read back from config. */
const expected = {
    devnet: {
        // One pod and no HPA (equal bounds would register an autoscaler that never scales).
        hpa: undefined,
        pdb: false,
        spread: false,
        requests: { cpu: "100m", memory: "256Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
    },
    testnet: {
        hpa: [3, 5],
        pdb: true,
        spread: true,
        requests: { cpu: "500m", memory: "512Mi" },
        limits: { cpu: "2", memory: "2Gi" },
    },
    mainnet: {
        hpa: [3, 10],
        pdb: true,
        spread: true,
        requests: { cpu: "500m", memory: "512Mi" },
        limits: { cpu: "2", memory: "2Gi" },
    },
} as const;

describe("services MessagingApi", () => {
    for (const network of ["devnet", "testnet", "mainnet"] as const) {
        describe(network, () => {
            const config = networkConfigFor(network);
            const want = expected[network];
            let run: MockRun<Json>;
            before(async () => {
                run = await runApi(config);
            });

            it("registers its Secret and Workload, their Kubernetes objects, and no AWS resource", () => {
                const component = only(run.resources, "messaging:services:MessagingApi");
                assert.deepEqual(
                    run.resources.filter((r) => r.parent === component.urn).map((r) => [r.type, r.name]),
                    [
                        ["messaging:k8s:ClusterSecret", "messaging-api-secrets"],
                        ["messaging:k8s:Workload", "messaging-api-workload"],
                    ],
                );
                assert.deepEqual(
                    run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type),
                    [
                        "kubernetes:core/v1:Secret",
                        "kubernetes:core/v1:ServiceAccount",
                        CONFIG_MAP,
                        DEPLOYMENT,
                        "kubernetes:core/v1:Service",
                        ...(want.pdb ? ["kubernetes:policy/v1:PodDisruptionBudget"] : []),
                        ...(want.hpa ? ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler"] : []),
                    ],
                );
                assert.deepEqual(
                    run.resources.filter((r) => r.type.startsWith("aws:")),
                    [],
                );
                assert.equal(run.outputs.hasAwsRole, true);
            });

            it("leaves the replica count to an HPA on CPU 70 % and memory 80 % within the network's bounds (one pod on devnet)", () => {
                const deployment = deploymentOf(run);
                assert.deepEqual(deployment.spec.strategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
                });
                if (want.hpa === undefined) {
                    assert.equal(deployment.spec.replicas, 1);
                    return;
                }
                assert.equal("replicas" in deployment.spec, false, "the HPA owns the replica count");
                const hpa = only(run.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs as Json;
                assert.equal(hpa.metadata.name, "messaging-api");
                assert.deepEqual(hpa.spec, {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "messaging-api" },
                    minReplicas: want.hpa[0],
                    maxReplicas: want.hpa[1],
                    metrics: [
                        {
                            type: "Resource",
                            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                        },
                        {
                            type: "Resource",
                            resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
                        },
                    ],
                });
            });

            it("keeps two pods up during disruptions once it runs three, and has no PDB on one", () => {
                const pdbs = run.resources
                    .filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget")
                    .map((r) => (r.inputs as Json).spec);
                assert.deepEqual(
                    pdbs,
                    want.pdb
                        ? [
                              {
                                  minAvailable: 2,
                                  selector: { matchLabels: run.outputs.selector },
                                  unhealthyPodEvictionPolicy: "AlwaysAllow",
                              },
                          ]
                        : [],
                );
            });

            it("spreads across zones and nodes only when more than one pod can run", () => {
                const spread = podSpecOf(run).topologySpreadConstraints;
                const common = {
                    maxSkew: 1,
                    labelSelector: { matchLabels: run.outputs.selector },
                    matchLabelKeys: ["pod-template-hash"],
                };
                assert.deepEqual(
                    spread,
                    want.spread
                        ? [
                              {
                                  ...common,
                                  topologyKey: "topology.kubernetes.io/zone",
                                  whenUnsatisfiable: "DoNotSchedule",
                              },
                              { ...common, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
                          ]
                        : undefined,
                );
            });

            it("runs the migrations first in db-migrate: same image, own resources, DATABASE_URL from the Secret, hardened", () => {
                const spec = podSpecOf(run);
                assert.deepEqual(spec.initContainers, [
                    {
                        name: "db-migrate",
                        image: "registry.example.org/messaging/messaging-api:2.3.0",
                        imagePullPolicy: "Always",
                        command: ["migrate"],
                        args: ["-path", "/migrations", "-database", "$(DATABASE_URL)", "up"],
                        env: [
                            {
                                name: "DATABASE_URL",
                                valueFrom: {
                                    secretKeyRef: {
                                        name: "messaging-api-secrets",
                                        key: "database-url",
                                        optional: false,
                                    },
                                },
                            },
                        ],
                        resources: withDefaultEphemeralStorage({
                            requests: { cpu: "50m", memory: "64Mi" },
                            limits: { cpu: "250m", memory: "256Mi" },
                        }),
                        securityContext: hardenedContainer,
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        terminationMessagePolicy: "FallbackToLogsOnError",
                    },
                ]);
                assert.equal(spec.initContainers[0].image, containerOf(run).image);
                assert.deepEqual(spec.initContainers[0].securityContext, containerOf(run).securityContext);
            });

            it("probes /health on port http with the issue's exact timings; liveness only connects (one health path)", () => {
                const container = containerOf(run);
                const timings = (
                    initialDelaySeconds: number,
                    periodSeconds: number,
                    timeoutSeconds: number,
                    failureThreshold: number,
                ) => ({ initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold, successThreshold: 1 });
                const health = { httpGet: { path: "/health", port: "http", scheme: "HTTP" } };
                // Readiness and liveness on the same check would restart a pod that is only too busy to be ready.
                assert.deepEqual(
                    [container.startupProbe, container.readinessProbe, container.livenessProbe],
                    [
                        { ...health, ...timings(0, 5, 3, 30) },
                        { ...health, ...timings(10, 5, 3, 2) },
                        { tcpSocket: { port: "http" }, ...timings(30, 10, 5, 3) },
                    ],
                );
                assert.deepEqual(container.ports, [
                    { name: "http", containerPort: 3000, protocol: "TCP" },
                    { name: "metrics", containerPort: 9090, protocol: "TCP" },
                ]);
                assert.deepEqual(run.outputs.ports, { http: 3000, metrics: 9090 });
                assert.equal(run.outputs.metricsPort, 9090);
                assert.deepEqual(deploymentOf(run).spec.template.metadata.annotations, {
                    "prometheus.io/scrape": "true",
                    "prometheus.io/port": "9090",
                    "prometheus.io/path": "/metrics",
                });
            });

            it("runs as uid/gid 1001, hardened, with the stack file's requests and limits", () => {
                const spec = podSpecOf(run);
                const container = containerOf(run);
                assert.equal(container.name, "messaging-api");
                assert.equal(container.image, "registry.example.org/messaging/messaging-api:2.3.0");
                assert.deepEqual(
                    container.resources,
                    withDefaultEphemeralStorage({ requests: want.requests, limits: want.limits }),
                );
                assert.deepEqual(spec.securityContext, hardenedPod(1001));
                assert.deepEqual(container.securityContext, hardenedContainer);
                assert.deepEqual(container.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
                assert.deepEqual(spec.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
                assert.equal(spec.enableServiceLinks, false);
                assert.equal(spec.terminationGracePeriodSeconds, 60);
            });

            it("is reached through one ClusterIP Service on http 3000 and metrics 9090 with 3-hour client-IP affinity", () => {
                const services = run.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
                assert.deepEqual(
                    services.map((s) => (s.inputs as Json).spec),
                    [
                        {
                            type: "ClusterIP",
                            selector: run.outputs.selector,
                            ports: [
                                { name: "http", port: 3000, targetPort: "http", protocol: "TCP" },
                                { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
                            ],
                            sessionAffinity: "ClientIP",
                            sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
                        },
                    ],
                );
                assert.equal(run.outputs.serviceName, "messaging-api");
                assert.deepEqual(
                    run.resources.filter((r) => /LoadBalancer|NodePort/.test(JSON.stringify(r.inputs))),
                    [],
                );
            });

            it("puts exactly the issue's knobs, with their defaults, in its immutable settings ConfigMap", () => {
                const configMap = configMapOf(run);
                assert.deepEqual(configMap.data, {
                    DATABASE_MAX_CONNECTIONS: "10",
                    DATABASE_POOL_TIMEOUT: "30",
                    DATABASE_IDLE_TIMEOUT: "600",
                    REDIS_POOL_SIZE: "20",
                    REDIS_CONNECT_TIMEOUT: "5",
                    REDIS_POOL_TIMEOUT: "10",
                    WS_MAX_FRAME_SIZE: "1048576",
                    WS_MESSAGE_BUFFER_SIZE: "256",
                    VIDEO_CALL_MAX_DURATION_HOURS: "12",
                    MESSAGE_MAX_LENGTH: "4096",
                    KAFKA_COMPRESSION_TYPE: "snappy",
                    KAFKA_REQUEST_TIMEOUT_MS: "30000",
                    KAFKA_CONSUMER_GROUP: "messaging-service",
                    KAFKA_BROKERS: `kafka-1.${network}.example.org:9092`,
                    S3_ENDPOINT: `http://object-store.messaging-${network}.svc.cluster.local:9000`,
                    S3_BUCKET_VOICE: "voice-messages",
                    NETWORK: network,
                    HTTP_PORT: "3000",
                    METRICS_PORT: "9090",
                });
                assert.equal(configMap.immutable, true);
                assert.match(configMap.metadata.name, /^messaging-api-settings-[0-9a-f]{10}$/);
                assert.deepEqual(only(run.resources, CONFIG_MAP).secretPaths, []);
            });

            it("reads every setting from the ConfigMap and every credential from its own Secret, never a value", () => {
                const configMap = configMapOf(run);
                assert.deepEqual(envSources(containerOf(run), configMap.metadata.name), [
                    ...Object.keys(configMap.data)
                        .sort()
                        .map((k) => [k, `configMap:settings/${k}`]),
                    ["POSTGRES_PASSWORD", "secret:messaging-api-secrets/postgres-password"],
                    ["DATABASE_URL", "secret:messaging-api-secrets/database-url"],
                    ["REDIS_PASSWORD", "secret:messaging-api-secrets/redis-password"],
                    ["REDIS_URL", "secret:messaging-api-secrets/redis-url"],
                    ["SECRETBOX_KEY_B64", "secret:messaging-api-secrets/secretbox-key"],
                    ["JWT_PUBLIC_KEY_PEM", "secret:messaging-api-secrets/jwt-public-key"],
                    ["AWS_ACCESS_KEY_ID", "secret:messaging-api-secrets/object-store-access-key-id"],
                    ["AWS_SECRET_ACCESS_KEY", "secret:messaging-api-secrets/object-store-secret-access-key"],
                ]);
                const spec = podSpecOf(run);
                const everyEnv = [...spec.initContainers, ...spec.containers].flatMap((c: Json) => c.env as Json[]);
                assert.deepEqual(
                    everyEnv.filter((e) => "value" in e),
                    [],
                );
            });

            it("keeps the credentials passed in and the URLs built from them in its Secret, marked secret", () => {
                const secret = only(run.resources, "kubernetes:core/v1:Secret");
                assert.equal((secret.inputs as Json).metadata.name, "messaging-api-secrets");
                assert.equal((secret.inputs as Json).type, "Opaque");
                assert.deepEqual(secret.secretPaths, ["stringData"]);
                assert.deepEqual(secretDataOf(run), {
                    "postgres-password": `${network}-postgres-password`,
                    "database-url":
                        `postgres://messaging_api:${network}-postgres-password@postgres.${network}.example.org:5432` +
                        "/messaging?sslmode=require",
                    "redis-password": `${network}-redis-password`,
                    "redis-url": `rediss://:${network}-redis-password@redis.${network}.example.org:6379/0`,
                    "secretbox-key": `${network}-secretbox-key`,
                    "jwt-public-key": `${network}-jwt-public-key`,
                    "object-store-access-key-id": `${network}-object-store-user`,
                    "object-store-secret-access-key": `${network}-object-store-password`,
                });
                assert.equal(run.outputs.secretName, "messaging-api-secrets");
            });

            it("has the ServiceAccount its IRSA role trusts, annotated with the role, with a token", () => {
                const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
                assert.equal(sa.metadata.name, "messaging-api");
                assert.equal(sa.metadata.namespace, `messaging-${network}`);
                assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": roleArn(network) });
                assert.equal(sa.automountServiceAccountToken, true);
                assert.equal(podSpecOf(run).serviceAccountName, "messaging-api");
                assert.equal(podSpecOf(run).automountServiceAccountToken, true);
                assert.equal(run.outputs.serviceAccountName, "messaging-api");
            });

            it("reports an unpinned image in the API's terms, naming the stack file, before registering anything", async () => {
                const bad = withApiSettings(config, (s) => ({
                    ...s,
                    image: "registry.example.org/messaging/messaging-api:latest",
                }));
                const failure = await runApi(bad).then(
                    () => assert.fail("expected the API to reject an unpinned image"),
                    (error: unknown) => error,
                );
                assert.equal(registeredBeforeFailure(failure), 0);
                assert.equal(
                    (failure as Error).message,
                    [
                        'Invalid arguments to messaging:k8s:Workload "messaging-api-workload": 1 problem. ' +
                            `Edit Pulumi.${network}.yaml (messaging-infra:services.messagingApi):`,
                        '  - image: got "registry.example.org/messaging/messaging-api:latest"; allowed: an image pinned to ' +
                            "a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 " +
                            "hex> (never latest or untagged)",
                    ].join("\n"),
                );
            });
        });
    }

    it("names the ServiceAccount after the service account the role trusts, whatever it is", async () => {
        const config = networkConfigFor("testnet");
        const run = await runApi(config, {
            role: {
                arn: roleArn("testnet"),
                serviceAccount: { namespace: config.namespace.name, name: "messaging-api-irsa" },
            },
        });
        const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
        assert.equal(sa.metadata.name, "messaging-api-irsa");
        assert.equal(podSpecOf(run).serviceAccountName, "messaging-api-irsa");
        assert.equal(run.outputs.serviceAccountName, "messaging-api-irsa");
    });

    it("gives db-migrate the resources the stack file sets for the migrations", async () => {
        const config = networkConfigFor("mainnet");
        const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
        const run = await runApi(withApiSettings(config, (s) => ({ ...s, migrations: { resources } })));
        assert.deepEqual(podSpecOf(run).initContainers[0].resources, withDefaultEphemeralStorage(resources));
        assert.deepEqual(
            containerOf(run).resources,
            withDefaultEphemeralStorage({ requests: expected.mainnet.requests, limits: expected.mainnet.limits }),
        );
    });

    it("reports bad migration resources at the init container's path, before registering anything", async () => {
        const config = networkConfigFor("testnet");
        const resources = { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } };
        const failure = await runApi(withApiSettings(config, (s) => ({ ...s, migrations: { resources } }))).then(
            () => assert.fail("expected the API to reject a limit below its request"),
            (error: unknown) => error,
        );
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                'Invalid arguments to messaging:k8s:Workload "messaging-api-workload": 1 problem. ' +
                    "Edit Pulumi.testnet.yaml (messaging-infra:services.messagingApi):",
                '  - initContainers[0].resources.limits.cpu: got "250m"; allowed: a CPU quantity >= requests.cpu (500m)',
            ].join("\n"),
        );
    });

    it("rolls the pods through a new ConfigMap name when a knob changes, and changes nothing else", async () => {
        const config = networkConfigFor("testnet");
        const [before, again, after] = [
            await runApi(config),
            await runApi(config),
            await runApi(
                withApiSettings(config, (s) => ({ ...s, websocket: { ...s.websocket, maxFrameBytes: 2_097_152 } })),
            ),
        ];
        const name = (run: MockRun<Json>) => configMapOf(run).metadata.name as string;
        assert.equal(name(again), name(before));
        assert.notEqual(name(after), name(before));
        assert.match(name(after), /^messaging-api-settings-[0-9a-f]{10}$/);
        assert.deepEqual(configMapOf(after).data, { ...configMapOf(before).data, WS_MAX_FRAME_SIZE: "2097152" });
        // The pod template names the new ConfigMap, so the Deployment rolls.
        const refs = (run: MockRun<Json>) =>
            new Set((containerOf(run).env as Json[]).flatMap((e) => e.valueFrom.configMapKeyRef?.name ?? []));
        assert.deepEqual(refs(after), new Set([name(after)]));
        // With the name hidden and the ConfigMap's data set aside, both runs registered the same resources.
        const comparable = (run: MockRun<Json>) =>
            (JSON.parse(JSON.stringify(run.resources).split(name(run)).join("<settings>")) as Json[]).map((r) =>
                r.type === CONFIG_MAP
                    ? { ...r, inputs: { ...r.inputs, data: "<data>" }, outputs: { ...r.outputs, data: "<data>" } }
                    : r,
            );
        assert.deepEqual(comparable(after), comparable(before));
    });

    describe("connection URLs", () => {
        const postgres = {
            host: "postgres.testnet.example.org",
            port: 5432,
            user: "messaging_api",
            database: "messaging",
            sslMode: "require",
        } as const;
        const redis = { host: "redis.testnet.example.org", port: 6379, tls: true, user: undefined };
        /** What a client reads back from a URL: scheme, decoded user and password, host, port. */
        const readBack = (url: string) => {
            const parsed = new URL(url);
            return {
                protocol: parsed.protocol,
                user: decodeURIComponent(parsed.username),
                password: decodeURIComponent(parsed.password),
                host: parsed.hostname,
                port: parsed.port,
            };
        };

        const databaseCases: [string, Partial<Parameters<typeof databaseUrl>[0]>, string, string][] = [
            [
                "a plain password",
                {},
                "s3cret",
                "postgres://messaging_api:s3cret@postgres.testnet.example.org:5432/messaging?sslmode=require",
            ],
            [
                "@ : / ? # % in the password",
                {},
                "p@ss:w/rd?x#y%z",
                "postgres://messaging_api:p%40ss%3Aw%2Frd%3Fx%23y%25z@postgres.testnet.example.org:5432/messaging?sslmode=require",
            ],
            [
                "@ : / ? # % in the user",
                { user: "ad@m:n/x?y#z%" },
                "pw",
                "postgres://ad%40m%3An%2Fx%3Fy%23z%25:pw@postgres.testnet.example.org:5432/messaging?sslmode=require",
            ],
            [
                "spaces and non-ASCII in the password",
                {},
                "pä ss",
                "postgres://messaging_api:p%C3%A4%20ss@postgres.testnet.example.org:5432/messaging?sslmode=require",
            ],
            [
                "sslmode verify-full and another port",
                { sslMode: "verify-full", port: 6432 },
                "pw",
                "postgres://messaging_api:pw@postgres.testnet.example.org:6432/messaging?sslmode=verify-full",
            ],
            [
                "sslmode verify-ca and another database",
                { sslMode: "verify-ca", database: "chat-db" },
                "pw",
                "postgres://messaging_api:pw@postgres.testnet.example.org:5432/chat-db?sslmode=verify-ca",
            ],
        ];
        for (const [title, change, password, url] of databaseCases) {
            it(`databaseUrl: ${title}`, () => {
                const store = { ...postgres, ...change };
                assert.equal(databaseUrl(store, password), url);
                assert.deepEqual(readBack(url), {
                    protocol: "postgres:",
                    user: store.user,
                    password,
                    host: store.host,
                    port: String(store.port),
                });
                assert.deepEqual(
                    [new URL(url).pathname, new URL(url).searchParams.get("sslmode")],
                    [`/${store.database}`, store.sslMode],
                );
            });
        }

        const redisCases: [string, Partial<Parameters<typeof redisUrl>[0]>, string, string][] = [
            ["TLS, no ACL user", {}, "s3cret", "rediss://:s3cret@redis.testnet.example.org:6379/0"],
            ["no TLS", { tls: false }, "s3cret", "redis://:s3cret@redis.testnet.example.org:6379/0"],
            ["an ACL user", { user: "api" }, "s3cret", "rediss://api:s3cret@redis.testnet.example.org:6379/0"],
            [
                "@ : / ? # % in the password",
                {},
                "p@ss:w/rd?x#y%z",
                "rediss://:p%40ss%3Aw%2Frd%3Fx%23y%25z@redis.testnet.example.org:6379/0",
            ],
            [
                "@ : / ? # % in the user, no TLS, another port",
                { user: "a@b:c/d?e#f%", tls: false, port: 6380 },
                "pw",
                "redis://a%40b%3Ac%2Fd%3Fe%23f%25:pw@redis.testnet.example.org:6380/0",
            ],
        ];
        for (const [title, change, password, url] of redisCases) {
            it(`redisUrl: ${title}`, () => {
                const store = { ...redis, ...change };
                assert.equal(redisUrl(store, password), url);
                assert.deepEqual(readBack(url), {
                    protocol: store.tls ? "rediss:" : "redis:",
                    user: store.user ?? "",
                    password,
                    host: store.host,
                    port: String(store.port),
                });
            });
        }

        it("for any user and password, both URLs parse and decode back to them", () => {
            const text = fc.oneof(
                fc.string({ unit: "binary", maxLength: 40 }),
                fc.string({ unit: fc.constantFrom(..."@:/?#%[]!*'() &=+;,$"), maxLength: 20 }),
            );
            fc.assert(
                fc.property(text, text, fc.boolean(), (user, password, tls) => {
                    const db = databaseUrl({ ...postgres, user }, password);
                    assert.deepEqual(readBack(db), {
                        protocol: "postgres:",
                        user,
                        password,
                        host: postgres.host,
                        port: "5432",
                    });
                    assert.equal(new URL(db).searchParams.get("sslmode"), "require");
                    const cache = redisUrl({ ...redis, tls, user }, password);
                    const protocol = tls ? "rediss:" : "redis:";
                    assert.deepEqual(readBack(cache), { protocol, user, password, host: redis.host, port: "6379" });
                }),
            );
        });

        it("builds each network's URLs from its own stores: testnet's never name mainnet's host or password, nor back", async () => {
            const configs = { testnet: networkConfigFor("testnet"), mainnet: networkConfigFor("mainnet") };
            const passwords: Record<"testnet" | "mainnet", Passwords> = {
                testnet: { postgres: "tn-pg/p@ss#1", redis: "tn-redis:p%ss?1" },
                mainnet: { postgres: "mn-pg/p@ss#2", redis: "mn-redis:p%ss?2" },
            };
            const hosts = {
                testnet: { postgres: "postgres.testnet.example.org", redis: "redis.testnet.example.org" },
                mainnet: { postgres: "postgres.mainnet.example.org", redis: "redis.mainnet.example.org" },
            };
            const runs = {
                testnet: await runApi(configs.testnet, { credentials: credentialsFor("testnet", passwords.testnet) }),
                mainnet: await runApi(configs.mainnet, { credentials: credentialsFor("mainnet", passwords.mainnet) }),
            };
            for (const [network, other] of [
                ["testnet", "mainnet"],
                ["mainnet", "testnet"],
            ] as const) {
                const data = secretDataOf(runs[network]);
                const [db, cache] = [readBack(data["database-url"]), readBack(data["redis-url"])];
                assert.deepEqual(
                    [db.host, db.password, cache.host, cache.password],
                    [
                        hosts[network].postgres,
                        passwords[network].postgres,
                        hosts[network].redis,
                        passwords[network].redis,
                    ],
                );
                const foreign = [
                    hosts[other].postgres,
                    hosts[other].redis,
                    passwords[other].postgres,
                    passwords[other].redis,
                ];
                for (const url of [data["database-url"], data["redis-url"]]) {
                    for (const value of foreign) {
                        assert.equal(url.includes(value), false, `${network} URL ${url} names ${other}'s ${value}`);
                        const encoded = encodeURIComponent(value);
                        assert.equal(url.includes(encoded), false, `${network} URL ${url} names ${other}'s ${encoded}`);
                    }
                }
                assert.equal(data["postgres-password"], passwords[network].postgres);
                assert.equal(data["redis-password"], passwords[network].redis);
            }
        });

        it("changes a network's URL when its password changes, and only that URL", async () => {
            const config = networkConfigFor("testnet");
            const original = { postgres: "pg-one", redis: "redis-one" };
            const data = async (passwords: Passwords) =>
                secretDataOf(await runApi(config, { credentials: credentialsFor("testnet", passwords) }));
            const [before, newPostgres, newRedis] = [
                await data(original),
                await data({ ...original, postgres: "pg-two" }),
                await data({ ...original, redis: "redis-two" }),
            ];
            assert.deepEqual(
                [newPostgres["database-url"], newPostgres["redis-url"]],
                [
                    "postgres://messaging_api:pg-two@postgres.testnet.example.org:5432/messaging?sslmode=require",
                    before["redis-url"],
                ],
            );
            assert.notEqual(newPostgres["database-url"], before["database-url"]);
            assert.deepEqual(
                [newRedis["database-url"], newRedis["redis-url"]],
                [before["database-url"], "rediss://:redis-two@redis.testnet.example.org:6379/0"],
            );
            assert.notEqual(newRedis["redis-url"], before["redis-url"]);
        });
    });
});
