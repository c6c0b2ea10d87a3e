/**
 * KMS rules (rules/aws/kms.ts): one passing input and one mutation per failing condition, with
 * exact messages (key policies that do not parse included).
 */
import * as assert from "node:assert/strict";
import { kmsKeyDeletionWindow, kmsKeyPolicyNoWildcardPrincipal, kmsKeyRotation } from "../../rules/aws/kms";
import { kmsKey } from "../compliantStack";
import { editJson, messagesOf, policyTable, res } from "../support";

/** The error message JSON.parse gives for a text (it differs between Node versions). */
function jsonError(text: string): string {
    try {
        JSON.parse(text);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error(`${text} parses`);
}

describe("aws policies", () => {
    describe("KMS", () => {
        policyTable(kmsKeyRotation, kmsKey, (k) => k, [
            {
                name: "rotation unset",
                mutate: (k) => void delete k.props.enableKeyRotation,
                messages: [
                    "enableKeyRotation is unset; set it to true so KMS rotates the key material every year (old material still decrypts existing data).",
                ],
            },
            {
                name: "rotation off",
                mutate: (k) => void (k.props.enableKeyRotation = false),
                messages: [
                    "enableKeyRotation is false; set it to true so KMS rotates the key material every year (old material still decrypts existing data).",
                ],
            },
        ]);

        it("kms-key-rotation-enabled exempts keys KMS cannot rotate", async () => {
            for (const props of [
                { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" },
                { keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT" },
                { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" },
                { customKeyStoreId: "cks-1234567890abcdef0" },
            ]) {
                assert.deepEqual(
                    await messagesOf(kmsKeyRotation, res("aws:kms/key:Key", "k", props)),
                    [],
                    JSON.stringify(props),
                );
            }
        });

        policyTable(kmsKeyDeletionWindow, kmsKey, (k) => k, [
            {
                name: "a 7-day window under the default minimum",
                mutate: (k) => void (k.props.deletionWindowInDays = 7),
                messages: [
                    "deletionWindowInDays is 7; set it to at least 30 (policy config minimumDays) so a key " +
                        "scheduled for deletion by mistake can be recovered: data encrypted under a deleted key is " +
                        "lost.",
                ],
            },
            {
                name: "under the configured minimum",
                mutate: (k) => void (k.props.deletionWindowInDays = 10),
                config: { minimumDays: 14 },
                messages: [
                    "deletionWindowInDays is 10; set it to at least 14 (policy config minimumDays) so a key " +
                        "scheduled for deletion by mistake can be recovered: data encrypted under a deleted key is " +
                        "lost.",
                ],
            },
        ]);

        it("kms-key-deletion-window accepts the AWS default and devnet's 7 days when configured", async () => {
            const k = kmsKey();
            delete k.props.deletionWindowInDays;
            assert.deepEqual(await messagesOf(kmsKeyDeletionWindow, k), []);
            k.props.deletionWindowInDays = 7;
            assert.deepEqual(await messagesOf(kmsKeyDeletionWindow, k, { minimumDays: 7 }), []);
        });

        const keyFix =
            "name the account root, roles or services that use the key: a wildcard principal grants the key to anyone who can reach it.";
        policyTable(kmsKeyPolicyNoWildcardPrincipal, kmsKey, (k) => k, [
            {
                name: 'Principal "*"',
                mutate: (k) =>
                    editJson(k, "policy", (d) =>
                        d.Statement.push({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }),
                    ),
                messages: [`policy Statement[1].Principal is "*"; ${keyFix}`],
            },
            {
                name: 'Principal {"AWS": "*"}',
                mutate: (k) => editJson(k, "policy", (d) => (d.Statement[0].Principal = { AWS: ["*"] })),
                messages: [`policy Statement[0] ("AccountAdmin").Principal is {"AWS":["*"]}; ${keyFix}`],
            },
            {
                name: "NotPrincipal with Allow",
                mutate: (k) =>
                    editJson(k, "policy", (d) =>
                        d.Statement.push({
                            Effect: "Allow",
                            NotPrincipal: { AWS: "arn:aws:iam::1:root" },
                            Action: "kms:*",
                            Resource: "*",
                        }),
                    ),
                messages: [
                    `policy Statement[1].NotPrincipal is {"AWS":["arn:aws:iam::1:root"]} with Effect Allow; ${keyFix}`,
                ],
            },
            {
                name: "not JSON",
                mutate: (k) => void (k.props.policy = "{not json"),
                messages: [
                    `policy is not valid JSON (${jsonError("{not json")}); write it as an IAM policy document ` +
                        "(pulumi.jsonStringify of an object with a Statement list).",
                ],
            },
        ]);

        it("kms-key-policy-no-wildcard-principal checks KeyPolicy resources and allows wildcard Deny statements", async () => {
            const policy = JSON.stringify({
                Statement: [
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "kms:*",
                        Resource: "*",
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
            assert.deepEqual(
                await messagesOf(
                    kmsKeyPolicyNoWildcardPrincipal,
                    res("aws:kms/keyPolicy:KeyPolicy", "kp", { keyId: "k", policy }),
                ),
                [],
            );
            const open = JSON.stringify({
                Statement: { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" },
            });
            assert.equal(
                (
                    await messagesOf(
                        kmsKeyPolicyNoWildcardPrincipal,
                        res("aws:kms/keyPolicy:KeyPolicy", "kp", { keyId: "k", policy: open }),
                    )
                ).length,
                1,
            );
        });
    });
});
