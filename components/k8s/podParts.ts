/**
 * The parts of a Workload's pod that only some servers need, with their checks: TCP probes (a
 * server without an HTTP health path), Secret keys mounted as read-only files (key files a server
 * reads from disk), an explicit disruption budget (a single writer, or a workload autoscaling up
 * from one pod) and the StatefulSet rollout's partition. workloadSpec.ts and workloadChecks.ts use
 * them; each has its own table tests.
 */
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { ProblemList } from "../errors";
import { intRangeAllowed, isIntInRange, isSecretKey, SECRET_KEY_ALLOWED } from "../validators";
import { DEFAULT_PROBE_TIMINGS, HttpProbe, ProbeTimings, SecretFile, TcpProbe, WorkloadArgs } from "./workloadArgs";

type Probe = k8s.types.input.core.v1.Probe;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** Whether a probe is a TCP connect rather than an HTTP GET. */
export function isTcpProbe(probe: HttpProbe | TcpProbe): probe is TcpProbe {
    return (probe as TcpProbe).tcp === true;
}

/** A TCP probe with its kind's default timings. */
export function tcpProbe(kind: keyof typeof DEFAULT_PROBE_TIMINGS, probe: TcpProbe, defaultPort: string): Probe {
    const defaults = DEFAULT_PROBE_TIMINGS[kind];
    return {
        tcpSocket: { port: probe.port ?? defaultPort },
        initialDelaySeconds: probe.initialDelaySeconds ?? defaults.initialDelaySeconds,
        periodSeconds: probe.periodSeconds ?? defaults.periodSeconds,
        timeoutSeconds: probe.timeoutSeconds ?? defaults.timeoutSeconds,
        failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
        successThreshold: 1,
    };
}

/**
 * The liveness probe of a server with a health path and a ready path: an HTTP GET on the health
 * path when the two differ, else a TCP connect to the same port. A liveness check equal to the
 * readiness check would restart the container whenever it is too busy to be ready; a server with
 * one health path still shows it is alive by accepting connections.
 */
export function distinctLiveness(
    health: string,
    ready: string,
    timings: ProbeTimings = {},
    port?: string,
): HttpProbe | TcpProbe {
    const target = port === undefined ? {} : { port };
    return health === ready ? { tcp: true, ...target, ...timings } : { path: health, ...target, ...timings };
}

/** The volume name of a secret file's directory: `/keys/p2p/key` -> `secret-keys-p2p`. */
export function secretFileVolumeName(file: Pick<SecretFile, "path">): string {
    const dir = path.posix.dirname(file.path);
    const slug = dir
        .replace(/^\/+|\/+$/g, "")
        .replace(/[^a-z0-9]+/gi, "-")
        .toLowerCase();
    return `secret-${slug}`.slice(0, 63).replace(/-+$/, "");
}

/** One Secret volume per secret file: only its key, as its file name, readable by the pod's user only (0400). */
export function secretFileVolumes(files: readonly SecretFile[]): k8s.types.input.core.v1.Volume[] {
    return files.map((file) => ({
        name: secretFileVolumeName(file),
        secret: {
            secretName: file.secret.name,
            items: [{ key: file.secret.key, path: path.posix.basename(file.path) }],
            defaultMode: 0o400,
            optional: false,
        },
    }));
}

/** The container's read-only mounts of the secret files' directories. */
export function secretFileMounts(files: readonly SecretFile[]): k8s.types.input.core.v1.VolumeMount[] {
    return files.map((file) => ({
        name: secretFileVolumeName(file),
        mountPath: path.posix.dirname(file.path),
        readOnly: true,
    }));
}

/** The pod spec with the secret files' volumes, mounted read-only into its (first) service container. */
export function withSecretFiles(pod: PodSpec, files: readonly SecretFile[]): PodSpec {
    if (files.length === 0) return pod;
    const [container, ...others] = pod.containers as Container[];
    const mounts = [
        ...((container.volumeMounts ?? []) as k8s.types.input.core.v1.VolumeMount[]),
        ...secretFileMounts(files),
    ];
    const volumes = [...((pod.volumes ?? []) as k8s.types.input.core.v1.Volume[]), ...secretFileVolumes(files)];
    return { ...pod, containers: [{ ...container, volumeMounts: mounts }, ...others], volumes };
}

/** Secret files: absolute paths below a directory of their own, Secret keys. */
export function secretFileProblems(problems: ProblemList, args: Pick<WorkloadArgs, "secretFiles">): void {
    const dirs = new Map<string, number>();
    (args.secretFiles ?? []).forEach((file, i) => {
        const dir = path.posix.dirname(file.path);
        if (!/^\/[^\0]*[^/]$/.test(file.path) || dir === "/" || path.posix.normalize(file.path) !== file.path) {
            problems.add(
                `secretFiles[${i}].path`,
                file.path,
                "an absolute, normalised file path below a directory, e.g. /keys/key",
            );
        } else if (dirs.has(dir)) {
            problems.add(
                `secretFiles[${i}].path`,
                file.path,
                `a file in a directory not already mounted by secretFiles[${dirs.get(dir)}]`,
            );
        } else dirs.set(dir, i);
        if (!isSecretKey(file.secret.key))
            problems.add(`secretFiles[${i}].secret.key`, file.secret.key, SECRET_KEY_ALLOWED);
    });
}

/** The explicit disruption budget (below the most pods it runs, never with minAvailable) and the partition. */
export function rolloutProblems(problems: ProblemList, args: WorkloadArgs, maxPods: number): void {
    const budget = args.maxUnavailable;
    if (budget !== undefined) {
        if (args.minAvailable !== undefined) {
            problems.add("maxUnavailable", budget, "nothing when minAvailable is set: a PDB takes one of the two");
        } else if (!isIntInRange(budget, 0, maxPods - 1)) {
            const allowed = `${intRangeAllowed(0, maxPods - 1)} (a budget that lets all ${maxPods} pods go protects nothing)`;
            problems.add("maxUnavailable", budget, allowed);
        }
    }
    const partition = args.partition;
    if (partition === undefined) return;
    if ((args.kind ?? "Deployment") !== "StatefulSet") {
        problems.add("partition", partition, "nothing: only a StatefulSet's rollout has a partition");
    } else if (!isIntInRange(partition, 0, maxPods)) {
        problems.add("partition", partition, `${intRangeAllowed(0, maxPods)} (${maxPods} pauses the rollout)`);
    }
}
