import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    containerEnv,
    deploymentStrategy,
    looksSecret,
    maxPods,
    minPods,
    needsDisruptionBudget,
    settingsConfigMapName,
    settingsHash,
    topologySpread,
    Workload,
    WorkloadArgs,
    workloadPodSpec,
    workloadProblems,
    writableVolumeName,
} from "../../../components/k8s/workload";
import { MockRun, RecordedResource, runInMockEngine } from "../../../harness/mockEngine";

/** A valid Workload's arguments; each bad-input case mutates one thing. */
function validArgs(overrides: Partial<WorkloadArgs> = {}): WorkloadArgs {
    return {
        service: "api",
        network: "testnet",
        namespace: "messaging-testnet",
        image: "registry.example.org/team/api:1.2.3",
        replicas: 3,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        ports: [
            { name: "http", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
        ],
        probes: {
            port: "http",
            startup: { path: "/health" },
            readiness: { path: "/ready" },
            liveness: { path: "/health" },
        },
        settings: { LOG_LEVEL: "info", UPSTREAM_URL: "http://upstream.example.org" },
        secretEnv: [{ envName: "DB_PASSWORD", secret: { name: "api-secrets", key: "db-password" } }],
        ...overrides,
    };
}

const selector = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "testnet" };
const labels = {
    ...selector,
    "app.kubernetes.io/part-of": "messaging-infra",
    "app.kubernetes.io/managed-by": "pulumi",
};

async function run(args: WorkloadArgs): Promise<MockRun<unknown>> {
    return runInMockEngine(
        () => {
            const workload = new Workload("api", args);
            return {
                serviceName: workload.serviceName,
                serviceAccountName: workload.serviceAccountName,
                workloadName: workload.workloadName,
                ...(workload.configMapName ? { configMapName: workload.configMapName } : {}),
            };
        },
        { project: "messaging-infra", stack: "testnet" },
    );
}

