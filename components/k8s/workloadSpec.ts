/**
 * The pure spec builders of a Workload: pod spec, probes, security contexts, topology spread,
 * rollout strategies, the settings ConfigMap's name and the HPA and PDB specs. The Workload class
 * only wires and registers what these return; each has its own table tests.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { selectorLabels } from "../network";
import {
    DEFAULT_PROBE_TIMINGS,
    DEFAULT_RUN_AS_ID,
    DEFAULT_TERMINATION_GRACE_SECONDS,
    DEFAULT_WRITABLE_PATHS,
    DEFAULT_WRITABLE_SIZE_LIMIT,
    HOSTNAME_TOPOLOGY_KEY,
    HttpProbe,
    SecretEnv,
    WorkloadArgs,
    WorkloadAutoscaling,
    WorkloadKind,
    WorkloadPort,
    ZONE_TOPOLOGY_KEY,
} from "./workloadArgs";
import { containerResources, imagePullPolicyFor } from "./containerSettings";
import { isTcpProbe, tcpProbe, withSecretFiles } from "./podParts";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

/** The most pods the workload can run: the HPA's maximum, or the replica count. */
export function maxPods(args: Pick<WorkloadArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.maxReplicas ?? args.replicas;
}

/** The fewest pods the workload runs in steady state: the HPA's minimum, or the replica count. */
export function minPods(args: Pick<WorkloadArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.minReplicas ?? args.replicas;
}

/** Whether a PodDisruptionBudget applies: two or more pods always run, or `maxUnavailable` asks for one. */
export function needsDisruptionBudget(args: Pick<WorkloadArgs, "replicas" | "autoscaling" | "maxUnavailable">) {
    return args.maxUnavailable !== undefined || minPods(args) > 1;
}

/** Container ports by name, e.g. `{ http: 3200, ws: 3201, metrics: 9102 }`. */
export function portsByName(ports: readonly WorkloadPort[]): Record<string, number> {
    return Object.fromEntries(ports.map((p) => [p.name, p.containerPort]));
}

/** The container's ports, named. */
export function containerPorts(ports: readonly WorkloadPort[]): k8s.types.input.core.v1.ContainerPort[] {
    return ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? "TCP" }));
}

/** The Service's ports: each container port, by name. */
export function servicePorts(ports: readonly WorkloadPort[]): k8s.types.input.core.v1.ServicePort[] {
    return ports.map((p) => ({
        name: p.name,
        port: p.containerPort,
        targetPort: p.name,
        protocol: p.protocol ?? "TCP",
    }));
}

/** An HTTP GET probe with its kind's default timings. */
export function httpProbe(kind: keyof typeof DEFAULT_PROBE_TIMINGS, probe: HttpProbe, defaultPort: string): Probe {
    const defaults = DEFAULT_PROBE_TIMINGS[kind];
    return {
        httpGet: { path: probe.path, port: probe.port ?? defaultPort, scheme: "HTTP" },
        initialDelaySeconds: probe.initialDelaySeconds ?? defaults.initialDelaySeconds,
        periodSeconds: probe.periodSeconds ?? defaults.periodSeconds,
        timeoutSeconds: probe.timeoutSeconds ?? defaults.timeoutSeconds,
        failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
        // Liveness and startup must be 1 in Kubernetes; readiness flips back after one success too.
        successThreshold: 1,
    };
}

/** The pod's security context: non-root uid/gid/fsGroup and seccomp RuntimeDefault. */
export function podSecurityContext(runAsId: number = DEFAULT_RUN_AS_ID): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: runAsId,
        runAsGroup: runAsId,
        fsGroup: runAsId,
        // Re-chown volumes only when their root does not match, so big volumes mount quickly.
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The container's security context: the Pod Security Standards `restricted` profile and a read-only root. */
export function containerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * Topology spread for workloads that can run more than one pod: across zones (hard, so losing a
 * zone never takes every replica) and across nodes (soft, so a small cluster still schedules).
 * Deployments count only the pods of the current revision (`pod-template-hash`), so a rollout
 * does not skew the spread.
 */
