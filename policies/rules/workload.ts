/**
 * Workload reliability and hygiene: resources, pinned images, health probes, safe CronJobs,
 * a replica floor, no workloads in `default`, and no service-account token unless a pod needs
 * AWS through IRSA.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ContainerList, containerNote, containersOf, PodTemplate, podTemplateOf } from "./pods";
import {
    asRecord,
    defaultEnforcement,
    describeK8s,
    K8S,
    k8sName,
    k8sNamespace,
    kindOf,
    POD_KINDS,
    show,
    validateTypes,
} from "./util";

/** The annotation that binds a Kubernetes service account to an IAM role (IRSA). */
export const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

// ---------------------------------------------------------------------------------------------
// Requests and limits

const RESOURCE_FIELDS = [
    ["requests", "cpu"],
    ["requests", "memory"],
    ["limits", "cpu"],
    ["limits", "memory"],
] as const;

/** Containers that can carry resources (ephemeral containers cannot). */
const RESOURCE_LISTS: readonly ContainerList[] = ["containers", "initContainers"];

/** Messages for every missing cpu/memory request or limit of a pod's containers. */
export function missingResources(pod: PodTemplate): string[] {
    const messages: string[] = [];
    for (const ref of containersOf(pod, RESOURCE_LISTS)) {
        const resources = asRecord(ref.container.resources);
        for (const [section, resource] of RESOURCE_FIELDS) {
            const value = asRecord(resources?.[section])?.[resource];
            if (value === undefined || value === null || value === "") {
                messages.push(
                    `${ref.path}.resources.${section}.${resource} is ${show(value)}${containerNote(ref)}; set ` +
                        `cpu and memory requests and limits: requests let the scheduler place the pod, limits keep ` +
                        `one container from starving its neighbours.`,
                );
            }
        }
    }
    return messages;
}

/** Every container states cpu and memory requests and limits. */
export const resourceRequestsLimits: ResourceValidationPolicy = {
    name: "workload-resource-requests-limits",
    description:
        "Every container and init container must set cpu and memory requests and limits, so the " +
        "scheduler can place pods and one container cannot starve the others on its node.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes(POD_KINDS, (args, reportViolation) => {
        const pod = podTemplateOf(args.type, args.props);
        if (pod) missingResources(pod).forEach((m) => reportViolation(m));
    }),
};

// ---------------------------------------------------------------------------------------------
// Pinned images

/** Why an image reference is not pinned (`undefined` when it has a version tag or a sha256 digest). */
export function imagePinProblem(image: unknown): "unset" | "untagged" | "latest" | "bad-digest" | undefined {
    if (typeof image !== "string" || image.trim() === "") return "unset";
    const at = image.indexOf("@");
    if (at >= 0) return /^sha256:[a-f0-9]{64}$/.test(image.slice(at + 1)) ? undefined : "bad-digest";
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    if (colon < 0 || colon === lastSegment.length - 1) return "untagged";
    return lastSegment.slice(colon + 1) === "latest" ? "latest" : undefined;
}

const IMAGE_FIX: Record<NonNullable<ReturnType<typeof imagePinProblem>>, string> = {
    unset: "name an image pinned to a version tag or an @sha256 digest",
    untagged:
        "pin a version tag (e.g. :1.4.2) or an @sha256 digest: an untagged image means latest, so rollouts are not reproducible",
    latest: "pin a version tag (e.g. :1.4.2) or an @sha256 digest: latest moves under you, so rollouts are not reproducible and rollbacks do not roll back",
    "bad-digest": "write the digest as @sha256: followed by 64 lower-case hex digits",
};

/** Every container image names a version tag (not latest) or a sha256 digest. */
export const imagePinned: ResourceValidationPolicy = {
    name: "workload-image-pinned",
    description:
        "Every container image must be pinned to a version tag other than latest, or to an @sha256 " +
        "digest, so a rollout deploys exactly what was reviewed and a rollback restores it.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes(POD_KINDS, (args, reportViolation) => {
        const pod = podTemplateOf(args.type, args.props);
        if (!pod) return;
        for (const ref of containersOf(pod)) {
            const problem = imagePinProblem(ref.container.image);
            if (problem)
                reportViolation(
                    `${ref.path}.image is ${show(ref.container.image)}${containerNote(ref)}; ${IMAGE_FIX[problem]}.`,
                );
        }
    }),
};

// ---------------------------------------------------------------------------------------------
// Probes

