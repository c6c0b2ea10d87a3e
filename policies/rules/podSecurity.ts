/**
 * Pod security: the whole Kubernetes Pod Security Standards `restricted` profile (which includes
 * every baseline control), checked on every container, init container and ephemeral container of
 * every pod-bearing kind, plus the namespace labels that make the API server enforce it too.
 *
 * Semantics follow k8s.io/pod-security-admission at v1.35 (see
 * tests/fixtures/psa/PSS_CONTROLS.md). Where versions differ:
 * - `spec.hostUsers: false` (a user-namespaced pod) relaxes `runAsNonRoot`, `runAsUser` and the
 *   baseline `procMount` check from v1.35 on; before that only the feature-gated relaxation
 *   existed. The restricted `procMount` check (new in v1.35) still forbids `Unmasked`, so the
 *   v1.33 corpus pods with `hostUsers: false` + `Unmasked` (a baseline failure there) are flagged
 *   here by the restricted control of the same policy.
 * - Probe and lifecycle `host` fields are checked (new in v1.34); sysctls allowed up to v1.32's
 *   additions (`tcp_rmem`, `tcp_wmem`).
 * - Windows pods (`spec.os.name: windows`) are exempt from the restricted-only requirements
 *   (explicit `allowPrivilegeEscalation: false`, a seccomp profile, `drop: [ALL]` and the
 *   NET_BIND_SERVICE-only add list), as in PSA >= 1.25. Unlike PSA, which lets the restricted
 *   checks replace the baseline ones, the baseline prohibitions (Unconfined seccomp, adding a
 *   non-baseline capability) still apply to Windows pods here: stricter, never looser.
 *
 * Every check is a pure function of a {@link PodTemplate}; {@link checkPodSecurity} runs them all.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    containerNote,
    ContainerRef,
    containersOf,
    isWindowsPod,
    PodTemplate,
    podTemplateOf,
    SecurityContext,
} from "./pods";
import { asRecord, defaultEnforcement, K8S, keyPath, POD_KINDS, quoteList, show, validateTypes } from "./util";

/** A Pod Security Admission check ID (as in k8s.io/pod-security-admission and the corpus file names, case aside). */
export type PssControl =
    | "windowsHostProcess"
    | "hostNamespaces"
    | "privileged"
    | "capabilities_baseline"
    | "hostPathVolumes"
    | "hostPorts"
    | "appArmorProfile"
    | "seLinuxOptions"
    | "procMount"
    | "seccompProfile_baseline"
    | "sysctls"
    | "hostProbesAndHostLifecycle"
    | "restrictedVolumes"
    | "allowPrivilegeEscalation"
    | "runAsNonRoot"
    | "runAsUser"
    | "seccompProfile_restricted"
    | "capabilities_restricted"
    | "procMount_restricted";

/** The profile each control belongs to. */
export const PSS_CONTROL_LEVEL: Record<PssControl, "baseline" | "restricted"> = {
    windowsHostProcess: "baseline",
    hostNamespaces: "baseline",
    privileged: "baseline",
    capabilities_baseline: "baseline",
    hostPathVolumes: "baseline",
    hostPorts: "baseline",
    appArmorProfile: "baseline",
    seLinuxOptions: "baseline",
    procMount: "baseline",
    seccompProfile_baseline: "baseline",
    sysctls: "baseline",
    hostProbesAndHostLifecycle: "baseline",
    restrictedVolumes: "restricted",
    allowPrivilegeEscalation: "restricted",
    runAsNonRoot: "restricted",
    runAsUser: "restricted",
    seccompProfile_restricted: "restricted",
    capabilities_restricted: "restricted",
    procMount_restricted: "restricted",
};

/** One problem a check found: the control it breaks and the message to report. */
export interface PssFinding {
    control: PssControl;
    message: string;
}

/** Capabilities the baseline profile lets a container add. */
export const BASELINE_CAPABILITIES: readonly string[] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/** Volume sources the restricted profile allows. A volume with no source at all is allowed too. */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/** The "safe" namespaced sysctls of the baseline profile as of v1.35. */
export const ALLOWED_SYSCTLS: readonly string[] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

/** SELinux types a pod may request. */
export const ALLOWED_SELINUX_TYPES: readonly string[] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

type Check = (pod: PodTemplate) => PssFinding[];

