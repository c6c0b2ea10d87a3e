/**
 * One pod-security policy per control family: its name, what it checks and why, and its check.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { PodTemplate, validatePodTemplates } from "../pods";
import { defaultEnforcement } from "../util";
import {
    appArmor,
    capabilities,
    privilegeEscalation,
    procMount,
    runAsNonRoot,
    runAsUser,
    seccomp,
    seLinux,
} from "./confinement";
import { Check, PssControl, PssFinding } from "./controls";
import { hostNamespaces, hostPorts, privileged, probeHosts, sysctls, volumes, windowsHostProcess } from "./hostAccess";

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

/** The policy that reports one rule's findings on every pod-bearing kind. */
export function pssPolicy(rule: PssRule): ResourceValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: defaultEnforcement("security"),
        tags: ["security", "pod-security"],
        validateResource: validatePodTemplates((pod) => rule.check(pod).map((finding) => finding.message)),
    };
}
