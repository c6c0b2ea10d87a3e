/**
 * The container-level checks of a Workload: resources, ports, probes, environment (no secret in a
 * plain setting), mounts and init containers. Each adds to one {@link ProblemList}; workloadChecks.ts
 * runs them with the pod-level checks.
 */
import { ProblemList } from "../errors";
import {
    DNS_LABEL_ALLOWED,
    isDnsLabel,
    isIntInRange,
    intRangeAllowed,
    isSecretKey,
    parseByteQuantity,
    parseCpuMillis,
    SECRET_KEY_ALLOWED,
} from "../validators";
import { DEFAULT_EPHEMERAL_STORAGE_REQUEST, EPHEMERAL_STORAGE_LOG_ALLOWANCE } from "./containerSettings";
import { DEFAULT_WRITABLE_PATHS, WorkloadArgs } from "./workloadArgs";
import { writableVolumeName } from "./workloadSpec";

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const ENV_NAME_ALLOWED = "an environment variable name: upper-case letters, digits and '_', not starting with a digit";
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
const PROBE_PATH = /^\/[A-Za-z0-9._~/-]*$/;

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

/** What {@link isPortName} allows, as problem reports say it. */
export const PORT_NAME_ALLOWED =
    "an IANA service name: lower-case letters, digits and '-', at most 15 characters, at least one letter";

/** A valid IANA service name, as container and Service port names must be. */
export function isPortName(name: string): boolean {
    return /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes("--");
}

/** Init containers: unique DNS-1123 names, a command, their own resources and secret env. */
export function initContainerProblems(problems: ProblemList, args: WorkloadArgs): void {
    const names = new Set([args.service]);
    (args.initContainers ?? []).forEach((init, i) => {
        const at = `initContainers[${i}]`;
        if (!isDnsLabel(init.name)) problems.add(`${at}.name`, init.name, DNS_LABEL_ALLOWED);
        else if (names.has(init.name))
            problems.add(`${at}.name`, init.name, "a container name not already used in the pod");
        names.add(init.name);
        if (init.command.length === 0) problems.add(`${at}.command`, [], 'an entrypoint, e.g. ["migrate"]');
        resourceProblems(problems, init.resources, `${at}.resources`);
        const envNames = new Map<string, number>();
        (init.secretEnv ?? []).forEach((env, j) => {
            if (!ENV_NAME.test(env.envName))
                problems.add(`${at}.secretEnv[${j}].envName`, env.envName, ENV_NAME_ALLOWED);
            const clash = envNames.get(env.envName);
            if (clash !== undefined) {
                problems.add(
                    `${at}.secretEnv[${j}].envName`,
                    env.envName,
                    `a name not already set by secretEnv[${clash}]`,
                );
            } else envNames.set(env.envName, j);
            if (!isSecretKey(env.secret.key)) {
                problems.add(`${at}.secretEnv[${j}].secret.key`, env.secret.key, SECRET_KEY_ALLOWED);
            }
        });
    });
}

/**
 * Requests and limits at `at`: valid quantities, each limit at least its request, and an
 * ephemeral-storage limit of at least `ephemeralFloor` (the emptyDirs the pod writes to, plus logs)
 * when one is given.
 */
export function resourceProblems(
    problems: ProblemList,
    resources: WorkloadArgs["resources"],
    at = "resources",
    ephemeralFloor?: string,
): void {
    const { requests, limits } = resources;
    for (const [path, value] of [
        [`${at}.requests.cpu`, requests.cpu],
        [`${at}.limits.cpu`, limits.cpu],
    ] as const) {
        if (parseCpuMillis(value) === undefined) problems.add(path, value, "a CPU quantity such as 250m or 1");
    }
    for (const [path, value] of [
        [`${at}.requests.memory`, requests.memory],
        [`${at}.limits.memory`, limits.memory],
    ] as const) {
        if (parseByteQuantity(value) === undefined) problems.add(path, value, "a memory quantity such as 256Mi or 1Gi");
    }
    if ((parseCpuMillis(limits.cpu) ?? Infinity) < (parseCpuMillis(requests.cpu) ?? 0)) {
        problems.add(`${at}.limits.cpu`, limits.cpu, `a CPU quantity >= requests.cpu (${requests.cpu})`);
    }
    if ((parseByteQuantity(limits.memory) ?? Infinity) < (parseByteQuantity(requests.memory) ?? 0)) {
        const allowed = `a memory quantity >= requests.memory (${requests.memory})`;
        problems.add(`${at}.limits.memory`, limits.memory, allowed);
    }
    ephemeralStorageProblems(problems, resources, at, ephemeralFloor);
}

