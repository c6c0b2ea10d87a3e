/**
 * The pod-security group (rules/podSecurity/rules.ts and index.ts): one policy per control family
 * plus the namespace labels; the checks cover every pod-bearing kind and all three container lists;
 * version and Windows semantics of checkPodSecurity.
 */
import * as assert from "node:assert/strict";
import { checkPodSecurity, podSecurityPolicies, PSS_RULES } from "../../rules/podSecurity";
import { bareTemplate, PodSpec, podTemplateOf } from "../../rules/pods";
import { deployment, pod, RELAY, S, securePodSpec } from "../compliantStack";
import { messagesOf, res } from "../support";
import { policy } from "./support";

describe("pod-security policies", () => {
    it("has one policy per control family plus the namespace labels and the read-only root, all mandatory security rules", () => {
        assert.deepEqual(
            podSecurityPolicies.map((p) => p.name),
            [...PSS_RULES.map((r) => r.name), "pss-namespace-admission-labels", "pod-read-only-root-filesystem"],
        );
        for (const p of podSecurityPolicies) {
            assert.equal(p.enforcementLevel, "mandatory");
            assert.deepEqual(p.tags, ["security", "pod-security"]);
        }
    });
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