/** The security contexts of a pod: the pod's own, then each container's, with their paths. */
function contexts(pod: PodTemplate): { sc: SecurityContext | undefined; path: string; note: string }[] {
    const list: { sc: SecurityContext | undefined; path: string; note: string }[] = [
        {
            sc: asRecord(pod.spec.securityContext) as SecurityContext | undefined,
            path: `${pod.specPath}.securityContext`,
            note: "",
        },
    ];
    for (const ref of containersOf(pod)) {
        list.push({
            sc: asRecord(ref.container.securityContext) as SecurityContext | undefined,
            path: `${ref.path}.securityContext`,
            note: containerNote(ref),
        });
    }
    return list;
}

function containerContext(ref: ContainerRef): SecurityContext | undefined {
    return asRecord(ref.container.securityContext) as SecurityContext | undefined;
}

const hostNamespaces: Check = (pod) => {
    const why: Record<string, string> = {
        hostNetwork: "sharing the node's network namespace lets the pod see and bind the node's interfaces",
        hostPID: "sharing the node's process namespace lets the pod see and signal every process on the node",
        hostIPC: "sharing the node's IPC namespace lets the pod read the node's shared memory",
    };
    const findings: PssFinding[] = [];
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        const value = pod.spec[field];
        if (value === true) {
            findings.push({
                control: "hostNamespaces",
                message: `${pod.specPath}.${field} is ${show(value)}; remove it or set it to false: ${why[field]}.`,
            });
        }
    }
    return findings;
};

const privileged: Check = (pod) =>
    containersOf(pod)
        .filter((ref) => containerContext(ref)?.privileged === true)
        .map((ref) => ({
            control: "privileged" as const,
            message:
                `${ref.path}.securityContext.privileged is true${containerNote(ref)}; set it to false or ` +
                `remove it: a privileged container has full access to the node's devices and kernel.`,
        }));

const capabilities: Check = (pod) => {
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

const volumes: Check = (pod) => {
    const findings: PssFinding[] = [];
    (Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []).forEach((volume, index) => {
        const v = asRecord(volume) ?? {};
        const path = `${pod.specPath}.volumes[${index}]`;
        const note = ` (volume ${JSON.stringify(typeof v.name === "string" ? v.name : `#${index}`)})`;
        for (const [source, value] of Object.entries(v)) {
            if (source === "name" || value === undefined || value === null) continue;
            if (source === "hostPath") {
                findings.push({
                    control: "hostPathVolumes",
                    message:
                        `${path}.hostPath is ${show(value)}${note}; use an emptyDir, configMap, secret or ` +
                        `persistentVolumeClaim volume instead: a hostPath volume exposes the node's filesystem.`,
                });
            } else if (!RESTRICTED_VOLUME_SOURCES.includes(source)) {
                findings.push({
                    control: "restrictedVolumes",
                    message:
                        `${path}.${source} is ${show(value)}${note}; use only ${RESTRICTED_VOLUME_SOURCES.join(", ")} ` +
                        `volumes, and reach other storage through a persistentVolumeClaim: other volume types mount ` +
                        `node or network storage directly.`,
                });
            }
        }
    });
    return findings;
};

const hostPorts: Check = (pod) => {
    const findings: PssFinding[] = [];
    for (const ref of containersOf(pod)) {
        (Array.isArray(ref.container.ports) ? ref.container.ports : []).forEach((port, index) => {
            const hostPort = asRecord(port)?.hostPort;
            if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
                findings.push({
                    control: "hostPorts",
                    message:
                        `${ref.path}.ports[${index}].hostPort is ${show(hostPort)}${containerNote(ref)}; remove it ` +
                        `and expose the port through a Service: a host port binds the node's network and bypasses ` +
                        `network policies.`,
                });
            }
        });
    }
    return findings;
};

