/**
 * Secrets Manager rules (rules/aws/secretsManager.ts): one passing input and one mutation per
 * failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { secretCustomerKmsKey, secretRecoveryWindow } from "../../rules/aws/secretsManager";
import { secret } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("aws policies", () => {
    describe("Secrets Manager", () => {
        policyTable(secretCustomerKmsKey, secret, (s) => s, [
            {
                name: "no key",
                mutate: (s) => void delete s.props.kmsKeyId,
                messages: [
                    "kmsKeyId is unset; set it to the network's customer-managed KMS key: unset means the " +
                        "AWS-managed aws/secretsmanager key, whose key policy you cannot restrict.",
                ],
            },
            {
                name: "the AWS-managed alias",
                mutate: (s) => void (s.props.kmsKeyId = "alias/aws/secretsmanager"),
                messages: [
                    'kmsKeyId is "alias/aws/secretsmanager"; set it to the network\'s customer-managed KMS key: ' +
                        "alias/aws/secretsmanager is AWS-managed and its key policy cannot be restricted.",
                ],
            },
            {
                name: "the AWS-managed alias ARN",
                mutate: (s) => void (s.props.kmsKeyId = "arn:aws:kms:us-east-1:777788889999:alias/aws/secretsmanager"),
                messages: [
                    'kmsKeyId is "arn:aws:kms:us-east-1:777788889999:alias/aws/secretsmanager"; set it to the ' +
                        "network's customer-managed KMS key: alias/aws/secretsmanager is AWS-managed and its key " +
                        "policy cannot be restricted.",
                ],
            },
        ]);

        policyTable(secretRecoveryWindow, secret, (s) => s, [
            {
                name: "force delete (0)",
                mutate: (s) => void (s.props.recoveryWindowInDays = 0),
                messages: [
                    "recoveryWindowInDays is 0; remove it or set it to at least 30: 0 deletes the secret immediately, with no way to restore it.",
                ],
            },
            {
                name: "under the minimum",
                mutate: (s) => void (s.props.recoveryWindowInDays = 7),
                messages: [
                    "recoveryWindowInDays is 7; set it to at least 30 (policy config minimumDays) so a secret deleted by mistake can be restored.",
                ],
            },
        ]);

        it("secretsmanager-recovery-window accepts the AWS default and devnet's 7 days when configured", async () => {
            const s = secret();
            delete s.props.recoveryWindowInDays;
            assert.deepEqual(await messagesOf(secretRecoveryWindow, s), []);
            s.props.recoveryWindowInDays = 7;
            assert.deepEqual(await messagesOf(secretRecoveryWindow, s, { minimumDays: 7 }), []);
        });
    });
});
