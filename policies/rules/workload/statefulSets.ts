/**
 * StatefulSets keep their data: a StatefulSet with volume claim templates must retain its claims when
 * it is deleted or scaled down (protection of the StatefulSet itself on testnet and mainnet is
 * `stateful-resources-protected`'s job).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asRecord, defaultEnforcement, K8S, show, validateTypes } from "../util";

/** Messages for every claim-retention setting of a StatefulSet that would delete data. */
export function claimRetentionProblems(props: Record<string, unknown>): string[] {
    const spec = asRecord(props.spec) ?? {};
    if (asArray(spec.volumeClaimTemplates).length === 0) return [];
    const policy = asRecord(spec.persistentVolumeClaimRetentionPolicy);
    const messages: string[] = [];
    for (const [field, when] of [
        ["whenDeleted", "the StatefulSet is deleted"],
        ["whenScaled", "it scales down"],
    ] as const) {
        // Kubernetes defaults both to Retain, but an explicit value keeps a later default change from deleting data.
        const value = policy?.[field];
        if (value !== "Retain") {
            messages.push(
                `spec.persistentVolumeClaimRetentionPolicy.${field} is ${show(value)}; set it to "Retain" so the ` +
                    `volumes of its claims survive when ${when} (Delete removes the data with the pods).`,
            );
        }
    }
    return messages;
}

/** A StatefulSet's volume claims are retained when it is deleted or scaled down. */
export const statefulSetClaimsRetained: ResourceValidationPolicy = {
    name: "statefulset-claims-retained",
    description:
        "A StatefulSet with volumeClaimTemplates must set persistentVolumeClaimRetentionPolicy " +
        "whenDeleted and whenScaled to Retain, so deleting or scaling it down never deletes its data " +
        "(the StatefulSet's own protection is stateful-resources-protected).",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "workload"],
    validateResource: validateTypes([K8S.StatefulSet], (args, reportViolation) => {
        claimRetentionProblems(args.props).forEach((m) => reportViolation(m));
    }),
};
