/**
 * Workload rules: one passing input and one mutation per failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../offline";
import { PodSpec } from "../rules/pods";
import {
    cronJobSafety,
    healthProbes,
    imagePinned,
    imagePinProblem,
    minReplicas,
    notInDefaultNamespace,
    podServiceAccountToken,
    resourceRequestsLimits,
    serviceAccountTokenAutomount,
} from "../rules/workload";
import {
    cronJob,
    deployment,
    hpa,
    irsaServiceAccount,
    plainServiceAccount,
    provider,
    securePodSpec,
    statefulSet,
} from "./compliantStack";
import { messagesOf, policyTable, res } from "./support";

const S = "spec.template.spec";
const C0 = `${S}.containers[0]`;
const RELAY = ' (container "relay")';

function pod(d: OfflineResource): PodSpec {
    return d.props.spec.template.spec as PodSpec;
}

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

    policyTable(cronJobSafety, cronJob, (c) => c, [
        {
            name: "concurrencyPolicy unset (Allow)",
            mutate: (c) => void delete c.props.spec.concurrencyPolicy,
            messages: [
                `spec.concurrencyPolicy is unset; set it to "Forbid" (or "Replace") so a slow run never ` +
                    `overlaps the next one (the default, Allow, lets runs pile up).`,
            ],
        },
        {
            name: "concurrencyPolicy Allow",
            mutate: (c) => void (c.props.spec.concurrencyPolicy = "Allow"),
            messages: [
                `spec.concurrencyPolicy is "Allow"; set it to "Forbid" (or "Replace") so a slow run never ` +
                    `overlaps the next one (the default, Allow, lets runs pile up).`,
            ],
        },
        {
            name: "no startingDeadlineSeconds",
            mutate: (c) => void delete c.props.spec.startingDeadlineSeconds,
            messages: [
                `spec.startingDeadlineSeconds is unset; set a positive number of seconds (e.g. 300) so a ` +
                    `run missed during an outage is skipped instead of started late, and missed schedules stop ` +
                    `piling up.`,
            ],
        },
        {
            name: "no activeDeadlineSeconds on the job",
            mutate: (c) => void delete c.props.spec.jobTemplate.spec.activeDeadlineSeconds,
            messages: [
                `spec.jobTemplate.spec.activeDeadlineSeconds is unset; set a positive number of seconds so ` +
                    `a hung run is killed instead of blocking every later run.`,
            ],
        },
        {
            name: "no successfulJobsHistoryLimit",
            mutate: (c) => void delete c.props.spec.successfulJobsHistoryLimit,
            messages: [
                `spec.successfulJobsHistoryLimit is unset; set it explicitly (e.g. 3) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            ],
        },
        {
            name: "no failedJobsHistoryLimit",
            mutate: (c) => void delete c.props.spec.failedJobsHistoryLimit,
            messages: [
                `spec.failedJobsHistoryLimit is unset; set it explicitly (e.g. 3) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            ],
        },
    ]);

    const workloads = () => ({ d: deployment(), s: statefulSet(), h: hpa(), p: provider() });
    const floor = { minReplicas: 2 };
    policyTable(
        minReplicas,
        workloads,
        (w) => [w.p, w.d, w.s, w.h],
        [
            {
                name: "one replica and no HPA",
                mutate: (w) => void (w.s.props.spec.replicas = 1),
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas 1; run at ` +
                        `least 2 replicas on this network (or scale it with an HPA whose minReplicas is at least 2) ` +
                        `so losing one pod does not take the service down.`,
                ],
            },
            {
                name: "replicas unset (1)",
                mutate: (w) => void delete w.s.props.spec.replicas,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet" has spec.replicas unset; run ` +
                        `at least 2 replicas on this network (or scale it with an HPA whose minReplicas is at least ` +
                        `2) so losing one pod does not take the service down.`,
                ],
            },
            {
                name: "an HPA whose minReplicas is below the floor (spec.replicas does not count)",
                mutate: (w) => void (w.h.props.spec.minReplicas = 1),
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet" is scaled by HorizontalPodAutoscaler ` +
                        `"relay" whose spec.minReplicas is 1; raise it to at least 2 on this network so losing one ` +
                        `pod does not take the service down.`,
                ],
            },
        ],
        floor,
    );

    it("workload-min-replicas is off at 1 and honours reviewed exemptions", async () => {
        const s = statefulSet();
        s.props.spec.replicas = 1;
        assert.deepEqual(await messagesOf(minReplicas, [provider(), s]), []);
        assert.deepEqual(
            await messagesOf(minReplicas, [provider(), s], { minReplicas: 2, exempt: ["object-store"] }),
            [],
        );
        assert.deepEqual(
            await messagesOf(minReplicas, [provider(), s], {
                minReplicas: 2,
                exempt: ["messaging-mainnet/object-store"],
            }),
            [],
        );
        assert.equal(
            (await messagesOf(minReplicas, [provider(), s], { minReplicas: 2, exempt: ["other/object-store"] })).length,
            1,
        );
    });

    const namespaceFix =
        "set metadata.namespace (or the Kubernetes provider's namespace) to the network's " +
        "namespace: default has no Pod Security labels, quota or default-deny network policy.";
    policyTable(
        notInDefaultNamespace,
        () => ({ d: deployment(), p: provider() }),
        (x) => [x.p, x.d],
        [
            {
                name: "namespace default",
                mutate: (x) => void (x.d.props.metadata.namespace = "default"),
                messages: [`metadata.namespace is "default"; ${namespaceFix}`],
            },
            {
                name: "no namespace and no provider",
                mutate: (x) => void delete x.d.options.provider,
                messages: [
                    `metadata.namespace is unset and the Kubernetes provider sets no namespace; ${namespaceFix}`,
                ],
            },
            {
                name: "the provider's namespace is default",
                mutate: (x) => void (x.p.props.namespace = "default"),
                messages: [
                    `metadata.namespace is unset and the Kubernetes provider's namespace is "default"; ${namespaceFix}`,
                ],
            },
        ],
    );

    policyTable(
        serviceAccountTokenAutomount,
        () => plainServiceAccount("object-store"),
        (sa) => sa,
        [
            {
                name: "automount unset",
                mutate: (sa) => void delete sa.props.automountServiceAccountToken,
                messages: [
                    `automountServiceAccountToken is unset; set it to false: the service account has no ` +
                        `eks.amazonaws.com/role-arn annotation, so its pods need no token and a stolen one would ` +
                        `reach the Kubernetes API.`,
                ],
            },
            {
                name: "automount true",
                mutate: (sa) => void (sa.props.automountServiceAccountToken = true),
                messages: [
                    `automountServiceAccountToken is true; set it to false: the service account has no ` +
                        `eks.amazonaws.com/role-arn annotation, so its pods need no token and a stolen one would ` +
                        `reach the Kubernetes API.`,
                ],
            },
        ],
    );

    it("service-account-token-automount lets an IRSA service account keep its token", async () => {
        assert.deepEqual(await messagesOf(serviceAccountTokenAutomount, irsaServiceAccount()), []);
    });

    policyTable(
        podServiceAccountToken,
        () => ({ p: provider(), sa: irsaServiceAccount(), d: deployment(), s: statefulSet() }),
        (x) => [x.p, x.sa, x.d, x.s],
        [
            {
                name: "automount unset with a non-IRSA service account",
                mutate: (x) => void delete x.s.props.spec.template.spec.automountServiceAccountToken,
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet": ` +
                        `${S}.automountServiceAccountToken is unset and its service account "object-store" is not ` +
                        `an IRSA service account in this stack; set it to false so the pod gets no Kubernetes API ` +
                        `token it does not need.`,
                ],
            },
            {
                name: "automount true with the default service account",
                mutate: (x) => {
                    delete x.s.props.spec.template.spec.serviceAccountName;
                    x.s.props.spec.template.spec.automountServiceAccountToken = true;
                },
                messages: [
                    `StatefulSet "object-store" in namespace "messaging-mainnet": ` +
                        `${S}.automountServiceAccountToken is true and its service account "default" is not an IRSA ` +
                        `service account in this stack; set it to false so the pod gets no Kubernetes API token it ` +
                        `does not need.`,
                ],
            },
            {
                name: "the IRSA service account lives in another namespace",
                mutate: (x) => {
                    x.sa.props.metadata.namespace = "other";
                    delete x.d.props.spec.template.spec.automountServiceAccountToken;
                },
                messages: [
                    `Deployment "relay" in namespace "messaging-mainnet": ${S}.automountServiceAccountToken is ` +
                        `unset and its service account "relay" is not an IRSA service account in this stack; set it ` +
                        `to false so the pod gets no Kubernetes API token it does not need.`,
                ],
            },
        ],
    );

    it("pod-service-account-token lets pods of an IRSA service account keep the token", async () => {
        const d = deployment();
        delete d.props.spec.template.spec.automountServiceAccountToken;
        assert.deepEqual(await messagesOf(podServiceAccountToken, [provider(), irsaServiceAccount(), d]), []);
    });
});
