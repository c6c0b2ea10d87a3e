/**
 * Workload: the one way a platform service runs a container image. It builds a Deployment (or a
 * StatefulSet), its ServiceAccount, a ClusterIP Service, an immutable settings ConfigMap and, when
 * the replica count calls for them, a PodDisruptionBudget and an autoscaling/v2 HPA.
 *
 * Secure defaults are built in rather than offered: non-root (uid/gid 10001), read-only root
 * filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault, no
 * service-account token unless the pod has an IRSA role, requests and limits, three probes, a
 * pinned image, topology spread when there can be more than one pod. Secrets reach the container
 * only as `secretKeyRef`s; a plain setting whose name looks secret is rejected.
 *
 * Everything the class creates is derived by the exported pure functions below, which have their
 * own table tests; the class only validates, wires and registers.
 *
 * Settings roll the pods through an immutable ConfigMap whose name carries a hash of its data
 * (`<service>-settings-<hash>`): a changed setting is a new ConfigMap name in the pod template, so
 * the Deployment rolls by its rolling-update strategy. Pulumi creates the new ConfigMap before it
 * updates the Deployment and deletes the old one only afterwards (the names differ, so no
 * delete-before-replace), pods that restart mid-rollout keep reading the settings they started
 * with, and a rollback to old settings is a rollback to the old name. A checksum annotation on a
 * mutable ConfigMap would also roll the pods, but an old pod restarting during the rollout would
 * pick up the new values, and the kubelet would keep watching a ConfigMap that never changes.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { Network, selectorLabels, serviceLabels } from "../network";
import { checkPinnedImage, parseByteQuantity, parseCpuMillis } from "../validators";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

/** The user and group id pods run as unless `runAsId` says otherwise (non-zero, outside system ranges). */
export const DEFAULT_RUN_AS_ID = 10001;
/** Seconds a pod gets between SIGTERM and SIGKILL unless `terminationGracePeriodSeconds` says otherwise. */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
/** Directories the container may write to unless `writablePaths` says otherwise. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ["/tmp"];
/** Size limit of each writable emptyDir unless `writableSizeLimit` says otherwise. */
export const DEFAULT_WRITABLE_SIZE_LIMIT = "256Mi";
/** The annotation IRSA's pod identity webhook reads. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
/** The node label replicas spread across zones by. */
export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
/** The node label replicas spread across nodes by. */
export const HOSTNAME_TOPOLOGY_KEY = "kubernetes.io/hostname";

/** Timings of one probe; each falls back to {@link DEFAULT_PROBE_TIMINGS} for its kind. */
export interface ProbeTimings {
    /** Seconds before the first check (0 to 3600). */
    readonly initialDelaySeconds?: number;
    /** Seconds between checks (1 to 3600). */
    readonly periodSeconds?: number;
    /** Seconds one check may take (1 to 3600). */
    readonly timeoutSeconds?: number;
    /** Consecutive failures that count as failed (1 to 3600). */
    readonly failureThreshold?: number;
}

/**
 * Default probe timings. Startup gates the others and allows two minutes to boot (24 x 5 s), so
 * liveness never kills a slow starter; readiness reacts within 30 s; liveness restarts a hung
 * container after about 45 s.
 */
export const DEFAULT_PROBE_TIMINGS: Readonly<Record<"startup" | "readiness" | "liveness", Required<ProbeTimings>>> = {
    startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24 },
    readiness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    liveness: { initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
};

/** One HTTP GET probe. */
export interface HttpProbe extends ProbeTimings {
    /** The HTTP path; must start with `/`. */
    readonly path: string;
    /** The name of the container port it calls. Default: the probes' `port`. */
    readonly port?: string;
}

/** The container's three probes. */
export interface WorkloadProbes {
    /** The named container port the probes call unless a probe names its own. */
    readonly port: string;
    /** Gates readiness and liveness until the app has started. */
    readonly startup: HttpProbe;
    /** Takes the pod out of the Service while it cannot serve. */
    readonly readiness: HttpProbe;
    /** Restarts a hung container. */
    readonly liveness: HttpProbe;
}

/** One named container port; every port is also a port of the Service. */
export interface WorkloadPort {
    /** An IANA service name (lower-case, at most 15 characters), e.g. `http`, `ws`, `metrics`. */
    readonly name: string;
    readonly containerPort: number;
    /** Default `TCP`. */
    readonly protocol?: "TCP" | "UDP";
}