/** The ephemeral-storage request and limit, when given: storage quantities, the limit above the request and the floor. */
function ephemeralStorageProblems(
    problems: ProblemList,
    resources: WorkloadArgs["resources"],
    at: string,
    floor: string | undefined,
): void {
    const request = resources.requests.ephemeralStorage;
    const limit = resources.limits.ephemeralStorage;
    const allowed = "a storage quantity such as 64Mi or 1Gi";
    if (request !== undefined && parseByteQuantity(request) === undefined) {
        problems.add(`${at}.requests.ephemeralStorage`, request, allowed);
    }
    if (limit === undefined || parseByteQuantity(limit) === undefined) {
        if (limit !== undefined) problems.add(`${at}.limits.ephemeralStorage`, limit, allowed);
        return;
    }
    const requested = request ?? DEFAULT_EPHEMERAL_STORAGE_REQUEST;
    if (parseByteQuantity(limit)! < (parseByteQuantity(requested) ?? 0)) {
        const which = request === undefined ? "the default request" : "requests.ephemeralStorage";
        problems.add(`${at}.limits.ephemeralStorage`, limit, `a storage quantity >= ${which} (${requested})`);
    } else if (floor !== undefined && parseByteQuantity(limit)! < parseByteQuantity(floor)!) {
        const why = `the pod's writable emptyDir sizeLimits plus ${EPHEMERAL_STORAGE_LOG_ALLOWANCE} for logs: the kubelet evicts the pod at its limit`;
        problems.add(`${at}.limits.ephemeralStorage`, limit, `a storage quantity >= ${floor} (${why})`);
    }
}

/** Port names and numbers, unique within the pod. Returns the valid names, for the probe and metrics checks. */
export function portProblems(problems: ProblemList, args: WorkloadArgs): Set<string> {
    if (args.ports.length === 0) problems.add("ports", [], "at least one named container port");
    const byName = new Map<string, number>();
    const byNumber = new Map<string, number>();
    args.ports.forEach((port, i) => {
        if (!isPortName(port.name)) problems.add(`ports[${i}].name`, port.name, PORT_NAME_ALLOWED);
        const sameName = byName.get(port.name);
        if (sameName !== undefined) {
            problems.add(
                `ports[${i}].name`,
                port.name,
                `a name not already used by ports[${sameName}] in the same pod`,
            );
        } else byName.set(port.name, i);
        if (!isIntInRange(port.containerPort, 1, 65535)) {
            problems.add(`ports[${i}].containerPort`, port.containerPort, "a port number from 1 to 65535");
        }
        const numberKey = `${port.containerPort}/${port.protocol ?? "TCP"}`;
        const sameNumber = byNumber.get(numberKey);
        if (sameNumber !== undefined) {
            const allowed = `a port not already used by ports[${sameNumber}] (${args.ports[sameNumber].name}) in the same pod`;
            problems.add(`ports[${i}].containerPort`, port.containerPort, allowed);
        } else byNumber.set(numberKey, i);
    });
    return new Set(byName.keys());
}

/** Probe paths, ports and timings; the metrics port and path. */
export function probeProblems(problems: ProblemList, args: WorkloadArgs, portNames: Set<string>): void {
    const onePort = `the name of one of the ports (${args.ports.map((p) => p.name).join(", ")})`;
    if (!portNames.has(args.probes.port)) problems.add("probes.port", args.probes.port, onePort);
    for (const probe of ["startup", "readiness", "liveness"] as const) {
        const spec = args.probes[probe];
        if (!("tcp" in spec) && !PROBE_PATH.test(spec.path)) {
            problems.add(`probes.${probe}.path`, spec.path, "an HTTP path starting with /, e.g. /health");
        }
        if (spec.port !== undefined && !portNames.has(spec.port))
            problems.add(`probes.${probe}.port`, spec.port, onePort);
        for (const timing of ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"] as const) {
            const value = spec[timing];
            const min = timing === "initialDelaySeconds" ? 0 : 1;
            if (value !== undefined && !isIntInRange(value, min, 3600)) {
                problems.add(`probes.${probe}.${timing}`, value, intRangeAllowed(min, 3600));
            }
        }
    }
    // The same check for both would restart a container whenever it is too busy to be ready.
    const check = (p: WorkloadArgs["probes"]["liveness"]) =>
        `${"tcp" in p ? "tcp" : `http ${p.path}`} on ${p.port ?? args.probes.port}`;
    if (check(args.probes.liveness) === check(args.probes.readiness)) {
        const allowed =
            "a check other than probes.readiness's (another path or port, or { tcp: true } beside an HTTP " +
            "readiness): the same check would restart the container whenever it is too busy to be ready";
        problems.add("probes.liveness", args.probes.liveness, allowed);
    }
    const metricsPort = args.metrics?.port ?? "metrics";
    if (!portNames.has(metricsPort)) {
        problems.add("metrics.port", metricsPort, `${onePort}; the monitoring namespace scrapes it`);
    }
    const metricsPath = args.metrics?.path ?? "/metrics";
    if (!metricsPath.startsWith("/")) {
        problems.add("metrics.path", metricsPath, "an HTTP path starting with /, e.g. /metrics");
    }
}

