/**
 * Containers: requests and limits, images pinned to a version or digest, and health probes on
 * long-running workloads.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerList, containerNote, containersOf, PodTemplate, podTemplateOf } from "../pods";
import { asRecord, defaultEnforcement, K8S, POD_KINDS, show, validateTypes } from "../util";

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
