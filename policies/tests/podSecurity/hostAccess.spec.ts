/**
 * Pod security, the checks that keep a pod off its node (rules/podSecurity/hostAccess.ts): each
 * policy accepts the compliant relay Deployment and reports each failing condition with its exact
 * message.
 */
import * as assert from "node:assert/strict";
import { C0, deployment, pod, RELAY, S } from "../compliantStack";
import { messagesOf } from "../support";
import { policy, table } from "./support";

describe("pod-security policies", () => {
    table("pss-host-namespaces", [
        {
            name: "hostNetwork",
            mutate: (d) => void (pod(d).hostNetwork = true),
            messages: [
                `${S}.hostNetwork is true; remove it or set it to false: sharing the node's network namespace lets the pod see and bind the node's interfaces.`,
            ],
        },
        {
            name: "hostPID",
            mutate: (d) => void (pod(d).hostPID = true),
            messages: [
                `${S}.hostPID is true; remove it or set it to false: sharing the node's process namespace ` +
                    `lets the pod see and signal every process on the node.`,
            ],
        },
        {
            name: "hostIPC",
            mutate: (d) => void (pod(d).hostIPC = true),
            messages: [
                `${S}.hostIPC is true; remove it or set it to false: sharing the node's IPC namespace lets the pod read the node's shared memory.`,
            ],
        },
    ]);

    table("pss-privileged-containers", [
        {
            name: "privileged container",
            mutate: (d) => void (pod(d).containers![0].securityContext!.privileged = true),
            messages: [
                `${C0}.securityContext.privileged is true${RELAY}; set it to false or remove it: a ` +
                    `privileged container has full access to the node's devices and kernel.`,
            ],
        },
        {
            name: "privileged init container",
            mutate: (d) =>
                void (pod(d).initContainers = [
                    {
                        ...pod(d).containers![0],
                        name: "migrate",
                        securityContext: { ...pod(d).containers![0].securityContext, privileged: true },
                    },
                ]),
            messages: [
                `${S}.initContainers[0].securityContext.privileged is true (init container "migrate"); set ` +
                    `it to false or remove it: a privileged container has full access to the node's devices and ` +
                    `kernel.`,
            ],
        },
    ]);

    table("pss-volume-types", [
        {
            name: "hostPath volume",
            mutate: (d) =>
                void (pod(d).volumes = [
                    { name: "tmp", emptyDir: {} },
                    { name: "host", hostPath: { path: "/var/run" } },
                ]),
            messages: [
                `${S}.volumes[1].hostPath is {"path":"/var/run"} (volume "host"); use an emptyDir, ` +
                    `configMap, secret or persistentVolumeClaim volume instead: a hostPath volume exposes the ` +
                    `node's filesystem.`,
            ],
        },
        {
            name: "nfs volume",
            mutate: (d) => void (pod(d).volumes = [{ name: "share", nfs: { server: "nfs", path: "/x" } }]),
            messages: [
                `${S}.volumes[0].nfs is {"server":"nfs","path":"/x"} (volume "share"); use only configMap, ` +
                    `csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret ` +
                    `volumes, and reach other storage through a persistentVolumeClaim: other volume types mount ` +
                    `node or network storage directly.`,
            ],
        },
    ]);

    it("pss-volume-types accepts every allowed volume source and a volume with no source", async () => {
        const d = deployment();
        pod(d).volumes = [
            { name: "bare" },
            { name: "a", configMap: { name: "c" } },
            { name: "b", secret: { secretName: "s" } },
            { name: "c", emptyDir: {} },
            { name: "d", persistentVolumeClaim: { claimName: "p" } },
            { name: "e", projected: { sources: [] } },
            { name: "f", downwardAPI: { items: [] } },
            { name: "g", csi: { driver: "secrets-store.csi.k8s.io" } },
            { name: "h", ephemeral: { volumeClaimTemplate: {} } },
            { name: "i", image: { reference: "registry.example.org/data:1" } },
        ];
        assert.deepEqual(await messagesOf(policy("pss-volume-types"), d), []);
    });

    table("pss-host-ports", [
        {
            name: "hostPort",
            mutate: (d) => void (pod(d).containers![0].ports = [{ containerPort: 3200, hostPort: 3200 }]),
            messages: [
                `${C0}.ports[0].hostPort is 3200${RELAY}; remove it and expose the port through a Service: ` +
                    `a host port binds the node's network and bypasses network policies.`,
            ],
        },
    ]);

    table("pss-sysctls", [
        {
            name: "unsafe sysctl",
            mutate: (d) =>
                void (pod(d).securityContext!.sysctls = [
                    { name: "net.ipv4.tcp_rmem", value: "4096 87380 16777216" },
                    { name: "kernel.msgmax", value: "65536" },
                ]),
            messages: [
                `${S}.securityContext.sysctls[1].name is "kernel.msgmax"; use only the namespaced sysctls ` +
                    `the Pod Security Standards allow (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ` +
                    `net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, ` +
                    `net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, ` +
                    `net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_rmem, ` +
                    `net.ipv4.tcp_wmem): others change the node's kernel for every pod.`,
            ],
        },
    ]);

    table("pss-probe-and-lifecycle-hosts", [
        {
            name: "probe host",
            mutate: (d) =>
                void (pod(d).containers![0].livenessProbe = {
                    httpGet: { host: "10.0.0.1", path: "/health", port: 3200 },
                }),
            messages: [
                `${C0}.livenessProbe.httpGet.host is "10.0.0.1"${RELAY}; leave host unset so the kubelet ` +
                    `targets the pod's own IP: a probe or hook host turns the kubelet into a proxy to other ` +
                    `addresses.`,
            ],
        },
        {
            name: "lifecycle hook host",
            mutate: (d) =>
                void (pod(d).containers![0].lifecycle = {
                    preStop: { tcpSocket: { host: "metadata.internal", port: 80 } },
                }),
            messages: [
                `${C0}.lifecycle.preStop.tcpSocket.host is "metadata.internal"${RELAY}; leave host unset so ` +
                    `the kubelet targets the pod's own IP: a probe or hook host turns the kubelet into a proxy ` +
                    `to other addresses.`,
            ],
        },
    ]);

    table("pss-windows-host-process", [
        {
            name: "pod hostProcess",
            mutate: (d) => void (pod(d).securityContext!.windowsOptions = { hostProcess: true }),
            messages: [
                `${S}.securityContext.windowsOptions.hostProcess is true; remove it: a HostProcess ` +
                    `container runs directly on the Windows node with its privileges.`,
            ],
        },
        {
            name: "container hostProcess",
            mutate: (d) => void (pod(d).containers![0].securityContext!.windowsOptions = { hostProcess: true }),
            messages: [
                `${C0}.securityContext.windowsOptions.hostProcess is true${RELAY}; remove it: a HostProcess ` +
                    `container runs directly on the Windows node with its privileges.`,
            ],
        },
    ]);
});
