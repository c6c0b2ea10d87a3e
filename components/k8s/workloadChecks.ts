/**
 * Every check of a Workload's arguments, as named steps (identity, scaling, disruption, pod here;
 * resources, ports, probes, environment, mounts and init containers in containerChecks.ts), each
 * adding to one {@link ProblemList}. {@link checkWorkloadArgs}
 * runs them once, before anything registers; the Workload and the service builder rely on that.
 */
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import {
    checkPinnedImage,
    DNS_LABEL_ALLOWED,
    DNS_SUBDOMAIN_ALLOWED,
    intRangeAllowed,
    isDnsLabel,
    isDnsSubdomain,
    isIntInRange,
} from "../validators";
import {
    environmentProblems,
    initContainerProblems,
    mountProblems,
    portProblems,
    probeProblems,
    resourceProblems,
} from "./containerChecks";
import { rolloutProblems, secretFileProblems } from "./podParts";
import { ephemeralStorageFloor } from "./containerSettings";
import { DEFAULT_WRITABLE_PATHS, DEFAULT_WRITABLE_SIZE_LIMIT, SecretEnv, WorkloadArgs } from "./workloadArgs";
import { maxPods, minPods } from "./workloadSpec";

export { isPortName, looksSecret, PORT_NAME_ALLOWED } from "./containerChecks";

/** The service's name, image and IRSA binding. */
function identityProblems(problems: ProblemList, args: WorkloadArgs): void {
    if (!isDnsLabel(args.service)) problems.add("service", args.service, DNS_LABEL_ALLOWED);
    const imageProblem = checkPinnedImage(args.image);
    if (imageProblem) problems.add("image", args.image, imageProblem);
    const role = args.role;
    if (role === undefined) return;
    if (!isDnsSubdomain(role.serviceAccount.name)) {
        problems.add("role.serviceAccount.name", role.serviceAccount.name, DNS_SUBDOMAIN_ALLOWED);
    }
    // A role trusting a service account in another namespace could never be assumed by these pods.
    if (typeof args.namespace === "string" && role.serviceAccount.namespace !== args.namespace) {
        problems.add(
            "role.serviceAccount.namespace",
            role.serviceAccount.namespace,
            `the workload's namespace (${args.namespace}): the role must trust a service account of these pods`,
        );
    }
}

/** Replicas and HPA bounds. */
function scalingProblems(problems: ProblemList, args: WorkloadArgs): void {
    if (!isIntInRange(args.replicas, 1)) problems.add("replicas", args.replicas, intRangeAllowed(1));
    const hpa = args.autoscaling;
    if (!hpa) return;
    if (!isIntInRange(hpa.minReplicas, 1)) problems.add("autoscaling.minReplicas", hpa.minReplicas, intRangeAllowed(1));
    if (!isIntInRange(hpa.maxReplicas, 1)) problems.add("autoscaling.maxReplicas", hpa.maxReplicas, intRangeAllowed(1));
    else if (hpa.minReplicas >= hpa.maxReplicas) {
        // Equal bounds would register an HPA that never scales; a fixed replica count is the honest form.
        const allowed = `an integer < autoscaling.maxReplicas (${hpa.maxReplicas}); for a fixed count drop autoscaling`;
        problems.add("autoscaling.minReplicas", hpa.minReplicas, allowed);
    }
    if (hpa.targetCpuUtilization !== undefined && !isIntInRange(hpa.targetCpuUtilization, 1, 100)) {
        const allowed = "a CPU utilisation percentage from 1 to 100";
        problems.add("autoscaling.targetCpuUtilization", hpa.targetCpuUtilization, allowed);
    }
    if (hpa.targetMemoryUtilization !== undefined && !isIntInRange(hpa.targetMemoryUtilization, 1, 100)) {
        const allowed = "a memory utilisation percentage from 1 to 100";
        problems.add("autoscaling.targetMemoryUtilization", hpa.targetMemoryUtilization, allowed);
    }
    const outside = args.replicas < hpa.minReplicas || args.replicas > hpa.maxReplicas;
    if (isIntInRange(args.replicas, 1) && hpa.minReplicas <= hpa.maxReplicas && outside) {
        const allowed = `an integer from autoscaling.minReplicas (${hpa.minReplicas}) to autoscaling.maxReplicas (${hpa.maxReplicas})`;
        problems.add("replicas", args.replicas, allowed);
    }
}

/** The disruption budget: a floor that still lets one pod go, and only where a PDB exists. */
function disruptionProblems(problems: ProblemList, args: WorkloadArgs): void {
    if (args.minAvailable === undefined) return;
    const fewest = minPods(args);
    if (fewest <= 1) {
        const allowed = "no minAvailable: a workload that may run one pod gets no PodDisruptionBudget";
        problems.add("minAvailable", args.minAvailable, allowed);
    } else if (!isIntInRange(args.minAvailable, 1, fewest - 1)) {
        const allowed = `${intRangeAllowed(1, fewest - 1)} (below the ${fewest} pods it always runs, so a node can drain)`;
        problems.add("minAvailable", args.minAvailable, allowed);
    }
}

