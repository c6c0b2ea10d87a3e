/**
 * Settings every container the program emits shares, decided in one place: its image pull policy
 * (from the image reference) and its requests and limits, ephemeral storage included (defaults
 * derived from the emptyDir volumes the pod writes to). workloadSpec.ts and taskSpec.ts build
 * their containers with these; the checks use the same floor.
 */
import * as k8s from "@pulumi/kubernetes";
import { parseByteQuantity, parseImageReference } from "../validators";
import { WorkloadResources } from "./workloadArgs";

/**
 * The pull policy of an image: `IfNotPresent` for one pinned by @sha256 digest (immutable, so the
 * node's copy is the reviewed one), `Always` for one referenced by tag (a tag can be moved in the
 * registry; Always re-resolves it on every start, so no node keeps running a stale cached image).
 */
export function imagePullPolicyFor(image: string): "Always" | "IfNotPresent" {
    return parseImageReference(image)?.digest === undefined ? "Always" : "IfNotPresent";
}

/** The ephemeral storage a container requests unless its resources say otherwise: room to start and log. */
export const DEFAULT_EPHEMERAL_STORAGE_REQUEST = "64Mi";

/**
 * What the ephemeral-storage limit allows beyond the pod's emptyDir volumes: the container's logs
 * (the kubelet keeps five files of 10Mi by default) and what is left in its writable layer.
 */
export const EPHEMERAL_STORAGE_LOG_ALLOWANCE = "128Mi";

const MI = 1024 ** 2;

/**
 * The least ephemeral-storage limit a pod's main container may have: the sizeLimits of the
 * emptyDir volumes it writes to plus {@link EPHEMERAL_STORAGE_LOG_ALLOWANCE}, in Mi (the kubelet
 * evicts a pod at the sum of its limits, so a smaller limit would evict it before a volume is full).
 */
export function ephemeralStorageFloor(emptyDirSizeLimits: readonly string[]): string {
    const bytes = [...emptyDirSizeLimits, EPHEMERAL_STORAGE_LOG_ALLOWANCE].reduce(
        (sum, size) => sum + (parseByteQuantity(size) ?? 0),
        0,
    );
    return `${Math.ceil(bytes / MI)}Mi`;
}

/**
 * A container's requests and limits: cpu and memory as given; ephemeral storage as given, else a
 * request of {@link DEFAULT_EPHEMERAL_STORAGE_REQUEST} and a limit of
 * {@link ephemeralStorageFloor} of the emptyDir volumes it writes to.
 */
export function containerResources(
    resources: WorkloadResources,
    emptyDirSizeLimits: readonly string[],
): k8s.types.input.core.v1.ResourceRequirements {
    const { requests, limits } = resources;
    return {
        requests: {
            cpu: requests.cpu,
            memory: requests.memory,
            "ephemeral-storage": requests.ephemeralStorage ?? DEFAULT_EPHEMERAL_STORAGE_REQUEST,
        },
        limits: {
            cpu: limits.cpu,
            memory: limits.memory,
            "ephemeral-storage": limits.ephemeralStorage ?? ephemeralStorageFloor(emptyDirSizeLimits),
        },
    };
}
