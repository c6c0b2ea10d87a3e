/**
 * Container rules: requests and limits, pinned images, health probes (rules/workload/containers.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import {
    envUniqueNames,
    healthProbes,
    imagePinned,
    imagePinProblem,
    imagePullPolicy,
    probesDistinct,
    resourceRequestsLimits,
} from "../../rules/workload/containers";
import { C0, deployment, pod, RELAY, S, secureContainer, securePodSpec } from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

describe("workload policies", () => {
    const resourcesFix =
        "set cpu and memory requests and limits: requests let the scheduler place the pod, limits keep one container from starving its neighbours.";
    policyTable(resourceRequestsLimits, deployment, (d) => d, [
        {
            name: "no cpu request",
            mutate: (d) => void delete pod(d).containers![0].resources!.requests!.cpu,
            messages: [`${C0}.resources.requests.cpu is unset${RELAY}; ${resourcesFix}`],
        },
        {
            name: "no memory request",
            mutate: (d) => void delete pod(d).containers![0].resources!.requests!.memory,
            messages: [`${C0}.resources.requests.memory is unset${RELAY}; ${resourcesFix}`],
        },
        {
            name: "no cpu limit",
            mutate: (d) => void delete pod(d).containers![0].resources!.limits!.cpu,
            messages: [`${C0}.resources.limits.cpu is unset${RELAY}; ${resourcesFix}`],
        },
        {
            name: "empty memory limit",
            mutate: (d) => void (pod(d).containers![0].resources!.limits!.memory = ""),
            messages: [`${C0}.resources.limits.memory is ""${RELAY}; ${resourcesFix}`],
        },
        {
            name: "init container without resources",
            mutate: (d) =>
                void (pod(d).initContainers = [
                    { name: "migrate", image: "registry.example.org/messaging/migrate:2.3.0" },
                ]),
            messages: ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].map(
                (f) => `${S}.initContainers[0].resources.${f} is unset (init container "migrate"); ${resourcesFix}`,
            ),
        },
    ]);

    policyTable(imagePinned, deployment, (d) => d, [
        {
            name: "latest",
            mutate: (d) => void (pod(d).containers![0].image = "registry.example.org/messaging/relay:latest"),
            messages: [
                `${C0}.image is "registry.example.org/messaging/relay:latest"${RELAY}; pin a version tag ` +
                    `(e.g. :1.4.2) or an @sha256 digest: latest moves under you, so rollouts are not ` +
                    `reproducible and rollbacks do not roll back.`,
            ],
        },
        {
            name: "untagged (a registry port is not a tag)",
            mutate: (d) => void (pod(d).containers![0].image = "registry.example.org:5000/messaging/relay"),
            messages: [
                `${C0}.image is "registry.example.org:5000/messaging/relay"${RELAY}; pin a version tag ` +
                    `(e.g. :1.4.2) or an @sha256 digest: an untagged image means latest, so rollouts are not ` +
                    `reproducible.`,
            ],
        },
        {
            name: "malformed digest",
            mutate: (d) => void (pod(d).containers![0].image = "registry.example.org/messaging/relay@sha256:abc"),
            messages: [
                `${C0}.image is "registry.example.org/messaging/relay@sha256:abc"${RELAY}; write the digest as @sha256: followed by 64 lower-case hex digits.`,
            ],
        },
        {
            name: "no image",
            mutate: (d) => void delete pod(d).containers![0].image,
            messages: [`${C0}.image is unset${RELAY}; name an image pinned to a version tag or an @sha256 digest.`],
        },
    ]);

    it("imagePinProblem accepts tags and digests and rejects the rest", () => {
        const table: [string, ReturnType<typeof imagePinProblem>][] = [
            ["nginx:1.27.3", undefined],
            ["registry.example.org:5000/a/b:v2", undefined],
            [`a/b@sha256:${"0".repeat(64)}`, undefined],
            [`a/b:1.0@sha256:${"f".repeat(64)}`, undefined],
            ["a/b:latest", "latest"],
            ["a/b", "untagged"],
            ["a/b:", "untagged"],
            [`a/b@sha256:${"F".repeat(64)}`, "bad-digest"],
            ["", "unset"],
        ];
        for (const [image, expected] of table) assert.equal(imagePinProblem(image), expected, image);
    });

    policyTable(healthProbes, deployment, (d) => d, [
        {
            name: "no readiness probe",
            mutate: (d) => void delete pod(d).containers![0].readinessProbe,
            messages: [
                `${C0}.readinessProbe is unset${RELAY}; add a readinessProbe so Services send traffic only to pods that can serve it.`,
            ],
        },
        {
            name: "no liveness probe",
            mutate: (d) => void delete pod(d).containers![0].livenessProbe,
            messages: [
                `${C0}.livenessProbe is unset${RELAY}; add a livenessProbe so the kubelet restarts a container that hangs.`,
            ],
        },
        {
            name: "sidecar without probes",
            mutate: (d) =>
                void (pod(d).initContainers = [
                    { name: "proxy", image: "envoy:1.31.0", restartPolicy: "Always" },
                    { name: "migrate", image: "m:1" },
                ]),
            messages: [
                `${S}.initContainers[0].readinessProbe is unset (init container "proxy"); add a ` +
                    `readinessProbe so Services send traffic only to pods that can serve it.`,
                `${S}.initContainers[0].livenessProbe is unset (init container "proxy"); add a livenessProbe so the kubelet restarts a container that hangs.`,
            ],
        },
    ]);

    it("workload-health-probes leaves Jobs, CronJobs and run-to-completion Pods alone", async () => {
        const spec = securePodSpec("batch");
        delete spec.containers![0].readinessProbe;
        delete spec.containers![0].livenessProbe;
        assert.deepEqual(
            await messagesOf(healthProbes, res("kubernetes:batch/v1:Job", "j", { spec: { template: { spec } } })),
            [],
        );
        assert.deepEqual(
            await messagesOf(
                healthProbes,
                res("kubernetes:batch/v1:CronJob", "c", { spec: { jobTemplate: { spec: { template: { spec } } } } }),
            ),
            [],
        );
        assert.deepEqual(
            await messagesOf(
                healthProbes,
                res("kubernetes:core/v1:Pod", "p", { spec: { ...spec, restartPolicy: "Never" } }),
            ),
            [],
        );
    });

    const pullFix =
        "an image referenced by tag; set imagePullPolicy: Always (a tag can be moved in the registry; Always " +
        "re-resolves it on every start, so no node keeps running a stale cached image), or pin the image by @sha256 digest.";
    const relayImage = '"registry.example.org/messaging/relay:1.8.2"';
    policyTable(imagePullPolicy, deployment, (d) => d, [
        {
            name: "IfNotPresent with a tag",
            mutate: (d) => void (pod(d).containers![0].imagePullPolicy = "IfNotPresent"),
            messages: [`${C0}.imagePullPolicy is "IfNotPresent"${RELAY} for ${relayImage}, ${pullFix}`],
        },
        {
            name: "unset with a version tag (Kubernetes defaults it to IfNotPresent)",
            mutate: (d) => void delete pod(d).containers![0].imagePullPolicy,
            messages: [
                `${C0}.imagePullPolicy is unset (Kubernetes defaults it to IfNotPresent for a version tag)${RELAY} ` +
                    `for ${relayImage}, ${pullFix}`,
            ],
        },
        {
            name: "Never with a tag, on an init container",
            mutate: (d) =>
                void (pod(d).initContainers = [
                    { ...secureContainer("migrate", 1), imagePullPolicy: "Never", image: "m:2.3.0" },
                ]),
            messages: [
                `${S}.initContainers[0].imagePullPolicy is "Never" (init container "migrate") for "m:2.3.0", ${pullFix}`,
            ],
        },
    ]);

    it("workload-image-pull-policy lets @sha256 images use the node's cache and leaves unpinned ones to workload-image-pinned", async () => {
        const digest = deployment();
        pod(digest).containers![0].image = `registry.example.org/messaging/relay@sha256:${"a".repeat(64)}`;
        pod(digest).containers![0].imagePullPolicy = "IfNotPresent";
        const tagAndDigest = deployment();
        pod(tagAndDigest).containers![0].image = `registry.example.org/messaging/relay:1.8.2@sha256:${"b".repeat(64)}`;
        delete pod(tagAndDigest).containers![0].imagePullPolicy;
        const latest = deployment();
        pod(latest).containers![0].image = "registry.example.org/messaging/relay:latest";
        delete pod(latest).containers![0].imagePullPolicy;
        for (const d of [digest, tagAndDigest, latest]) assert.deepEqual(await messagesOf(imagePullPolicy, d), []);
    });

    const probeFix =
        "give liveness its own check (a liveness endpoint, or a tcpSocket on the port): with the same check a " +
        "readiness failure under load also restarts the container, and restarts turn a slow dependency into an outage.";
    policyTable(probesDistinct, deployment, (d) => d, [
        {
            name: "the same httpGet path and port, different timings",
            mutate: (d) => {
                pod(d).containers![0].livenessProbe = {
                    httpGet: { path: "/ready", port: 3200 },
                    periodSeconds: 30,
                } as never;
            },
            messages: [
                `${C0}.livenessProbe makes the same check as its readinessProbe${RELAY} (httpGet HTTP "/ready" on port 3200); ${probeFix}`,
            ],
        },
        {
            name: "the same path through a named port",
            mutate: (d) => void (pod(d).containers![0].livenessProbe = { httpGet: { path: "/ready", port: "http" } }),
            messages: [
                `${C0}.livenessProbe makes the same check as its readinessProbe${RELAY} (httpGet HTTP "/ready" on port 3200); ${probeFix}`,
            ],
        },
        {
            name: "the same tcpSocket port",
            mutate: (d) => {
                pod(d).containers![0].readinessProbe = { tcpSocket: { port: 3200 } };
                pod(d).containers![0].livenessProbe = { tcpSocket: { port: "http" } };
            },
            messages: [
                `${C0}.livenessProbe makes the same check as its readinessProbe${RELAY} (tcpSocket on port 3200); ${probeFix}`,
            ],
        },
        {
            name: "the same exec command",
            mutate: (d) => {
                pod(d).containers![0].readinessProbe = { exec: { command: ["pg_isready", "-q"] } };
                pod(d).containers![0].livenessProbe = { exec: { command: ["pg_isready", "-q"] } };
            },
            messages: [
                `${C0}.livenessProbe makes the same check as its readinessProbe${RELAY} (exec ["pg_isready","-q"]); ${probeFix}`,
            ],
        },
        {
            name: "the same grpc port",
            mutate: (d) => {
                pod(d).containers![0].readinessProbe = { grpc: { port: 3200 } };
                pod(d).containers![0].livenessProbe = { grpc: { port: 3200 } };
            },
            messages: [
                `${C0}.livenessProbe makes the same check as its readinessProbe${RELAY} (grpc on port 3200); ${probeFix}`,
            ],
        },
    ]);

    it("workload-probes-distinct accepts a TCP liveness beside an HTTP readiness on the same port, and different grpc services", async () => {
        const tcp = deployment();
        pod(tcp).containers![0].livenessProbe = { tcpSocket: { port: "http" } };
        const grpc = deployment();
        pod(grpc).containers![0].readinessProbe = { grpc: { port: 3200, service: "ready" } };
        pod(grpc).containers![0].livenessProbe = { grpc: { port: 3200 } };
        for (const d of [tcp, grpc]) assert.deepEqual(await messagesOf(probesDistinct, d), []);
    });

    const envFix = "keep one entry per name: Kubernetes silently keeps the last, so the others never take effect.";
    policyTable(envUniqueNames, deployment, (d) => d, [
        {
            name: "a plain value shadowed by a later entry",
            mutate: (d) => void pod(d).containers![0].env!.push({ name: "LOG_LEVEL", value: "debug" }),
            messages: [`${C0}.env lists "LOG_LEVEL" 2 times (env[0], env[3])${RELAY}; ${envFix}`],
        },
        {
            name: "a secretKeyRef listed three times on an init container",
            mutate: (d) => {
                const ref = { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } };
                pod(d).initContainers = [{ ...secureContainer("migrate", 1), env: [ref, ref, ref] }];
            },
            messages: [
                `${S}.initContainers[0].env lists "DB_PASSWORD" 3 times (env[0], env[1], env[2]) (init container "migrate"); ${envFix}`,
            ],
        },
    ]);
});
