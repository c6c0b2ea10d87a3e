/**
 * AWS rules: one passing input and one mutation per failing condition, with exact messages,
 * plus the action classifier and document-shape variants (JSON string or object, Statement
 * object or list, Action string or list).
 */
import * as assert from "node:assert/strict";
import {
    iamNoStaticCredentials,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamOidcTrustPinned,
    iamTrustNoWildcardPrincipal,
    isReadOnlyAction,
    isWildcardResource,
    kmsKeyDeletionWindow,
    kmsKeyPolicyNoWildcardPrincipal,
    kmsKeyRotation,
    s3BucketPolicyTlsOnly,
    s3PublicAccessBlockAllFlags,
    s3SseKmsCustomerKey,
    s3VersioningEnabled,
    secretCustomerKmsKey,
    secretRecoveryWindow,
} from "../rules/aws";
import { actionMatches } from "../rules/iamDocument";
import { OfflineResource } from "../offline";
import {
    ISSUER,
    KEY_ARN,
    OIDC_PROVIDER_ARN,
    bucketPolicy,
    kmsKey,
    publicAccessBlock,
    role,
    rolePolicy,
    secret,
    sse,
    tlsPolicy,
    versioning,
} from "./compliantStack";
import { messagesOf, policyTable, res, urnOf } from "./support";

/** Replaces the JSON document at `field` of a resource through `edit`. */
function editJson(
    r: OfflineResource,
    field: string,
    edit: (doc: { Statement: Record<string, unknown>[] }) => void,
): void {
    const doc = JSON.parse(r.props[field]);
    edit(doc);
    r.props[field] = JSON.stringify(doc);
}