const appArmor: Check = (pod) => {
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

const seLinux: Check = (pod) => {
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

const procMount: Check = (pod) => {
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

const seccomp: Check = (pod) => {
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

const sysctls: Check = (pod) => {
    const findings: PssFinding[] = [];
    const list = asRecord(pod.spec.securityContext)?.sysctls;
    (Array.isArray(list) ? list : []).forEach((entry, index) => {
        const name = asRecord(entry)?.name;
        if (typeof name === "string" && ALLOWED_SYSCTLS.includes(name)) return;
        findings.push({
            control: "sysctls",
            message:
                `${pod.specPath}.securityContext.sysctls[${index}].name is ${show(name)}; use only the ` +
                `namespaced sysctls the Pod Security Standards allow (${ALLOWED_SYSCTLS.join(", ")}): ` +
                `others change the node's kernel for every pod.`,
        });
    });
    return findings;
};

const probeHosts: Check = (pod) => {
    const findings: PssFinding[] = [];
    for (const ref of containersOf(pod)) {
        const handlers: [string, unknown][] = [
            ["livenessProbe", ref.container.livenessProbe],
            ["readinessProbe", ref.container.readinessProbe],
            ["startupProbe", ref.container.startupProbe],
            ["lifecycle.postStart", asRecord(ref.container.lifecycle)?.postStart],
            ["lifecycle.preStop", asRecord(ref.container.lifecycle)?.preStop],
        ];
        for (const [name, handler] of handlers) {
            for (const action of ["httpGet", "tcpSocket"]) {
                const host = asRecord(asRecord(handler)?.[action])?.host;
                if (host !== undefined && host !== null && host !== "") {
                    findings.push({
                        control: "hostProbesAndHostLifecycle",
                        message:
                            `${ref.path}.${name}.${action}.host is ${show(host)}${containerNote(ref)}; leave host unset ` +
                            `so the kubelet targets the pod's own IP: a probe or hook host turns the kubelet into a ` +
                            `proxy to other addresses.`,
                    });
                }
            }
        }
    }
    return findings;
};

const windowsHostProcess: Check = (pod) =>
    contexts(pod)
        .filter(({ sc }) => asRecord(sc?.windowsOptions)?.hostProcess === true)
        .map(({ path, note }) => ({
            control: "windowsHostProcess" as const,
            message:
                `${path}.windowsOptions.hostProcess is true${note}; remove it: a HostProcess container runs ` +
                `directly on the Windows node with its privileges.`,
        }));

const privilegeEscalation: Check = (pod) => {
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

const runAsNonRoot: Check = (pod) => {
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

const runAsUser: Check = (pod) => {
    if (pod.spec.hostUsers === false) return []; // v1.35: UID 0 in a user namespace maps to an unprivileged host UID
    return contexts(pod)
        .filter(({ sc }) => sc?.runAsUser === 0)
        .map(({ path, note }) => ({
            control: "runAsUser" as const,
            message: `${path}.runAsUser is 0${note}; set a non-zero UID (or leave it unset with runAsNonRoot: true): UID 0 is root.`,
        }));
};

/** One pod-security policy: its name, what it checks and why, and its check. */
interface PssRule {
    name: string;
    description: string;
    controls: readonly PssControl[];
    check: Check;
}

/** Every pod-security rule, in the order PSA lists the controls. */
export const PSS_RULES: readonly PssRule[] = [
    {
        name: "pss-host-namespaces",
        controls: ["hostNamespaces"],
        check: hostNamespaces,
        description:
            "Pods must not share the node's network, PID or IPC namespace " +
            "(hostNetwork/hostPID/hostIPC), because that exposes every process and interface of the " +
            "node (PSS baseline).",
    },
    {
        name: "pss-privileged-containers",
        controls: ["privileged"],
        check: privileged,
        description:
            "No container may run privileged, because a privileged container has full access to the node (PSS baseline).",
    },
    {
        name: "pss-capabilities",
        controls: ["capabilities_baseline", "capabilities_restricted"],
        check: capabilities,
        description:
            "Every container must drop ALL capabilities and add at most NET_BIND_SERVICE, so a " +
            "compromised process holds no kernel privileges (PSS baseline + restricted).",
    },
    {
        name: "pss-volume-types",
        controls: ["hostPathVolumes", "restrictedVolumes"],
        check: volumes,
        description:
            "Pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, image, " +
            "persistentVolumeClaim, projected and secret volumes (never hostPath), because other types " +
            "mount node or network storage directly (PSS baseline + restricted).",
    },
    {
        name: "pss-host-ports",
        controls: ["hostPorts"],
        check: hostPorts,
        description:
            "No container may bind a host port, because host ports bypass Services and network policies (PSS baseline).",
    },
    {
        name: "pss-apparmor-profile",
        controls: ["appArmorProfile"],
        check: appArmor,
        description:
            "AppArmor profiles must be RuntimeDefault/Localhost (fields) or runtime/default, " +
            "localhost/* (annotations), never Unconfined, because an unconfined container loses its " +
            "mandatory access control (PSS baseline).",
    },
    {
        name: "pss-selinux-options",
        controls: ["seLinuxOptions"],
        check: seLinux,
        description:
            "SELinux options may only pick the container types and never set a custom user or role, so " +
            "the SELinux confinement of containers holds (PSS baseline).",
    },
    {
        name: "pss-proc-mount",
        controls: ["procMount", "procMount_restricted"],
        check: procMount,
        description:
            "Containers must use the default masked /proc (procMount unset or Default), because an " +
            "unmasked /proc exposes the node's kernel interfaces (PSS baseline + restricted v1.35).",
    },
    {
        name: "pss-seccomp-profile",
        controls: ["seccompProfile_baseline", "seccompProfile_restricted"],
        check: seccomp,
        description:
            "Every container must run under a RuntimeDefault or Localhost seccomp profile (set on the " +
            "pod or each container) and never Unconfined, so system calls are filtered (PSS baseline + " +
            "restricted).",
    },
    {
        name: "pss-sysctls",
        controls: ["sysctls"],
        check: sysctls,
        description:
            "Pods may only set the namespaced sysctls the Pod Security Standards list as safe, because " +
            "others change the node's kernel for every pod (PSS baseline).",
    },
    {
        name: "pss-probe-and-lifecycle-hosts",
        controls: ["hostProbesAndHostLifecycle"],
        check: probeHosts,
        description:
            "Probes and lifecycle hooks must not name a host, because the kubelet would connect to any address on the pod's behalf (PSS baseline, v1.34+).",
    },
    {
        name: "pss-windows-host-process",
        controls: ["windowsHostProcess"],
        check: windowsHostProcess,
        description:
            "No Windows HostProcess pods or containers, because they run directly on the node with its privileges (PSS baseline).",
    },
    {
        name: "pss-privilege-escalation",
        controls: ["allowPrivilegeEscalation"],
        check: privilegeEscalation,
        description:
            "Every container must set allowPrivilegeEscalation: false explicitly, so setuid binaries " +
            "cannot raise privileges (PSS restricted; Windows pods exempt).",
    },
    {
        name: "pss-run-as-non-root",
        controls: ["runAsNonRoot"],
        check: runAsNonRoot,
        description:
            "Pods must set runAsNonRoot: true (on the pod or every container) and no container may set " +
            "it false, so no container starts as root (PSS restricted; relaxed for hostUsers: false " +
            "pods as of v1.35).",
    },
    {
        name: "pss-run-as-non-zero-user",
        controls: ["runAsUser"],
        check: runAsUser,
        description:
            "No pod or container may set runAsUser: 0, because UID 0 is root (PSS restricted; relaxed for hostUsers: false pods as of v1.35).",
    },
];

/** Every finding of the restricted profile (baseline included) on one pod template. */
export function checkPodSecurity(pod: PodTemplate): PssFinding[] {
    return PSS_RULES.flatMap((rule) => rule.check(pod));
}

/** The policy name that reports a control. */
export function policyForControl(control: PssControl): string {
    const rule = PSS_RULES.find((r) => r.controls.includes(control));
    if (!rule) throw new Error(`no pod-security rule reports control ${control}`);
    return rule.name;
}

function pssPolicy(rule: PssRule): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: defaultEnforcement("security"),
        tags: ["security", "pod-security"],
        validateResource: validateTypes(POD_KINDS, (args, reportViolation) => {
            const pod = podTemplateOf(args.type, args.props);
            if (!pod) return;
            for (const finding of rule.check(pod)) reportViolation(finding.message);
        }),
    };
}

const POD_SECURITY_MODES = ["enforce", "audit", "warn"] as const;

/** Namespaces must ask the API server itself to enforce, audit and warn on the restricted profile. */
export const namespaceAdmissionLabels: ResourceValidationPolicy = {
    name: "pss-namespace-admission-labels",
    description:
        "Every Namespace must carry pod-security.kubernetes.io/enforce, audit and warn = " +
        "restricted, so the API server rejects non-compliant pods even when they bypass this pack " +
        "(kubectl, controllers).",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "pod-security"],
    validateResource: validateTypes([K8S.Namespace], (args, reportViolation) => {
        const labels = asRecord(asRecord(args.props.metadata)?.labels) ?? {};
        for (const mode of POD_SECURITY_MODES) {
            const key = `pod-security.kubernetes.io/${mode}`;
            if (labels[key] !== "restricted") {
                reportViolation(
                    `metadata.labels${keyPath(key)} is ${show(labels[key])}; set it to "restricted" so the API ` +
                        `server ${mode === "enforce" ? "rejects" : mode === "audit" ? "audits" : "warns about"} ` +
                        `pods that break the restricted profile.`,
                );
            }
        }
    }),
};

/** The pod-security group: one policy per control family, plus the namespace labels. */
export const podSecurityPolicies: readonly ResourceValidationPolicy[] = [
    ...PSS_RULES.map(pssPolicy),
    namespaceAdmissionLabels,
];
