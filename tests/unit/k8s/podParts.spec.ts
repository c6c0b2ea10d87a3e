/**
 * The Workload's pod parts only some servers need: TCP probes, Secret keys as read-only files, an
 * explicit disruption budget and the StatefulSet partition, as pure functions, through the checks,
 * and as the registered objects.
 */
import * as assert from "node:assert/strict";
import { ArgumentsError } from "../../../components/errors";
import { checkWorkloadArgs, workloadPodSpec, workloadProblems } from "../../../components/k8s/workload";
import { distinctLiveness, secretFileVolumeName, tcpProbe } from "../../../components/k8s/podParts";
import { Json, only, run, validArgs } from "../../support/workloadFixtures";

const refs = { serviceAccountName: "api" };
const KEY_FILE = { path: "/keys/p2p/key", secret: { name: "api-secrets", key: "p2p-key" } };
const problemsOf = (overrides: Parameters<typeof validArgs>[0]) =>
    workloadProblems(validArgs(overrides)).map((p) => `${p.path}: ${p.given} -> ${p.allowed}`);

describe("Workload pod parts", () => {
    describe("TCP probes", () => {
        it("distinctLiveness: HTTP on the health path when it differs from the ready path, else a TCP connect", () => {
            assert.deepEqual(distinctLiveness("/health", "/ready"), { path: "/health" });
            assert.deepEqual(distinctLiveness("/health", "/health"), { tcp: true });
            assert.deepEqual(distinctLiveness("/health", "/health", { periodSeconds: 10 }, "http"), {
                tcp: true,
                port: "http",
                periodSeconds: 10,
            });
            assert.deepEqual(
                workloadProblems(
                    validArgs({
                        probes: {
                            ...validArgs().probes,
                            readiness: { path: "/health" },
                            liveness: distinctLiveness("/health", "/health"),
                        },
                    }),
                ),
                [],
            );
        });

        it("connects to the named port with the kind's default timings", () => {
            assert.deepEqual(tcpProbe("liveness", { tcp: true }, "api"), {
                tcpSocket: { port: "api" },
                initialDelaySeconds: 0,
                periodSeconds: 15,
                timeoutSeconds: 3,
                failureThreshold: 3,
                successThreshold: 1,
            });
            assert.deepEqual(tcpProbe("startup", { tcp: true, port: "p2p", failureThreshold: 60 }, "api").tcpSocket, {
                port: "p2p",
            });
        });

        it("puts a TCP probe in the pod where asked, next to HTTP ones, and needs no path", () => {
            const args = validArgs({
                probes: {
                    port: "http",
                    startup: { tcp: true },
                    readiness: { path: "/ready" },
                    liveness: { tcp: true },
                },
            });
            assert.deepEqual(workloadProblems(args), []);
            const container = (workloadPodSpec(args, refs) as Json).containers[0];
            assert.deepEqual(container.startupProbe.tcpSocket, { port: "http" });
            assert.equal(container.startupProbe.httpGet, undefined);
            assert.deepEqual(container.readinessProbe.httpGet, { path: "/ready", port: "http", scheme: "HTTP" });
            assert.deepEqual(container.livenessProbe.tcpSocket, { port: "http" });
        });

        it("rejects a TCP probe on a port the pod does not have", () => {
            assert.deepEqual(
                problemsOf({
                    probes: {
                        port: "http",
                        startup: { tcp: true, port: "nope" },
                        readiness: { path: "/ready" },
                        liveness: { tcp: true },
                    },
                }),
                ['probes.startup.port: "nope" -> the name of one of the ports (http, metrics)'],
            );
        });
    });

    describe("secret files", () => {
        it("mounts each key read-only (0400) in a directory of its own, never as env", () => {
            const pod = workloadPodSpec(validArgs({ secretFiles: [KEY_FILE] }), refs) as Json;
            assert.equal(secretFileVolumeName(KEY_FILE), "secret-keys-p2p");
            assert.deepEqual(pod.volumes.at(-1), {
                name: "secret-keys-p2p",
                secret: {
                    secretName: "api-secrets",
                    items: [{ key: "p2p-key", path: "key" }],
                    defaultMode: 0o400,
                    optional: false,
                },
            });
            assert.deepEqual(pod.containers[0].volumeMounts.at(-1), {
                name: "secret-keys-p2p",
                mountPath: "/keys/p2p",
                readOnly: true,
            });
            assert.ok(!JSON.stringify(pod.containers[0].env).includes("p2p-key"));
        });

        it("rejects relative paths, a file at the root, two files in one directory and bad keys", () => {
            assert.deepEqual(
                problemsOf({
                    secretFiles: [
                        { path: "keys/key", secret: { name: "s", key: "a" } },
                        { path: "/key", secret: { name: "s", key: "b" } },
                        { path: "/keys/a", secret: { name: "s", key: "c" } },
                        { path: "/keys/b", secret: { name: "s", key: "no spaces" } },
                    ],
                }),
                [
                    'secretFiles[0].path: "keys/key" -> an absolute, normalised file path below a directory, e.g. /keys/key',
                    'secretFiles[1].path: "/key" -> an absolute, normalised file path below a directory, e.g. /keys/key',
                    'secretFiles[3].path: "/keys/b" -> a file in a directory not already mounted by secretFiles[2]',
                    "secretFiles[3].secret.key: \"no spaces\" -> a Secret key: letters, digits, '-', '_' and '.'",
                ],
            );
        });
    });

    describe("explicit disruption budget", () => {
        it("gives a single writer a PDB that no drain can pass (maxUnavailable 0)", async () => {
            const { resources } = await run(validArgs({ replicas: 1, maxUnavailable: 0 }));
            const pdb = only(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs as Json;
            assert.equal(pdb.spec.maxUnavailable, 0);
            assert.equal(pdb.spec.minAvailable, undefined);
            assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow");
        });

        it("gives a workload autoscaling up from one pod a PDB of one pod at a time", async () => {
            const args = validArgs({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 }, maxUnavailable: 1 });
            const { resources } = await run(args);
            assert.equal(
                (only(resources, "kubernetes:policy/v1:PodDisruptionBudget").inputs as Json).spec.maxUnavailable,
                1,
            );
        });

        it("rejects a budget that lets every pod go, or one given with minAvailable", () => {
            assert.deepEqual(problemsOf({ replicas: 1, maxUnavailable: 1 }), [
                "maxUnavailable: 1 -> an integer from 0 to 0 (a budget that lets all 1 pods go protects nothing)",
            ]);
            assert.deepEqual(problemsOf({ replicas: 3, minAvailable: 2, maxUnavailable: 1 }), [
                "maxUnavailable: 1 -> nothing when minAvailable is set: a PDB takes one of the two",
            ]);
        });
    });

    describe("StatefulSet partition", () => {
        it("holds the rollout below the partition", async () => {
            const { resources } = await run(validArgs({ kind: "StatefulSet", replicas: 3, partition: 2 }));
            assert.deepEqual((only(resources, "kubernetes:apps/v1:StatefulSet").inputs as Json).spec.updateStrategy, {
                type: "RollingUpdate",
                rollingUpdate: { partition: 2 },
            });
        });

        it("rejects a partition on a Deployment or above the replica count", () => {
            assert.deepEqual(problemsOf({ partition: 1 }), [
                "partition: 1 -> nothing: only a StatefulSet's rollout has a partition",
            ]);
            assert.deepEqual(problemsOf({ kind: "StatefulSet", replicas: 3, partition: 4 }), [
                "partition: 4 -> an integer from 0 to 3 (3 pauses the rollout)",
            ]);
            assert.throws(() => checkWorkloadArgs("api", validArgs({ partition: -1 })), ArgumentsError);
        });
    });
});