/** Container requests and limits, as Kubernetes quantities. */
export interface WorkloadResources {
    /** What the scheduler reserves. */
    readonly requests: { readonly cpu: string; readonly memory: string };
    /** The most the container may use; each at least its request. */
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** HPA bounds: an autoscaling/v2 HPA on CPU utilisation. */
export interface WorkloadAutoscaling {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Average CPU utilisation (percent of requests) the HPA aims for. Default 70. */
    readonly targetCpuUtilization?: number;
}

/** A reference to one key of a Kubernetes Secret (see ClusterSecret's `ref`). */
export interface SecretKeyRef {
    readonly name: pulumi.Input<string>;
    readonly key: string;
}

/** A secret environment variable: always a `secretKeyRef`, never a value. */
export interface SecretEnv {
    readonly envName: string;
    readonly secret: SecretKeyRef;
}

/** A persistent volume per StatefulSet pod. */
export interface WorkloadVolumeClaim {
    /** The claim template's name (a DNS-1123 label); also the volume name. */
    readonly name: string;
    readonly mountPath: string;
    /** A storage quantity such as 10Gi. */
    readonly size: string;
    /** Default: the cluster's default storage class. */
    readonly storageClassName?: string;
}

/** Where the monitoring namespace scrapes metrics. */
export interface WorkloadMetrics {
    /** The name of the container port serving metrics. Default `metrics`. */
    readonly port?: string;
    /** Default `/metrics`. */
    readonly path?: string;
}

/** The kinds of pod controller a Workload can be. */
export type WorkloadKind = "Deployment" | "StatefulSet";

/** Arguments of {@link Workload}. */
export interface WorkloadArgs {
    /**
     * The service's name (a DNS-1123 label). It is `app.kubernetes.io/name` and the name of the
     * Deployment/StatefulSet, ServiceAccount, Service, PDB and HPA, and of the container.
     */
    readonly service: string;
    /** The network; it is `app.kubernetes.io/instance`. */
    readonly network: Network;
    /** The namespace every object lives in. */
    readonly namespace: pulumi.Input<string>;
    /** Optional `app.kubernetes.io/component` label. Default: none. */
    readonly component?: string;
    /** Default `Deployment`. */
    readonly kind?: WorkloadKind;
    /** An image pinned to a version tag or a sha256 digest. */
    readonly image: string;
    /** Overrides the image's entrypoint. Default: the image's. */
    readonly command?: readonly string[];
    /** Overrides the image's arguments. Default: the image's. */
    readonly containerArgs?: readonly string[];
    /**
     * Pods to run (>= 1). With `autoscaling` the HPA owns the count and the Deployment carries no
     * `spec.replicas` (the Kubernetes-documented way: otherwise every apply fights the HPA over
     * the field); it must then lie within the HPA's bounds.
     */
    readonly replicas: number;
    /** Creates an autoscaling/v2 HPA on CPU. Default: none. */
    readonly autoscaling?: WorkloadAutoscaling;
    /** Requests and limits of the container (required: there is no unbounded default). */
    readonly resources: WorkloadResources;
    /** Named container ports; one of them serves metrics (see `metrics`). */
    readonly ports: readonly WorkloadPort[];
    /** Startup, readiness and liveness probes (required: every pod is probed). */
    readonly probes: WorkloadProbes;
    /** Default `{ port: "metrics", path: "/metrics" }`; the port must be one of `ports`. */
    readonly metrics?: WorkloadMetrics;
    /**
     * Non-secret settings: environment variable names (upper-case) to values. They live in the
     * immutable ConfigMap and reach the container as `configMapKeyRef`s. Names that look secret
     * (PASSWORD, SECRET, TOKEN, PRIVATE, CREDENTIAL, API_KEY, ...) are rejected: use `secretEnv`.
     * Default: none (no ConfigMap).
     */
    readonly settings?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Secret environment variables, each a `secretKeyRef`. Default: none. */
    readonly secretEnv?: readonly SecretEnv[];
    /**
     * The IRSA role's ARN. When given, the ServiceAccount carries `eks.amazonaws.com/role-arn` and
     * the service-account token is mounted; otherwise no token is mounted at all. Default: none.
     */
    readonly roleArn?: pulumi.Input<string>;
    /** Absolute paths that get a writable emptyDir (the root filesystem is read-only). Default `["/tmp"]`. */
    readonly writablePaths?: readonly string[];
    /** Size limit of each writable emptyDir. Default `256Mi`. */
    readonly writableSizeLimit?: string;
    /** One PVC per pod; StatefulSet only. Default: none. */
    readonly volumeClaims?: readonly WorkloadVolumeClaim[];
    /** Default 30. */
    readonly terminationGracePeriodSeconds?: number;
    /** Non-zero uid, gid and fsGroup of the pod. Default 10001. */
    readonly runAsId?: number;
    /**
     * Where the arguments come from, named in errors so an operator knows what to edit, e.g.
     * `Pulumi.devnet.yaml (messaging-infra:services.relay)`. Default: none.
     */
    readonly configSource?: string;
}

// ---------------------------------------------------------------------------------------------
// Validation

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const SECRET_WORDS = ["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "PRIVATE", "CREDENTIAL"];
// A KEY word names the key itself when it ends the name or is followed by one of these.
const KEY_VALUE_QUALIFIERS = new Set([
    "ID",
    "FILE",
    "PEM",
    "DATA",
    "VALUE",
    "B64",
    "BASE64",
    "HEX",
    "MATERIAL",
    "JSON",
    "BYTES",
]);

/**
 * Whether an environment variable name looks like it carries a secret: it contains PASSWORD,
 * PASSWD, PASSPHRASE, SECRET, TOKEN, PRIVATE or CREDENTIAL, or it names a key (API_KEY,
 * OPERATOR_KEYS, ACCESS_KEY_ID, MASTERKEY). A KEY word that qualifies something else is not a key
 * (KEY_REGISTRY_ADDRESS, AWS_KMS_KEY_ARN).
 */
export function looksSecret(envName: string): boolean {
    const upper = envName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
    if (SECRET_WORDS.some((word) => upper.includes(word))) return true;
    const words = upper.split(/[^A-Z0-9]+/).filter((w) => w.length > 0);
    return words.some(
        (word, i) => /KEYS?$/.test(word) && (i === words.length - 1 || KEY_VALUE_QUALIFIERS.has(words[i + 1])),
    );
}

/** A valid IANA service name, as container and Service port names must be. */
export function isPortName(name: string): boolean {
    return /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes("--");
}

const isInt = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

/**
 * Every problem with a Workload's arguments: an unpinned image, replicas < 1, HPA bounds the wrong
 * way round, ports out of range or clashing within the pod, probe paths without a leading `/` or
 * naming an unknown port, plain settings whose names look secret, and the rest of the shape.
 */
export function workloadProblems(args: WorkloadArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    const add = problems.add.bind(problems);

    if (!DNS_LABEL.test(args.service))
        add("service", args.service, "a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters");
    const imageProblem = checkPinnedImage(args.image);
    if (imageProblem) add("image", args.image, imageProblem);
    const kind = args.kind ?? "Deployment";

    if (!isInt(args.replicas, 1)) add("replicas", args.replicas, "an integer >= 1");
    const hpa = args.autoscaling;
    if (hpa) {
        if (!isInt(hpa.minReplicas, 1)) add("autoscaling.minReplicas", hpa.minReplicas, "an integer >= 1");
        if (!isInt(hpa.maxReplicas, 1)) add("autoscaling.maxReplicas", hpa.maxReplicas, "an integer >= 1");
        else if (hpa.minReplicas > hpa.maxReplicas)
            add(
                "autoscaling.minReplicas",
                hpa.minReplicas,
                `an integer <= autoscaling.maxReplicas (${hpa.maxReplicas})`,
            );
        if (hpa.targetCpuUtilization !== undefined && !isInt(hpa.targetCpuUtilization, 1, 100)) {
            add(
                "autoscaling.targetCpuUtilization",
                hpa.targetCpuUtilization,
                "a CPU utilisation percentage from 1 to 100",
            );
        }
        if (
            isInt(args.replicas, 1) &&
            hpa.minReplicas <= hpa.maxReplicas &&
            (args.replicas < hpa.minReplicas || args.replicas > hpa.maxReplicas)
        ) {
            add(
                "replicas",
                args.replicas,
                `an integer from autoscaling.minReplicas (${hpa.minReplicas}) to autoscaling.maxReplicas (${hpa.maxReplicas})`,
            );
        }
    }

    const { requests, limits } = args.resources;
    for (const [path, value] of [
        ["resources.requests.cpu", requests.cpu],
        ["resources.limits.cpu", limits.cpu],
    ] as const) {
        if (parseCpuMillis(value) === undefined) add(path, value, "a CPU quantity such as 250m or 1");
    }
    for (const [path, value] of [
        ["resources.requests.memory", requests.memory],
        ["resources.limits.memory", limits.memory],
    ] as const) {
        if (parseByteQuantity(value) === undefined) add(path, value, "a memory quantity such as 256Mi or 1Gi");
    }
    if ((parseCpuMillis(limits.cpu) ?? Infinity) < (parseCpuMillis(requests.cpu) ?? 0))
        add("resources.limits.cpu", limits.cpu, `a CPU quantity >= requests.cpu (${requests.cpu})`);
    if ((parseByteQuantity(limits.memory) ?? Infinity) < (parseByteQuantity(requests.memory) ?? 0)) {
        add("resources.limits.memory", limits.memory, `a memory quantity >= requests.memory (${requests.memory})`);
    }

    if (args.ports.length === 0) add("ports", [], "at least one named container port");
    const byName = new Map<string, number>();
    const byNumber = new Map<string, number>();
    args.ports.forEach((port, i) => {
        if (!isPortName(port.name))
            add(
                `ports[${i}].name`,
                port.name,
                "an IANA service name: lower-case letters, digits and '-', at most 15 characters, at least one letter",
            );
        const sameName = byName.get(port.name);
        if (sameName !== undefined)
            add(`ports[${i}].name`, port.name, `a name not already used by ports[${sameName}] in the same pod`);
        else byName.set(port.name, i);
        if (!isInt(port.containerPort, 1, 65535))
            add(`ports[${i}].containerPort`, port.containerPort, "a port number from 1 to 65535");
        const numberKey = `${port.containerPort}/${port.protocol ?? "TCP"}`;
        const sameNumber = byNumber.get(numberKey);
        if (sameNumber !== undefined) {
            add(
                `ports[${i}].containerPort`,
                port.containerPort,
                `a port not already used by ports[${sameNumber}] (${args.ports[sameNumber].name}) in the same pod`,
            );
        } else byNumber.set(numberKey, i);
    });

    const portNames = args.ports.map((p) => p.name);
    if (!byName.has(args.probes.port))
        add("probes.port", args.probes.port, `the name of one of the ports (${portNames.join(", ")})`);
    for (const probe of ["startup", "readiness", "liveness"] as const) {
        const spec = args.probes[probe];
        if (!/^\/[A-Za-z0-9._~\/-]*$/.test(spec.path))
            add(`probes.${probe}.path`, spec.path, "an HTTP path starting with /, e.g. /health");
        if (spec.port !== undefined && !byName.has(spec.port))
            add(`probes.${probe}.port`, spec.port, `the name of one of the ports (${portNames.join(", ")})`);
        for (const timing of ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"] as const) {
            const value = spec[timing];
            const min = timing === "initialDelaySeconds" ? 0 : 1;
            if (value !== undefined && !isInt(value, min, 3600))
                add(`probes.${probe}.${timing}`, value, `an integer from ${min} to 3600`);
        }
    }
    const metricsPort = args.metrics?.port ?? "metrics";
    if (!byName.has(metricsPort))
        add(
            "metrics.port",
            metricsPort,
            `the name of one of the ports (${portNames.join(", ")}); the monitoring namespace scrapes it`,
        );
    const metricsPath = args.metrics?.path ?? "/metrics";
    if (!metricsPath.startsWith("/")) add("metrics.path", metricsPath, "an HTTP path starting with /, e.g. /metrics");

    const envNames = new Map<string, string>();
    for (const name of Object.keys(args.settings ?? {})) {
        if (!ENV_NAME.test(name))
            add(
                "settings",
                name,
                "an environment variable name: upper-case letters, digits and '_', not starting with a digit",
            );
        else if (looksSecret(name)) {
            add(
                "settings",
                name,
                "a non-secret setting name; a name with PASSWORD, SECRET, TOKEN, PRIVATE, CREDENTIAL or a " +
                    "key in it must come from a Kubernetes Secret through secretEnv",
            );
        }
        envNames.set(name, "settings");
    }
    (args.secretEnv ?? []).forEach((env, i) => {
        if (!ENV_NAME.test(env.envName))
            add(
                `secretEnv[${i}].envName`,
                env.envName,
                "an environment variable name: upper-case letters, digits and '_', not starting with a digit",
            );
        const clash = envNames.get(env.envName);
        if (clash !== undefined) add(`secretEnv[${i}].envName`, env.envName, `a name not already set by ${clash}`);
        else envNames.set(env.envName, `secretEnv[${i}]`);
        if (!SECRET_KEY.test(env.secret.key))
            add(`secretEnv[${i}].secret.key`, env.secret.key, "a Secret key: letters, digits, '-', '_' and '.'");
    });

    // Every mount needs an absolute, unique path and a unique volume name.
    const mountPaths = new Map<string, string>();
    const volumeNames = new Map<string, string>();
    const addMount = (path: string, volume: string, where: string) => {
        if (!/^\/[^\0]*$/.test(path) || path === "/") add(where, path, "an absolute path other than /, e.g. /tmp");
        else if (mountPaths.has(path)) add(where, path, `a path not already mounted by ${mountPaths.get(path)}`);
        else if (volumeNames.has(volume))
            add(where, path, `a path whose volume name (${volume}) is not already used by ${volumeNames.get(volume)}`);
        else {
            mountPaths.set(path, where);
            volumeNames.set(volume, where);
        }
    };
    (args.writablePaths ?? DEFAULT_WRITABLE_PATHS).forEach((path, i) =>
        addMount(path, writableVolumeName(path), `writablePaths[${i}]`),
    );
    if (args.writableSizeLimit !== undefined && parseByteQuantity(args.writableSizeLimit) === undefined)
        add("writableSizeLimit", args.writableSizeLimit, "a storage quantity such as 256Mi");
    (args.volumeClaims ?? []).forEach((claim, i) => {
        if (kind !== "StatefulSet")
            add(
                `volumeClaims[${i}]`,
                claim.name,
                "volume claims only on kind: StatefulSet (a Deployment's replicas would share one volume)",
            );
        if (!DNS_LABEL.test(claim.name)) add(`volumeClaims[${i}].name`, claim.name, "a DNS-1123 label");
        if (parseByteQuantity(claim.size) === undefined)
            add(`volumeClaims[${i}].size`, claim.size, "a storage quantity such as 10Gi");
        addMount(claim.mountPath, claim.name, `volumeClaims[${i}].mountPath`);
    });

    if (args.terminationGracePeriodSeconds !== undefined && !isInt(args.terminationGracePeriodSeconds, 1, 3600)) {
        add("terminationGracePeriodSeconds", args.terminationGracePeriodSeconds, "an integer from 1 to 3600 (seconds)");
    }
    if (args.runAsId !== undefined && !isInt(args.runAsId, 1, 2147483647))
        add("runAsId", args.runAsId, "a non-zero uid/gid (never root)");
    return problems.problems;
}

/** Throws {@link ArgumentsError} listing every problem when a Workload's arguments are bad. */
export function assertWorkloadArgs(name: string, args: WorkloadArgs): void {
    const problems = workloadProblems(args);
    if (problems.length === 0) return;
    const fix = args.configSource === undefined ? FIX_THE_CALLER : `Edit ${args.configSource}`;
    throw new ArgumentsError(componentArguments("messaging:k8s:Workload", name), problems, fix);
}

// ---------------------------------------------------------------------------------------------
// Derivations

/** The most pods the workload can run: the HPA's maximum, or the replica count. */
export function maxPods(args: Pick<WorkloadArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.maxReplicas ?? args.replicas;
}

/** The fewest pods the workload runs in steady state: the HPA's minimum, or the replica count. */
export function minPods(args: Pick<WorkloadArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.minReplicas ?? args.replicas;
}

/** Whether a PodDisruptionBudget applies: more than one pod is always running. */
export function needsDisruptionBudget(args: Pick<WorkloadArgs, "replicas" | "autoscaling">): boolean {
    return minPods(args) > 1;
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

/** The StatefulSet's rollout: RollingUpdate, one ordinal at a time, from the highest. */
export function statefulSetUpdateStrategy(): k8s.types.input.apps.v1.StatefulSetUpdateStrategy {
    return { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
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
    const container: Container = {
        name: args.service,
        image: args.image,
        imagePullPolicy: "IfNotPresent",
        ...(args.command ? { command: [...args.command] } : {}),
        ...(args.containerArgs ? { args: [...args.containerArgs] } : {}),
        ports: containerPorts(args.ports),
        env: containerEnv(Object.keys(args.settings ?? {}), refs.configMapName, args.secretEnv ?? []),
        resources: {
            requests: { cpu: args.resources.requests.cpu, memory: args.resources.requests.memory },
            limits: { cpu: args.resources.limits.cpu, memory: args.resources.limits.memory },
        },
        startupProbe: httpProbe("startup", args.probes.startup, args.probes.port),
        readinessProbe: httpProbe("readiness", args.probes.readiness, args.probes.port),
        livenessProbe: httpProbe("liveness", args.probes.liveness, args.probes.port),
        securityContext: containerSecurityContext(),
        volumeMounts: [
            ...writable.map((w) => ({ name: w.volume, mountPath: w.path })),
            ...(args.volumeClaims ?? []).map((claim) => ({ name: claim.name, mountPath: claim.mountPath })),
        ],
        terminationMessagePolicy: "FallbackToLogsOnError",
    };
    const spread = topologySpread(selectorLabels(args.service, args.network), kind, maxPods(args));
    return {
        serviceAccountName: refs.serviceAccountName,
        automountServiceAccountToken: args.roleArn !== undefined,
        // Service env vars (FOO_SERVICE_HOST, ...) leak the namespace's topology into every pod.
        enableServiceLinks: false,
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
        securityContext: podSecurityContext(args.runAsId ?? DEFAULT_RUN_AS_ID),
        ...(spread ? { topologySpreadConstraints: spread } : {}),
        containers: [container],
        volumes: writable.map((w) => ({
            name: w.volume,
            emptyDir: { sizeLimit: args.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE_LIMIT },
        })),
    };
}

/** The HPA's spec for a workload with `autoscaling`. */
export function hpaSpec(
    kind: WorkloadKind,
    targetName: pulumi.Input<string>,
    autoscaling: WorkloadAutoscaling,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind, name: targetName },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: {
                    name: "cpu",
                    target: { type: "Utilization", averageUtilization: autoscaling.targetCpuUtilization ?? 70 },
                },
            },
        ],
    };
}

