/**
 * Containers: requests and limits, images pinned to a version or digest and pulled so a moved tag
 * is re-resolved, health probes on long-running workloads (liveness distinct from readiness), and
 * env names listed once.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    Container,
    ContainerList,
    containerNote,
    containersOf,
    EnvVar,
    PodTemplate,
    podTemplateOf,
    validatePodTemplates,
} from "../pods";
import { asArray, asRecord, defaultEnforcement, K8S, show, validateTypes } from "../util";

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
    validateResource: validatePodTemplates(missingResources),
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
    validateResource: validatePodTemplates((pod) =>
        containersOf(pod).flatMap((ref) => {
            const problem = imagePinProblem(ref.container.image);
            return problem
                ? [`${ref.path}.image is ${show(ref.container.image)}${containerNote(ref)}; ${IMAGE_FIX[problem]}.`]
                : [];
        }),
    ),
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

/** Kubernetes' own pull-policy default: Always for `:latest` or an untagged image, else IfNotPresent. */
function defaultPullPolicy(image: string): string {
    const problem = imagePinProblem(image);
    return problem === "latest" || problem === "untagged" ? "Always" : "IfNotPresent";
}

/**
 * Why a container's pull policy lets a node run a stale cached tag (`undefined` when it does not):
 * an image referenced by tag must be pulled `Always`; an @sha256 image may use any policy.
 */
export function pullPolicyProblem(image: unknown, pullPolicy: unknown): string | undefined {
    if (typeof image !== "string" || image.trim() === "" || image.includes("@")) return undefined;
    const effective = typeof pullPolicy === "string" && pullPolicy !== "" ? pullPolicy : defaultPullPolicy(image);
    if (effective === "Always") return undefined;
    return pullPolicy === undefined || pullPolicy === null || pullPolicy === ""
        ? `unset (Kubernetes defaults it to ${effective} for a version tag)`
        : show(pullPolicy);
}

/** Images referenced by tag are pulled Always; only @sha256 images may come from the node's cache. */
export const imagePullPolicy: ResourceValidationPolicy = {
    name: "workload-image-pull-policy",
    description:
        "A container whose image is referenced by tag must set imagePullPolicy: Always (unset means " +
        "IfNotPresent for a version tag): a tag can be moved in the registry, and Always re-resolves it on " +
        "every start, so no node keeps running a stale cached image the others have replaced. Images " +
        "pinned by @sha256 digest are immutable and may use IfNotPresent.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validatePodTemplates((pod) =>
        containersOf(pod).flatMap((ref) => {
            const problem = pullPolicyProblem(ref.container.image, ref.container.imagePullPolicy);
            return problem
                ? [
                      `${ref.path}.imagePullPolicy is ${problem}${containerNote(ref)} for ${show(ref.container.image)}, ` +
                          `an image referenced by tag; set imagePullPolicy: Always (a tag can be moved in the ` +
                          `registry; Always re-resolves it on every start, so no node keeps running a stale cached ` +
                          `image), or pin the image by @sha256 digest.`,
                  ]
                : [];
        }),
    ),
};

// ---------------------------------------------------------------------------------------------
// Distinct liveness and readiness

/**
 * A probe's handler as a comparable string: the action and its target (named ports resolved to
 * the container's port numbers), without timings. `undefined` when the probe has no handler.
 */
export function probeHandlerKey(probe: unknown, container: Container): string | undefined {
    const p = asRecord(probe);
    if (!p) return undefined;
    const port = (value: unknown) => {
        const named = asArray<{ name?: string; containerPort?: number }>(container.ports).find(
            (cp) => typeof value === "string" && cp.name === value,
        );
        return String(named?.containerPort ?? value);
    };
    const http = asRecord(p.httpGet);
    if (http) {
        const scheme = String(http.scheme ?? "HTTP").toUpperCase();
        return `httpGet ${scheme} ${show(http.path ?? "/")} on port ${port(http.port)}${http.host ? ` host ${show(http.host)}` : ""}`;
    }
    const tcp = asRecord(p.tcpSocket);
    if (tcp) return `tcpSocket on port ${port(tcp.port)}${tcp.host ? ` host ${show(tcp.host)}` : ""}`;
    const exec = asRecord(p.exec);
    if (exec) return `exec ${show(asArray(exec.command))}`;
    const grpc = asRecord(p.grpc);
    if (grpc) return `grpc on port ${port(grpc.port)}${grpc.service ? ` service ${show(grpc.service)}` : ""}`;
    return undefined;
}

/** Messages for every container whose liveness probe makes the same check as its readiness probe. */
export function identicalProbes(pod: PodTemplate): string[] {
    const messages: string[] = [];
    for (const ref of containersOf(pod, ["containers", "initContainers"])) {
        const liveness = probeHandlerKey(ref.container.livenessProbe, ref.container);
        if (liveness === undefined || liveness !== probeHandlerKey(ref.container.readinessProbe, ref.container))
            continue;
        messages.push(
            `${ref.path}.livenessProbe makes the same check as its readinessProbe${containerNote(ref)} ` +
                `(${liveness}); give liveness its own check (a liveness endpoint, or a tcpSocket on the port): ` +
                `with the same check a readiness failure under load also restarts the container, and restarts ` +
                `turn a slow dependency into an outage.`,
        );
    }
    return messages;
}

/** A container's liveness probe is not the same check as its readiness probe. */
export const probesDistinct: ResourceValidationPolicy = {
    name: "workload-probes-distinct",
    description:
        "A container's livenessProbe must not make the same check as its readinessProbe (same httpGet " +
        "path and port, tcpSocket port, exec command or grpc port and service, whatever the timings): a " +
        "readiness failure from load would then restart the container too. Liveness asks whether the " +
        "process is alive, readiness whether it can take traffic now, so a busy pod leaves the Service without restarting.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validatePodTemplates(identicalProbes),
};

// ---------------------------------------------------------------------------------------------
// Unique env names

/** Messages for every env name a container lists more than once. */
export function duplicateEnvNames(pod: PodTemplate): string[] {
    const messages: string[] = [];
    for (const ref of containersOf(pod)) {
        const positions = new Map<string, number[]>();
        asArray<EnvVar>(ref.container.env).forEach((env, i) => {
            const name = asRecord(env)?.name;
            if (typeof name !== "string") return;
            positions.set(name, [...(positions.get(name) ?? []), i]);
        });
        for (const [name, at] of positions) {
            if (at.length < 2) continue;
            messages.push(
                `${ref.path}.env lists ${JSON.stringify(name)} ${at.length} times (${at.map((i) => `env[${i}]`).join(", ")})` +
                    `${containerNote(ref)}; keep one entry per name: Kubernetes silently keeps the last, so the ` +
                    `others never take effect.`,
            );
        }
    }
    return messages;
}

/** No container lists an environment variable name twice. */
export const envUniqueNames: ResourceValidationPolicy = {
    name: "workload-env-unique-names",
    description:
        "No container, init container or ephemeral container may list the same env name twice: " +
        "Kubernetes silently keeps the last entry, so a reviewed value (or secretKeyRef) can be shadowed " +
        "without anyone noticing.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validatePodTemplates(duplicateEnvNames),
};
