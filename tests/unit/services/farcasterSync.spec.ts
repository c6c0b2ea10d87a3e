import * as assert from "node:assert/strict";
import { NetworkConfig } from "../../../components/config";
import { FarcasterSync, farcasterSyncSettings } from "../../../components/services/farcasterSync";
import { MockRun, RecordedResource, runInMockEngine } from "../../../harness/mockEngine";
import { networkConfigFor } from "../../../harness/networkConfig";
import { rawStackConfig, runStack } from "../../../harness/stack";
import { withDefaultEphemeralStorage } from "../../support/workloadFixtures";

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function runSync(config: NetworkConfig) {
    return runInMockEngine(
        () => {
            const sync = new FarcasterSync("farcaster-sync", {
                network: config.network,
                namespace: config.namespace.name,
                settings: config.services.farcasterSync,
                stackFile: config.stackFile,
            });
            return {
                selector: sync.selector,
                ports: sync.ports,
                serviceName: sync.serviceName,
                serviceAccountName: sync.serviceAccountName,
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

describe("services FarcasterSync", () => {
    for (const network of ["devnet", "testnet", "mainnet"] as const) {
        describe(network, () => {
            const config = networkConfigFor(network);
            let run: MockRun<Json>;
            before(async () => {
                run = (await runSync(config)) as MockRun<Json>;
            });

            it("runs one replica with no PDB, HPA or spread", () => {
                const deployment = only(run.resources, "kubernetes:apps/v1:Deployment").inputs as Json;
                assert.equal(deployment.spec.replicas, 1);
                assert.deepEqual(deployment.spec.strategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
                });
                assert.equal(deployment.spec.template.spec.topologySpreadConstraints, undefined);
                assert.deepEqual(
                    run.resources.filter((r) => /PodDisruptionBudget|HorizontalPodAutoscaler|Secret$/.test(r.type)),
                    [],
                );
            });

            it("exposes only its metrics port, which its probes use too", () => {
                const container = (only(run.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template
                    .spec.containers[0] as Json;
                assert.deepEqual(container.ports, [{ name: "metrics", containerPort: 9104, protocol: "TCP" }]);
                assert.deepEqual(
                    [container.startupProbe.httpGet, container.readinessProbe.httpGet, container.livenessProbe.httpGet],
                    [
                        { path: "/health", port: "metrics", scheme: "HTTP" },
                        { path: "/ready", port: "metrics", scheme: "HTTP" },
                        { path: "/health", port: "metrics", scheme: "HTTP" },
                    ],
                );
                assert.deepEqual(
                    container.resources,
                    withDefaultEphemeralStorage({
                        requests: { cpu: "50m", memory: "128Mi" },
                        limits: { cpu: "250m", memory: "256Mi" },
                    }),
                );
                assert.deepEqual((only(run.resources, "kubernetes:core/v1:Service").inputs as Json).spec.ports, [
                    { name: "metrics", port: 9104, targetPort: "metrics", protocol: "TCP" },
                ]);
                assert.deepEqual(run.outputs.ports, { metrics: 9104 });
                assert.deepEqual(run.outputs.selector, {
                    "app.kubernetes.io/name": "farcaster-sync",
                    "app.kubernetes.io/instance": network,
                });
            });

            it("has no IRSA role and mounts no token", () => {
                const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
                assert.equal(sa.metadata.name, "farcaster-sync");
                assert.equal(sa.metadata.annotations, undefined);
                assert.equal(sa.automountServiceAccountToken, false);
                assert.equal(
                    (only(run.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template.spec
                        .automountServiceAccountToken,
                    false,
                );
            });

            it("takes every setting from the ConfigMap and no secret", () => {
                const configMap = only(run.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
                assert.deepEqual(configMap.data, {
                    NETWORK: network,
                    FARCASTER_SYNC_ENABLED: "true",
                    FARCASTER_HUB_URL: "https://hub.farcaster.example.net:2283",
                    SYNC_INTERVAL_MS: "60000",
                    METRICS_PORT: "9104",
                });
                const env = (only(run.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template.spec
                    .containers[0].env as Json[];
                assert.deepEqual(
                    env.map((e) => [e.name, e.valueFrom.configMapKeyRef?.name]),
                    Object.keys(configMap.data)
                        .sort()
                        .map((k) => [k, configMap.metadata.name]),
                );
            });
        });
    }

    it("is not created at all when disabled: no object, no network policy edge", async () => {
        const services = rawStackConfig("testnet").services as Json;
        const disabled = { ...services, farcasterSync: { ...services.farcasterSync, enabled: false } };
        const run = await runStack("testnet", {
            configOverrides: { "messaging-infra:services": JSON.stringify(disabled) },
        });
        assert.deepEqual(
            run.resources.filter((r) => r.name.includes("farcaster")).map((r) => `${r.type} ${r.name}`),
            [],
        );
        const policies = run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.ok(policies.length > 0);
        assert.doesNotMatch(JSON.stringify(policies.map((p) => p.inputs)), /farcaster/);
    });

    it("rolls its pods when the sync interval changes", async () => {
        const config = networkConfigFor("devnet");
        const slower: NetworkConfig = {
            ...config,
            services: {
                ...config.services,
                farcasterSync: { ...config.services.farcasterSync, syncIntervalMs: 120000 },
            },
        };
        const template = (r: MockRun<unknown>) =>
            (only(r.resources, "kubernetes:apps/v1:Deployment").inputs as Json).spec.template;
        assert.notDeepEqual(template(await runSync(slower)), template(await runSync(config)));
        assert.equal(
            farcasterSyncSettings({ network: "devnet", settings: slower.services.farcasterSync }).SYNC_INTERVAL_MS,
            "120000",
        );
    });
});
