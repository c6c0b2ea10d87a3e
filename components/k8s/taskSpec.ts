/**
 * The pod of a task: a container that runs to completion (a one-shot Job, a backup CronJob). It is
 * hardened like every Workload pod (non-root, read-only root with an emptyDir scratch, no
 * escalation, all capabilities dropped, seccomp RuntimeDefault, requests and limits, a pinned
 * image, no service-account token unless it has an IRSA role) and never restarts in place: the
 * Job's backoff retries it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ProblemList } from "../errors";
import { Network } from "../network";
import {
    checkPinnedImage,
    DNS_LABEL_ALLOWED,
    intRangeAllowed,
    isDnsLabel,
    isIntInRange,
    isSecretKey,
    parseByteQuantity,
    SECRET_KEY_ALLOWED,
} from "../validators";
import { looksSecret, resourceProblems } from "./containerChecks";
import { containerResources, ephemeralStorageFloor, imagePullPolicyFor } from "./containerSettings";
import { IRSA_ROLE_ANNOTATION, IrsaBinding, SecretEnv, WorkloadResources } from "./workloadArgs";
import { containerEnv, containerSecurityContext, podSecurityContext, writableVolumeName } from "./workloadSpec";

/** Size of a task's `/tmp` scratch emptyDir unless `scratchSizeLimit` says otherwise. */
export const DEFAULT_SCRATCH_SIZE_LIMIT = "256Mi";

/** A ConfigMap mounted read-only into the task's container. */
export interface TaskConfigMapMount {
    /** The volume's name, a DNS-1123 label. */
    readonly volume: string;
    readonly configMapName: pulumi.Input<string>;
    /** An absolute path other than /tmp. */
    readonly mountPath: string;
}

/** The arguments every task shares. */
export interface TaskArgs {
    /** The task's name (a DNS-1123 label): its `app.kubernetes.io/name`, container and ServiceAccount name. */
    readonly task: string;
    readonly network: Network;
    readonly namespace: pulumi.Input<string>;
    /** Its `app.kubernetes.io/component` label. */
    readonly component: string;
    /** An image pinned to a version tag or a sha256 digest. */
    readonly image: string;
    /** The entrypoint; `$(VAR)` expands from the container's env, so a secret never enters the spec. */
    readonly command: readonly string[];
    /** Default: none. */
    readonly args?: readonly string[];
    readonly resources: WorkloadResources;
    /** Plain, non-secret environment values (names that look secret are rejected). Default: none. */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** ConfigMaps mounted read-only (scripts, settings files). Default: none. */
    readonly configMapMounts?: readonly TaskConfigMapMount[];
    /** Secret environment variables, each a `secretKeyRef`. Default: none. */
    readonly secretEnv?: readonly SecretEnv[];
    /** Its IRSA role; without one no service-account token is mounted. Default: none. */
    readonly role?: IrsaBinding;
    /** Seconds one run may take before it is killed (60 to 86400). */
    readonly activeDeadlineSeconds: number;
    /** Retries of a failed run (0 to 10). Default 3. */
    readonly backoffLimit?: number;
    /** Size of the `/tmp` scratch emptyDir. Default `256Mi`. */
    readonly scratchSizeLimit?: string;
}

