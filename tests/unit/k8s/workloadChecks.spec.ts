import * as assert from "node:assert/strict";
import { Workload, WorkloadArgs, workloadProblems } from "../../../components/k8s/workload";

import { validArgs } from "../../support/workloadFixtures";

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
        [
            "a memory target above 100 %",
            { autoscaling: { minReplicas: 3, maxReplicas: 5, targetMemoryUtilization: 120 } },
            "  - autoscaling.targetMemoryUtilization: got 120; allowed: a memory utilisation percentage from 1 to 100",
        ],
        [
            "a PDB floor that blocks every drain",
            { minAvailable: 3 },
            "  - minAvailable: got 3; allowed: an integer from 1 to 2 (below the 3 pods it always runs, so a node can drain)",
        ],
        [
            "a PDB floor on a single pod",
            { replicas: 1, minAvailable: 1 },
            "  - minAvailable: got 1; allowed: no minAvailable: a workload that may run one pod gets no PodDisruptionBudget",
        ],
        [
            "an init container named like the service",
            { initContainers: [{ name: "api", command: ["migrate"], resources: validArgs().resources }] },
            '  - initContainers[0].name: got "api"; allowed: a container name not already used in the pod',
        ],
        [
            "an init container without an entrypoint",
            { initContainers: [{ name: "db-migrate", command: [], resources: validArgs().resources }] },
            '  - initContainers[0].command: got []; allowed: an entrypoint, e.g. ["migrate"]',
        ],
        [
            "an init container whose limit is below its request",
            {
                initContainers: [
                    {
                        name: "db-migrate",
                        command: ["migrate"],
                        resources: {
                            requests: { cpu: "500m", memory: "64Mi" },
                            limits: { cpu: "100m", memory: "64Mi" },
                        },
                    },
                ],
            },
            '  - initContainers[0].resources.limits.cpu: got "100m"; allowed: a CPU quantity >= requests.cpu (500m)',
        ],
        [
            "session affinity of two days",
            { clientIpAffinitySeconds: 172800 },
            "  - clientIpAffinitySeconds: got 172800; allowed: an integer from 1 to 86400 (seconds)",
        ],
        [
            "a pod management policy on a Deployment",
            { podManagementPolicy: "Parallel" },
            '  - podManagementPolicy: got "Parallel"; allowed: nothing: only a StatefulSet has one',
        ],
        [
            "volume protection on a Deployment",
            { protectVolumes: true },
            "  - protectVolumes: got true; allowed: nothing: only a StatefulSet owns volume claims",
        ],
        ["fractional replicas", { replicas: 1.5 }, "  - replicas: got 1.5; allowed: an integer >= 1"],
        [
            "an HPA whose min exceeds its max",
            { replicas: 3, autoscaling: { minReplicas: 5, maxReplicas: 3 } },
            "  - autoscaling.minReplicas: got 5; allowed: an integer < autoscaling.maxReplicas (3); for a fixed count drop autoscaling",
        ],
        [
            "an HPA with equal bounds (it would never scale)",
            { replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 3 } },
            "  - autoscaling.minReplicas: got 3; allowed: an integer < autoscaling.maxReplicas (3); for a fixed count drop autoscaling",
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
            "a liveness probe that makes the readiness probe's check (the same path on the same port)",
            {
                probes: {
                    port: "http",
                    startup: { path: "/health" },
                    readiness: { path: "/health", periodSeconds: 5 },
                    liveness: { path: "/health", port: "http", periodSeconds: 30 },
                },
            },
            '  - probes.liveness: got {"path":"/health","port":"http","periodSeconds":30}; allowed: a check other ' +
                "than probes.readiness's (another path or port, or { tcp: true } beside an HTTP readiness): the " +
                "same check would restart the container whenever it is too busy to be ready",
        ],
        [
            "an ephemeral-storage limit below the writable emptyDirs plus logs",
            {
                writableSizeLimit: "1Gi",
                resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "500m", memory: "512Mi", ephemeralStorage: "1Gi" },
                },
            },
            '  - resources.limits.ephemeralStorage: got "1Gi"; allowed: a storage quantity >= 1152Mi (the ' +
                "pod's writable emptyDir sizeLimits plus 128Mi for logs: the kubelet evicts the pod at its limit)",
        ],
        [
            "an ephemeral-storage limit below the default request",
            {
                resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "500m", memory: "512Mi", ephemeralStorage: "32Mi" },
                },
            },
            '  - resources.limits.ephemeralStorage: got "32Mi"; allowed: a storage quantity >= the default request (64Mi)',
        ],
        [
            "an init container listing one secret env name twice",
            {
                initContainers: [
                    {
                        name: "db-migrate",
                        command: ["migrate"],
                        resources: {
                            requests: { cpu: "50m", memory: "64Mi" },
                            limits: { cpu: "250m", memory: "256Mi" },
                        },
                        secretEnv: [
                            { envName: "DATABASE_URL", secret: { name: "api-secrets", key: "database-url" } },
                            { envName: "DATABASE_URL", secret: { name: "api-secrets", key: "database-url-2" } },
                        ],
                    },
                ],
            },
            '  - initContainers[0].secretEnv[1].envName: got "DATABASE_URL"; allowed: a name not already set by secretEnv[0]',
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
                "  - autoscaling.minReplicas: got 4; allowed: an integer < autoscaling.maxReplicas (2); for a fixed count drop autoscaling",
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
