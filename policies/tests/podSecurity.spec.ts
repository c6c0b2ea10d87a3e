/**
 * Pod security: each policy accepts the compliant relay Deployment and reports each failing
 * condition with its exact message; the checks cover every pod-bearing kind and all three
 * container lists; version and Windows semantics.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../offline";
import { checkPodSecurity, namespaceAdmissionLabels, PSS_RULES, podSecurityPolicies } from "../rules/podSecurity";
import { bareTemplate, PodSpec, podTemplateOf } from "../rules/pods";
import { PackPolicy } from "../rules";
import { deployment, namespace, securePodSpec } from "./compliantStack";
import { FailingCase, messagesOf, policyTable, res } from "./support";

const policy = (name: string): PackPolicy => {
    const found = podSecurityPolicies.find((p) => p.name === name);
    if (!found) throw new Error(`no policy ${name}`);
    return found;
};

/** The pod spec of the relay Deployment (mutable). */
function pod(d: OfflineResource): PodSpec {
    return d.props.spec.template.spec as PodSpec;
}

const S = "spec.template.spec";
const C0 = `${S}.containers[0]`;
const RELAY = ' (container "relay")';

function table(name: string, cases: FailingCase<OfflineResource>[]): void {
    policyTable(policy(name), deployment, (d) => d, cases);
}

