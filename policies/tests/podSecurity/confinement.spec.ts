/**
 * Pod security, the checks that confine a container's processes (rules/podSecurity/confinement.ts):
 * each policy accepts the compliant relay Deployment and reports each failing condition with its
 * exact message.
 */
import { C0, pod, RELAY, S } from "../compliantStack";
import { table } from "./support";

describe("pod-security policies", () => {
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
});
