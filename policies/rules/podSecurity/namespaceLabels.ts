/**
 * The namespace labels that make the API server enforce, audit and warn on the restricted profile
 * itself.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, defaultEnforcement, K8S, keyPath, show, validateTypes } from "../util";

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