/** Kinds whose pods are meant to run until replaced (Jobs and CronJobs run to completion). */
const LONG_RUNNING_KINDS: readonly string[] = [K8S.Pod, K8S.Deployment, K8S.StatefulSet, K8S.DaemonSet, K8S.ReplicaSet];

/** Messages for every long-running container without a readiness or liveness probe. */
export function missingProbes(pod: PodTemplate): string[] {
    if (pod.spec.restartPolicy === "Never" || pod.spec.restartPolicy === "OnFailure") return []; // a run-to-completion Pod
    const messages: string[] = [];
    // Sidecars (init containers with restartPolicy: Always) run for the pod's whole life too.
    const refs = containersOf(pod, ["containers", "initContainers"]).filter(
        (ref) => ref.list === "containers" || ref.container.restartPolicy === "Always",
    );
    for (const ref of refs) {
        if (!ref.container.readinessProbe) {
            messages.push(
                `${ref.path}.readinessProbe is unset${containerNote(ref)}; add a readinessProbe so Services send traffic only to pods that can serve it.`,
            );
        }
        if (!ref.container.livenessProbe) {
            messages.push(
                `${ref.path}.livenessProbe is unset${containerNote(ref)}; add a livenessProbe so the kubelet restarts a container that hangs.`,
            );
        }
    }
    return messages;
}

/** Long-running containers have readiness and liveness probes. */
export const healthProbes: ResourceValidationPolicy = {
    name: "workload-health-probes",
    description:
        "Every container (and sidecar) of a long-running workload (Pod, Deployment, StatefulSet, " +
        "DaemonSet, ReplicaSet; not Jobs or CronJobs) must have a readiness and a liveness probe, " +
        "so traffic only reaches ready pods and hung containers are restarted.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes(LONG_RUNNING_KINDS, (args, reportViolation) => {
        const pod = podTemplateOf(args.type, args.props);
        if (pod) missingProbes(pod).forEach((m) => reportViolation(m));
    }),
};

// ---------------------------------------------------------------------------------------------
// CronJobs

/** Messages for every unsafe scheduling setting of a CronJob's props. */
export function cronJobProblems(props: Record<string, unknown>): string[] {
    const spec = asRecord(props.spec) ?? {};
    const jobSpec = asRecord(asRecord(spec.jobTemplate)?.spec) ?? {};
    const messages: string[] = [];
    const policy = spec.concurrencyPolicy;
    if (policy !== "Forbid" && policy !== "Replace") {
        messages.push(
            `spec.concurrencyPolicy is ${show(policy)}; set it to "Forbid" (or "Replace") so a slow run ` +
                `never overlaps the next one (the default, Allow, lets runs pile up).`,
        );
    }
    const positive = (v: unknown) => typeof v === "number" && v > 0;
    if (!positive(spec.startingDeadlineSeconds)) {
        messages.push(
            `spec.startingDeadlineSeconds is ${show(spec.startingDeadlineSeconds)}; set a positive ` +
                `number of seconds (e.g. 300) so a run missed during an outage is skipped instead of ` +
                `started late, and missed schedules stop piling up.`,
        );
    }
    if (!positive(jobSpec.activeDeadlineSeconds)) {
        messages.push(
            `spec.jobTemplate.spec.activeDeadlineSeconds is ${show(jobSpec.activeDeadlineSeconds)}; set ` +
                `a positive number of seconds so a hung run is killed instead of blocking every later run.`,
        );
    }
    for (const [field, example] of [
        ["successfulJobsHistoryLimit", "3"],
        ["failedJobsHistoryLimit", "3"],
    ] as const) {
        const value = spec[field];
        if (typeof value !== "number" || value < 0) {
            messages.push(
                `spec.${field} is ${show(value)}; set it explicitly (e.g. ${example}) so finished Jobs and ` +
                    `their pods are kept for inspection but garbage-collected.`,
            );
        }
    }
    return messages;
}

/** CronJobs never overlap, never start late, never hang, and keep a bounded history. */
export const cronJobSafety: ResourceValidationPolicy = {
    name: "cronjob-safe-scheduling",
    description:
        "Every CronJob must set concurrencyPolicy Forbid or Replace, startingDeadlineSeconds, the " +
        "job's activeDeadlineSeconds and both history limits, so runs never overlap, never start " +
        "late after an outage, never hang forever and leave a bounded history.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes([K8S.CronJob], (args, reportViolation) => {
        cronJobProblems(args.props).forEach((m) => reportViolation(m));
    }),
};

