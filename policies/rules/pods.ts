/**
 * Pod templates of every pod-bearing kind, and the containers in them. Pod-level rules (pod
 * security, workload, secrets) are pure functions over a {@link PodTemplate}, so they can be
 * tested on a bare pod spec and applied to any kind that carries one.
 */
import type { ResourceValidation } from "@pulumi/policy";
import { asArray, asRecord, K8S, ObjectMeta, POD_KINDS, validateTypes } from "./util";

/** A container's security context, as far as the rules read it. */
export interface SecurityContext {
    privileged?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    procMount?: string;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type?: string; localhostProfile?: string };
    appArmorProfile?: { type?: string; localhostProfile?: string };
    seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
    windowsOptions?: { hostProcess?: boolean };
    readOnlyRootFilesystem?: boolean;
}

/** A probe or lifecycle handler. */
export interface Handler {
    httpGet?: { host?: string; port?: number | string; path?: string };
    tcpSocket?: { host?: string; port?: number | string };
    exec?: { command?: string[] };
    grpc?: { port?: number; service?: string };
}

/** A probe: a handler and its timings. */
export interface Probe extends Handler {
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
    successThreshold?: number;
}

/** One environment variable. */
export interface EnvVar {
    name?: string;
    value?: string;
    valueFrom?: Record<string, unknown>;
}

/** A container of any of the three lists. */
export interface Container {
    name?: string;
    image?: string;
    imagePullPolicy?: string;
    ports?: { containerPort?: number; hostPort?: number; name?: string }[];
    securityContext?: SecurityContext;
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    env?: EnvVar[];
    volumeMounts?: { name?: string; mountPath?: string; readOnly?: boolean }[];
    livenessProbe?: Probe;
    readinessProbe?: Probe;
    startupProbe?: Probe;
    lifecycle?: { postStart?: Handler; preStop?: Handler };
    restartPolicy?: string;
}

/** A pod spec, as far as the rules read it. */
export interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    ephemeralContainers?: Container[];
    volumes?: Record<string, unknown>[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    hostUsers?: boolean;
    os?: { name?: string };
    restartPolicy?: string;
    serviceAccountName?: string;
    serviceAccount?: string;
    automountServiceAccountToken?: boolean;
    topologySpreadConstraints?: Record<string, unknown>[];
    affinity?: Record<string, unknown>;
    securityContext?: SecurityContext & { sysctls?: { name?: string; value?: string }[] };
}

/** A pod template located in a resource: its spec and metadata, and the paths to them. */
export interface PodTemplate {
    spec: PodSpec;
    metadata: ObjectMeta;
    /** Path of the pod spec from the resource's props, e.g. `spec.template.spec`. */
    specPath: string;
    /** Path of the pod metadata, e.g. `spec.template.metadata`. */
    metadataPath: string;
}

/** Where each pod-bearing kind keeps its pod template (the path to the object holding `spec` and `metadata`). */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
    [K8S.Pod]: [],
    [K8S.Deployment]: ["spec", "template"],
    [K8S.StatefulSet]: ["spec", "template"],
    [K8S.DaemonSet]: ["spec", "template"],
    [K8S.ReplicaSet]: ["spec", "template"],
    [K8S.Job]: ["spec", "template"],
    [K8S.CronJob]: ["spec", "jobTemplate", "spec", "template"],
};

/**
 * The pod template of a pod-bearing resource (`undefined` for other kinds, or when the template
 * has no spec, which the API server would reject anyway).
 */
export function podTemplateOf(type: string, props: Record<string, unknown>): PodTemplate | undefined {
    const path = TEMPLATE_PATHS[type];
    if (!path) return undefined;
    let holder: Record<string, unknown> | undefined = props;
    for (const key of path) {
        holder = asRecord(holder?.[key]);
        if (!holder) return undefined;
    }
    const spec = asRecord(holder.spec);
    if (!spec) return undefined;
    const prefix = path.length > 0 ? `${path.join(".")}.` : "";
    return {
        spec: spec as PodSpec,
        metadata: (asRecord(holder.metadata) ?? {}) as ObjectMeta,
        specPath: `${prefix}spec`,
        metadataPath: `${prefix}metadata`,
    };
}

/**
 * The validation of a rule that judges pod templates only: every pod-bearing kind, each problem
 * `problemsOf` finds in the template a violation (resources without a template pass).
 */
export function validatePodTemplates(problemsOf: (pod: PodTemplate) => readonly string[]): ResourceValidation {
    return validateTypes(POD_KINDS, (args, reportViolation) => {
        const pod = podTemplateOf(args.type, args.props);
        if (pod) problemsOf(pod).forEach((m) => reportViolation(m));
    });
}

/** A bare pod spec (and optional pod metadata) as a {@link PodTemplate} at `spec` / `metadata`, for pure checks. */
export function bareTemplate(spec: PodSpec, metadata: ObjectMeta = {}): PodTemplate {
    return { spec, metadata, specPath: "spec", metadataPath: "metadata" };
}

/** Which of a pod's container lists a container comes from. */
export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

/** A container with the path to it and its name, for messages. */
export interface ContainerRef {
    container: Container;
    list: ContainerList;
    /** e.g. `spec.template.spec.containers[0]` */
    path: string;
    name: string;
}

/** All three container lists (what Pod Security Admission visits). */
export const ALL_CONTAINER_LISTS: readonly ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];

/** The containers of a pod, in the given lists (all three by default), with their paths. */
export function containersOf(pod: PodTemplate, lists: readonly ContainerList[] = ALL_CONTAINER_LISTS): ContainerRef[] {
    const refs: ContainerRef[] = [];
    for (const list of lists) {
        asArray<Container>(pod.spec[list]).forEach((container, index) => {
            const c = asRecord(container) ? container : {};
            refs.push({ container: c, list, path: `${pod.specPath}.${list}[${index}]`, name: c.name ?? `#${index}` });
        });
    }
    return refs;
}

/** ` (container "relay")` — appended to a container field's path in messages. */
export function containerNote(ref: ContainerRef): string {
    const kind =
        ref.list === "containers"
            ? "container"
            : ref.list === "initContainers"
              ? "init container"
              : "ephemeral container";
    return ` (${kind} ${JSON.stringify(ref.name)})`;
}

/** Whether the pod declares itself a Windows pod (`spec.os.name: windows`). */
export function isWindowsPod(spec: PodSpec): boolean {
    return spec.os?.name === "windows";
}
