/**
 * The checks that keep a pod off its node: no host namespaces, privileged containers, host paths
 * or host ports, no unsafe sysctls, no probe or hook hosts, no Windows HostProcess.
 */
import { containerNote, containersOf } from "../pods";
import { asRecord, show } from "../util";
import { ALLOWED_SYSCTLS, Check, containerContext, contexts, PssFinding, RESTRICTED_VOLUME_SOURCES } from "./controls";

/** hostNetwork, hostPID and hostIPC stay off (baseline hostNamespaces). */
export const hostNamespaces: Check = (pod) => {
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

/** No privileged container (baseline privileged). */
export const privileged: Check = (pod) =>
    containersOf(pod)
        .filter((ref) => containerContext(ref)?.privileged === true)
        .map((ref) => ({
            control: "privileged" as const,
            message:
                `${ref.path}.securityContext.privileged is true${containerNote(ref)}; set it to false or ` +
                `remove it: a privileged container has full access to the node's devices and kernel.`,
        }));

/** Only the restricted profile's volume sources, never hostPath (baseline hostPathVolumes, restricted restrictedVolumes). */
export const volumes: Check = (pod) => {
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

/** No host ports (baseline hostPorts). */
export const hostPorts: Check = (pod) => {
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

/** Only the safe namespaced sysctls (baseline sysctls). */
export const sysctls: Check = (pod) => {
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

/** No host in probes and lifecycle hooks (baseline hostProbesAndHostLifecycle). */
export const probeHosts: Check = (pod) => {
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

/** No Windows HostProcess pod or container (baseline windowsHostProcess). */
export const windowsHostProcess: Check = (pod) =>
    contexts(pod)
        .filter(({ sc }) => asRecord(sc?.windowsOptions)?.hostProcess === true)
        .map(({ path, note }) => ({
            control: "windowsHostProcess" as const,
            message:
                `${path}.windowsOptions.hostProcess is true${note}; remove it: a HostProcess container runs ` +
                `directly on the Windows node with its privileges.`,
        }));