// ---------------------------------------------------------------------------------------------
// Replica floor (stack: an HPA's minReplicas counts)

const HPA_TYPES: readonly string[] = [K8S.HorizontalPodAutoscaler, K8S.HorizontalPodAutoscalerV1];

/** The key an HPA's scaleTargetRef and a workload share: `<namespace>/<kind>/<name>`. */
function scaleKey(namespace: string, kind: unknown, name: unknown): string {
    return `${namespace}/${String(kind)}/${String(name)}`;
}

/**
 * Indexes a stack's HPAs by the workload they scale (same namespace, scaleTargetRef kind and
 * name), so a stack rule finds a workload's HPA without scanning every resource.
 */
export function hpaIndex(
    resources: readonly PolicyResource[],
): (workload: PolicyResource) => PolicyResource | undefined {
    const byTarget = new Map<string, PolicyResource>();
    for (const r of resources) {
        if (!HPA_TYPES.includes(r.type)) continue;
        const target = asRecord(asRecord(r.props.spec)?.scaleTargetRef);
        const key = scaleKey(k8sNamespace(r.props, r.provider), target?.kind, target?.name);
        if (!byTarget.has(key)) byTarget.set(key, r);
    }
    return (workload) =>
        byTarget.get(
            scaleKey(
                k8sNamespace(workload.props, workload.provider),
                kindOf(workload.type),
                k8sName(workload.props, workload.name),
            ),
        );
}

/** Config of {@link minReplicas}. */
export interface MinReplicasConfig {
    minReplicas: number;
    exempt: string[];
}

