import * as assert from "node:assert/strict";
import fc from "fast-check";
import { backupBucketPolicy } from "../../../components/aws/backupBucket";
import { encryptionKeyPolicy } from "../../../components/aws/encryptionKey";
import { KEY_OPERATIONS, KeyOperation, renderPermissionsPolicy, ResolvedGrant } from "../../../components/aws/irsaRole";
import { PolicyDocument } from "../../../components/aws/policyDocument";
import { ACCOUNT, simulate, SimulatedRequest, Verdict } from "../../support/iamSimulator";

import {
    BUCKET,
    doc,
    expectProblems,
    MASTER_KEY,
    NETWORK_KEY,
    OPERATOR_KEYS,
    OTHER_BUCKET,
    OTHER_KEY,
} from "../../support/irsaFixtures";

describe("IRSA grants", () => {
    describe("renderPermissionsPolicy", () => {
        const table: { title: string; grants: ResolvedGrant[]; policy: PolicyDocument }[] = [
            {
                title: "readSecrets -> Get/Describe on exactly the named secrets (deduplicated, sorted)",
                grants: [{ kind: "readSecrets", secretArns: [OPERATOR_KEYS, MASTER_KEY, OPERATOR_KEYS] }],
                policy: doc({
                    Sid: "ReadSecrets",
                    Effect: "Allow",
                    Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                    Resource: [MASTER_KEY, OPERATOR_KEYS],
                }),
            },
            {
                title: "readSecrets of one secret -> a single Resource string",
                grants: [{ kind: "readSecrets", secretArns: [OPERATOR_KEYS] }],
                policy: doc({
                    Sid: "ReadSecrets",
                    Effect: "Allow",
                    Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                    Resource: OPERATOR_KEYS,
                }),
            },
            {
                title: "useKey maps every operation to its action",
                grants: [
                    {
                        kind: "useKey",
                        keyArn: NETWORK_KEY,
                        operations: ["sign", "describe", "generateDataKey", "decrypt", "encrypt", "decrypt"],
                    },
                ],
                policy: doc({
                    Sid: "UseKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:Sign"],
                    Resource: NETWORK_KEY,
                }),
            },
            {
                title: "useKey via a service -> kms:ViaService condition",
                grants: [{ kind: "useKey", keyArn: NETWORK_KEY, operations: ["decrypt"], via: "secretsmanager" }],
                policy: doc({
                    Sid: "UseKey",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: NETWORK_KEY,
                    Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
                }),
            },
            {
                title: "writeObjects -> PutObject under the prefix only",
                grants: [{ kind: "writeObjects", bucketArn: BUCKET, prefix: "backups" }],
                policy: doc({
                    Sid: "WriteObjects",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: `${BUCKET}/backups/*`,
                }),
            },
            {
                title: "readObjects -> GetObject under a nested prefix",
                grants: [{ kind: "readObjects", bucketArn: BUCKET, prefix: "backups/object-store" }],
                policy: doc({
                    Sid: "ReadObjects",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: `${BUCKET}/backups/object-store/*`,
                }),
            },
            {
                title: "listBucket -> ListBucket with an s3:prefix condition",
                grants: [{ kind: "listBucket", bucketArn: BUCKET, prefix: "backups" }],
                policy: doc({
                    Sid: "ListBucket",
                    Effect: "Allow",
                    Action: "s3:ListBucket",
                    Resource: BUCKET,
                    Condition: { StringLike: { "s3:prefix": "backups/*" } },
                }),
            },
            {
                title: "repeated kinds are numbered, in grant order",
                grants: [
                    { kind: "useKey", keyArn: NETWORK_KEY, operations: ["decrypt"], via: "secretsmanager" },
                    { kind: "readSecrets", secretArns: [OPERATOR_KEYS] },
                    { kind: "useKey", keyArn: NETWORK_KEY, operations: ["generateDataKey"], via: "s3" },
                ],
                policy: doc(
                    {
                        Sid: "UseKey1",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: NETWORK_KEY,
                        Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
                    },
                    {
                        Sid: "ReadSecrets",
                        Effect: "Allow",
                        Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                        Resource: OPERATOR_KEYS,
                    },
                    {
                        Sid: "UseKey2",
                        Effect: "Allow",
                        Action: "kms:GenerateDataKey",
                        Resource: NETWORK_KEY,
                        Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
                    },
                ),
            },
        ];
        for (const row of table) {
            it(row.title, () => assert.deepEqual(renderPermissionsPolicy(row.grants), row.policy));
        }

        it("property: one statement per grant, unique Sids, no wildcard action or resource, only the grants' own ARNs", () => {
            const arn = (prefix: string) => fc.stringMatching(/^[a-z0-9-]{1,12}$/).map((s) => `${prefix}${s}`);
            const prefix = fc
                .array(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/), { minLength: 1, maxLength: 3 })
                .map((parts) => parts.join("/"))
                .filter((p) => !p.split("/").some((s) => s === "." || s === ".."));
            const grant: fc.Arbitrary<ResolvedGrant> = fc.oneof(
                fc.record({
                    kind: fc.constant("readSecrets" as const),
                    secretArns: fc.array(arn(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:`), {
                        minLength: 1,
                        maxLength: 4,
                    }),
                }),
                fc.record(
                    {
                        kind: fc.constant("useKey" as const),
                        keyArn: arn(`arn:aws:kms:us-east-1:${ACCOUNT}:key/`),
                        operations: fc.array(fc.constantFrom(...(Object.keys(KEY_OPERATIONS) as KeyOperation[])), {
                            minLength: 1,
                            maxLength: 5,
                        }),
                        via: fc.constantFrom("secretsmanager" as const, "s3" as const),
                    },
                    { requiredKeys: ["kind", "keyArn", "operations"] },
                ),
                fc.record({
                    kind: fc.constantFrom("writeObjects" as const, "readObjects" as const, "listBucket" as const),
                    bucketArn: arn("arn:aws:s3:::bucket-"),
                    prefix,
                }),
            );
            fc.assert(
                fc.property(fc.array(grant, { minLength: 1, maxLength: 8 }), (grants) => {
                    const policy = renderPermissionsPolicy(grants);
                    assert.equal(policy.Statement.length, grants.length);
                    assert.equal(new Set(policy.Statement.map((s) => s.Sid)).size, grants.length);
                    policy.Statement.forEach((statement, i) => {
                        assert.match(statement.Sid, /^[A-Za-z0-9]+$/);
                        assert.equal(statement.Effect, "Allow");
                        assert.equal(statement.Principal, undefined);
                        for (const action of [statement.Action].flat())
                            assert.ok(action !== "*" && !action.includes("*"), action);
                        const g = grants[i];
                        const own =
                            g.kind === "readSecrets"
                                ? g.secretArns
                                : g.kind === "useKey"
                                  ? [g.keyArn]
                                  : g.kind === "listBucket"
                                    ? [g.bucketArn]
                                    : [`${g.bucketArn}/${g.prefix}/*`];
                        for (const resource of [statement.Resource ?? []].flat()) {
                            assert.notEqual(resource, "*");
                            assert.ok(own.includes(resource), `${resource} is not one of ${own.join(", ")}`);
                        }
                    });
                }),
                { numRuns: 200 },
            );
        });

        describe("bad grants: every problem at once", () => {
            it("an empty grant list", () => {
                expectProblems(() => renderPermissionsPolicy([]), "arguments to the IRSA permissions policy", [
                    {
                        path: "grants",
                        given: "[]",
                        allowed:
                            "at least one grant: a role without permissions has no reason to exist (e.g. [{kind: readSecrets, secretArns: [<secret ARN>]}])",
                    },
                ]);
            });
            it("a name or a placeholder where an ARN belongs", () => {
                expectProblems(
                    () =>
                        renderPermissionsPolicy([
                            { kind: "readSecrets", secretArns: ["messaging-infra/devnet/relay-operator-keys"] },
                            { kind: "useKey", keyArn: "mock-arn-of-kms/key-network", operations: ["decrypt"] },
                        ]),
                    "arguments to the IRSA permissions policy",
                    [
                        {
                            path: "grants[0].secretArns[0]",
                            given: '"messaging-infra/devnet/relay-operator-keys"',
                            allowed:
                                "one named secretsmanager ARN without wildcards, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:<name>-AbCdEf",
                        },
                        {
                            path: "grants[1].keyArn",
                            given: '"mock-arn-of-kms/key-network"',
                            allowed:
                                "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                        },
                    ],
                );
            });
            it("empty ARN lists, wildcards, wrong services, bad prefixes and operations", () => {
                expectProblems(
                    () =>
                        renderPermissionsPolicy([
                            { kind: "readSecrets", secretArns: [] },
                            {
                                kind: "readSecrets",
                                secretArns: [
                                    OPERATOR_KEYS,
                                    `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:*`,
                                    NETWORK_KEY,
                                ],
                            },
                            { kind: "useKey", keyArn: "*", operations: [] },
                            {
                                kind: "useKey",
                                keyArn: NETWORK_KEY,
                                operations: ["decrypt", "kms:*" as KeyOperation],
                                via: "lambda" as "s3",
                            },
                            { kind: "writeObjects", bucketArn: `${BUCKET}/backups`, prefix: "/backups/" },
                            { kind: "readObjects", bucketArn: BUCKET, prefix: "backups/*" },
                            { kind: "listBucket", bucketArn: "", prefix: "a/../b" },
                            { kind: "deleteObjects" } as unknown as ResolvedGrant,
                        ]),
                    "arguments to the IRSA permissions policy",
                    [
                        {
                            path: "grants[0].secretArns",
                            given: "[]",
                            allowed: "at least one secret ARN (ManagedSecret.arn)",
                        },
                        {
                            path: "grants[1].secretArns[1]",
                            given: JSON.stringify(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:*`),
                            allowed:
                                "one named secretsmanager ARN without wildcards, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:<name>-AbCdEf",
                        },
                        {
                            path: "grants[1].secretArns[2]",
                            given: JSON.stringify(NETWORK_KEY),
                            allowed:
                                "one named secretsmanager ARN without wildcards, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:<name>-AbCdEf",
                        },
                        {
                            path: "grants[2].keyArn",
                            given: '"*"',
                            allowed:
                                "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                        },
                        {
                            path: "grants[2].operations",
                            given: "[]",
                            allowed: "at least one of encrypt, decrypt, generateDataKey, sign, describe",
                        },
                        {
                            path: "grants[3].operations[1]",
                            given: '"kms:*"',
                            allowed: "one of encrypt, decrypt, generateDataKey, sign, describe",
                        },
                        { path: "grants[3].via", given: '"lambda"', allowed: "secretsmanager, s3, or nothing" },
                        {
                            path: "grants[4].bucketArn",
                            given: JSON.stringify(`${BUCKET}/backups`),
                            allowed:
                                "a bucket ARN (arn:aws:s3:::<bucket>), not an object ARN; the prefix goes in prefix",
                        },
                        {
                            path: "grants[4].prefix",
                            given: '"/backups/"',
                            allowed:
                                "an S3 key prefix without leading or trailing '/', wildcards or '..' segments, e.g. backups or backups/object-store",
                        },
                        {
                            path: "grants[5].prefix",
                            given: '"backups/*"',
                            allowed:
                                "an S3 key prefix without leading or trailing '/', wildcards or '..' segments, e.g. backups or backups/object-store",
                        },
                        {
                            path: "grants[6].bucketArn",
                            given: '""',
                            allowed:
                                "one named s3 ARN without wildcards, e.g. arn:aws:s3:::messaging-infra-devnet-backups-123456789012 (BackupBucket.arn)",
                        },
                        {
                            path: "grants[6].prefix",
                            given: '"a/../b"',
                            allowed:
                                "an S3 key prefix without leading or trailing '/', wildcards or '..' segments, e.g. backups or backups/object-store",
                        },
                        {
                            path: "grants[7].kind",
                            given: '"deleteObjects"',
                            allowed: "a grant of kind readSecrets, useKey, writeObjects, readObjects or listBucket",
                        },
                    ],
                );
            });
        });
    });

    describe("least privilege (simulated with iam-simulate)", () => {
        // Every request a service could plausibly make in the network, labelled. A role must be
        // allowed exactly its expected labels and denied all others.
        const keyPolicy = encryptionKeyPolicy(ACCOUNT);
        const bucketPolicy = backupBucketPolicy(BUCKET, NETWORK_KEY);
        interface Probe extends SimulatedRequest {
            label: string;
            resourcePolicy?: PolicyDocument;
        }
        const probes: Probe[] = [];
        for (const [label, secret] of [
            ["operator-keys", OPERATOR_KEYS],
            ["master-key", MASTER_KEY],
        ]) {
            for (const action of [
                "GetSecretValue",
                "DescribeSecret",
                "PutSecretValue",
                "UpdateSecret",
                "DeleteSecret",
            ]) {
                probes.push({
                    label: `secretsmanager:${action} ${label}`,
                    action: `secretsmanager:${action}`,
                    resource: secret,
                });
            }
        }
        for (const [label, key] of [
            ["network-key", NETWORK_KEY],
            ["other-key", OTHER_KEY],
        ]) {
            for (const action of [
                "Encrypt",
                "Decrypt",
                "GenerateDataKey",
                "GenerateDataKeyWithoutPlaintext",
                "ReEncryptFrom",
                "Sign",
                "DescribeKey",
                "ScheduleKeyDeletion",
                "PutKeyPolicy",
                "CreateGrant",
            ]) {
                for (const via of [undefined, "secretsmanager", "s3"]) {
                    probes.push({
                        label: `kms:${action} ${label}${via ? ` via ${via}` : ""}`,
                        action: `kms:${action}`,
                        resource: key,
                        context: via ? { "kms:ViaService": `${via}.us-east-1.amazonaws.com` } : {},
                        resourcePolicy: keyPolicy,
                    });
                }
            }
        }
        const tls = { "aws:SecureTransport": "true" };
        for (const [label, key] of [
            ["backups/2026/dump.tar", "backups/2026/dump.tar"],
            ["other/dump.tar", "other/dump.tar"],
            ["backups-evil/dump.tar", "backups-evil/dump.tar"],
        ]) {
            for (const action of [
                "PutObject",
                "GetObject",
                "GetObjectVersion",
                "DeleteObject",
                "DeleteObjectVersion",
            ]) {
                probes.push({
                    label: `s3:${action} ${label}`,
                    action: `s3:${action}`,
                    resource: `${BUCKET}/${key}`,
                    context: tls,
                    resourcePolicy: bucketPolicy,
                });
            }
            probes.push({
                label: `s3:PutObject other-bucket/${label}`,
                action: "s3:PutObject",
                resource: `${OTHER_BUCKET}/${key}`,
                context: tls,
            });
        }
        for (const prefix of [undefined, "", "backups/", "backups/2026/", "other/", "backups-evil/"]) {
            const context: Record<string, string> = prefix === undefined ? { ...tls } : { ...tls, "s3:prefix": prefix };
            probes.push({
                label: `s3:ListBucket ${prefix === undefined ? "(no prefix)" : JSON.stringify(prefix)}`,
                action: "s3:ListBucket",
                resource: BUCKET,
                context,
                resourcePolicy: bucketPolicy,
            });
        }
        probes.push({
            label: 's3:ListBucket other-bucket "backups/"',
            action: "s3:ListBucket",
            resource: OTHER_BUCKET,
            context: { ...tls, "s3:prefix": "backups/" },
        });
        probes.push({
            label: "s3:DeleteBucket",
            action: "s3:DeleteBucket",
            resource: BUCKET,
            context: tls,
            resourcePolicy: bucketPolicy,
        });
        probes.push({
            label: "s3:PutBucketPolicy",
            action: "s3:PutBucketPolicy",
            resource: BUCKET,
            context: tls,
            resourcePolicy: bucketPolicy,
        });

        async function allowedLabels(grants: ResolvedGrant[]): Promise<string[]> {
            const policy = renderPermissionsPolicy(grants);
            const allowed: string[] = [];
            for (const probe of probes) {
                const { label, resourcePolicy, ...request } = probe;
                if ((await simulate(policy, request, resourcePolicy)) === "Allowed") allowed.push(label);
            }
            return allowed;
        }

        const roles: { role: string; grants: ResolvedGrant[]; allowed: string[] }[] = [
            {
                role: "relay (operator keys, decrypting them through Secrets Manager)",
                grants: [
                    { kind: "readSecrets", secretArns: [OPERATOR_KEYS] },
                    { kind: "useKey", keyArn: NETWORK_KEY, operations: ["decrypt"], via: "secretsmanager" },
                ],
                allowed: [
                    "secretsmanager:GetSecretValue operator-keys",
                    "secretsmanager:DescribeSecret operator-keys",
                    "kms:Decrypt network-key via secretsmanager",
                ],
            },
            {
                role: "kms-service (master key; encrypts and decrypts with the network key directly)",
                grants: [
                    { kind: "readSecrets", secretArns: [MASTER_KEY] },
                    {
                        kind: "useKey",
                        keyArn: NETWORK_KEY,
                        operations: ["encrypt", "decrypt", "generateDataKey", "describe"],
                    },
                ],
                allowed: [
                    "secretsmanager:GetSecretValue master-key",
                    "secretsmanager:DescribeSecret master-key",
                    ...["Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey"].flatMap((a) => [
                        `kms:${a} network-key`,
                        `kms:${a} network-key via secretsmanager`,
                        `kms:${a} network-key via s3`,
                    ]),
                ],
            },
            {
                role: "backup job (writes under backups/, data keys through S3)",
                grants: [
                    { kind: "writeObjects", bucketArn: BUCKET, prefix: "backups" },
                    { kind: "useKey", keyArn: NETWORK_KEY, operations: ["generateDataKey"], via: "s3" },
                ],
                allowed: ["kms:GenerateDataKey network-key via s3", "s3:PutObject backups/2026/dump.tar"],
            },
            {
                role: "restore job (reads and lists under backups/)",
                grants: [
                    { kind: "readObjects", bucketArn: BUCKET, prefix: "backups" },
                    { kind: "listBucket", bucketArn: BUCKET, prefix: "backups" },
                    { kind: "useKey", keyArn: NETWORK_KEY, operations: ["decrypt"], via: "s3" },
                ],
                allowed: [
                    "kms:Decrypt network-key via s3",
                    "s3:GetObject backups/2026/dump.tar",
                    's3:ListBucket "backups/"',
                    's3:ListBucket "backups/2026/"',
                ],
            },
            {
                role: "decrypt-only",
                grants: [{ kind: "useKey", keyArn: NETWORK_KEY, operations: ["decrypt"] }],
                allowed: [
                    "kms:Decrypt network-key",
                    "kms:Decrypt network-key via secretsmanager",
                    "kms:Decrypt network-key via s3",
                ],
            },
        ];
        for (const row of roles) {
            it(`${row.role}: allowed exactly its own actions on its own resources`, async () => {
                assert.deepEqual(await allowedLabels(row.grants), row.allowed);
            });
        }

        const relay = renderPermissionsPolicy(roles[0].grants);
        const backup = renderPermissionsPolicy(roles[2].grants);
        const decryptOnly = renderPermissionsPolicy(roles[4].grants);
        const cases: [string, PolicyDocument, SimulatedRequest, PolicyDocument | undefined, Verdict][] = [
            [
                "relay reads the operator keys",
                relay,
                { action: "secretsmanager:GetSecretValue", resource: OPERATOR_KEYS },
                undefined,
                "Allowed",
            ],
            [
                "relay cannot read the KMS master key secret",
                relay,
                { action: "secretsmanager:GetSecretValue", resource: MASTER_KEY },
                undefined,
                "ImplicitlyDenied",
            ],
            [
                "relay cannot decrypt with the network key outside Secrets Manager",
                relay,
                { action: "kms:Decrypt", resource: NETWORK_KEY },
                keyPolicy,
                "ImplicitlyDenied",
            ],
            [
                "backup puts under backups/",
                backup,
                { action: "s3:PutObject", resource: `${BUCKET}/backups/x`, context: tls },
                bucketPolicy,
                "Allowed",
            ],
            [
                "backup cannot get what it wrote",
                backup,
                { action: "s3:GetObject", resource: `${BUCKET}/backups/x`, context: tls },
                bucketPolicy,
                "ImplicitlyDenied",
            ],
            [
                "backup cannot delete what it wrote",
                backup,
                { action: "s3:DeleteObject", resource: `${BUCKET}/backups/x`, context: tls },
                bucketPolicy,
                "ImplicitlyDenied",
            ],
            [
                "backup cannot put under another prefix",
                backup,
                { action: "s3:PutObject", resource: `${BUCKET}/other/x`, context: tls },
                bucketPolicy,
                "ImplicitlyDenied",
            ],
            [
                "backup cannot put over plain HTTP",
                backup,
                {
                    action: "s3:PutObject",
                    resource: `${BUCKET}/backups/x`,
                    context: { "aws:SecureTransport": "false" },
                },
                bucketPolicy,
                "ExplicitlyDenied",
            ],
            [
                "decrypt-only decrypts",
                decryptOnly,
                { action: "kms:Decrypt", resource: NETWORK_KEY },
                keyPolicy,
                "Allowed",
            ],
            [
                "decrypt-only cannot encrypt",
                decryptOnly,
                { action: "kms:Encrypt", resource: NETWORK_KEY },
                keyPolicy,
                "ImplicitlyDenied",
            ],
            [
                "decrypt-only cannot use another key",
                decryptOnly,
                { action: "kms:Decrypt", resource: OTHER_KEY },
                keyPolicy,
                "ImplicitlyDenied",
            ],
        ];
        for (const [title, policy, request, resourcePolicy, verdict] of cases) {
            it(`${title}: ${verdict}`, async () =>
                assert.equal(await simulate(policy, request, resourcePolicy), verdict));
        }
    });
});
