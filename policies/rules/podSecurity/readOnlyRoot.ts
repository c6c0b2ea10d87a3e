/**
 * A read-only root filesystem for every container (beyond the Pod Security Standards, which leave
 * it to the workload): writable paths come from emptyDir volumes.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { containerNote, containersOf, isWindowsPod, PodTemplate, validatePodTemplates } from "../pods";
import { defaultEnforcement, show } from "../util";

/** Messages for every container whose root filesystem is writable (Windows pods cannot set the field). */
export function writableRootFilesystems(pod: PodTemplate): string[] {
    if (isWindowsPod(pod.spec)) return [];
    return containersOf(pod)
        .filter((ref) => ref.container.securityContext?.readOnlyRootFilesystem !== true)
        .map(
            (ref) =>
                `${ref.path}.securityContext.readOnlyRootFilesystem is ` +
                `${show(ref.container.securityContext?.readOnlyRootFilesystem)}${containerNote(ref)}; set it to ` +
                `true and mount an emptyDir where the container must write (e.g. /tmp): a writable root lets an ` +
                `intruder drop tools into the container and change the image's own files.`,
        );
}

/** Every container, init container and ephemeral container runs with a read-only root filesystem. */
export const readOnlyRootFilesystem: ResourceValidationPolicy = {
    name: "pod-read-only-root-filesystem",
    description:
        "Every container, init container and ephemeral container of every pod-bearing kind must set " +
        "securityContext.readOnlyRootFilesystem: true (writable paths come from emptyDir volumes), so an " +
        "intruder cannot drop binaries into the container or alter the image's files. Windows pods are " +
        "skipped: Kubernetes forbids the field there.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "pod-security"],
    validateResource: validatePodTemplates(writableRootFilesystems),
};