/** Settings (never secret-looking) and secret env vars (always Secret keys), no name twice. */
export function environmentProblems(problems: ProblemList, args: WorkloadArgs): void {
    const envNames = new Map<string, string>();
    for (const name of Object.keys(args.settings ?? {})) {
        if (!ENV_NAME.test(name)) problems.add("settings", name, ENV_NAME_ALLOWED);
        else if (looksSecret(name)) {
            const allowed =
                "a non-secret setting name; a name with PASSWORD, SECRET, TOKEN, PRIVATE, CREDENTIAL or a " +
                "key in it must come from a Kubernetes Secret through secretEnv";
            problems.add("settings", name, allowed);
        }
        envNames.set(name, "settings");
    }
    (args.secretEnv ?? []).forEach((env, i) => {
        if (!ENV_NAME.test(env.envName)) problems.add(`secretEnv[${i}].envName`, env.envName, ENV_NAME_ALLOWED);
        const clash = envNames.get(env.envName);
        if (clash !== undefined) {
            problems.add(`secretEnv[${i}].envName`, env.envName, `a name not already set by ${clash}`);
        } else envNames.set(env.envName, `secretEnv[${i}]`);
        if (!isSecretKey(env.secret.key))
            problems.add(`secretEnv[${i}].secret.key`, env.secret.key, SECRET_KEY_ALLOWED);
    });
}

/** Writable paths and volume claims: absolute, unique paths and volume names; claims on StatefulSets only. */
export function mountProblems(problems: ProblemList, args: WorkloadArgs): void {
    const mountPaths = new Map<string, string>();
    const volumeNames = new Map<string, string>();
    const addMount = (path: string, volume: string, where: string) => {
        if (!/^\/[^\0]*$/.test(path) || path === "/") {
            problems.add(where, path, "an absolute path other than /, e.g. /tmp");
        } else if (mountPaths.has(path)) {
            problems.add(where, path, `a path not already mounted by ${mountPaths.get(path)}`);
        } else if (volumeNames.has(volume)) {
            const allowed = `a path whose volume name (${volume}) is not already used by ${volumeNames.get(volume)}`;
            problems.add(where, path, allowed);
        } else {
            mountPaths.set(path, where);
            volumeNames.set(volume, where);
        }
    };
    (args.writablePaths ?? DEFAULT_WRITABLE_PATHS).forEach((path, i) =>
        addMount(path, writableVolumeName(path), `writablePaths[${i}]`),
    );
    if (args.writableSizeLimit !== undefined && parseByteQuantity(args.writableSizeLimit) === undefined) {
        problems.add("writableSizeLimit", args.writableSizeLimit, "a storage quantity such as 256Mi");
    }
    (args.volumeClaims ?? []).forEach((claim, i) => {
        if ((args.kind ?? "Deployment") !== "StatefulSet") {
            const allowed = "volume claims only on kind: StatefulSet (a Deployment's replicas would share one volume)";
            problems.add(`volumeClaims[${i}]`, claim.name, allowed);
        }
        if (!isDnsLabel(claim.name)) problems.add(`volumeClaims[${i}].name`, claim.name, DNS_LABEL_ALLOWED);
        if (parseByteQuantity(claim.size) === undefined) {
            problems.add(`volumeClaims[${i}].size`, claim.size, "a storage quantity such as 10Gi");
        }
        addMount(claim.mountPath, claim.name, `volumeClaims[${i}].mountPath`);
    });
}
