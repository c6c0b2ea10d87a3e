/**
 * Container storage: bounded ephemeral storage (requests and limits that cover the pod's
 * disk-backed emptyDir volumes). The read-only root filesystem, a security control, is in
 * podSecurity/readOnlyRoot.ts.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerList, containerNote, containersOf, PodTemplate, validatePodTemplates } from "../pods";
import { asArray, asRecord, defaultEnforcement, show } from "../util";

/** The resource name of local ephemeral storage (container writable layer, logs, emptyDir volumes). */
export const EPHEMERAL_STORAGE = "ephemeral-storage";

/** Containers that can carry resources (ephemeral containers cannot). */
const RESOURCE_LISTS: readonly ContainerList[] = ["containers", "initContainers"];

const QUANTITY_UNITS: Record<string, number> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    Pi: 1024 ** 5,
};

/** A storage quantity in bytes (`256Mi`, `1G`, `1e9`, a plain number), or `undefined` when it is not one. */
export function storageBytes(quantity: unknown): number | undefined {
    if (typeof quantity === "number") return Number.isFinite(quantity) && quantity >= 0 ? quantity : undefined;
    if (typeof quantity !== "string") return undefined;
    const match = /^([0-9]+(?:\.[0-9]+)?)(?:(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)|e([0-9]+))?$/.exec(quantity.trim());
    if (!match) return undefined;
    const exponent = match[3] === undefined ? 1 : 10 ** Number(match[3]);
    return Number(match[1]) * QUANTITY_UNITS[match[2] ?? ""] * exponent;
}

/** Messages for every container without ephemeral-storage requests and limits, and for limits below the emptyDirs. */
export function ephemeralStorageProblems(pod: PodTemplate): string[] {
    const messages: string[] = [];
    for (const ref of containersOf(pod, RESOURCE_LISTS)) {
        const resources = asRecord(ref.container.resources);
        for (const section of ["requests", "limits"] as const) {
            const value = asRecord(resources?.[section])?.[EPHEMERAL_STORAGE];
            if (value === undefined || value === null || value === "") {
                messages.push(
                    `${ref.path}.resources.${section}["${EPHEMERAL_STORAGE}"] is ${show(value)}${containerNote(ref)}; ` +
                        `set ephemeral-storage requests and limits: the request places the pod on a node with ` +
                        `the disk it needs, the limit evicts this pod rather than its neighbours when its logs ` +
                        `or emptyDir volumes fill the node's disk.`,
                );
            }
        }
    }
    // The kubelet evicts a pod whose emptyDirs, logs and writable layers exceed the sum of its
    // containers' limits, so a sizeLimit above that sum can never be reached.
    const volumes = asArray<Record<string, unknown>>(pod.spec.volumes)
        .map((v) => ({ name: String(asRecord(v)?.name ?? ""), emptyDir: asRecord(asRecord(v)?.emptyDir) }))
        .filter(
            (v) => v.emptyDir && v.emptyDir.medium !== "Memory" && storageBytes(v.emptyDir.sizeLimit) !== undefined,
        );
    // Sidecars (init containers with restartPolicy: Always) run beside the app and add to the pod's limit.
    const limits = containersOf(pod, RESOURCE_LISTS)
        .filter((ref) => ref.list === "containers" || ref.container.restartPolicy === "Always")
        .map((ref) => asRecord(asRecord(ref.container.resources)?.limits)?.[EPHEMERAL_STORAGE]);
    if (volumes.length === 0 || limits.some((l) => storageBytes(l) === undefined)) return messages;
    const volumeBytes = volumes.reduce((sum, v) => sum + storageBytes(v.emptyDir!.sizeLimit)!, 0);
    const limitBytes = limits.reduce<number>((sum, l) => sum + storageBytes(l)!, 0);
    if (limitBytes < volumeBytes) {
        const listed = volumes.map((v) => `${v.name} ${show(v.emptyDir!.sizeLimit)}`).join(", ");
        messages.push(
            `${pod.specPath}.containers: the ephemeral-storage limits (${limits.map((l) => show(l)).join(" + ")}) ` +
                `are below the sizeLimits of the pod's disk-backed emptyDir volumes (${listed}); raise the limits ` +
                `to cover the emptyDirs plus the containers' logs: the kubelet evicts the pod at the sum of its ` +
                `limits, before a volume reaches its sizeLimit.`,
        );
    }
    return messages;
}

/** Every container states ephemeral-storage requests and limits that cover the pod's emptyDirs. */
export const ephemeralStorage: ResourceValidationPolicy = {
    name: "workload-ephemeral-storage",
    description:
        "Every container and init container must set ephemeral-storage requests and limits, and the " +
        "containers' limits must add up to at least the sizeLimits of the pod's disk-backed emptyDir " +
        "volumes, so a log writer or a full scratch volume evicts its own pod rather than its neighbours.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validatePodTemplates(ephemeralStorageProblems),
};
