/**
 * k8s-secret-values-marked-secret (rules/secrets/k8sSecrets.ts): one passing input and one mutation
 * per failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { k8sSecretValuesMarkedSecret } from "../../rules/secrets/k8sSecrets";
import { k8sSecret } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("secrets policies", () => {
    const marked = (field: string, keys: string, list: string) =>
        `${field} (keys ${keys}) is not in additionalSecretOutputs (which is ${list}); create the ` +
        `Secret with @pulumi/kubernetes's Secret class (it marks data and stringData secret) or add ` +
        `"${field}" to the resource's additionalSecretOutputs, so the values are encrypted in the ` +
        `Pulumi state.`;
    policyTable(k8sSecretValuesMarkedSecret, k8sSecret, (s) => s, [
        {
            name: "stringData not marked",
            mutate: (s) => void (s.options.additionalSecretOutputs = []),
            messages: [marked("stringData", '"password"', "[]")],
        },
        {
            name: "data not marked (only stringData is)",
            mutate: (s) => {
                s.props.data = { "tls.key": "c2VjcmV0" };
                s.options.additionalSecretOutputs = ["stringData"];
            },
            messages: [marked("data", '"tls.key"', '["stringData"]')],
        },
        {
            // secretPaths alone does not count: the CLI's policy SDK cannot see input secretness either.
            name: "values that were Pulumi secrets but are not declared",
            mutate: (s) => {
                s.options.additionalSecretOutputs = undefined;
                s.secretPaths = ["stringData"];
            },
            messages: [marked("stringData", '"password"', "[]")],
        },
    ]);

    it("k8s-secret-values-marked-secret accepts a Secret without values", async () => {
        const s = k8sSecret();
        delete s.props.stringData;
        s.options.additionalSecretOutputs = [];
        assert.deepEqual(await messagesOf(k8sSecretValuesMarkedSecret, s), []);
    });
});