describe("pod-security policies", () => {
    it("has one policy per control family plus the namespace labels, all mandatory security rules", () => {
        assert.deepEqual(
            podSecurityPolicies.map((p) => p.name),
            [...PSS_RULES.map((r) => r.name), "pss-namespace-admission-labels"],
        );
        for (const p of podSecurityPolicies) {
            assert.equal(p.enforcementLevel, "mandatory");
            assert.deepEqual(p.tags, ["security", "pod-security"]);
        }
    });

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

    table("pss-capabilities", [
        {
            name: "adds a non-baseline capability",
            mutate: (d) => void (pod(d).containers![0].securityContext!.capabilities!.add = ["NET_RAW"]),
            messages: [
                `${C0}.securityContext.capabilities.add is ["NET_RAW"]${RELAY}; add nothing but ` +
                    `"NET_BIND_SERVICE": every other capability widens what a compromised process can do to the ` +
                    `node.`,
            ],
        },
        {
            name: "adds a baseline capability other than NET_BIND_SERVICE",
            mutate: (d) =>
                void (pod(d).containers![0].securityContext!.capabilities!.add = ["NET_BIND_SERVICE", "CHOWN"]),
            messages: [
                `${C0}.securityContext.capabilities.add is ["NET_BIND_SERVICE","CHOWN"]${RELAY}; add ` +
                    `nothing but "NET_BIND_SERVICE": every other capability widens what a compromised process ` +
                    `can do to the node.`,
            ],
        },
        {
            name: "drops less than ALL",
            mutate: (d) => void (pod(d).containers![0].securityContext!.capabilities!.drop = ["NET_RAW"]),
            messages: [
                `${C0}.securityContext.capabilities.drop is ["NET_RAW"]${RELAY}; set it to ["ALL"] so the container starts without any Linux capability.`,
            ],
        },
        {
            name: "drops nothing",
            mutate: (d) => void delete pod(d).containers![0].securityContext!.capabilities,
            messages: [
                `${C0}.securityContext.capabilities.drop is unset${RELAY}; set it to ["ALL"] so the container starts without any Linux capability.`,
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

    table("pss-apparmor-profile", [
        {
            name: "unconfined annotation",
            mutate: (d) =>
                void (d.props.spec.template.metadata.annotations = {
                    "container.apparmor.security.beta.kubernetes.io/relay": "unconfined",
                }),
            messages: [
                `spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/relay"] ` +
                    `is "unconfined"; use "runtime/default" or "localhost/<profile>": any other profile runs ` +
                    `the container without AppArmor confinement.`,
            ],
        },
        {
            name: "pod profile Unconfined",
            mutate: (d) => void (pod(d).securityContext!.appArmorProfile = { type: "Unconfined" }),
            messages: [
                `${S}.securityContext.appArmorProfile.type is "Unconfined"; use RuntimeDefault or ` +
                    `Localhost: an Unconfined container runs without AppArmor confinement.`,
            ],
        },
        {
            name: "container profile Unconfined",
            mutate: (d) => void (pod(d).containers![0].securityContext!.appArmorProfile = { type: "Unconfined" }),
            messages: [
                `${C0}.securityContext.appArmorProfile.type is "Unconfined"${RELAY}; use RuntimeDefault or ` +
                    `Localhost: an Unconfined container runs without AppArmor confinement.`,
            ],
        },
    ]);

    table("pss-selinux-options", [
        {
            name: "custom type",
            mutate: (d) => void (pod(d).securityContext!.seLinuxOptions = { type: "spc_t" }),
            messages: [
                `${S}.securityContext.seLinuxOptions.type is "spc_t"; leave it unset or use container_t, ` +
                    `container_init_t, container_kvm_t or container_engine_t: other types can lift the ` +
                    `container's SELinux confinement.`,
            ],
        },
        {
            name: "custom user",
            mutate: (d) => void (pod(d).containers![0].securityContext!.seLinuxOptions = { user: "system_u" }),
            messages: [
                `${C0}.securityContext.seLinuxOptions.user is "system_u"${RELAY}; leave it unset: a custom ` +
                    `SELinux user can grant access outside the container.`,
            ],
        },
        {
            name: "custom role",
            mutate: (d) => void (pod(d).securityContext!.seLinuxOptions = { role: "sysadm_r" }),
            messages: [
                `${S}.securityContext.seLinuxOptions.role is "sysadm_r"; leave it unset: a custom SELinux role can grant access outside the container.`,
            ],
        },
    ]);

    const unmasked =
        `${C0}.securityContext.procMount is "Unmasked"${RELAY}; leave it unset or set it to ` +
        `"Default": an unmasked /proc exposes the node's kernel interfaces.`;
    table("pss-proc-mount", [
        {
            name: "Unmasked",
            mutate: (d) => void (pod(d).containers![0].securityContext!.procMount = "Unmasked"),
            messages: [unmasked],
        },
        {
            name: "Unmasked in a user-namespaced pod (restricted, v1.35)",
            mutate: (d) => {
                pod(d).hostUsers = false;
                pod(d).containers![0].securityContext!.procMount = "Unmasked";
            },
            messages: [unmasked],
        },
    ]);

    table("pss-seccomp-profile", [
        {
            name: "pod profile Unconfined",
            mutate: (d) => void (pod(d).securityContext!.seccompProfile = { type: "Unconfined" }),
            messages: [
                `${S}.securityContext.seccompProfile.type is "Unconfined"; use RuntimeDefault or Localhost: an Unconfined container may make any system call.`,
            ],
        },
        {
            name: "container profile Unconfined",
            mutate: (d) => void (pod(d).containers![0].securityContext!.seccompProfile = { type: "Unconfined" }),
            messages: [
                `${C0}.securityContext.seccompProfile.type is "Unconfined"${RELAY}; use RuntimeDefault or ` +
                    `Localhost: an Unconfined container may make any system call.`,
            ],
        },
        {
            name: "no profile anywhere",
            mutate: (d) => void delete pod(d).securityContext!.seccompProfile,
            messages: [
                `${S}.securityContext.seccompProfile.type is unset and containers "relay" set none; set ` +
                    `${S}.securityContext.seccompProfile.type to RuntimeDefault so every container runs under ` +
                    `the runtime's system-call filter.`,
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

    table("pss-privilege-escalation", [
        {
            name: "unset",
            mutate: (d) => void delete pod(d).containers![0].securityContext!.allowPrivilegeEscalation,
            messages: [
                `${C0}.securityContext.allowPrivilegeEscalation is unset${RELAY}; set it to false so setuid ` +
                    `binaries and file capabilities cannot raise the process's privileges.`,
            ],
        },
        {
            name: "true",
            mutate: (d) => void (pod(d).containers![0].securityContext!.allowPrivilegeEscalation = true),
            messages: [
                `${C0}.securityContext.allowPrivilegeEscalation is true${RELAY}; set it to false so setuid ` +
                    `binaries and file capabilities cannot raise the process's privileges.`,
            ],
        },
    ]);

    table("pss-run-as-non-root", [
        {
            name: "pod false",
            mutate: (d) => void (pod(d).securityContext!.runAsNonRoot = false),
            messages: [
                `${S}.securityContext.runAsNonRoot is false; set it to true so the kubelet refuses to start any container as root.`,
            ],
        },
        {
            name: "container false",
            mutate: (d) => void (pod(d).containers![0].securityContext!.runAsNonRoot = false),
            messages: [
                `${C0}.securityContext.runAsNonRoot is false${RELAY}; remove it or set it to true so the kubelet refuses to start the container as root.`,
            ],
        },
        {
            name: "unset on the pod and the container",
            mutate: (d) => void delete pod(d).securityContext!.runAsNonRoot,
            messages: [
                `${S}.securityContext.runAsNonRoot is unset and containers "relay" do not set it; set ` +
                    `${S}.securityContext.runAsNonRoot to true so the kubelet refuses to start any container as ` +
                    `root.`,
            ],
        },
    ]);

    table("pss-run-as-non-zero-user", [
        {
            name: "pod UID 0",
            mutate: (d) => void (pod(d).securityContext!.runAsUser = 0),
            messages: [
                `${S}.securityContext.runAsUser is 0; set a non-zero UID (or leave it unset with runAsNonRoot: true): UID 0 is root.`,
            ],
        },
        {
            name: "container UID 0",
            mutate: (d) => void (pod(d).containers![0].securityContext!.runAsUser = 0),
            messages: [
                `${C0}.securityContext.runAsUser is 0${RELAY}; set a non-zero UID (or leave it unset with runAsNonRoot: true): UID 0 is root.`,
            ],
        },
    ]);

    policyTable(namespaceAdmissionLabels, namespace, (n) => n, [
        {
            name: "enforce label missing",
            mutate: (n) => void delete n.props.metadata.labels["pod-security.kubernetes.io/enforce"],
            messages: [
                `metadata.labels["pod-security.kubernetes.io/enforce"] is unset; set it to "restricted" so ` +
                    `the API server rejects pods that break the restricted profile.`,
            ],
        },
        {
            name: "audit at baseline",
            mutate: (n) => void (n.props.metadata.labels["pod-security.kubernetes.io/audit"] = "baseline"),
            messages: [
                `metadata.labels["pod-security.kubernetes.io/audit"] is "baseline"; set it to "restricted" ` +
                    `so the API server audits pods that break the restricted profile.`,
            ],
        },
        {
            name: "warn label missing",
            mutate: (n) => void delete n.props.metadata.labels["pod-security.kubernetes.io/warn"],
            messages: [
                `metadata.labels["pod-security.kubernetes.io/warn"] is unset; set it to "restricted" so the ` +
                    `API server warns about pods that break the restricted profile.`,
            ],
        },
    ]);
});

describe("pod-security coverage of kinds and containers", () => {
    const kinds: [string, (spec: PodSpec) => Record<string, unknown>, string][] = [
        ["kubernetes:core/v1:Pod", (spec) => ({ metadata: { name: "p" }, spec }), "spec"],
        ["kubernetes:apps/v1:Deployment", (spec) => ({ spec: { template: { spec } } }), "spec.template.spec"],
        ["kubernetes:apps/v1:StatefulSet", (spec) => ({ spec: { template: { spec } } }), "spec.template.spec"],
        ["kubernetes:apps/v1:DaemonSet", (spec) => ({ spec: { template: { spec } } }), "spec.template.spec"],
        ["kubernetes:apps/v1:ReplicaSet", (spec) => ({ spec: { template: { spec } } }), "spec.template.spec"],
        ["kubernetes:batch/v1:Job", (spec) => ({ spec: { template: { spec } } }), "spec.template.spec"],
        [
            "kubernetes:batch/v1:CronJob",
            (spec) => ({ spec: { jobTemplate: { spec: { template: { spec } } } } }),
            "spec.jobTemplate.spec.template.spec",
        ],
    ];
    for (const [type, wrap, path] of kinds) {
        it(`checks the pod template of ${type} at ${path}`, async () => {
            const spec = securePodSpec("relay");
            assert.deepEqual(await messagesOf(policy("pss-privileged-containers"), res(type, "w", wrap(spec))), []);
            spec.containers![0].securityContext!.privileged = true;
            assert.deepEqual(await messagesOf(policy("pss-privileged-containers"), res(type, "w", wrap(spec))), [
                `${path}.containers[0].securityContext.privileged is true${RELAY}; set it to false or ` +
                    `remove it: a privileged container has full access to the node's devices and kernel.`,
            ]);
        });
    }

    it("checks ephemeral containers too", async () => {
        const d = deployment();
        pod(d).ephemeralContainers = [
            {
                name: "debug",
                image: "busybox:1.36",
                securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ["ALL"] } },
            },
        ];
        assert.deepEqual(await messagesOf(policy("pss-privilege-escalation"), d), [
            `${S}.ephemeralContainers[0].securityContext.allowPrivilegeEscalation is true (ephemeral ` +
                `container "debug"); set it to false so setuid binaries and file capabilities cannot raise ` +
                `the process's privileges.`,
        ]);
    });

    it("ignores resources that carry no pod template", async () => {
        assert.deepEqual(
            await messagesOf(
                policy("pss-host-namespaces"),
                res("kubernetes:core/v1:ConfigMap", "c", { data: { hostNetwork: "true" } }),
            ),
            [],
        );
    });
});

describe("checkPodSecurity (pure)", () => {
    const template = (spec: PodSpec) => bareTemplate(spec);

    it("reads the same template from a Pod's props as from a bare spec", () => {
        const spec = securePodSpec("relay");
        assert.deepEqual(podTemplateOf("kubernetes:core/v1:Pod", { spec }), bareTemplate(spec));
    });

    it("finds nothing on the compliant pod spec", () => {
        assert.deepEqual(checkPodSecurity(template(securePodSpec("relay"))), []);
    });

    it("relaxes runAsNonRoot and runAsUser, not procMount, for hostUsers: false (v1.35)", () => {
        const spec = securePodSpec("relay");
        spec.hostUsers = false;
        spec.securityContext!.runAsUser = 0;
        delete spec.securityContext!.runAsNonRoot;
        assert.deepEqual(checkPodSecurity(template(spec)), []);
        spec.containers![0].securityContext!.procMount = "Unmasked";
        assert.deepEqual(
            checkPodSecurity(template(spec)).map((f) => f.control),
            ["procMount_restricted"],
        );
    });

    it("exempts Windows pods from the restricted-only requirements but keeps the baseline prohibitions", () => {
        const spec: PodSpec = {
            os: { name: "windows" },
            securityContext: { runAsNonRoot: true },
            containers: [{ name: "win", image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" }],
        };
        assert.deepEqual(checkPodSecurity(template(spec)), []);
        spec.containers![0].securityContext = {
            capabilities: { add: ["SYS_ADMIN"] },
            seccompProfile: { type: "Unconfined" },
        };
        assert.deepEqual(
            checkPodSecurity(template(spec)).map((f) => f.control),
            ["capabilities_baseline", "seccompProfile_baseline"],
        );
    });

    it("classifies a capability outside the baseline list as a baseline failure, a baseline one as restricted", () => {
        const spec = securePodSpec("relay");
        spec.containers![0].securityContext!.capabilities!.add = ["CHOWN"];
        assert.deepEqual(
            checkPodSecurity(template(spec)).map((f) => f.control),
            ["capabilities_restricted"],
        );
        spec.containers![0].securityContext!.capabilities!.add = ["chown"];
        assert.deepEqual(
            checkPodSecurity(template(spec)).map((f) => f.control),
            ["capabilities_baseline"],
        );
    });
});