/** The error message JSON.parse gives for a text (it differs between Node versions). */
function jsonError(text: string): string {
    try {
        JSON.parse(text);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error(`${text} parses`);
}

function editInline(r: OfflineResource, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = JSON.parse(r.props.inlinePolicies[0].policy);
    edit(doc);
    r.props.inlinePolicies[0].policy = JSON.stringify(doc);
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

    describe("IAM permissions", () => {
        const actionFix =
            'list the specific actions needed (e.g. "s3:GetObject", "s3:PutObject"): a wildcard grants every current and future action.';
        policyTable(
            iamNoWildcardActions,
            () => [role(), rolePolicy()],
            (r) => r,
            [
                {
                    name: '"*" action in an inline policy',
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[1].Action = "*")),
                    messages: [
                        `inlinePolicies[0].policy Statement[1] ("UseNetworkKey").Action includes ["*"]; ${actionFix}`,
                    ],
                },
                {
                    name: '"service:*" action in a RolePolicy',
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) =>
                                ((d.Statement as unknown as Record<string, unknown>).Action = ["s3:*", "kms:Decrypt"]),
                        ),
                    messages: [`policy Statement[0].Action includes ["s3:*"]; ${actionFix}`],
                },
                {
                    name: "NotAction with Allow",
                    mutate: ([r]) =>
                        editInline(r, (d) =>
                            d.Statement.push({ Effect: "Allow", NotAction: "iam:*", Resource: KEY_ARN }),
                        ),
                    messages: [
                        `inlinePolicies[0].policy Statement[3].NotAction is ["iam:*"] with Effect Allow; replace it ` +
                            `with an explicit Action list: Allow with NotAction grants every other action, including ` +
                            `future ones.`,
                    ],
                },
                {
                    name: "a document that is not an object",
                    mutate: ([, p]) => void (p.props.policy = "[]"),
                    messages: [
                        "policy is not a JSON object; write it as an IAM policy document (pulumi.jsonStringify of an object with a Statement list).",
                    ],
                },
            ],
        );

        it("iam-no-wildcard-actions reads documents given as objects, for Policy, UserPolicy and GroupPolicy", async () => {
            const document = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
            for (const type of [
                "aws:iam/policy:Policy",
                "aws:iam/userPolicy:UserPolicy",
                "aws:iam/groupPolicy:GroupPolicy",
            ]) {
                assert.deepEqual(
                    await messagesOf(iamNoWildcardActions, res(type, "p", { policy: document })),
                    [`policy Statement[0].Action includes ["*"]; ${actionFix}`],
                    type,
                );
            }
        });

        const resourceFix =
            "scope the statement to the ARNs it needs (its own secrets, the network key, its bucket " +
            "prefix): a wildcard resource lets it act on everything in the account.";
        policyTable(
            iamNoWildcardResources,
            () => [role(), rolePolicy()],
            (r) => r,
            [
                {
                    name: '"*" for a write action',
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) => ((d.Statement as unknown as Record<string, unknown>).Resource = "*"),
                        ),
                    messages: [
                        `policy Statement[0].Resource is "*" for non-read-only actions ["s3:PutObject","s3:GetObject"]; ${resourceFix}`,
                    ],
                },
                {
                    name: '"*" for a secret read',
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[0].Resource = "*")),
                    messages: [
                        `inlinePolicies[0].policy Statement[0] ("ReadOwnSecrets").Resource is "*" for non-read-only ` +
                            `actions ["secretsmanager:GetSecretValue"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "a read pattern that includes object reads",
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[2].Action = ["s3:Get*"])),
                    messages: [
                        `inlinePolicies[0].policy Statement[2] ("Discover").Resource is "*" for non-read-only actions ["s3:Get*"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "an all-buckets ARN",
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) => ((d.Statement as unknown as Record<string, unknown>).Resource = ["arn:aws:s3:::*"]),
                        ),
                    messages: [
                        `policy Statement[0].Resource is "arn:aws:s3:::*" for non-read-only actions ["s3:PutObject","s3:GetObject"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "NotResource",
                    mutate: ([, p]) =>
                        editJson(p, "policy", (d) => {
                            const st = d.Statement as unknown as Record<string, unknown>;
                            delete st.Resource;
                            st.NotResource = "arn:aws:s3:::other/*";
                        }),
                    messages: [
                        `policy Statement[0].NotResource is ["arn:aws:s3:::other/*"] for actions ` +
                            `["s3:PutObject","s3:GetObject"]; list the Resource ARNs explicitly: NotResource grants the ` +
                            `actions on every other resource, including future ones.`,
                    ],
                },
            ],
        );

        it("matches IAM action patterns case-insensitively with * and ?", () => {
            const table: [string, string, boolean][] = [
                ["s3:Get*", "s3:GetObject", true],
                ["S3:GETOBJECT", "s3:getobject", true],
                ["sts:AssumeRoleWith*", "sts:AssumeRoleWithWebIdentity", true],
                ["sts:AssumeRole?", "sts:AssumeRole", false],
                ["*", "iam:PassRole", true],
                ["s3:*Object", "s3:PutObject", true],
                ["s3:*Object", "s3:PutObjectAcl", false],
                [`${"*a".repeat(30)}b`, "a".repeat(60), false],
            ];
            for (const [pattern, action, expected] of table)
                assert.equal(actionMatches(pattern, action), expected, `${pattern} ~ ${action}`);
        });

        it("classifies read-only actions, and wildcard resources", () => {
            for (const a of [
                "ec2:DescribeRegions",
                "ec2:Describe*",
                "kms:ListAliases",
                "iam:GetRole",
                "cloudwatch:BatchGetServiceLevelObjectiveBudgetReport",
                "ecr:GetAuthorizationToken",
            ])
                assert.equal(isReadOnlyAction(a), true, a);
            for (const a of [
                "s3:PutObject",
                "s3:GetObject",
                "s3:Get*",
                "secretsmanager:GetSecretValue",
                "ssm:GetParameters",
                "sts:GetSessionToken",
                "kms:Decrypt",
                "*",
                "iam:PassRole",
                "ListBuckets",
            ]) {
                assert.equal(isReadOnlyAction(a), false, a);
            }
            for (const r of ["*", "arn:aws:s3:::*", "arn:aws:kms:*:*:*", "arn:*:iam::*:*"])
                assert.equal(isWildcardResource(r), true, r);
            for (const r of [
                "arn:aws:s3:::bucket/*",
                "arn:aws:kms:us-east-1:1:key/*",
                "arn:aws:secretsmanager:us-east-1:1:secret:x-*",
            ])
                assert.equal(isWildcardResource(r), false, r);
        });

        // The passing input is an IAM user without credentials; each mutation gives it one kind of static credential.
        const asType = (type: string, name: string) => (r: OfflineResource) => {
            r.type = type;
            r.name = name;
            r.urn = urnOf(type, name);
            r.props = { user: "ci" };
        };
        policyTable(
            iamNoStaticCredentials,
            () => res("aws:iam/user:User", "ci", { name: "ci" }),
            (r) => [role(), r],
            [
                {
                    name: "an access key",
                    mutate: asType("aws:iam/accessKey:AccessKey", "ci-key"),
                    messages: [
                        'user is "ci" and this resource creates a long-lived access key for it; remove it and let ' +
                            "the workload assume an IRSA role: static keys leak and are rarely rotated.",
                    ],
                },
                {
                    name: "a console login profile",
                    mutate: asType("aws:iam/userLoginProfile:UserLoginProfile", "ci-login"),
                    messages: [
                        'user is "ci" and this resource gives it a console password; remove it and sign in through SSO or an assumed role instead.',
                    ],
                },
            ],
        );
    });

    describe("IAM trust", () => {
        const at = "assumeRolePolicy Statement[0].Condition";
        const sub = `${ISSUER}:sub`;
        const aud = `${ISSUER}:aud`;
        const pin =
            'pin it with StringEquals to exactly one "system:serviceaccount:<namespace>:<name>" (no ' +
            "wildcards) so only that service account can assume the role.";
        const conditions = (r: OfflineResource, edit: (c: Record<string, Record<string, unknown>>) => void) =>
            editJson(r, "assumeRolePolicy", (d) =>
                edit(d.Statement[0].Condition as Record<string, Record<string, unknown>>),
            );
        policyTable(iamOidcTrustPinned, role, (r) => r, [
            {
                name: ":sub missing",
                mutate: (r) => conditions(r, (c) => void delete c.StringEquals[sub]),
                messages: [`${at}.StringEquals[${JSON.stringify(sub)}] is unset; ${pin}`],
            },
            {
                name: ":sub under StringLike",
                mutate: (r) =>
                    conditions(r, (c) => {
                        delete c.StringEquals[sub];
                        c.StringLike = { [sub]: "system:serviceaccount:messaging-mainnet:*" };
                    }),
                messages: [
                    `${at}.StringLike[${JSON.stringify(sub)}] is ["system:serviceaccount:messaging-mainnet:*"]; ` +
                        `use StringEquals with exactly one "system:serviceaccount:<namespace>:<name>" instead: ` +
                        `StringLike can admit other service accounts.`,
                    `${at}.StringEquals[${JSON.stringify(sub)}] is unset; ${pin}`,
                ],
            },
            {
                name: "two subjects",
                mutate: (r) =>
                    conditions(
                        r,
                        (c) =>
                            void (c.StringEquals[sub] = [
                                "system:serviceaccount:messaging-mainnet:relay",
                                "system:serviceaccount:messaging-mainnet:api",
                            ]),
                    ),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(sub)}] is ` +
                        `["system:serviceaccount:messaging-mainnet:relay","system:serviceaccount:messaging-mainnet:api"]; ` +
                        `${pin}`,
                ],
            },
            {
                name: "a wildcard in StringEquals",
                mutate: (r) =>
                    conditions(r, (c) => void (c.StringEquals[sub] = "system:serviceaccount:messaging-mainnet:*")),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(sub)}] is "system:serviceaccount:messaging-mainnet:*"; ${pin}`,
                ],
            },
            {
                name: ":aud missing",
                mutate: (r) => conditions(r, (c) => void delete c.StringEquals[aud]),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(aud)}] is unset; set it to "sts.amazonaws.com" so ` +
                        `tokens issued for any other audience cannot be exchanged for this role.`,
                ],
            },
            {
                name: ":aud not STS",
                mutate: (r) => conditions(r, (c) => void (c.StringEquals[aud] = "sts.amazonaws.com.evil")),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(aud)}] is "sts.amazonaws.com.evil"; set it to ` +
                        `"sts.amazonaws.com" so tokens issued for any other audience cannot be exchanged for this ` +
                        `role.`,
                ],
            },
        ]);

        it("iam-oidc-trust-pinned ignores trusts that are not web identity from an OIDC provider", async () => {
            const service = JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            assert.deepEqual(
                await messagesOf(iamOidcTrustPinned, res("aws:iam/role:Role", "ec2", { assumeRolePolicy: service })),
                [],
            );
            const cognito = JSON.stringify({
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: "cognito-identity.amazonaws.com" },
                        Action: "sts:AssumeRoleWithWebIdentity",
                    },
                ],
            });
            assert.deepEqual(
                await messagesOf(
                    iamOidcTrustPinned,
                    res("aws:iam/role:Role", "cognito", { assumeRolePolicy: cognito }),
                ),
                [],
            );
            assert.ok(OIDC_PROVIDER_ARN.includes(":oidc-provider/"));
        });

        const trustFix =
            "name the exact principal (the cluster's OIDC provider, a role ARN or a service): a wildcard lets any AWS account assume the role.";
        policyTable(iamTrustNoWildcardPrincipal, role, (r) => r, [
            {
                name: "anyone may assume",
                mutate: (r) =>
                    editJson(r, "assumeRolePolicy", (d) =>
                        d.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
                    ),
                messages: [`assumeRolePolicy Statement[1].Principal is {"AWS":["*"]}; ${trustFix}`],
            },
            {
                name: "NotPrincipal",
                mutate: (r) =>
                    editJson(r, "assumeRolePolicy", (d) =>
                        d.Statement.push({
                            Effect: "Allow",
                            NotPrincipal: { Service: "ec2.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        }),
                    ),
                messages: [
                    `assumeRolePolicy Statement[1].NotPrincipal is {"Service":["ec2.amazonaws.com"]} with Effect Allow; ${trustFix}`,
                ],
            },
        ]);
    });

    describe("S3 companions", () => {
        const pabFix =
            "set all four public-access-block flags to true so no ACL or bucket policy can make the bucket or its objects public.";
        policyTable(
            s3PublicAccessBlockAllFlags,
            publicAccessBlock,
            (p) => p,
            (["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).map(
                (flag, i) => ({
                    name: `${flag} ${i % 2 === 0 ? "false" : "unset"}`,
                    mutate: (p: OfflineResource) => void (i % 2 === 0 ? (p.props[flag] = false) : delete p.props[flag]),
                    messages: [`${flag} is ${i % 2 === 0 ? "false" : "unset"}; ${pabFix}`],
                }),
            ),
        );

        const at = "rules[0].applyServerSideEncryptionByDefault";
        const keyFix =
            "set it to the network's customer-managed KMS key (unset means the AWS-managed aws/s3 key, whose key policy cannot be restricted).";
        policyTable(s3SseKmsCustomerKey, sse, (s) => s, [
            {
                name: "AES256",
                mutate: (s) => void (s.props.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }),
                messages: [
                    `${at}.sseAlgorithm is "AES256"; set it to "aws:kms" with kmsMasterKeyId = the network's ` +
                        `KMS key, so reading objects also needs kms:Decrypt on a key we control.`,
                    `${at}.kmsMasterKeyId is unset; ${keyFix}`,
                ],
            },
            {
                name: "aws:kms without a key",
                mutate: (s) => void delete s.props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
                messages: [`${at}.kmsMasterKeyId is unset; ${keyFix}`],
            },
            {
                name: "the AWS-managed aws/s3 key",
                mutate: (s) =>
                    void (s.props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = "alias/aws/s3"),
                messages: [`${at}.kmsMasterKeyId is "alias/aws/s3"; ${keyFix}`],
            },
            {
                name: "no default encryption rule",
                mutate: (s) => void (s.props.rules = [{ bucketKeyEnabled: true }]),
                messages: [
                    'rules is [{"bucketKeyEnabled":true}] with no applyServerSideEncryptionByDefault; add one ' +
                        'with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the network\'s KMS key.',
                ],
            },
        ]);

        const versionFix =
            'set it to "Enabled" so overwritten and deleted objects stay recoverable as noncurrent versions.';
        policyTable(s3VersioningEnabled, versioning, (v) => v, [
            {
                name: "Suspended",
                mutate: (v) => void (v.props.versioningConfiguration.status = "Suspended"),
                messages: [`versioningConfiguration.status is "Suspended"; ${versionFix}`],
            },
            {
                name: "no configuration",
                mutate: (v) => void delete v.props.versioningConfiguration,
                messages: [`versioningConfiguration.status is unset; ${versionFix}`],
            },
        ]);

        const tls =
            `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[<bucket ARN>,"<bucket ` +
            `ARN>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`;
        const withStatement = (edit: (st: Record<string, unknown>) => void) => (p: OfflineResource) => {
            const doc = tlsPolicy() as { Statement: Record<string, unknown>[] };
            edit(doc.Statement[0]);
            p.props.policy = JSON.stringify(doc);
        };
        const at0 = 'policy Statement[0] ("DenyInsecureTransport")';
        policyTable(s3BucketPolicyTlsOnly, bucketPolicy, (p) => p, [
            {
                name: "no TLS statement",
                mutate: (p) => void (p.props.policy = JSON.stringify({ Statement: [] })),
                messages: [
                    `policy has no statement denying requests where aws:SecureTransport is "false"; add ${tls} so plain-HTTP requests are refused.`,
                ],
            },
            {
                name: "Allow instead of Deny",
                mutate: withStatement((st) => (st.Effect = "Allow")),
                messages: [
                    `policy has no statement denying requests where aws:SecureTransport is "false"; add ${tls} so plain-HTTP requests are refused.`,
                ],
            },
            {
                name: "only some principals",
                mutate: withStatement((st) => (st.Principal = { AWS: "arn:aws:iam::1:root" })),
                messages: [
                    `${at0}.Principal is {"AWS":["arn:aws:iam::1:root"]}; use "*" so the TLS-only deny applies to every caller.`,
                ],
            },
            {
                name: "only some actions",
                mutate: withStatement((st) => (st.Action = ["s3:GetObject"])),
                messages: [`${at0}.Action is ["s3:GetObject"]; use "s3:*" so every request over plain HTTP is denied.`],
            },
            {
                name: "the bucket but not its objects",
                mutate: withStatement((st) => (st.Resource = "arn:aws:s3:::messaging-infra-mainnet-backups")),
                messages: [
                    `${at0}.Resource is ["arn:aws:s3:::messaging-infra-mainnet-backups"]; include "<bucket ` +
                        `ARN>/*" as well as the bucket ARN so object requests over plain HTTP are denied too.`,
                ],
            },
        ]);
    });
});
