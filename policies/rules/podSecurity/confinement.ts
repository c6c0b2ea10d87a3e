/**
 * The checks that confine a container's processes: capabilities, AppArmor, SELinux, /proc,
 * seccomp, privilege escalation, and who they run as.
 */
import { containerNote, ContainerRef, containersOf, isWindowsPod } from "../pods";
import { asRecord, keyPath, quoteList, show } from "../util";
import {
    ALLOWED_SELINUX_TYPES,
    BASELINE_CAPABILITIES,
    Check,
    containerContext,
    contexts,
    PssFinding,
} from "./controls";

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** Drop ALL, add at most NET_BIND_SERVICE (baseline and restricted capabilities). */
export const capabilities: Check = (pod) => {
    const windows = isWindowsPod(pod.spec);
    const findings: PssFinding[] = [];
    for (const ref of containersOf(pod)) {
        const caps = asRecord(containerContext(ref)?.capabilities) as { add?: unknown; drop?: unknown } | undefined;
        const add = Array.isArray(caps?.add) ? (caps.add as unknown[]) : [];
        const notBaseline = add.filter((c) => typeof c !== "string" || !BASELINE_CAPABILITIES.includes(c));
        const notRestricted = add.filter((c) => c !== "NET_BIND_SERVICE");
        if (notBaseline.length > 0 || (!windows && notRestricted.length > 0)) {
            findings.push({
                control: notBaseline.length > 0 ? "capabilities_baseline" : "capabilities_restricted",
                message:
                    `${ref.path}.securityContext.capabilities.add is ${show(add)}${containerNote(ref)}; add ` +
                    `nothing but "NET_BIND_SERVICE": every other capability widens what a compromised process ` +
                    `can do to the node.`,
            });
        }
        const drop = Array.isArray(caps?.drop) ? (caps.drop as unknown[]) : undefined;
        if (!windows && !(drop ?? []).includes("ALL")) {
            findings.push({
                control: "capabilities_restricted",
                message:
                    `${ref.path}.securityContext.capabilities.drop is ${show(drop)}${containerNote(ref)}; set ` +
                    `it to ["ALL"] so the container starts without any Linux capability.`,
            });
        }
    }
    return findings;
};

/** AppArmor RuntimeDefault or Localhost, never Unconfined (baseline appArmorProfile). */
export const appArmor: Check = (pod) => {
    const findings: PssFinding[] = [];
    for (const [key, value] of Object.entries(asRecord(pod.metadata.annotations) ?? {})) {
        if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
        if (
            value === undefined ||
            value === null ||
            value === "" ||
            value === "runtime/default" ||
            (typeof value === "string" && value.startsWith("localhost/"))
        )
            continue;
        findings.push({
            control: "appArmorProfile",
            message:
                `${pod.metadataPath}.annotations${keyPath(key)} is ${show(value)}; use "runtime/default" or ` +
                `"localhost/<profile>": any other profile runs the container without AppArmor confinement.`,
        });
    }
    for (const { sc, path, note } of contexts(pod)) {
        const type = asRecord(sc?.appArmorProfile)?.type;
        if (type !== undefined && type !== null && type !== "RuntimeDefault" && type !== "Localhost") {
            findings.push({
                control: "appArmorProfile",
                message:
                    `${path}.appArmorProfile.type is ${show(type)}${note}; use RuntimeDefault or Localhost: an ` +
                    `Unconfined container runs without AppArmor confinement.`,
            });
        }
    }
    return findings;
};

/** SELinux container types only, no custom user or role (baseline seLinuxOptions). */
export const seLinux: Check = (pod) => {
    const findings: PssFinding[] = [];
    for (const { sc, path, note } of contexts(pod)) {
        const options = asRecord(sc?.seLinuxOptions);
        if (!options) continue;
        const type = options.type;
        if (
            type !== undefined &&
            type !== null &&
            !(typeof type === "string" && ALLOWED_SELINUX_TYPES.includes(type))
        ) {
            findings.push({
                control: "seLinuxOptions",
                message:
                    `${path}.seLinuxOptions.type is ${show(type)}${note}; leave it unset or use container_t, ` +
                    `container_init_t, container_kvm_t or container_engine_t: other types can lift the ` +
                    `container's SELinux confinement.`,
            });
        }
        for (const field of ["user", "role"] as const) {
            const value = options[field];
            if (value !== undefined && value !== null && value !== "") {
                findings.push({
                    control: "seLinuxOptions",
                    message:
                        `${path}.seLinuxOptions.${field} is ${show(value)}${note}; leave it unset: a custom SELinux ` +
                        `${field} can grant access outside the container.`,
                });
            }
        }
    }
    return findings;
};

