import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { settingsConfigMapName, settingsHash } from "../../../components/k8s/workload";
import { MockRun } from "../../../harness/mockEngine";

import { Json, labels, only, run, selector, validArgs } from "../../support/workloadFixtures";

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