function only(resources: RecordedResource[], type: string): RecordedResource {
    const found = resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.map((r) => r.name).join(", ")}`);
    return found[0];
}

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("k8s Workload: pure derivations", () => {
    it("tells secret-looking setting names from plain ones", () => {
        const secret = [
            "DB_PASSWORD",
            "JWT_SECRET",
            "AUTH_TOKEN",
            "PRIVATE_KEY_PEM",
            "COVENANTSQL_CREDENTIALS",
            "API_KEY",
            "OPERATOR_KEYS",
            "AWS_ACCESS_KEY_ID",
            "MASTERKEY",
            "dbPassword",
            "SIGNING_KEY_FILE",
            "SSH_PASSPHRASE",
        ];
        const plain = [
            "KEY_REGISTRY_ADDRESS",
            "AWS_KMS_KEY_ARN",
            "CHAIN_ID",
            "MAX_CONNECTIONS",
            "L2_RPC_URL",
            "KMS_SERVICE_URL",
            "MESSAGE_NODE_REGISTRY_ADDRESS",
            "OPERATOR_KEY_COUNT",
            "SYNC_INTERVAL_MS",
        ];
        assert.deepEqual(
            secret.filter((n) => !looksSecret(n)),
            [],
        );
        assert.deepEqual(
            plain.filter((n) => looksSecret(n)),
            [],
        );
    });

    it("sizes PDB and spread from the replica count or the HPA bounds", () => {
        const table: [Pick<WorkloadArgs, "replicas" | "autoscaling">, number, number, boolean][] = [
            [{ replicas: 1 }, 1, 1, false],
            [{ replicas: 2 }, 2, 2, true],
            [{ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 1 } }, 1, 1, false],
            [{ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 4 } }, 1, 4, false],
            [{ replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 10 } }, 3, 10, true],
        ];
        for (const [args, min, max, pdb] of table) {
            assert.deepEqual(
                [minPods(args), maxPods(args), needsDisruptionBudget(args)],
                [min, max, pdb],
                JSON.stringify(args),
            );
        }
    });

    it("spreads across zones (hard) and nodes (soft) only when there can be more than one pod", () => {
        assert.equal(topologySpread(selector, "Deployment", 1), undefined);
        assert.deepEqual(topologySpread(selector, "Deployment", 2), [
            {
                maxSkew: 1,
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ["pod-template-hash"],
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "DoNotSchedule",
            },
            {
                maxSkew: 1,
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ["pod-template-hash"],
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
            },
        ]);
        // StatefulSet pods have no pod-template-hash label.
        assert.deepEqual(
            topologySpread(selector, "StatefulSet", 3)?.map((c) => [c.topologyKey, "matchLabelKeys" in c]),
            [
                ["topology.kubernetes.io/zone", false],
                ["kubernetes.io/hostname", false],
            ],
        );
    });

    it("rolls a Deployment without ever dropping below the running count", () => {
        assert.deepEqual(deploymentStrategy(), {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
    });

    it("names the settings ConfigMap by a hash of its data, independent of key order", () => {
        const a = settingsHash({ A: "1", B: "2" });
        assert.match(a, /^[0-9a-f]{10}$/);
        assert.equal(settingsHash({ B: "2", A: "1" }), a);
        assert.notEqual(settingsHash({ A: "1", B: "3" }), a);
        assert.notEqual(settingsHash({ A: "1", B: "2", C: "" }), a);
        assert.equal(settingsConfigMapName("relay", { A: "1", B: "2" }), `relay-settings-${a}`);
    });

    it("turns writable paths into volume names", () => {
        const table: [string, string][] = [
            ["/tmp", "tmp"],
            ["/var/cache/app", "var-cache-app"],
            ["/data/", "data"],
            ["/Home/x.y", "home-x-y"],
        ];
        for (const [path, name] of table) assert.equal(writableVolumeName(path), name, path);
    });

    it("sources settings from the ConfigMap and secrets from secretKeyRefs, never from a value", () => {
        const env = containerEnv(["ZED", "ALPHA"], "api-settings-0123456789", [
            { envName: "DB_PASSWORD", secret: { name: "api-secrets", key: "db-password" } },
        ]);
        assert.deepEqual(env, [
            {
                name: "ALPHA",
                valueFrom: { configMapKeyRef: { name: "api-settings-0123456789", key: "ALPHA", optional: false } },
            },
            {
                name: "ZED",
                valueFrom: { configMapKeyRef: { name: "api-settings-0123456789", key: "ZED", optional: false } },
            },
            {
                name: "DB_PASSWORD",
                valueFrom: { secretKeyRef: { name: "api-secrets", key: "db-password", optional: false } },
            },
        ]);
    });

    it("builds a hardened pod spec", () => {
        const spec = workloadPodSpec(validArgs(), {
            serviceAccountName: "api",
            configMapName: "api-settings-x",
        }) as Json;
        assert.equal(spec.serviceAccountName, "api");
        assert.equal(spec.automountServiceAccountToken, false);
        assert.equal(spec.enableServiceLinks, false);
        assert.equal(spec.terminationGracePeriodSeconds, 30);
        assert.deepEqual(spec.securityContext, {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(spec.containers.length, 1);
        const container = spec.containers[0] as Json;
        assert.equal(container.name, "api");
        assert.equal(container.image, "registry.example.org/team/api:1.2.3");
        assert.equal(container.imagePullPolicy, "IfNotPresent");
        assert.deepEqual(container.securityContext, {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(container.ports, [
            { name: "http", containerPort: 8080, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
        ]);
        assert.deepEqual(container.resources, {
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { cpu: "500m", memory: "512Mi" },
        });
        assert.deepEqual(container.startupProbe, {
            httpGet: { path: "/health", port: "http", scheme: "HTTP" },
            initialDelaySeconds: 0,
            periodSeconds: 5,
            timeoutSeconds: 2,
            failureThreshold: 24,
            successThreshold: 1,
        });
        assert.deepEqual(container.readinessProbe, {
            httpGet: { path: "/ready", port: "http", scheme: "HTTP" },
            initialDelaySeconds: 0,
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold: 3,
            successThreshold: 1,
        });
        assert.deepEqual(container.livenessProbe, {
            httpGet: { path: "/health", port: "http", scheme: "HTTP" },
            initialDelaySeconds: 0,
            periodSeconds: 15,
            timeoutSeconds: 3,
            failureThreshold: 3,
            successThreshold: 1,
        });
        assert.deepEqual(container.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.deepEqual(spec.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
        assert.deepEqual(
            spec.topologySpreadConstraints.map((c: Json) => c.topologyKey),
            ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
        );
        assert.ok(
            (container.env as Json[]).every((e) => !("value" in e)),
            "no env entry carries a value",
        );
    });

    it("honours per-probe ports and timings, writable paths and the grace period", () => {
        const args = validArgs({
            replicas: 1,
            probes: {
                port: "http",
                startup: { path: "/live", periodSeconds: 2, failureThreshold: 90 },
                readiness: { path: "/ready", port: "metrics" },
                liveness: { path: "/live", timeoutSeconds: 5 },
            },
            writablePaths: ["/tmp", "/var/cache"],
            writableSizeLimit: "1Gi",
            terminationGracePeriodSeconds: 90,
            role: {
                arn: "arn:aws:iam::444455556666:role/api",
                serviceAccount: { namespace: "messaging-testnet", name: "api" },
            },
        });
        const spec = workloadPodSpec(args, { serviceAccountName: "api" }) as Json;
        const container = spec.containers[0] as Json;
        assert.deepEqual([container.startupProbe.periodSeconds, container.startupProbe.failureThreshold], [2, 90]);
        assert.equal(container.readinessProbe.httpGet.port, "metrics");
        assert.equal(container.livenessProbe.timeoutSeconds, 5);
        assert.deepEqual(spec.volumes, [
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
            { name: "var-cache", emptyDir: { sizeLimit: "1Gi" } },
        ]);
        assert.equal(spec.terminationGracePeriodSeconds, 90);
        assert.equal(spec.automountServiceAccountToken, true);
        assert.equal(spec.topologySpreadConstraints, undefined);
        // Without a ConfigMap there are no configMapKeyRefs.
        assert.deepEqual(
            (container.env as Json[]).map((e) => e.name),
            ["DB_PASSWORD"],
        );
    });
});

describe("k8s Workload: bad input", () => {
    const header = (n: number) =>
        `Invalid arguments to messaging:k8s:Workload "api": ${n} problem${n === 1 ? "" : "s"}. Fix the caller:`;
    const pinned =
        "an image pinned to a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never latest or untagged)";
    const cases: [string, Partial<WorkloadArgs>, string][] = [
        [
            "an image tagged latest",
            { image: "registry.example.org/team/api:latest" },
            `  - image: got "registry.example.org/team/api:latest"; allowed: ${pinned}`,
        ],
        [
            "an untagged image",
            { image: "registry.example.org/team/api" },
            `  - image: got "registry.example.org/team/api"; allowed: ${pinned}`,
        ],
        ["zero replicas", { replicas: 0 }, "  - replicas: got 0; allowed: an integer >= 1"],
        ["fractional replicas", { replicas: 1.5 }, "  - replicas: got 1.5; allowed: an integer >= 1"],
        [
            "an HPA whose min exceeds its max",
            { replicas: 3, autoscaling: { minReplicas: 5, maxReplicas: 3 } },
            "  - autoscaling.minReplicas: got 5; allowed: an integer <= autoscaling.maxReplicas (3)",
        ],
        [
            "replicas outside the HPA bounds",
            { replicas: 1, autoscaling: { minReplicas: 2, maxReplicas: 4 } },
            "  - replicas: got 1; allowed: an integer from autoscaling.minReplicas (2) to autoscaling.maxReplicas (4)",
        ],
        [
            "a port above 65535",
            {
                ports: [
                    { name: "http", containerPort: 70000 },
                    { name: "metrics", containerPort: 9090 },
                ],
            },
            "  - ports[0].containerPort: got 70000; allowed: a port number from 1 to 65535",
        ],
        [
            "port 0",
            {
                ports: [
                    { name: "http", containerPort: 8080 },
                    { name: "metrics", containerPort: 0 },
                ],
            },
            "  - ports[1].containerPort: got 0; allowed: a port number from 1 to 65535",
        ],
        [
            "two ports with the same number",
            {
                ports: [
                    { name: "http", containerPort: 8080 },
                    { name: "metrics", containerPort: 8080 },
                ],
            },
            "  - ports[1].containerPort: got 8080; allowed: a port not already used by ports[0] (http) in the same pod",
        ],
        [
            "two ports with the same name",
            {
                ports: [
                    { name: "http", containerPort: 8080 },
                    { name: "metrics", containerPort: 9090 },
                    { name: "http", containerPort: 8081 },
                ],
            },
            '  - ports[2].name: got "http"; allowed: a name not already used by ports[0] in the same pod',
        ],
        [
            "a port name that is not an IANA service name",
            {
                ports: [
                    { name: "HTTP_PORT", containerPort: 8080 },
                    { name: "metrics", containerPort: 9090 },
                ],
                probes: {
                    port: "metrics",
                    startup: { path: "/health" },
                    readiness: { path: "/ready" },
                    liveness: { path: "/health" },
                },
            },
            '  - ports[0].name: got "HTTP_PORT"; allowed: an IANA service name: lower-case letters, ' +
                "digits and '-', at most 15 characters, at least one letter",
        ],
        [
            "a probe path without a leading slash",
            {
                probes: {
                    port: "http",
                    startup: { path: "/health" },
                    readiness: { path: "ready" },
                    liveness: { path: "/health" },
                },
            },
            '  - probes.readiness.path: got "ready"; allowed: an HTTP path starting with /, e.g. /health',
        ],
        [
            "a probe on an unknown port",
            {
                probes: {
                    port: "web",
                    startup: { path: "/health" },
                    readiness: { path: "/ready" },
                    liveness: { path: "/health" },
                },
            },
            '  - probes.port: got "web"; allowed: the name of one of the ports (http, metrics)',
        ],
        [
            "no metrics port",
            { ports: [{ name: "http", containerPort: 8080 }] },
            '  - metrics.port: got "metrics"; allowed: the name of one of the ports (http); the monitoring namespace scrapes it',
        ],
        [
            "a plain setting whose name looks secret",
            { settings: { LOG_LEVEL: "info", DB_PASSWORD: "hunter2" }, secretEnv: [] },
            '  - settings: got "DB_PASSWORD"; allowed: a non-secret setting name; a name with PASSWORD, ' +
                "SECRET, TOKEN, PRIVATE, CREDENTIAL or a key in it must come from a Kubernetes Secret " +
                "through secretEnv",
        ],
        [
            "a setting that is not an env var name",
            { settings: { "log-level": "info" } },
            "  - settings: got \"log-level\"; allowed: an environment variable name: upper-case letters, digits and '_', not starting with a digit",
        ],
        [
            "a secret env var that a setting already sets",
            {
                settings: { LOG_LEVEL: "info" },
                secretEnv: [{ envName: "LOG_LEVEL", secret: { name: "api-secrets", key: "x" } }],
            },
            '  - secretEnv[0].envName: got "LOG_LEVEL"; allowed: a name not already set by settings',
        ],
        [
            "limits below requests",
            { resources: { requests: { cpu: "1", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
            '  - resources.limits.cpu: got "500m"; allowed: a CPU quantity >= requests.cpu (1)',
        ],
        [
            "a volume claim on a Deployment",
            { volumeClaims: [{ name: "data", mountPath: "/data", size: "10Gi" }] },
            '  - volumeClaims[0]: got "data"; allowed: volume claims only on kind: StatefulSet (a Deployment\'s replicas would share one volume)',
        ],
        [
            "a relative writable path",
            { writablePaths: ["tmp"] },
            '  - writablePaths[0]: got "tmp"; allowed: an absolute path other than /, e.g. /tmp',
        ],
        ["running as root", { runAsId: 0 }, "  - runAsId: got 0; allowed: a non-zero uid/gid (never root)"],
    ];
    for (const [what, overrides, line] of cases) {
        it(`rejects ${what}`, () => {
            assert.throws(() => new Workload("api", validArgs(overrides)), {
                name: "ArgumentsError",
                message: `${header(1)}\n${line}`,
            });
        });
    }

    it("lists every problem at once and names the stack config to edit", () => {
        const args = validArgs({
            image: "registry.example.org/team/api:latest",
            replicas: 0,
            autoscaling: { minReplicas: 4, maxReplicas: 2 },
            ports: [
                { name: "http", containerPort: 8080 },
                { name: "metrics", containerPort: 8080 },
            ],
            probes: {
                port: "http",
                startup: { path: "health" },
                readiness: { path: "/ready" },
                liveness: { path: "/health" },
            },
            settings: { API_TOKEN: "x" },
            configSource: "Pulumi.testnet.yaml (messaging-infra:services.api)",
        });
        assert.throws(() => new Workload("api", args), {
            message: [
                'Invalid arguments to messaging:k8s:Workload "api": 6 problems. Edit Pulumi.testnet.yaml (messaging-infra:services.api):',
                `  - image: got "registry.example.org/team/api:latest"; allowed: ${pinned}`,
                "  - replicas: got 0; allowed: an integer >= 1",
                "  - autoscaling.minReplicas: got 4; allowed: an integer <= autoscaling.maxReplicas (2)",
                "  - ports[1].containerPort: got 8080; allowed: a port not already used by ports[0] (http) in the same pod",
                '  - probes.startup.path: got "health"; allowed: an HTTP path starting with /, e.g. /health',
                '  - settings: got "API_TOKEN"; allowed: a non-secret setting name; a name with PASSWORD, ' +
                    "SECRET, TOKEN, PRIVATE, CREDENTIAL or a key in it must come from a Kubernetes Secret " +
                    "through secretEnv",
            ].join("\n"),
        });
    });

    it("never echoes the value of a secret-looking setting", () => {
        const problems = workloadProblems(validArgs({ settings: { DB_PASSWORD: "hunter2" }, secretEnv: [] }));
        assert.ok(problems.every((p) => !p.given.includes("hunter2")));
    });

    it("accepts the valid arguments every case starts from", () => {
        assert.deepEqual(workloadProblems(validArgs()), []);
        assert.deepEqual(
            workloadProblems(
                validArgs({ kind: "StatefulSet", volumeClaims: [{ name: "data", mountPath: "/data", size: "10Gi" }] }),
            ),
            [],
        );
    });
});

describe("k8s Workload: resources under the mock engine", () => {
    it("registers its children under itself, named from its own name", async () => {
        const { resources } = await run(validArgs({ autoscaling: { minReplicas: 3, maxReplicas: 6 } }));
        const component = only(resources, "messaging:k8s:Workload");
        assert.deepEqual(
            resources.filter((r) => r !== component).map((r) => [r.type, r.name, r.parent === component.urn]),
            [
                ["kubernetes:core/v1:ServiceAccount", "api-service-account", true],
                ["kubernetes:core/v1:ConfigMap", "api-settings", true],
                ["kubernetes:apps/v1:Deployment", "api-deployment", true],
                ["kubernetes:core/v1:Service", "api-service", true],
                ["kubernetes:policy/v1:PodDisruptionBudget", "api-pdb", true],
                ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", true],
            ],
        );
        for (const r of resources.filter((x) => x.custom)) {
            assert.equal((r.inputs as Json).metadata.namespace, "messaging-testnet", r.name);
            assert.deepEqual((r.inputs as Json).metadata.labels, labels, r.name);
        }
    });

    it("selects the same labels in the Deployment, its pods, the Service and the PDB", async () => {
        const { resources, outputs } = await run(validArgs());
        const deployment = only(resources, "kubernetes:apps/v1:Deployment").inputs as Json;
        const service = only(resources, "kubernetes:core/v1:Service").inputs as Json;
        const pdb = only(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs as Json;
        assert.deepEqual(deployment.spec.selector, { matchLabels: selector });
        assert.deepEqual(deployment.spec.template.metadata.labels, labels);
        assert.deepEqual(service.spec, {
            type: "ClusterIP",
            selector,
            ports: [
                { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
                { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
            ],
        });
        assert.deepEqual(pdb.spec, {
            maxUnavailable: 1,
            selector: { matchLabels: selector },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.deepEqual(deployment.spec.template.metadata.annotations, {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": "9090",
            "prometheus.io/path": "/metrics",
        });
        assert.deepEqual(outputs, {
            serviceName: "api",
            serviceAccountName: "api",
            workloadName: "api",
            configMapName: `api-settings-${settingsHash({ LOG_LEVEL: "info", UPSTREAM_URL: "http://upstream.example.org" })}`,
        });
    });

    it("gives the ServiceAccount an IRSA role and a token only when a role ARN is given", async () => {
        const withRole = await run(
            validArgs({
                role: {
                    arn: "arn:aws:iam::444455556666:role/api",
                    serviceAccount: { namespace: "messaging-testnet", name: "api" },
                },
            }),
        );
        const sa = only(withRole.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
        assert.deepEqual(sa.metadata.annotations, {
            "eks.amazonaws.com/role-arn": "arn:aws:iam::444455556666:role/api",
        });
        assert.equal(sa.automountServiceAccountToken, true);
        assert.equal(
            (only(withRole.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template.spec
                .automountServiceAccountToken,
            true,
        );

        const withoutRole = await run(validArgs());
        const plainSa = only(withoutRole.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
        assert.equal(plainSa.metadata.annotations, undefined);
        assert.equal(plainSa.automountServiceAccountToken, false);
        assert.equal(
            (only(withoutRole.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template.spec
                .automountServiceAccountToken,
            false,
        );
    });

    it("leaves the replica count to the HPA when there is one", async () => {
        const { resources } = await run(
            validArgs({ replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 10, targetCpuUtilization: 60 } }),
        );
        const deployment = only(resources, "kubernetes:apps/v1:Deployment").inputs as Json;
        assert.equal("replicas" in deployment.spec, false);
        assert.deepEqual(only(resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
            minReplicas: 3,
            maxReplicas: 10,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
                },
            ],
        });
    });

    it("runs one replica without PDB, HPA or spread, and keeps the rolling update", async () => {
        const { resources } = await run(validArgs({ replicas: 1 }));
        const deployment = only(resources, "kubernetes:apps/v1:Deployment").inputs as Json;
        assert.equal(deployment.spec.replicas, 1);
        assert.deepEqual(deployment.spec.strategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
        assert.equal(deployment.spec.template.spec.topologySpreadConstraints, undefined);
        assert.deepEqual(
            resources.filter(
                (r) => r.type.includes("PodDisruptionBudget") || r.type.includes("HorizontalPodAutoscaler"),
            ),
            [],
        );
    });

    it("keeps settings in an immutable, content-named ConfigMap, so a changed setting rolls the pods", async () => {
        const before = await run(validArgs());
        const after = await run(
            validArgs({ settings: { LOG_LEVEL: "debug", UPSTREAM_URL: "http://upstream.example.org" } }),
        );
        const again = await run(validArgs());
        const configMap = only(before.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
        const name = `api-settings-${settingsHash({ LOG_LEVEL: "info", UPSTREAM_URL: "http://upstream.example.org" })}`;
        assert.deepEqual(configMap.metadata.name, name);
        assert.equal(configMap.immutable, true);
        assert.deepEqual(configMap.data, { LOG_LEVEL: "info", UPSTREAM_URL: "http://upstream.example.org" });
        const template = (r: MockRun<unknown>) =>
            (only(r.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template;
        assert.deepEqual(
            (template(before).spec.containers[0].env as Json[]).map((e) => [
                e.name,
                e.valueFrom.configMapKeyRef?.name ??
                    `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`,
            ]),
            [
                ["LOG_LEVEL", name],
                ["UPSTREAM_URL", name],
                ["DB_PASSWORD", "secret:api-secrets/db-password"],
            ],
        );
        // Same settings: the same pod template (no spurious rollout). Changed settings: a new one.
        assert.deepEqual(template(again), template(before));
        assert.notDeepEqual(template(after), template(before));
        assert.notEqual((only(after.resources, "kubernetes:core/v1:ConfigMap").inputs as Json).metadata.name, name);
        // The Pulumi name stays, so the change is one replacement (create new, then delete old).
        assert.equal(only(after.resources, "kubernetes:core/v1:ConfigMap").name, "api-settings");
    });

    it("resolves settings given as Outputs before hashing them", async () => {
        const { resources } = await run(
            validArgs({
                settings: { UPSTREAM_URL: pulumi.interpolate`http://${pulumi.output("upstream")}.example.org` },
            }),
        );
        const configMap = only(resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
        assert.equal(
            configMap.metadata.name,
            settingsConfigMapName("api", { UPSTREAM_URL: "http://upstream.example.org" }),
        );
        assert.deepEqual(only(resources, "kubernetes:core/v1:ConfigMap").secretPaths, []);
    });

    it("creates no ConfigMap without settings", async () => {
        const { resources } = await run(validArgs({ settings: undefined }));
        assert.deepEqual(
            resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap"),
            [],
        );
    });

    it("runs a StatefulSet with per-pod volumes it never deletes and a headless Service", async () => {
        const { resources } = await run(
            validArgs({
                kind: "StatefulSet",
                replicas: 2,
                volumeClaims: [{ name: "data", mountPath: "/data", size: "10Gi", storageClassName: "gp3" }],
                settings: undefined,
                secretEnv: [],
            }),
        );
        const sts = only(resources, "kubernetes:apps/v1:StatefulSet").inputs as Json;
        assert.equal(sts.spec.replicas, 2);
        assert.equal(sts.spec.serviceName, "api-headless");
        assert.deepEqual(sts.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
        assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, {
            whenDeleted: "Retain",
            whenScaled: "Retain",
        });
        assert.deepEqual(sts.spec.volumeClaimTemplates, [
            {
                metadata: { name: "data", labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: "gp3",
                    resources: { requests: { storage: "10Gi" } },
                },
            },
        ]);
        assert.deepEqual(sts.spec.template.spec.containers[0].volumeMounts, [
            { name: "tmp", mountPath: "/tmp" },
            { name: "data", mountPath: "/data" },
        ]);
        const services = resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => r.inputs as Json);
        assert.deepEqual(
            services.map((s) => [s.metadata.name, s.spec.clusterIP ?? s.spec.type]),
            [
                ["api-headless", "None"],
                ["api", "ClusterIP"],
            ],
        );
        assert.equal(only(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec !== undefined, true);
        assert.deepEqual(
            resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment"),
            [],
        );
    });
});
