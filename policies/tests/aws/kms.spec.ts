/**
 * KMS rules (rules/aws/kms.ts): one passing input and one mutation per failing condition, with
 * exact messages (key policies that do not parse included).
 */
import * as assert from "node:assert/strict";
import {
    kmsKeyDeletionWindow,
    kmsKeyPolicyLockoutSafety,
    kmsKeyPolicyNoWildcardPrincipal,
    kmsKeyRotation,
} from "../../rules/aws/kms";
import { ACCOUNT, kmsKey } from "../compliantStack";
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
            "name the account root, roles or services that use the key, or pin the caller with StringEquals on " +
            "kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID to your account IDs or organization ID: " +
            "a wildcard principal grants the key to anyone who can reach it.";
        const notPrincipalFix =
            "name the account root, roles or services that use the key: a wildcard principal grants the key to anyone who can reach it.";
        const noScope = "with no condition on kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID";
        const weakScope =
            "which does not pin the caller (only StringEquals, StringEqualsIgnoreCase or StringLike without * or ?, " +
            "or their ForAnyValue: forms, do)";
        /** The key with the standard "every principal of this account, through one service" statement. */
        const sharedKey = () => {
            const k = kmsKey();
            editJson(k, "policy", (d) =>
                d.Statement.push({
                    Sid: "AccountViaSecretsManager",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: "*",
                    Condition: {
                        StringEquals: {
                            "kms:CallerAccount": ACCOUNT,
                            "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
                        },
                    },
                }),
            );
            return k;
        };
        const scope = (k: ReturnType<typeof kmsKey>, condition: Record<string, unknown>) =>
            editJson(k, "policy", (d) => (d.Statement[1].Condition = condition));
        const shared = 'policy Statement[1] ("AccountViaSecretsManager").Principal is {"AWS":["*"]}';
        policyTable(kmsKeyPolicyNoWildcardPrincipal, sharedKey, (k) => k, [
            {
                name: 'Principal "*"',
                mutate: (k) =>
                    editJson(k, "policy", (d) =>
                        d.Statement.push({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }),
                    ),
                messages: [`policy Statement[2].Principal is "*" ${noScope}; ${keyFix}`],
            },
            {
                name: 'Principal {"AWS": "*"}',
                mutate: (k) => editJson(k, "policy", (d) => (d.Statement[0].Principal = { AWS: ["*"] })),
                messages: [`policy Statement[0] ("AccountAdmin").Principal is {"AWS":["*"]} ${noScope}; ${keyFix}`],
            },
            {
                name: "the caller-account condition removed",
                mutate: (k) =>
                    scope(k, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } }),
                messages: [`${shared} ${noScope}; ${keyFix}`],
            },
            {
                name: "the condition negated (StringNotEquals)",
                mutate: (k) => scope(k, { StringNotEquals: { "kms:CallerAccount": "111122223333" } }),
                messages: [
                    `${shared} and Condition.StringNotEquals["kms:CallerAccount"] is ["111122223333"], ${weakScope}; ${keyFix}`,
                ],
            },
            {
                name: "the condition weakened to StringEqualsIfExists",
                mutate: (k) => scope(k, { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }),
                messages: [
                    `${shared} and Condition.StringEqualsIfExists["aws:PrincipalOrgID"] is ["o-a1b2c3d4e5"], ${weakScope}; ${keyFix}`,
                ],
            },
            {
                name: "the condition weakened to ForAllValues:StringEquals",
                mutate: (k) => scope(k, { "ForAllValues:StringEquals": { "aws:PrincipalAccount": ACCOUNT } }),
                messages: [
                    `${shared} and Condition.ForAllValues:StringEquals["aws:PrincipalAccount"] is ["${ACCOUNT}"], ${weakScope}; ${keyFix}`,
                ],
            },
            {
                name: 'the value a wildcard (StringLike "*")',
                mutate: (k) => scope(k, { StringLike: { "kms:CallerAccount": "*" } }),
                messages: [`${shared} and Condition.StringLike["kms:CallerAccount"] is ["*"], ${weakScope}; ${keyFix}`],
            },
            {
                name: "one of the values a pattern (StringLike)",
                mutate: (k) => scope(k, { StringLike: { "aws:PrincipalAccount": [ACCOUNT, "7777*"] } }),
                messages: [
                    `${shared} and Condition.StringLike["aws:PrincipalAccount"] is ["${ACCOUNT}","7777*"], ${weakScope}; ${keyFix}`,
                ],
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
                    `policy Statement[2].NotPrincipal is {"AWS":["arn:aws:iam::1:root"]} with Effect Allow; ${notPrincipalFix}`,
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

        it("kms-key-policy-no-wildcard-principal accepts each pinning operator and key", async () => {
            for (const condition of [
                { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                { StringEqualsIgnoreCase: { "aws:principalaccount": ACCOUNT } },
                { StringLike: { "kms:CallerAccount": [ACCOUNT, "111122223333"] } },
                { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
                { "ForAnyValue:StringLike": { "kms:CallerAccount": ACCOUNT } },
                // a pinning condition next to one that does not pin still pins: conditions are ANDed
                { StringEquals: { "kms:CallerAccount": ACCOUNT }, StringNotEquals: { "aws:PrincipalAccount": "1" } },
            ]) {
                const k = sharedKey();
                scope(k, condition);
                assert.deepEqual(await messagesOf(kmsKeyPolicyNoWildcardPrincipal, k), [], JSON.stringify(condition));
            }
        });

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

        policyTable(kmsKeyPolicyLockoutSafety, kmsKey, (k) => k, [
            {
                name: "the safety check bypassed on the key",
                mutate: (k) => void (k.props.bypassPolicyLockoutSafetyCheck = true),
                messages: [
                    "bypassPolicyLockoutSafetyCheck is true; remove it or set it to false so KMS rejects a key policy " +
                        "that would leave no principal able to change it: a key locked that way can no longer be " +
                        "managed from the account.",
                ],
            },
        ]);

        it("kms-key-policy-lockout-safety checks KeyPolicy resources and accepts false", async () => {
            const policy = (bypass: boolean) =>
                res("aws:kms/keyPolicy:KeyPolicy", "kp", {
                    keyId: "k",
                    policy: kmsKey().props.policy,
                    bypassPolicyLockoutSafetyCheck: bypass,
                });
            assert.deepEqual(await messagesOf(kmsKeyPolicyLockoutSafety, policy(false)), []);
            assert.equal((await messagesOf(kmsKeyPolicyLockoutSafety, policy(true))).length, 1);
        });
    });
});