/**
 * The PDB's spec: at most one pod voluntarily disrupted at a time. Crash-looping pods may be
 * evicted regardless, so a broken pod never blocks a node drain.
 */
export function pdbSpec(selector: Readonly<Record<string, string>>): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
    return { maxUnavailable: 1, selector: { matchLabels: { ...selector } }, unhealthyPodEvictionPolicy: "AlwaysAllow" };
}

// ---------------------------------------------------------------------------------------------
// The component

/** One service's pods, service account, Service, settings, and their disruption budget and autoscaler. */
export class Workload extends pulumi.ComponentResource {
    /** The labels that select the pods (Service, PDB and network policies use exactly these). */
    public readonly selector: Readonly<Record<string, string>>;
    /** Every label the workload's objects and pods carry. */
    public readonly labels: Readonly<Record<string, string>>;
    /** Container ports by name. */
    public readonly ports: Readonly<Record<string, number>>;
    public readonly kind: WorkloadKind;
    /** The Deployment's or StatefulSet's name. */
    public readonly workloadName: pulumi.Output<string>;
    /** The ClusterIP Service's name. */
    public readonly serviceName: pulumi.Output<string>;
    /** The ServiceAccount's name (an IRSA trust policy names it). */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** The settings ConfigMap's current (content-hashed) name; undefined without settings. */
    public readonly configMapName: pulumi.Output<string> | undefined;
    /** Whether the pods have an IRSA role, i.e. talk to AWS APIs. */
    public readonly hasAwsRole: boolean;

    constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        assertWorkloadArgs(name, args);
        super("messaging:k8s:Workload", name, {}, opts);

        const kind = args.kind ?? "Deployment";
        const selector = selectorLabels(args.service, args.network);
        const labels = serviceLabels(args.service, args.network, args.component);
        const metadata = (objectName: pulumi.Input<string>, annotations?: Record<string, pulumi.Input<string>>) => ({
            name: objectName,
            namespace: args.namespace,
            labels,
            ...(annotations ? { annotations } : {}),
        });
        this.selector = selector;
        this.labels = labels;
        this.ports = portsByName(args.ports);
        this.kind = kind;
        this.hasAwsRole = args.roleArn !== undefined;

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            {
                metadata: metadata(
                    args.service,
                    args.roleArn !== undefined ? { [IRSA_ROLE_ANNOTATION]: args.roleArn } : undefined,
                ),
                automountServiceAccountToken: args.roleArn !== undefined,
            },
            { parent: this },
        );
        this.serviceAccountName = serviceAccount.metadata.name;

        let configMapName: pulumi.Output<string> | undefined;
        const settings = args.settings ?? {};
        if (Object.keys(settings).length > 0) {
            const data = pulumi.output(settings) as pulumi.Output<Record<string, string>>;
            const configMap = new k8s.core.v1.ConfigMap(
                `${name}-settings`,
                {
                    metadata: metadata(data.apply((d) => settingsConfigMapName(args.service, d))),
                    immutable: true,
                    data,
                },
                { parent: this },
            );
            configMapName = configMap.metadata.name;
        }
        this.configMapName = configMapName;

        const podSpec = workloadPodSpec(args, { serviceAccountName: this.serviceAccountName, configMapName });
        const template = { metadata: { labels, annotations: metricsAnnotations(args) }, spec: podSpec };
        // With an HPA the autoscaler owns the replica count (see `replicas`).
        const replicas = args.autoscaling ? {} : { replicas: args.replicas };
        let workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
        if (kind === "Deployment") {
            workload = new k8s.apps.v1.Deployment(
                `${name}-deployment`,
                {
                    metadata: metadata(args.service),
                    spec: {
                        ...replicas,
                        selector: { matchLabels: selector },
                        strategy: deploymentStrategy(),
                        revisionHistoryLimit: 5,
                        template,
                    },
                },
                { parent: this },
            );
        } else {
            const headless = new k8s.core.v1.Service(
                `${name}-headless`,
                {
                    metadata: metadata(`${args.service}-headless`),
                    spec: {
                        clusterIP: "None",
                        selector,
                        ports: servicePorts(args.ports),
                        publishNotReadyAddresses: true,
                    },
                },
                { parent: this },
            );
            workload = new k8s.apps.v1.StatefulSet(
                `${name}-statefulset`,
                {
                    metadata: metadata(args.service),
                    spec: {
                        ...replicas,
                        serviceName: headless.metadata.name,
                        selector: { matchLabels: selector },
                        updateStrategy: statefulSetUpdateStrategy(),
                        podManagementPolicy: "OrderedReady",
                        // Deleting or scaling down the StatefulSet never deletes its data.
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                        revisionHistoryLimit: 5,
                        template,
                        volumeClaimTemplates: (args.volumeClaims ?? []).map((claim) => ({
                            metadata: { name: claim.name, labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                ...(claim.storageClassName !== undefined
                                    ? { storageClassName: claim.storageClassName }
                                    : {}),
                                resources: { requests: { storage: claim.size } },
                            },
                        })),
                    },
                },
                { parent: this },
            );
        }
        this.workloadName = workload.metadata.name;

        const service = new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: metadata(args.service),
                spec: { type: "ClusterIP", selector, ports: servicePorts(args.ports) },
            },
            { parent: this },
        );
        this.serviceName = service.metadata.name;

        if (needsDisruptionBudget(args)) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata: metadata(args.service), spec: pdbSpec(selector) },
                { parent: this },
            );
        }
        if (args.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-hpa`,
                { metadata: metadata(args.service), spec: hpaSpec(kind, this.workloadName, args.autoscaling) },
                { parent: this },
            );
        }

        this.registerOutputs({
            selector: this.selector,
            ports: this.ports,
            workloadName: this.workloadName,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
            configMapName: this.configMapName,
            hasAwsRole: this.hasAwsRole,
        });
    }
}
