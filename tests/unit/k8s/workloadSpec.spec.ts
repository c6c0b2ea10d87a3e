import * as assert from "node:assert/strict";
import {
    hpaSpec,
    pdbSpec,
    serviceSpec,
    containerEnv,
    deploymentStrategy,
    looksSecret,
    maxPods,
    minPods,
    needsDisruptionBudget,
    settingsConfigMapName,
    settingsHash,
    topologySpread,
    WorkloadArgs,
    workloadPodSpec,
    writableVolumeName,
} from "../../../components/k8s/workload";

import { Json, selector, validArgs } from "../../support/workloadFixtures";

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
        // The image is referenced by tag, so every start re-resolves it.
        assert.equal(container.imagePullPolicy, "Always");
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
        // Ephemeral storage by default: 64Mi requested; the /tmp emptyDir (256Mi) plus 128Mi for logs as the limit.
        assert.deepEqual(container.resources, {
            requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
            limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "384Mi" },
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

    it("scales on CPU and, when asked, memory; budgets by minAvailable when given", () => {
        assert.deepEqual(
            hpaSpec("Deployment", "api", { minReplicas: 3, maxReplicas: 10, targetMemoryUtilization: 80 }).metrics,
            [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                },
                {
                    type: "Resource",
                    resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
                },
            ],
        );
        assert.equal((hpaSpec("Deployment", "api", { minReplicas: 3, maxReplicas: 10 }) as Json).metrics.length, 1);
        assert.deepEqual(pdbSpec(selector, 2), {
            minAvailable: 2,
            selector: { matchLabels: selector },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.deepEqual(pdbSpec(selector), {
            maxUnavailable: 1,
            selector: { matchLabels: selector },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
    });

    it("gives the Service client-IP affinity only when asked", () => {
        const ports = [{ name: "http", containerPort: 3000 }];
        assert.deepEqual(serviceSpec(selector, ports, 10800), {
            type: "ClusterIP",
            selector,
            ports: [{ name: "http", port: 3000, targetPort: "http", protocol: "TCP" }],
            sessionAffinity: "ClientIP",
            sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        });
        assert.equal((serviceSpec(selector, ports) as Json).sessionAffinity, undefined);
    });

    it("runs init containers with the workload's image, the hardened context and secretKeyRefs only", () => {
        const spec = workloadPodSpec(
            validArgs({
                initContainers: [
                    {
                        name: "db-migrate",
                        command: ["migrate"],
                        args: ["-database", "$(DATABASE_URL)", "up"],
                        resources: {
                            requests: { cpu: "50m", memory: "64Mi" },
                            limits: { cpu: "250m", memory: "256Mi" },
                        },
                        secretEnv: [{ envName: "DATABASE_URL", secret: { name: "api-secrets", key: "database-url" } }],
                    },
                ],
            }),
            { serviceAccountName: "api" },
        ) as Json;
        assert.deepEqual(spec.initContainers, [
            {
                name: "db-migrate",
                image: "registry.example.org/team/api:1.2.3",
                imagePullPolicy: "Always",
                command: ["migrate"],
                args: ["-database", "$(DATABASE_URL)", "up"],
                env: [
                    {
                        name: "DATABASE_URL",
                        valueFrom: { secretKeyRef: { name: "api-secrets", key: "database-url", optional: false } },
                    },
                ],
                resources: {
                    requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" },
                    limits: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "384Mi" },
                },
                securityContext: spec.containers[0].securityContext,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                terminationMessagePolicy: "FallbackToLogsOnError",
            },
        ]);
        assert.equal(spec.containers[0].securityContext.readOnlyRootFilesystem, true);
        assert.equal(workloadPodSpec(validArgs(), { serviceAccountName: "api" }).initContainers, undefined);
    });

    it("pulls a tagged image Always and a digest-pinned one IfNotPresent, containers and init containers alike", () => {
        const digest = `registry.example.org/team/api@sha256:${"c".repeat(64)}`;
        const init = { name: "db-migrate", command: ["migrate"], resources: validArgs().resources };
        const spec = workloadPodSpec(validArgs({ image: digest, initContainers: [init] }), {
            serviceAccountName: "api",
        }) as Json;
        assert.equal(spec.containers[0].imagePullPolicy, "IfNotPresent");
        assert.equal(spec.initContainers[0].imagePullPolicy, "IfNotPresent");
    });

    it("sizes the ephemeral-storage limit from the writable emptyDirs, unless the resources say otherwise", () => {
        const limitOf = (args: Partial<WorkloadArgs>) =>
            (workloadPodSpec(validArgs(args), { serviceAccountName: "api" }) as Json).containers[0].resources;
        // Two writable paths of 1Gi each, plus 128Mi for logs.
        assert.equal(
            limitOf({ writablePaths: ["/tmp", "/var/cache/api"], writableSizeLimit: "1Gi" }).limits[
                "ephemeral-storage"
            ],
            "2176Mi",
        );
        const given = limitOf({
            resources: {
                requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "1Gi" },
                limits: { cpu: "500m", memory: "512Mi", ephemeralStorage: "4Gi" },
            },
        });
        assert.deepEqual(given, {
            requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "1Gi" },
            limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "4Gi" },
        });
    });
});
