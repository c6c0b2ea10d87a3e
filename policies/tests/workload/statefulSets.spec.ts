/**
 * statefulset-claims-retained (rules/workload/statefulSets.ts): one passing input and one mutation per
 * failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { statefulSetClaimsRetained } from "../../rules/workload/statefulSets";
import { statefulSet } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

const retain = (field: "whenDeleted" | "whenScaled", given: string, when: string) =>
    `spec.persistentVolumeClaimRetentionPolicy.${field} is ${given}; set it to "Retain" so the volumes of its ` +
    `claims survive when ${when} (Delete removes the data with the pods).`;

describe("workload policies", () => {
    describe("statefulset-claims-retained", () => {
        policyTable(statefulSetClaimsRetained, statefulSet, (s) => s, [
            {
                name: "claims deleted with the StatefulSet",
                mutate: (s) => void (s.props.spec.persistentVolumeClaimRetentionPolicy.whenDeleted = "Delete"),
                messages: [retain("whenDeleted", '"Delete"', "the StatefulSet is deleted")],
            },
            {
                name: "claims deleted on scale-down",
                mutate: (s) => void (s.props.spec.persistentVolumeClaimRetentionPolicy.whenScaled = "Delete"),
                messages: [retain("whenScaled", '"Delete"', "it scales down")],
            },
            {
                name: "no retention policy at all",
                mutate: (s) => void delete s.props.spec.persistentVolumeClaimRetentionPolicy,
                messages: [
                    retain("whenDeleted", "unset", "the StatefulSet is deleted"),
                    retain("whenScaled", "unset", "it scales down"),
                ],
            },
        ]);

        it("asks nothing of a StatefulSet without volume claims", async () => {
            const s = statefulSet();
            delete s.props.spec.volumeClaimTemplates;
            delete s.props.spec.persistentVolumeClaimRetentionPolicy;
            assert.deepEqual(await messagesOf(statefulSetClaimsRetained, s), []);
        });
    });
});
