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
 * Every check is a pure function of a pod template (controls.ts, hostAccess.ts, confinement.ts);
 * rules.ts groups them into one policy per control family and {@link checkPodSecurity} runs them
 * all; namespaceLabels.ts checks the Namespace labels.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { namespaceAdmissionLabels } from "./namespaceLabels";
import { readOnlyRootFilesystem } from "./readOnlyRoot";
import { pssPolicy, PSS_RULES } from "./rules";

export {
    ALLOWED_SELINUX_TYPES,
    ALLOWED_SYSCTLS,
    BASELINE_CAPABILITIES,
    PSS_CONTROL_LEVEL,
    RESTRICTED_VOLUME_SOURCES,
} from "./controls";
export type { PssControl, PssFinding } from "./controls";
export { namespaceAdmissionLabels } from "./namespaceLabels";
export { readOnlyRootFilesystem, writableRootFilesystems } from "./readOnlyRoot";
export { checkPodSecurity, policyForControl, PSS_RULES } from "./rules";

/** The Pod Security Standards themselves: one policy per control family, plus the namespace labels. */
export const pssPolicies: readonly ResourceValidationPolicy[] = [...PSS_RULES.map(pssPolicy), namespaceAdmissionLabels];

/** The pod-security group: the Pod Security Standards and, beyond them, the read-only root filesystem. */
export const podSecurityPolicies: readonly ResourceValidationPolicy[] = [...pssPolicies, readOnlyRootFilesystem];
