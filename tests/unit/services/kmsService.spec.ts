import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../../../components/config";
import { Network } from "../../../components/network";
import { KmsService, KmsServiceArgs } from "../../../components/services/kmsService";
import { MockRun, RecordedResource, runInMockEngine } from "../../../harness/mockEngine";
import { networkConfigFor } from "../../../harness/networkConfig";
import { withDefaultEphemeralStorage } from "../../support/workloadFixtures";

// Navigating recorded inputs, which are plain JSON.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const roleArn = (network: Network) => `arn:aws:iam::111122223333:role/messaging-infra-${network}-kms-service`;
const keyArn = (network: Network) => `arn:aws:kms:us-east-1:111122223333:key/mock-key-id-of-${network}-key`;

function kmsArgs(config: NetworkConfig, overrides: Partial<KmsServiceArgs> = {}): KmsServiceArgs {
    return {
        network: config.network,
        namespace: config.namespace.name,
        settings: config.services.kmsService,
        region: config.region,
        keyArn: pulumi.output(keyArn(config.network)),
        role: {
            arn: roleArn(config.network),
            serviceAccount: { namespace: config.namespace.name, name: "kms-service" },
        },
        masterKey: pulumi.secret("master-key-material"),
        stackFile: config.stackFile,
        ...overrides,
    };
}

async function runKms(config: NetworkConfig, overrides: Partial<KmsServiceArgs> = {}) {
    return runInMockEngine(
        () => {
            const kms = new KmsService("kms-service", kmsArgs(config, overrides));
            return {
                selector: kms.selector,
                ports: kms.ports,
                serviceName: kms.serviceName,
                serviceAccountName: kms.serviceAccountName,
                secretName: kms.secretName,
                url: kms.url,
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

const deploymentOf = (run: MockRun<unknown>) => only(run.resources, "kubernetes:apps/v1:Deployment").inputs as Json;

/** DESIGN.md's network table: kms-service replicas 1 / 2 / 2. */
const expectedReplicas: Record<Network, number> = { devnet: 1, testnet: 2, mainnet: 2 };

describe("services KmsService", () => {
    for (const network of ["devnet", "testnet", "mainnet"] as const) {
        describe(network, () => {
            const config = networkConfigFor(network);
            let run: MockRun<Json>;
            before(async () => {
                run = (await runKms(config)) as MockRun<Json>;
            });

            it("runs the network's replica count, a PDB and spread when more than one, never an HPA", () => {
                const replicas = expectedReplicas[network];
                const deployment = deploymentOf(run);
                assert.equal(deployment.spec.replicas, replicas);
                assert.deepEqual(deployment.spec.strategy, {
                    type: "RollingUpdate",
                    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
                });
                const pdbs = run.resources
                    .filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget")
                    .map((r) => (r.inputs as Json).spec);
                assert.deepEqual(
                    pdbs,
                    replicas > 1
                        ? [
                              {
                                  maxUnavailable: 1,
                                  selector: { matchLabels: run.outputs.selector },
                                  unhealthyPodEvictionPolicy: "AlwaysAllow",
                              },
                          ]
                        : [],
                );
                const spread = deployment.spec.template.spec.topologySpreadConstraints as Json[] | undefined;
                assert.deepEqual(
                    spread?.map((c) => c.topologyKey),
                    replicas > 1 ? ["topology.kubernetes.io/zone", "kubernetes.io/hostname"] : undefined,
                );
                assert.deepEqual(
                    run.resources.filter((r) => r.type.includes("HorizontalPodAutoscaler")),
                    [],
                );
            });

            it("serves 3300 and metrics, probed on /health and /ready, hardened", () => {
                const spec = deploymentOf(run).spec.template.spec as Json;
                const container = spec.containers[0] as Json;
                assert.equal(container.image, "registry.example.org/messaging/kms-service:0.9.4");
                assert.deepEqual(container.ports, [
                    { name: "http", containerPort: 3300, protocol: "TCP" },
                    { name: "metrics", containerPort: 9103, protocol: "TCP" },
                ]);
                assert.deepEqual(
                    [
                        container.startupProbe.httpGet.path,
                        container.readinessProbe.httpGet.path,
                        container.livenessProbe.httpGet.path,
                    ],
                    ["/health", "/ready", "/health"],
                );
                assert.ok(
                    [container.startupProbe, container.readinessProbe, container.livenessProbe].every(
                        (p: Json) => p.httpGet.port === "http",
                    ),
                );
                assert.deepEqual(
                    container.resources,
                    withDefaultEphemeralStorage({
                        requests: { cpu: "100m", memory: "128Mi" },
                        limits: { cpu: "250m", memory: "256Mi" },
                    }),
                );
                assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
                assert.equal(spec.securityContext.runAsNonRoot, true);
                assert.deepEqual(spec.securityContext.seccompProfile, { type: "RuntimeDefault" });
                assert.deepEqual(run.outputs.ports, { http: 3300, metrics: 9103 });
                assert.equal(run.outputs.url, `http://kms-service.messaging-${network}.svc.cluster.local:3300`);
            });

            it("has an IRSA service account with a token (it may use the network key)", () => {
                const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
                assert.equal(sa.metadata.name, "kms-service");
                assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": roleArn(network) });
                assert.equal(sa.automountServiceAccountToken, true);
                assert.equal(deploymentOf(run).spec.template.spec.automountServiceAccountToken, true);
            });

            it("configures both key providers in the ConfigMap and reads the master key from a secretKeyRef", () => {
                const configMap = only(run.resources, "kubernetes:core/v1:ConfigMap").inputs as Json;
                assert.deepEqual(configMap.data, {
                    NETWORK: network,
                    HTTP_PORT: "3300",
                    METRICS_PORT: "9103",
                    KMS_PROVIDERS: "local,aws-kms",
                    AWS_KMS_KEY_ARN: keyArn(network),
                    AWS_REGION: "us-east-1",
                });
                const env = deploymentOf(run).spec.template.spec.containers[0].env as Json[];
                assert.deepEqual(
                    env.map((e) => [
                        e.name,
                        e.valueFrom.configMapKeyRef
                            ? `configMap:${e.valueFrom.configMapKeyRef.name}`
                            : `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`,
                    ]),
                    [
                        ...[
                            "AWS_KMS_KEY_ARN",
                            "AWS_REGION",
                            "HTTP_PORT",
                            "KMS_PROVIDERS",
                            "METRICS_PORT",
                            "NETWORK",
                        ].map((k) => [k, `configMap:${configMap.metadata.name}`]),
                        ["KMS_MASTER_KEY", "secret:kms-service-secrets/master-key"],
                    ],
                );
                const secret = only(run.resources, "kubernetes:core/v1:Secret");
                assert.deepEqual((secret.inputs as Json).stringData, { "master-key": "master-key-material" });
                assert.deepEqual(secret.secretPaths, ["stringData"]);
            });
        });
    }

    it("rolls its pods when the network key changes", async () => {
        const config = networkConfigFor("mainnet");
        const before = await runKms(config);
        const after = await runKms(config, {
            keyArn: "arn:aws:kms:us-east-1:111122223333:key/mock-key-id-of-mainnet-key-2",
        });
        assert.notDeepEqual(deploymentOf(after).spec.template, deploymentOf(before).spec.template);
        assert.deepEqual(deploymentOf(await runKms(config)).spec.template, deploymentOf(before).spec.template);
    });
});