export function topologySpread(
    selector: Readonly<Record<string, string>>,
    kind: WorkloadKind,
    pods: number,
): k8s.types.input.core.v1.TopologySpreadConstraint[] | undefined {
    if (pods <= 1) return undefined;
    const common = {
        maxSkew: 1,
        labelSelector: { matchLabels: { ...selector } },
        ...(kind === "Deployment" ? { matchLabelKeys: ["pod-template-hash"] } : {}),
    };
    return [
        { ...common, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: "DoNotSchedule" },
        { ...common, topologyKey: HOSTNAME_TOPOLOGY_KEY, whenUnsatisfiable: "ScheduleAnyway" },
    ];
}

/**
 * The Deployment's rollout: RollingUpdate that never takes a serving pod away before its
 * replacement is ready (maxUnavailable 0, maxSurge 1). With one replica this is what keeps the
 * service up during a rollout; with several it rolls one pod at a time.
 */
export function deploymentStrategy(): k8s.types.input.apps.v1.DeploymentStrategy {
    return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
}

/** The StatefulSet's rollout: RollingUpdate, one ordinal at a time, from the highest, down to `partition`. */
export function statefulSetUpdateStrategy(partition = 0): k8s.types.input.apps.v1.StatefulSetUpdateStrategy {
    return { type: "RollingUpdate", rollingUpdate: { partition } };
}

/** Volume names of writable paths: `/tmp` -> `tmp`, `/var/cache/app` -> `var-cache-app`. */
export function writableVolumeName(path: string): string {
    return `${path
        .replace(/^\/+|\/+$/g, "")
        .replace(/[^a-z0-9]+/gi, "-")
        .toLowerCase()}`
        .slice(0, 63)
        .replace(/-+$/, "");
}

/** A short, stable hash of settings (sorted keys), to name the immutable ConfigMap. */
export function settingsHash(settings: Readonly<Record<string, string>>): string {
    const sorted = Object.keys(settings)
        .sort()
        .map((key) => [key, settings[key]]);
    return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 10);
}

/** The settings ConfigMap's name: `<service>-settings-<hash of the data>`. */
export function settingsConfigMapName(service: string, settings: Readonly<Record<string, string>>): string {
    return `${service}-settings-${settingsHash(settings)}`;
}

/**
 * The container's environment: every setting as a `configMapKeyRef` into the settings ConfigMap
 * (sorted by name) and every secret as a `secretKeyRef`. No env entry ever carries a `value`.
 */
export function containerEnv(
    settingNames: readonly string[],
    configMapName: pulumi.Input<string> | undefined,
    secretEnv: readonly SecretEnv[],
): EnvVar[] {
    const settings: EnvVar[] =
        configMapName === undefined
            ? []
            : [...settingNames].sort().map((name) => ({
                  name,
                  valueFrom: { configMapKeyRef: { name: configMapName, key: name, optional: false } },
              }));
    const secrets: EnvVar[] = secretEnv.map((env) => ({
        name: env.envName,
        valueFrom: { secretKeyRef: { name: env.secret.name, key: env.secret.key, optional: false } },
    }));
    return [...settings, ...secrets];
}

/** Prometheus scrape annotations for the pod template (a ServiceMonitor comes later). */
export function metricsAnnotations(args: Pick<WorkloadArgs, "ports" | "metrics">): Record<string, string> {
    const portName = args.metrics?.port ?? "metrics";
    const port = args.ports.find((p) => p.name === portName);
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(port?.containerPort ?? ""),
        "prometheus.io/path": args.metrics?.path ?? "/metrics",
    };
}

/** Names of objects the pod spec refers to, known once they exist. */
export interface PodSpecRefs {
    readonly serviceAccountName: pulumi.Input<string>;
    /** Absent when the workload has no settings. */
    readonly configMapName?: pulumi.Input<string>;
}

