/**
 * Container rules: requests and limits, pinned images, health probes (rules/workload/containers.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { healthProbes, imagePinned, imagePinProblem, resourceRequestsLimits } from "../../rules/workload/containers";
import { C0, deployment, pod, RELAY, S, securePodSpec } from "../compliantStack";
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
});