/** Grace period, the pod's uid/gid, session affinity and the StatefulSet-only options. */
function podProblems(problems: ProblemList, args: WorkloadArgs): void {
    const affinity = args.clientIpAffinitySeconds;
    if (affinity !== undefined && !isIntInRange(affinity, 1, 86400)) {
        problems.add("clientIpAffinitySeconds", affinity, intRangeAllowed(1, 86400, "seconds"));
    }
    if ((args.kind ?? "Deployment") !== "StatefulSet") {
        if (args.podManagementPolicy !== undefined) {
            problems.add("podManagementPolicy", args.podManagementPolicy, "nothing: only a StatefulSet has one");
        }
        if (args.protectVolumes !== undefined) {
            problems.add("protectVolumes", args.protectVolumes, "nothing: only a StatefulSet owns volume claims");
        }
    }
    const grace = args.terminationGracePeriodSeconds;
    if (grace !== undefined && !isIntInRange(grace, 1, 3600)) {
        problems.add("terminationGracePeriodSeconds", grace, intRangeAllowed(1, 3600, "seconds"));
    }
    if (args.runAsId !== undefined && !isIntInRange(args.runAsId, 1, 2147483647)) {
        problems.add("runAsId", args.runAsId, "a non-zero uid/gid (never root)");
    }
}

/** The least ephemeral-storage limit of the workload's container: its writable emptyDirs plus logs. */
function workloadEphemeralFloor(args: WorkloadArgs): string {
    const paths = args.writablePaths ?? DEFAULT_WRITABLE_PATHS;
    return ephemeralStorageFloor(paths.map(() => args.writableSizeLimit ?? DEFAULT_WRITABLE_SIZE_LIMIT));
}

/**
 * Every problem with a Workload's arguments: an unpinned image, replicas < 1, HPA bounds the wrong
 * way round or equal, ports out of range or clashing within the pod, probe paths without a leading `/` or
 * naming an unknown port, plain settings whose names look secret, and the rest of the shape.
 */
export function workloadProblems(args: WorkloadArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    identityProblems(problems, args);
    scalingProblems(problems, args);
    resourceProblems(problems, args.resources, "resources", workloadEphemeralFloor(args));
    initContainerProblems(problems, args);
    const portNames = portProblems(problems, args);
    probeProblems(problems, args, portNames);
    environmentProblems(problems, args);
    mountProblems(problems, args);
    podProblems(problems, args);
    disruptionProblems(problems, args);
    secretFileProblems(problems, args);
    rolloutProblems(problems, args, maxPods(args));
    return problems.problems;
}

/** The component type a Workload registers as. */
export const WORKLOAD_TYPE = "messaging:k8s:Workload";

// Arguments that passed the checks. Only the secret names of `secretEnv` may be bound afterwards
// ({@link withSecretNames}); the checks never read them.
const checked = new WeakSet<WorkloadArgs>();

/**
 * Checks a Workload's arguments once and returns them marked as checked, so the Workload (and a
 * service built on it) never checks them again. Throws {@link ArgumentsError} with every problem,
 * plus `extra` problems the caller found (e.g. in the service's own Secret), naming the stack file
 * to edit when `configSource` says where the arguments came from.
 */
export function checkWorkloadArgs(
    name: string,
    args: WorkloadArgs,
    extra: readonly ArgumentProblem[] = [],
): WorkloadArgs {
    if (checked.has(args) && extra.length === 0) return args;
    const problems = [...workloadProblems(args), ...extra];
    if (problems.length > 0) {
        const fix = args.configSource === undefined ? FIX_THE_CALLER : `Edit ${args.configSource}`;
        throw new ArgumentsError(componentArguments(WORKLOAD_TYPE, name), problems, fix);
    }
    checked.add(args);
    return args;
}

/**
 * Checked arguments whose `secretEnv` (and their init containers') refer to the Secret named `secretName` (an Output, so the pods
 * depend on the Secret), still marked as checked: the name of a Secret is not something the checks
 * judge, only its keys.
 */
export function withSecretNames(args: WorkloadArgs, secretName: WorkloadArgs["namespace"]): WorkloadArgs {
    if (!checked.has(args)) throw new Error("withSecretNames takes arguments that checkWorkloadArgs has checked");
    const bind = <T extends Pick<SecretEnv, "secret">>(env: T): T => ({
        ...env,
        secret: { ...env.secret, name: secretName },
    });
    const bound: WorkloadArgs = {
        ...args,
        secretEnv: (args.secretEnv ?? []).map(bind),
        initContainers: args.initContainers?.map((init) => ({ ...init, secretEnv: (init.secretEnv ?? []).map(bind) })),
        ...(args.secretFiles ? { secretFiles: args.secretFiles.map(bind) } : {}),
    };
    checked.add(bound);
    return bound;
}