/** The pod spec of a workload: one hardened container, its probes, env, volumes and spread. */
export function workloadPodSpec(args: WorkloadArgs, refs: PodSpecRefs): PodSpec {
    const kind = args.kind ?? "Deployment";
    const writable = (args.writablePaths ?? DEFAULT_WRITABLE_PATHS).map((path) => ({
        path,
        volume: writableVolumeName(path),
    }));
    const probe = (kind: "startup" | "readiness" | "liveness", p = args.probes[kind]) =>
        isTcpProbe(p) ? tcpProbe(kind, p, args.probes.port) : httpProbe(kind, p, args.probes.port);
    const scratchSizes = writable.map(() => args.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE_LIMIT);
    const container: Container = {
        name: args.service,
        image: args.image,
        imagePullPolicy: imagePullPolicyFor(args.image),
        ...(args.command ? { command: [...args.command] } : {}),
        ...(args.containerArgs ? { args: [...args.containerArgs] } : {}),
        ports: containerPorts(args.ports),
        env: containerEnv(Object.keys(args.settings ?? {}), refs.configMapName, args.secretEnv ?? []),
        resources: containerResources(args.resources, scratchSizes),
        startupProbe: probe("startup"),
        readinessProbe: probe("readiness"),
        livenessProbe: probe("liveness"),
        securityContext: containerSecurityContext(),
        volumeMounts: [
            ...writable.map((w) => ({ name: w.volume, mountPath: w.path })),
            ...(args.volumeClaims ?? []).map((claim) => ({ name: claim.name, mountPath: claim.mountPath })),
        ],
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
    const spread = topologySpread(selectorLabels(args.service, args.network), kind, maxPods(args));
    const scratch = writable.map((w) => ({ name: w.volume, mountPath: w.path }));
    const initContainers = (args.initContainers ?? []).map((init): Container => ({
        name: init.name,
        image: args.image,
        imagePullPolicy: imagePullPolicyFor(args.image),
        command: [...init.command],
        ...(init.args ? { args: [...init.args] } : {}),
        env: containerEnv([], undefined, init.secretEnv ?? []),
        resources: containerResources(init.resources, scratchSizes),
        securityContext: containerSecurityContext(),
        volumeMounts: scratch,
        terminationMessagePolicy: "FallbackToLogsOnError",
    }));
    const pod: PodSpec = {
        serviceAccountName: refs.serviceAccountName,
        automountServiceAccountToken: args.role !== undefined,
        // Service env vars (FOO_SERVICE_HOST, ...) leak the namespace's topology into every pod.
        enableServiceLinks: false,
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
        securityContext: podSecurityContext(args.runAsId ?? DEFAULT_RUN_AS_ID),
        ...(spread ? { topologySpreadConstraints: spread } : {}),
        ...(initContainers.length > 0 ? { initContainers } : {}),
        containers: [container],
        volumes: writable.map((w) => ({
            name: w.volume,
            emptyDir: { sizeLimit: args.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE_LIMIT },
        })),
    };
    return withSecretFiles(pod, args.secretFiles ?? []);
}

/** The HPA's spec for a workload with `autoscaling`. */
export function hpaSpec(
    kind: WorkloadKind,
    targetName: pulumi.Input<string>,
    autoscaling: WorkloadAutoscaling,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({
        type: "Resource",
        resource: { name, target: { type: "Utilization", averageUtilization } },
    });
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind, name: targetName },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        // With several metrics the HPA scales to the largest replica count any of them asks for.
        metrics: [
            utilization("cpu", autoscaling.targetCpuUtilization ?? 70),
            ...(autoscaling.targetMemoryUtilization === undefined
                ? []
                : [utilization("memory", autoscaling.targetMemoryUtilization)]),
        ],
    };
}

/**
 * The PDB's spec: at most one pod voluntarily disrupted at a time, or at least `minAvailable` pods
 * up when given. Crash-looping pods may be evicted regardless, so a broken pod never blocks a node
 * drain.
 */
export function pdbSpec(
    selector: Readonly<Record<string, string>>,
    minAvailable?: number,
    maxUnavailable?: number,
): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
    const budget = minAvailable === undefined ? { maxUnavailable: maxUnavailable ?? 1 } : { minAvailable };
    return { ...budget, selector: { matchLabels: { ...selector } }, unhealthyPodEvictionPolicy: "AlwaysAllow" };
}

/** The ClusterIP Service's spec: every port by name and, when asked, client-IP session affinity. */
export function serviceSpec(
    selector: Readonly<Record<string, string>>,
    ports: readonly WorkloadPort[],
    clientIpAffinitySeconds?: number,
): k8s.types.input.core.v1.ServiceSpec {
    const affinity =
        clientIpAffinitySeconds === undefined
            ? {}
            : {
                  sessionAffinity: "ClientIP",
                  sessionAffinityConfig: { clientIP: { timeoutSeconds: clientIpAffinitySeconds } },
              };
    return { type: "ClusterIP", selector: { ...selector }, ports: servicePorts(ports), ...affinity };
}
