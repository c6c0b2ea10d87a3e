/**
 * PlatformNamespace: the network's namespace with Pod Security Admission `restricted` on all
 * three modes (pinned to a version, so a cluster upgrade cannot silently change the rules), a
 * ResourceQuota and a LimitRange.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentProblem, ArgumentsError, componentArguments, FIX_THE_CALLER, ProblemList } from "../errors";
import { isNetwork, Network, NETWORKS, PROJECT } from "../network";
import {
    DNS_LABEL_ALLOWED,
    intRangeAllowed,
    isDnsLabel,
    isIntInRange,
    parseByteQuantity,
    parseCpuMillis,
} from "../validators";

/**
 * The Pod Security Standards version the namespace's labels pin, the version the policy pack's
 * pod-security rules implement. Raise both together, deliberately. A cluster older than the
 * pinned version applies its own latest rules.
 */
export const POD_SECURITY_VERSION = "v1.35";

/** Sizes of the namespace's quota. */
export interface NamespaceQuota {
    readonly requestsCpu: string;
    readonly requestsMemory: string;
    readonly limitsCpu: string;
    readonly limitsMemory: string;
    readonly pods: number;
    readonly persistentVolumeClaims: number;
    readonly requestsStorage: string;
}

/** Requests and limits a container gets when its spec names none. */
export interface ContainerDefaults {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Arguments of {@link PlatformNamespace}. */
export interface PlatformNamespaceArgs {
    /** The namespace's name; it carries the network (`messaging-<network>`). */
    readonly name: string;
    readonly network: Network;
    readonly owner: string;
    readonly quota: NamespaceQuota;
    readonly containerDefaults: ContainerDefaults;
}

/** Labels of the namespace itself: Pod Security Admission on all modes, plus ownership. */
export function namespaceLabels(args: Pick<PlatformNamespaceArgs, "network" | "owner">): Record<string, string> {
    const labels: Record<string, string> = {
        "app.kubernetes.io/part-of": PROJECT,
        "app.kubernetes.io/instance": args.network,
        "app.kubernetes.io/managed-by": "pulumi",
        "messaging-infra/owner": args.owner,
    };
    for (const mode of ["enforce", "audit", "warn"]) {
        labels[`pod-security.kubernetes.io/${mode}`] = "restricted";
        labels[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
    }
    return labels;
}

/** The ResourceQuota's `hard` map. */
export function quotaHard(quota: NamespaceQuota): Record<string, string> {
    return {
        "requests.cpu": quota.requestsCpu,
        "requests.memory": quota.requestsMemory,
        "limits.cpu": quota.limitsCpu,
        "limits.memory": quota.limitsMemory,
        pods: String(quota.pods),
        persistentvolumeclaims: String(quota.persistentVolumeClaims),
        "requests.storage": quota.requestsStorage,
    };
}

/** Every problem with the namespace's arguments: its name, and the quantities of quota and defaults. */
export function namespaceProblems(args: PlatformNamespaceArgs): ArgumentProblem[] {
    const problems = new ProblemList();
    if (!isDnsLabel(args.name)) problems.add("name", args.name, DNS_LABEL_ALLOWED);
    if (!isNetwork(args.network)) problems.add("network", args.network, `one of ${NETWORKS.join(", ")}`);
    const cpu = "a CPU quantity such as 250m or 1";
    const bytes = "a memory or storage quantity such as 256Mi or 10Gi";
    const { quota, containerDefaults } = args;
    for (const key of ["requestsCpu", "limitsCpu"] as const) {
        if (parseCpuMillis(quota[key]) === undefined) problems.add(`quota.${key}`, quota[key], cpu);
    }
    for (const key of ["requestsMemory", "limitsMemory", "requestsStorage"] as const) {
        if (parseByteQuantity(quota[key]) === undefined) problems.add(`quota.${key}`, quota[key], bytes);
    }
    for (const key of ["pods", "persistentVolumeClaims"] as const) {
        if (!isIntInRange(quota[key], 0)) problems.add(`quota.${key}`, quota[key], intRangeAllowed(0));
    }
    for (const kind of ["requests", "limits"] as const) {
        const value = containerDefaults[kind];
        if (parseCpuMillis(value.cpu) === undefined) problems.add(`containerDefaults.${kind}.cpu`, value.cpu, cpu);
        if (parseByteQuantity(value.memory) === undefined) {
            problems.add(`containerDefaults.${kind}.memory`, value.memory, bytes);
        }
    }
    return problems.problems;
}

/** The network's namespace, quota and container defaults. */
export class PlatformNamespace extends pulumi.ComponentResource {
    /** The namespace name, known once the namespace exists. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        const problems = namespaceProblems(args);
        if (problems.length > 0) {
            throw new ArgumentsError(
                componentArguments("messaging:k8s:PlatformNamespace", name),
                problems,
                FIX_THE_CALLER,
            );
        }
        super("messaging:k8s:PlatformNamespace", name, {}, opts);
        const namespace = new k8s.core.v1.Namespace(
            name,
            { metadata: { name: args.name, labels: namespaceLabels(args) } },
            { parent: this },
        );
        this.name = namespace.metadata.name;
        const metadata = {
            namespace: this.name,
            labels: { "app.kubernetes.io/part-of": PROJECT, "app.kubernetes.io/instance": args.network },
        };
        new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            { metadata: { ...metadata, name: "platform-quota" }, spec: { hard: quotaHard(args.quota) } },
            { parent: this },
        );
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            {
                metadata: { ...metadata, name: "container-defaults" },
                spec: {
                    limits: [
                        {
                            type: "Container",
                            default: {
                                cpu: args.containerDefaults.limits.cpu,
                                memory: args.containerDefaults.limits.memory,
                            },
                            defaultRequest: {
                                cpu: args.containerDefaults.requests.cpu,
                                memory: args.containerDefaults.requests.memory,
                            },
                        },
                    ],
                },
            },
            { parent: this },
        );
        this.registerOutputs({ name: this.name });
    }
}
