/**
 * The Pod Security Admission controls this group checks, the allow-lists of the profiles, and the
 * helpers every check uses (v1.35 semantics; see index.ts).
 */
import { containerNote, ContainerRef, containersOf, PodTemplate, SecurityContext } from "../pods";
import { asRecord } from "../util";

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

/** One check: every finding of its controls on a pod template. */
export type Check = (pod: PodTemplate) => PssFinding[];

/** The security contexts of a pod: the pod's own, then each container's, with their paths. */
export function contexts(pod: PodTemplate): { sc: SecurityContext | undefined; path: string; note: string }[] {
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

/** A container's own security context. */
export function containerContext(ref: ContainerRef): SecurityContext | undefined {
    return asRecord(ref.container.securityContext) as SecurityContext | undefined;
}
