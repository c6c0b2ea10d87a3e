import * as assert from "node:assert/strict";
import { ArgumentProblem } from "../../../components/errors";
import { TaskArgs, taskJobSpec, taskPodSpec, taskProblems } from "../../../components/k8s/taskSpec";
import { DNS_LABEL_ALLOWED, SECRET_KEY_ALLOWED } from "../../../components/validators";
import { validTask } from "../../support/taskFixtures";
import { hardenedContainer, hardenedPod, Json } from "../../support/workloadFixtures";

const PINNED =
    "an image pinned to a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> " +
    "(never latest or untagged)";
const MC_IMAGE = "registry.example.org/mirror/minio-mc:RELEASE.2025-08-13T08-35-41Z";

/** The pod spec of {@link validTask}, written out. */
function expectedPod(): Json {
    return {
        serviceAccountName: "buckets",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: "Never",
        securityContext: hardenedPod(10001),
        containers: [
            {
                name: "buckets",
                image: MC_IMAGE,
                // A tag can be moved in the registry: re-resolved on every start.
                imagePullPolicy: "Always",
                command: ["mc"],
                args: ["mb", "--ignore-existing", "local/voice-messages"],
                env: [
                    {
                        name: "MC_HOST_local",
                        valueFrom: {
                            secretKeyRef: { name: "object-store-secrets", key: "mc-host-local", optional: false },
                        },
                    },
                ],
                // Ephemeral storage by default: 64Mi requested, the 256Mi scratch plus 128Mi for logs as the limit.
                resources: {
                    requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" },
                    limits: { cpu: "250m", memory: "128Mi", "ephemeral-storage": "384Mi" },
                },
                securityContext: hardenedContainer,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                terminationMessagePolicy: "FallbackToLogsOnError",
            },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    };
}

describe("k8s taskSpec", () => {
    describe("taskPodSpec", () => {
        it("builds one hardened container that runs once, with a /tmp scratch and no token", () => {
            assert.deepEqual(taskPodSpec(validTask(), "buckets"), expectedPod());
        });

        const cases: [string, Partial<TaskArgs>, (pod: Json) => void][] = [
            ["no args: the image's arguments", { args: undefined }, (pod) => delete pod.containers[0].args],
            [
                "an IRSA role: the token is mounted",
                {
                    role: {
                        arn: "arn:aws:iam::111122223333:role/backup",
                        serviceAccount: { namespace: "messaging-testnet", name: "backup" },
                    },
                },
                (pod) => (pod.automountServiceAccountToken = true),
            ],
            [
                "plain env: values sorted by name, before the secretKeyRefs",
                { env: { S3_BUCKET: "voice-messages", MC_INSECURE: "false" } },
                (pod) =>
                    pod.containers[0].env.unshift(
                        { name: "MC_INSECURE", value: "false" },
                        { name: "S3_BUCKET", value: "voice-messages" },
                    ),
            ],
            ["no env at all: an empty list", { secretEnv: undefined }, (pod) => (pod.containers[0].env = [])],
            [
                "a bigger scratch: the ephemeral-storage limit covers it",
                { scratchSizeLimit: "1Gi" },
                (pod) => {
                    pod.volumes[0].emptyDir.sizeLimit = "1Gi";
                    pod.containers[0].resources.limits["ephemeral-storage"] = "1152Mi";
                },
            ],
            [
                "ephemeral storage given",
                {
                    resources: {
                        requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "1Gi" },
                        limits: { cpu: "250m", memory: "128Mi", ephemeralStorage: "2Gi" },
                    },
                },
                (pod) => {
                    pod.containers[0].resources.requests["ephemeral-storage"] = "1Gi";
                    pod.containers[0].resources.limits["ephemeral-storage"] = "2Gi";
                },
            ],
            [
                "another command, task name and image",
                {
                    task: "object-store-buckets",
                    command: ["sh", "-c"],
                    image: "registry.example.org/mirror/minio-mc@sha256:" + "a".repeat(64),
                },
                (pod) => {
                    pod.containers[0].name = "object-store-buckets";
                    pod.containers[0].command = ["sh", "-c"];
                    pod.containers[0].image = "registry.example.org/mirror/minio-mc@sha256:" + "a".repeat(64);
                    // A digest is immutable: the node's copy is the reviewed one.
                    pod.containers[0].imagePullPolicy = "IfNotPresent";
                },
            ],
        ];
        for (const [title, overrides, change] of cases) {
            it(`with ${title}`, () => {
                const want = expectedPod();
                change(want);
                assert.deepEqual(taskPodSpec(validTask(overrides), "buckets"), want);
            });
        }

        it("copies the command and args, so a caller's later change does not reach the spec", () => {
            const args = validTask();
            const pod = taskPodSpec(args, "buckets") as Json;
            assert.notEqual(pod.containers[0].command, args.command);
            assert.notEqual(pod.containers[0].args, args.args);
        });
    });

    describe("taskJobSpec", () => {
        const labels = { "app.kubernetes.io/name": "buckets", "app.kubernetes.io/instance": "testnet" };

        it("runs the pod once with the deadline, three retries by default, and the labels on the template", () => {
            const spec = taskJobSpec(validTask(), labels, "buckets") as Json;
            assert.deepEqual(spec, {
                activeDeadlineSeconds: 600,
                backoffLimit: 3,
                template: { metadata: { labels }, spec: expectedPod() },
            });
            assert.notEqual(spec.template.metadata.labels, labels, "the template gets its own copy");
        });

        it("takes the retries given, 0 included", () => {
            assert.equal((taskJobSpec(validTask({ backoffLimit: 6 }), labels, "buckets") as Json).backoffLimit, 6);
            assert.equal((taskJobSpec(validTask({ backoffLimit: 0 }), labels, "buckets") as Json).backoffLimit, 0);
        });
    });

    describe("taskProblems", () => {
        const passing: [string, Partial<TaskArgs>][] = [
            ["the fixture", {}],
            ["an image pinned by digest", { image: "registry.example.org/mirror/minio-mc@sha256:" + "0".repeat(64) }],
            ["the shortest deadline", { activeDeadlineSeconds: 60 }],
            ["the longest deadline", { activeDeadlineSeconds: 86_400 }],
            ["no retries", { backoffLimit: 0 }],
            ["the most retries", { backoffLimit: 10 }],
            ["a plain env name with KEY qualifying something else", { env: { KEY_REGISTRY_ADDRESS: "0xabc" } }],
        ];
        for (const [title, overrides] of passing) {
            it(`accepts ${title}`, () => {
                assert.deepEqual(taskProblems(validTask(overrides)), []);
            });
        }

        const failing: [string, Partial<TaskArgs>, ArgumentProblem[]][] = [
            [
                "an upper-case task name",
                { task: "Buckets" },
                [{ path: "task", given: '"Buckets"', allowed: DNS_LABEL_ALLOWED }],
            ],
            ["an empty task name", { task: "" }, [{ path: "task", given: '""', allowed: DNS_LABEL_ALLOWED }]],
            [
                "an image on latest",
                { image: "registry.example.org/mirror/minio-mc:latest" },
                [{ path: "image", given: '"registry.example.org/mirror/minio-mc:latest"', allowed: PINNED }],
            ],
            [
                "an untagged image",
                { image: "registry.example.org/mirror/minio-mc" },
                [{ path: "image", given: '"registry.example.org/mirror/minio-mc"', allowed: PINNED }],
            ],
            ["no command", { command: [] }, [{ path: "command", given: "[]", allowed: 'an entrypoint, e.g. ["mc"]' }]],
            [
                "a CPU request that is no quantity",
                { resources: { requests: { cpu: "fast", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } } },
                [{ path: "resources.requests.cpu", given: '"fast"', allowed: "a CPU quantity such as 250m or 1" }],
            ],
            [
                "a memory limit below its request",
                { resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "32Mi" } } },
                [
                    {
                        path: "resources.limits.memory",
                        given: '"32Mi"',
                        allowed: "a memory quantity >= requests.memory (64Mi)",
                    },
                ],
            ],
            [
                "an ephemeral-storage limit below the scratch plus logs",
                {
                    scratchSizeLimit: "1Gi",
                    resources: {
                        requests: { cpu: "50m", memory: "64Mi" },
                        limits: { cpu: "250m", memory: "128Mi", ephemeralStorage: "1Gi" },
                    },
                },
                [
                    {
                        path: "resources.limits.ephemeralStorage",
                        given: '"1Gi"',
                        allowed:
                            "a storage quantity >= 1152Mi (the pod's writable emptyDir sizeLimits plus 128Mi for " +
                            "logs: the kubelet evicts the pod at its limit)",
                    },
                ],
            ],
            [
                "an ephemeral-storage limit below its request",
                {
                    resources: {
                        requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "2Gi" },
                        limits: { cpu: "250m", memory: "128Mi", ephemeralStorage: "1Gi" },
                    },
                },
                [
                    {
                        path: "resources.limits.ephemeralStorage",
                        given: '"1Gi"',
                        allowed: "a storage quantity >= requests.ephemeralStorage (2Gi)",
                    },
                ],
            ],
            [
                "ephemeral-storage quantities that are none",
                {
                    resources: {
                        requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "lots" },
                        limits: { cpu: "250m", memory: "128Mi", ephemeralStorage: "1 Gi" },
                    },
                },
                [
                    {
                        path: "resources.requests.ephemeralStorage",
                        given: '"lots"',
                        allowed: "a storage quantity such as 64Mi or 1Gi",
                    },
                    {
                        path: "resources.limits.ephemeralStorage",
                        given: '"1 Gi"',
                        allowed: "a storage quantity such as 64Mi or 1Gi",
                    },
                ],
            ],
            [
                "a scratch size that is no quantity",
                { scratchSizeLimit: "big" },
                [{ path: "scratchSizeLimit", given: '"big"', allowed: "a storage quantity such as 256Mi or 20Gi" }],
            ],
            [
                "a secret env var named like a plain one (Kubernetes would keep only the last)",
                { env: { MC_HOST_local: "http://x" } },
                [{ path: "secretEnv[0].envName", given: '"MC_HOST_local"', allowed: "a name not already set by env" }],
            ],
            [
                "a password in a plain env var",
                { env: { PGPASSWORD: "hunter2" } },
                [{ path: "env", given: '"PGPASSWORD"', allowed: "a non-secret name; secrets come through secretEnv" }],
            ],
            [
                "a key in a plain env var",
                { env: { MINIO_ACCESS_KEY: "root" } },
                [
                    {
                        path: "env",
                        given: '"MINIO_ACCESS_KEY"',
                        allowed: "a non-secret name; secrets come through secretEnv",
                    },
                ],
            ],
            [
                "a Secret key with a space",
                { secretEnv: [{ envName: "MC_HOST_local", secret: { name: "object-store-secrets", key: "mc host" } }] },
                [{ path: "secretEnv[0].secret.key", given: '"mc host"', allowed: SECRET_KEY_ALLOWED }],
            ],
            [
                "a deadline under a minute",
                { activeDeadlineSeconds: 59 },
                [{ path: "activeDeadlineSeconds", given: "59", allowed: "an integer from 60 to 86400 (seconds)" }],
            ],
            [
                "a deadline over a day",
                { activeDeadlineSeconds: 86_401 },
                [{ path: "activeDeadlineSeconds", given: "86401", allowed: "an integer from 60 to 86400 (seconds)" }],
            ],
            [
                "a fractional deadline",
                { activeDeadlineSeconds: 600.5 },
                [{ path: "activeDeadlineSeconds", given: "600.5", allowed: "an integer from 60 to 86400 (seconds)" }],
            ],
            [
                "negative retries",
                { backoffLimit: -1 },
                [{ path: "backoffLimit", given: "-1", allowed: "an integer from 0 to 10" }],
            ],
            [
                "more than ten retries",
                { backoffLimit: 11 },
                [{ path: "backoffLimit", given: "11", allowed: "an integer from 0 to 10" }],
            ],
        ];
        for (const [title, overrides, problems] of failing) {
            it(`reports ${title}`, () => {
                assert.deepEqual(taskProblems(validTask(overrides)), problems);
            });
        }

        it("reports every problem at once, in argument order", () => {
            const args = validTask({
                task: "Buckets",
                image: "registry.example.org/mirror/minio-mc:latest",
                command: [],
                resources: { requests: { cpu: "fast", memory: "64Mi" }, limits: { cpu: "250m", memory: "32Mi" } },
                env: { PGPASSWORD: "hunter2", MINIO_ACCESS_KEY: "root" },
                secretEnv: [{ envName: "MC_HOST_local", secret: { name: "object-store-secrets", key: "mc host" } }],
                activeDeadlineSeconds: 59,
                backoffLimit: 11,
            });
            assert.deepEqual(
                taskProblems(args).map((p) => [p.path, p.given]),
                [
                    ["task", '"Buckets"'],
                    ["image", '"registry.example.org/mirror/minio-mc:latest"'],
                    ["command", "[]"],
                    ["resources.requests.cpu", '"fast"'],
                    ["resources.limits.memory", '"32Mi"'],
                    ["env", '"PGPASSWORD"'],
                    ["env", '"MINIO_ACCESS_KEY"'],
                    ["secretEnv[0].secret.key", '"mc host"'],
                    ["activeDeadlineSeconds", "59"],
                    ["backoffLimit", "11"],
                ],
            );
        });
    });
});