/** Deployments and StatefulSets run at least the network's replica floor. */
export const minReplicas: StackValidationPolicy = {
    name: "workload-min-replicas",
    description:
        "Deployments and StatefulSets must run at least `minReplicas` replicas (spec.replicas, or " +
        "the minReplicas of an HPA that scales them), so losing one pod or node does not take a " +
        "service down. 1 turns the rule off; each network sets its floor; `exempt` lists reviewed " +
        "single-instance workloads.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    configSchema: {
        properties: {
            minReplicas: {
                type: "integer",
                minimum: 1,
                default: 1,
                description: "The fewest replicas a Deployment or StatefulSet may run.",
            },
            exempt: {
                type: "array",
                items: { type: "string", minLength: 1 },
                uniqueItems: true,
                default: [],
                description:
                    "Reviewed exceptions: workloads that are single-instance by design (e.g. a standalone object store), as <namespace>/<name> or <name>.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<MinReplicasConfig>();
        const floor = config.minReplicas ?? 1;
        const exempt = new Set(config.exempt ?? []);
        if (floor <= 1) return;
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (r.type !== K8S.Deployment && r.type !== K8S.StatefulSet) continue;
            const name = k8sName(r.props, r.name);
            if (exempt.has(name) || exempt.has(`${k8sNamespace(r.props, r.provider)}/${name}`)) continue;
            const hpa = hpaOf(r);
            if (hpa) {
                const min = asRecord(hpa.props.spec)?.minReplicas;
                const effective = typeof min === "number" ? min : 1;
                if (effective < floor) {
                    reportViolation(
                        `${describeK8s(r)} is scaled by HorizontalPodAutoscaler ${JSON.stringify(k8sName(hpa.props, hpa.name))} ` +
                            `whose spec.minReplicas is ${show(min)}; raise it to at least ${floor} on this network so ` +
                            `losing one pod does not take the service down.`,
                        r.urn,
                    );
                }
                continue;
            }
            const replicas = asRecord(r.props.spec)?.replicas;
            const effective = typeof replicas === "number" ? replicas : 1;
            if (effective < floor) {
                reportViolation(
                    `${describeK8s(r)} has spec.replicas ${show(replicas)}; run at least ${floor} replicas on ` +
                        `this network (or scale it with an HPA whose minReplicas is at least ${floor}) so losing ` +
                        `one pod does not take the service down.`,
                    r.urn,
                );
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Namespace

/** Namespaced kinds this project creates; none of them belongs in `default`. */
export const NAMESPACED_KINDS: readonly string[] = [
    ...POD_KINDS,
    K8S.Service,
    K8S.ServiceAccount,
    K8S.ConfigMap,
    K8S.Secret,
    K8S.PersistentVolumeClaim,
    K8S.Ingress,
    K8S.NetworkPolicy,
    K8S.PodDisruptionBudget,
    K8S.HorizontalPodAutoscaler,
    K8S.HorizontalPodAutoscalerV1,
    K8S.Role,
    K8S.RoleBinding,
];

/** Nothing lands in the `default` namespace. */
export const notInDefaultNamespace: ResourceValidationPolicy = {
    name: "workload-not-in-default-namespace",
    description:
        "Workloads and their objects must name a namespace (on the object or through the Kubernetes " +
        "provider's namespace) other than default, because default has no Pod Security labels, " +
        "quota or default-deny network policy.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes(NAMESPACED_KINDS, (args, reportViolation) => {
        const own = asRecord(args.props.metadata)?.namespace;
        const fix =
            "set metadata.namespace (or the Kubernetes provider's namespace) to the network's " +
            "namespace: default has no Pod Security labels, quota or default-deny network policy.";
        if (own === "default") {
            reportViolation(`metadata.namespace is "default"; ${fix}`);
        } else if (own === undefined || own === null || own === "") {
            const fromProvider = args.provider?.props?.namespace;
            if (fromProvider === undefined || fromProvider === null || fromProvider === "") {
                reportViolation(`metadata.namespace is unset and the Kubernetes provider sets no namespace; ${fix}`);
            } else if (fromProvider === "default") {
                reportViolation(
                    `metadata.namespace is unset and the Kubernetes provider's namespace is "default"; ${fix}`,
                );
            }
        }
    }),
};

// ---------------------------------------------------------------------------------------------
// Service-account tokens

/** Whether a ServiceAccount's props carry an IRSA role annotation. */
export function isIrsaServiceAccount(props: Record<string, unknown>): boolean {
    const value = asRecord(asRecord(props.metadata)?.annotations)?.[IRSA_ANNOTATION];
    return typeof value === "string" && value !== "";
}

/** ServiceAccounts turn token automounting off unless they are IRSA service accounts. */
export const serviceAccountTokenAutomount: ResourceValidationPolicy = {
    name: "service-account-token-automount",
    description:
        `Every ServiceAccount must set automountServiceAccountToken: false unless it carries the ` +
        `IRSA annotation ${IRSA_ANNOTATION}, so pods do not get a Kubernetes API token they have no ` +
        `use for.`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes([K8S.ServiceAccount], (args, reportViolation) => {
        if (isIrsaServiceAccount(args.props)) return;
        const value = args.props.automountServiceAccountToken;
        if (value !== false) {
            reportViolation(
                `automountServiceAccountToken is ${show(value)}; set it to false: the service account has ` +
                    `no ${IRSA_ANNOTATION} annotation, so its pods need no token and a stolen one would reach ` +
                    `the Kubernetes API.`,
            );
        }
    }),
};

/** The service account a pod template runs as. */
export function serviceAccountOf(pod: PodTemplate): string {
    return pod.spec.serviceAccountName || pod.spec.serviceAccount || "default";
}

/** Pods turn token automounting off unless their service account is an IRSA service account. */
export const podServiceAccountToken: StackValidationPolicy = {
    name: "pod-service-account-token",
    description:
        `Every pod template must set automountServiceAccountToken: false unless its service account ` +
        `(looked up in the stack by namespace and name) carries the IRSA annotation ` +
        `${IRSA_ANNOTATION}, so only pods that need AWS keep a token.`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateStack: (args, reportViolation) => {
        const irsa = new Set<string>();
        for (const r of args.resources) {
            if (r.type === K8S.ServiceAccount && isIrsaServiceAccount(r.props)) {
                irsa.add(`${k8sNamespace(r.props, r.provider)}/${k8sName(r.props, r.name)}`);
            }
        }
        for (const r of args.resources) {
            const pod = podTemplateOf(r.type, r.props);
            if (!pod) continue;
            const account = serviceAccountOf(pod);
            if (irsa.has(`${k8sNamespace(r.props, r.provider)}/${account}`)) continue;
            const value = pod.spec.automountServiceAccountToken;
            if (value !== false) {
                reportViolation(
                    `${describeK8s(r)}: ${pod.specPath}.automountServiceAccountToken is ${show(value)} and its ` +
                        `service account ${JSON.stringify(account)} is not an IRSA service account in this stack; ` +
                        `set it to false so the pod gets no Kubernetes API token it does not need.`,
                    r.urn,
                );
            }
        }
    },
};

/** The workload group. */
export const workloadPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [
    resourceRequestsLimits,
    imagePinned,
    healthProbes,
    cronJobSafety,
    minReplicas,
    notInDefaultNamespace,
    serviceAccountTokenAutomount,
    podServiceAccountToken,
];