/** The default masked /proc (baseline procMount, restricted procMount_restricted). */
export const procMount: Check = (pod) => {
    const userNamespaced = pod.spec.hostUsers === false;
    const findings: PssFinding[] = [];
    for (const ref of containersOf(pod)) {
        const value = containerContext(ref)?.procMount;
        if (value === undefined || value === null || value === "Default") continue;
        findings.push({
            // v1.35: baseline allows any procMount in a user-namespaced pod; restricted never does.
            control: userNamespaced ? "procMount_restricted" : "procMount",
            message:
                `${ref.path}.securityContext.procMount is ${show(value)}${containerNote(ref)}; leave it ` +
                `unset or set it to "Default": an unmasked /proc exposes the node's kernel interfaces.`,
        });
    }
    return findings;
};

/** A RuntimeDefault or Localhost seccomp profile, never Unconfined (baseline and restricted seccompProfile). */
export const seccomp: Check = (pod) => {
    const findings: PssFinding[] = [];
    const allowed = (type: unknown) => type === "RuntimeDefault" || type === "Localhost";
    for (const { sc, path, note } of contexts(pod)) {
        const type = asRecord(sc?.seccompProfile)?.type;
        if (type !== undefined && type !== null && !allowed(type)) {
            findings.push({
                control: "seccompProfile_baseline",
                message:
                    `${path}.seccompProfile.type is ${show(type)}${note}; use RuntimeDefault or Localhost: an ` +
                    `Unconfined container may make any system call.`,
            });
        }
    }
    if (!isWindowsPod(pod.spec)) {
        const podType = asRecord(asRecord(pod.spec.securityContext)?.seccompProfile)?.type;
        if (podType === undefined || podType === null) {
            const bare = containersOf(pod).filter((ref) => {
                const type = asRecord(containerContext(ref)?.seccompProfile)?.type;
                return type === undefined || type === null;
            });
            if (bare.length > 0) {
                findings.push({
                    control: "seccompProfile_restricted",
                    message:
                        `${pod.specPath}.securityContext.seccompProfile.type is unset and containers ${quoteList(bare.map((r) => r.name))} ` +
                        `set none; set ${pod.specPath}.securityContext.seccompProfile.type to RuntimeDefault so ` +
                        `every container runs under the runtime's system-call filter.`,
                });
            }
        }
    }
    return findings;
};

/** allowPrivilegeEscalation false, explicitly (restricted; Windows pods exempt). */
export const privilegeEscalation: Check = (pod) => {
    if (isWindowsPod(pod.spec)) return [];
    return containersOf(pod)
        .filter((ref) => containerContext(ref)?.allowPrivilegeEscalation !== false)
        .map((ref) => ({
            control: "allowPrivilegeEscalation" as const,
            message:
                `${ref.path}.securityContext.allowPrivilegeEscalation is ` +
                `${show(containerContext(ref)?.allowPrivilegeEscalation)}${containerNote(ref)}; set it to ` +
                `false so setuid binaries and file capabilities cannot raise the process's privileges.`,
        }));
};

/** runAsNonRoot true on the pod or every container, false nowhere (restricted). */
export const runAsNonRoot: Check = (pod) => {
    if (pod.spec.hostUsers === false) return []; // v1.35: root in a user namespace is unprivileged on the node
    const findings: PssFinding[] = [];
    const podValue = asRecord(pod.spec.securityContext)?.runAsNonRoot;
    if (podValue === false) {
        findings.push({
            control: "runAsNonRoot",
            message: `${pod.specPath}.securityContext.runAsNonRoot is false; set it to true so the kubelet refuses to start any container as root.`,
        });
    }
    const unset: ContainerRef[] = [];
    for (const ref of containersOf(pod)) {
        const value = containerContext(ref)?.runAsNonRoot;
        if (value === false) {
            findings.push({
                control: "runAsNonRoot",
                message:
                    `${ref.path}.securityContext.runAsNonRoot is false${containerNote(ref)}; remove it or set ` +
                    `it to true so the kubelet refuses to start the container as root.`,
            });
        } else if (value !== true) {
            unset.push(ref);
        }
    }
    if (podValue !== true && podValue !== false && unset.length > 0) {
        findings.push({
            control: "runAsNonRoot",
            message:
                `${pod.specPath}.securityContext.runAsNonRoot is unset and containers ${quoteList(unset.map((r) => r.name))} ` +
                `do not set it; set ${pod.specPath}.securityContext.runAsNonRoot to true so the kubelet ` +
                `refuses to start any container as root.`,
        });
    }
    return findings;
};

/** No UID 0 on the pod or a container (restricted runAsUser). */
export const runAsUser: Check = (pod) => {
    if (pod.spec.hostUsers === false) return []; // v1.35: UID 0 in a user namespace maps to an unprivileged host UID
    return contexts(pod)
        .filter(({ sc }) => sc?.runAsUser === 0)
        .map(({ path, note }) => ({
            control: "runAsUser" as const,
            message: `${path}.runAsUser is 0${note}; set a non-zero UID (or leave it unset with runAsNonRoot: true): UID 0 is root.`,
        }));
};