/** Every problem with a task's arguments. */
export function taskProblems(args: TaskArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    if (!isDnsLabel(args.task)) problems.add("task", args.task, DNS_LABEL_ALLOWED);
    const imageProblem = checkPinnedImage(args.image);
    if (imageProblem) problems.add("image", args.image, imageProblem);
    if (args.command.length === 0) problems.add("command", [], 'an entrypoint, e.g. ["mc"]');
    const scratchSize = args.scratchSizeLimit ?? DEFAULT_SCRATCH_SIZE_LIMIT;
    if (parseByteQuantity(scratchSize) === undefined) {
        problems.add("scratchSizeLimit", scratchSize, "a storage quantity such as 256Mi or 20Gi");
        resourceProblems(problems, args.resources);
    } else resourceProblems(problems, args.resources, "resources", ephemeralStorageFloor([scratchSize]));
    for (const name of Object.keys(args.env ?? {})) {
        if (looksSecret(name)) problems.add("env", name, "a non-secret name; secrets come through secretEnv");
    }
    // Kubernetes keeps the last of two env entries with one name, silently.
    const envNames = new Map<string, string>(Object.keys(args.env ?? {}).map((name) => [name, "env"]));
    (args.secretEnv ?? []).forEach((env, i) => {
        const clash = envNames.get(env.envName);
        if (clash !== undefined)
            problems.add(`secretEnv[${i}].envName`, env.envName, `a name not already set by ${clash}`);
        else envNames.set(env.envName, `secretEnv[${i}]`);
        if (!isSecretKey(env.secret.key))
            problems.add(`secretEnv[${i}].secret.key`, env.secret.key, SECRET_KEY_ALLOWED);
    });
    if (!isIntInRange(args.activeDeadlineSeconds, 60, 86_400)) {
        problems.add("activeDeadlineSeconds", args.activeDeadlineSeconds, intRangeAllowed(60, 86_400, "seconds"));
    }
    (args.configMapMounts ?? []).forEach((mount, i) => {
        if (!isDnsLabel(mount.volume) || mount.volume === "tmp") {
            problems.add(`configMapMounts[${i}].volume`, mount.volume, `${DNS_LABEL_ALLOWED}, not tmp`);
        }
        if (!/^\/[^\0]+$/.test(mount.mountPath) || mount.mountPath === "/tmp") {
            problems.add(`configMapMounts[${i}].mountPath`, mount.mountPath, "an absolute path other than / and /tmp");
        }
    });
    if (args.backoffLimit !== undefined && !isIntInRange(args.backoffLimit, 0, 10)) {
        problems.add("backoffLimit", args.backoffLimit, intRangeAllowed(0, 10));
    }
    return problems.problems;
}

/** The task's pod spec: one hardened container, a `/tmp` scratch, `restartPolicy: Never`. */
export function taskPodSpec(args: TaskArgs, serviceAccountName: pulumi.Input<string>): k8s.types.input.core.v1.PodSpec {
    const scratch = writableVolumeName("/tmp");
    const scratchSize = args.scratchSizeLimit ?? DEFAULT_SCRATCH_SIZE_LIMIT;
    const mounts = args.configMapMounts ?? [];
    const plain = Object.entries(args.env ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value }));
    return {
        serviceAccountName,
        automountServiceAccountToken: args.role !== undefined,
        enableServiceLinks: false,
        restartPolicy: "Never",
        securityContext: podSecurityContext(),
        containers: [
            {
                name: args.task,
                image: args.image,
                imagePullPolicy: imagePullPolicyFor(args.image),
                command: [...args.command],
                ...(args.args ? { args: [...args.args] } : {}),
                env: [...plain, ...containerEnv([], undefined, args.secretEnv ?? [])],
                resources: containerResources(args.resources, [scratchSize]),
                securityContext: containerSecurityContext(),
                volumeMounts: [
                    { name: scratch, mountPath: "/tmp" },
                    ...mounts.map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: true })),
                ],
                terminationMessagePolicy: "FallbackToLogsOnError",
            },
        ],
        volumes: [
            { name: scratch, emptyDir: { sizeLimit: scratchSize } },
            // Read-only, and readable but not executable: scripts run as `bash <file>`.
            ...mounts.map((m) => ({ name: m.volume, configMap: { name: m.configMapName, defaultMode: 0o444 } })),
        ],
    };
}

/**
 * The task's ServiceAccount: named after the service account its IRSA role trusts (or the task),
 * annotated with the role, and mounting a token only when there is a role.
 */
export function taskServiceAccount(
    name: string,
    args: Pick<TaskArgs, "task" | "namespace" | "role">,
    labels: Readonly<Record<string, string>>,
    parent: pulumi.Resource,
): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(
        `${name}-service-account`,
        {
            metadata: {
                name: args.role?.serviceAccount.name ?? args.task,
                namespace: args.namespace,
                labels: { ...labels },
                ...(args.role ? { annotations: { [IRSA_ROLE_ANNOTATION]: args.role.arn } } : {}),
            },
            automountServiceAccountToken: args.role !== undefined,
        },
        { parent },
    );
}

/** The Job spec of one run: its deadline, retries and pod. */
export function taskJobSpec(
    args: TaskArgs,
    labels: Readonly<Record<string, string>>,
    serviceAccountName: pulumi.Input<string>,
): k8s.types.input.batch.v1.JobSpec {
    return {
        activeDeadlineSeconds: args.activeDeadlineSeconds,
        backoffLimit: args.backoffLimit ?? 3,
        template: { metadata: { labels: { ...labels } }, spec: taskPodSpec(args, serviceAccountName) },
    };
}
