/**
 * pss-namespace-admission-labels (rules/podSecurity/namespaceLabels.ts): the compliant Namespace
 * passes, each missing or weaker label fails with its exact message.
 */
import { namespaceAdmissionLabels } from "../../rules/podSecurity";
import { namespace } from "../compliantStack";
import { policyTable } from "../support";

describe("pod-security policies", () => {
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
