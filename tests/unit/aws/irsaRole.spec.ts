import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { ArgumentProblem, ArgumentsError } from "../../../components/aws/arguments";
import { BackupBucket, backupBucketPolicy } from "../../../components/aws/backupBucket";
import { EncryptionKey, encryptionKeyPolicy } from "../../../components/aws/encryptionKey";
import {
    defaultRoleDescription,
    Grant,
    irsaRoleName,
    IrsaRole,
    IrsaRoleArgs,
    KEY_OPERATIONS,
    KeyOperation,
    renderPermissionsPolicy,
    renderTrustPolicy,
    ResolvedGrant,
} from "../../../components/aws/irsaRole";
import { ManagedSecret } from "../../../components/aws/managedSecret";
import { PolicyDocument } from "../../../components/aws/policyDocument";
import { runInMockEngine } from "../../../harness/mockEngine";
import {
    byName,
    jsonInput,
    mockArn,
    NETWORK_CASES,
    NetworkCase,
    parentUrnOfChildren,
    PROJECT,
    stackUrn,
} from "../../support/iamFixtures";
import { ACCOUNT, simulate, simulateWebIdentity, SimulatedRequest, Verdict } from "../../support/iamSimulator";

// Named resources of one network, in the simulator's account.
const NETWORK_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const OPERATOR_KEYS = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/devnet/relay-operator-keys-AbCdEf`;
const MASTER_KEY = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/devnet/kms-service/master-key-GhIjKl`;
const BUCKET = `arn:aws:s3:::messaging-infra-devnet-backups-${ACCOUNT}`;
const OTHER_BUCKET = `arn:aws:s3:::messaging-infra-devnet-uploads-${ACCOUNT}`;

const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

const doc = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Version: "2012-10-17", Statement });

function expectProblems(fn: () => unknown, subject: string, problems: ArgumentProblem[]): void {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof ArgumentsError, String(e));
        assert.deepEqual(e.problems, problems);
        assert.equal(e.subject, subject);
        return true;
    });
}

describe("IrsaRole", () => {
    describe("names", () => {
        for (const [network, sa, name] of [
            ["devnet", "relay", "messaging-infra-devnet-relay"],
            ["testnet", "kms-service", "messaging-infra-testnet-kms-service"],
            ["mainnet", "backup-jobs", "messaging-infra-mainnet-backup-jobs"],
        ] as const) {
            it(`${network}/${sa} -> ${name}`, () => assert.equal(irsaRoleName(network, sa), name));
        }
    });

    describe("renderTrustPolicy", () => {
        for (const [namespace, sa] of [
            ["messaging-devnet", "relay"],
            ["messaging-mainnet", "backup.jobs"],
        ]) {
            it(`trusts exactly ${namespace}/${sa} through the OIDC provider, with :aud`, () => {
                assert.deepEqual(
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: ISSUER,
                        namespace,
                        serviceAccountName: sa,
                    }),
                    doc({
                        Sid: "AssumeFromServiceAccountToken",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${ISSUER}:sub`]: `system:serviceaccount:${namespace}:${sa}`,
                                [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    }),
                );
            });
        }

        it("lists every bad trust fact at once", () => {
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: "arn:aws:iam::123:oidc-provider/x",
                        oidcIssuerHostPath: `https://${ISSUER}`,
                        namespace: "Messaging",
                        serviceAccountName: "relay_sa",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "cluster.oidcProviderArn",
                        given: '"arn:aws:iam::123:oidc-provider/x"',
                        allowed:
                            "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
                    },
                    {
                        path: "cluster.oidcIssuerHostPath",
                        given: JSON.stringify(`https://${ISSUER}`),
                        allowed:
                            "the issuer host and path without https:// or wildcards, e.g. oidc.eks.us-east-1.amazonaws.com/id/<ID>",
                    },
                    {
                        path: "namespace",
                        given: '"Messaging"',
                        allowed:
                            "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                    },
                    {
                        path: "serviceAccountName",
                        given: '"relay_sa"',
                        allowed:
                            "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                    },
                ],
            );
        });

        it("rejects an issuer that disagrees with the provider ARN", () => {
            const other = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE9F8E7D6C5B4A39281706F5E4D";
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: other,
                        namespace: "ns",
                        serviceAccountName: "sa",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "cluster.oidcIssuerHostPath",
                        given: JSON.stringify(other),
                        allowed: `${ISSUER} (the issuer the OIDC provider ARN names, without https://)`,
                    },
                ],
            );
        });

        it("rejects a wildcard service account", () => {
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: ISSUER,
                        namespace: "ns",
                        serviceAccountName: "*",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "serviceAccountName",
                        given: '"*"',
                        allowed:
                            "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                    },
                ],
            );
        });
    });

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

    describe("trust (simulated AssumeRoleWithWebIdentity)", () => {
        for (const net of NETWORK_CASES) {
            const namespace = `messaging-${net.network}`;
            const trust = renderTrustPolicy({
                oidcProviderArn: net.oidcProviderArn,
                oidcIssuerHostPath: net.oidcIssuerHostPath,
                namespace,
                serviceAccountName: "relay",
            });
            const roleArn = `arn:aws:iam::${net.accountId}:role/${irsaRoleName(net.network, "relay")}`;
            const other = NETWORK_CASES.find((c) => c.network !== net.network)!;
            const token = {
                providerArn: net.oidcProviderArn,
                issuerHostPath: net.oidcIssuerHostPath,
                roleArn,
                sub: `system:serviceaccount:${namespace}:relay`,
                aud: "sts.amazonaws.com",
            };
            const cases: [string, Partial<typeof token>, Verdict][] = [
                ["its own service account", {}, "Allowed"],
                [
                    "another service account in the namespace",
                    { sub: `system:serviceaccount:${namespace}:kms-service` },
                    "ImplicitlyDenied",
                ],
                [
                    "the same name in another namespace",
                    { sub: "system:serviceaccount:default:relay" },
                    "ImplicitlyDenied",
                ],
                ["a wildcard subject", { sub: `system:serviceaccount:${namespace}:*` }, "ImplicitlyDenied"],
                ["a wrong audience", { aud: "https://kubernetes.default.svc" }, "ImplicitlyDenied"],
                ["no audience", { aud: undefined }, "ImplicitlyDenied"],
                [
                    "a token from another cluster's provider",
                    { providerArn: other.oidcProviderArn, issuerHostPath: other.oidcIssuerHostPath },
                    "ImplicitlyDenied",
                ],
            ];
            for (const [title, change, verdict] of cases) {
                it(`${net.network}: ${title} -> ${verdict}`, async () =>
                    assert.equal(await simulateWebIdentity(trust, { ...token, ...change }), verdict));
            }
        }

        it("the simulator does distinguish: a StringLike wildcard trust would admit another service account", async () => {
            const loose = renderTrustPolicy({
                oidcProviderArn: PROVIDER,
                oidcIssuerHostPath: ISSUER,
                namespace: "ns",
                serviceAccountName: "relay",
            });
            loose.Statement[0].Condition = {
                StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:ns:*", [`${ISSUER}:aud`]: "sts.amazonaws.com" },
            };
            const request = {
                providerArn: PROVIDER,
                issuerHostPath: ISSUER,
                roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
                sub: "system:serviceaccount:ns:kms-service",
                aud: "sts.amazonaws.com",
            };
            assert.equal(await simulateWebIdentity(loose, request), "Allowed");
        });
    });

    describe("component", () => {
        const clusterOf = (net: NetworkCase) => ({
            oidcProviderArn: net.oidcProviderArn,
            oidcIssuerHostPath: net.oidcIssuerHostPath,
        });

        for (const net of NETWORK_CASES) {
            it(`${net.network}: one role trusting messaging-${net.network}/relay and one inline policy naming the blocks' ARNs`, async () => {
                const run = await runInMockEngine(
                    () => {
                        const key = new EncryptionKey("key", {
                            network: net.network,
                            owner: "platform-team",
                            accountId: net.accountId,
                            protect: net.protect,
                        });
                        const keys = new ManagedSecret("operator-keys", {
                            network: net.network,
                            owner: "platform-team",
                            purpose: "relay-operator-keys",
                            kmsKeyArn: key.arn,
                            value: { kind: "keyList", count: 2 },
                            protect: net.protect,
                        });
                        const bucket = new BackupBucket("backups", {
                            network: net.network,
                            owner: "platform-team",
                            accountId: net.accountId,
                            kmsKeyArn: key.arn,
                            retentionDays: 7,
                            noncurrentRetentionDays: 30,
                            protect: net.protect,
                        });
                        const role = new IrsaRole("relay", {
                            network: net.network,
                            owner: "platform-team",
                            // As ClusterIdentity hands them over: Outputs.
                            cluster: {
                                oidcProviderArn: pulumi.output(net.oidcProviderArn),
                                oidcIssuerHostPath: pulumi.output(net.oidcIssuerHostPath),
                            },
                            namespace: `messaging-${net.network}`,
                            serviceAccountName: "relay",
                            grants: [
                                { kind: "readSecrets", secretArns: [keys.arn] },
                                { kind: "useKey", keyArn: key.arn, operations: ["decrypt"], via: "secretsmanager" },
                                { kind: "listBucket", bucketArn: bucket.arn, prefix: "relay" },
                            ],
                        });
                        return { arn: role.arn, name: role.name, annotations: role.serviceAccountAnnotations };
                    },
                    { project: PROJECT, stack: net.network },
                );
                const resources = byName(run);
                const component = resources.get("relay")!;
                assert.equal(component.type, "messaging:aws:IrsaRole");
                assert.equal(component.parent, stackUrn(net.network));
                const childParent = parentUrnOfChildren(net.network, "messaging:aws:IrsaRole", "relay");
                assert.equal(component.urn, childParent);
                assert.deepEqual(
                    run.resources.filter((r) => r.parent === childParent).map((r) => [r.type, r.name]),
                    [
                        ["aws:iam/role:Role", "relay-role"],
                        ["aws:iam/rolePolicy:RolePolicy", "relay-permissions"],
                    ],
                );

                const role = resources.get("relay-role")!;
                const roleName = `messaging-infra-${net.network}-relay`;
                const { assumeRolePolicy, ...rest } = role.inputs;
                assert.deepEqual(rest, {
                    name: roleName,
                    description: defaultRoleDescription(net.network, `messaging-${net.network}`, "relay"),
                    tags: {
                        component: "irsa-role",
                        "kubernetes-service-account": `messaging-${net.network}.relay`,
                        project: "messaging-infra",
                        network: net.network,
                        owner: "platform-team",
                    },
                });
                assert.equal(typeof assumeRolePolicy, "string");
                assert.deepEqual(
                    jsonInput(role, "assumeRolePolicy"),
                    renderTrustPolicy({
                        ...clusterOf(net),
                        namespace: `messaging-${net.network}`,
                        serviceAccountName: "relay",
                    }),
                );
                // Roles hold no data: not protected, so a trust or grant fix is never blocked.
                assert.equal(role.options.protect, false);

                const policy = resources.get("relay-permissions")!;
                assert.equal(policy.inputs.name, "least-privilege");
                assert.equal(policy.inputs.role, roleName);
                assert.deepEqual(
                    jsonInput(policy, "policy"),
                    renderPermissionsPolicy([
                        {
                            kind: "readSecrets",
                            secretArns: [mockArn.secret(`messaging-infra/${net.network}/relay-operator-keys`)],
                        },
                        {
                            kind: "useKey",
                            keyArn: mockArn.key("key-key"),
                            operations: ["decrypt"],
                            via: "secretsmanager",
                        },
                        {
                            kind: "listBucket",
                            bucketArn: mockArn.bucket(`messaging-infra-${net.network}-backups-${net.accountId}`),
                            prefix: "relay",
                        },
                    ]),
                );
                assert.deepEqual(run.outputs, {
                    arn: mockArn.role(roleName),
                    name: roleName,
                    annotations: { "eks.amazonaws.com/role-arn": mockArn.role(roleName) },
                });
                // No managed policies and no other inline policies anywhere.
                assert.equal(
                    run.resources.filter(
                        (r) => r.type.startsWith("aws:iam/rolePolicyAttachment") || r.type.startsWith("aws:iam/policy"),
                    ).length,
                    0,
                );
            });
        }

        const base = (net: NetworkCase): IrsaRoleArgs => ({
            network: net.network,
            owner: "platform-team",
            cluster: clusterOf(net),
            namespace: `messaging-${net.network}`,
            serviceAccountName: "relay",
            grants: [{ kind: "readSecrets", secretArns: [OPERATOR_KEYS] }],
        });
        const construct = (args: IrsaRoleArgs) =>
            runInMockEngine(() => void new IrsaRole("relay", args), { project: PROJECT, stack: args.network });
        const subject = 'arguments to messaging:aws:IrsaRole "relay"';

        it("lists every bad argument at once: malformed OIDC ARN, bad names, no grants", async () => {
            const devnet = NETWORK_CASES[0];
            await assert.rejects(
                construct({
                    ...base(devnet),
                    cluster: {
                        oidcProviderArn: "arn:aws:iam::111122223333:role/not-a-provider",
                        oidcIssuerHostPath: devnet.oidcIssuerHostPath,
                    },
                    namespace: "Messaging_Devnet",
                    serviceAccountName: "relay-",
                    grants: [],
                }),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.equal(e.subject, subject);
                    assert.deepEqual(e.problems, [
                        {
                            path: "args.cluster.oidcProviderArn",
                            given: '"arn:aws:iam::111122223333:role/not-a-provider"',
                            allowed:
                                "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
                        },
                        {
                            path: "args.namespace",
                            given: '"Messaging_Devnet"',
                            allowed:
                                "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                        },
                        {
                            path: "args.serviceAccountName",
                            given: '"relay-"',
                            allowed:
                                "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                        },
                        {
                            path: "args.grants",
                            given: "[]",
                            allowed:
                                "at least one grant: a role without permissions has no reason to exist (e.g. [{kind: " +
                                "readSecrets, secretArns: [<secret ARN>]}])",
                        },
                    ]);
                    assert.equal(
                        e.message.split("\n")[0],
                        'Invalid arguments to messaging:aws:IrsaRole "relay": 4 problems. Fix the caller:',
                    );
                    return true;
                },
            );
        });

        it("lists every bad argument at once: issuer disagreeing with the ARN, a grant with no ARNs, a name too long for IAM", async () => {
            const mainnet = NETWORK_CASES[2];
            const devnetIssuer = NETWORK_CASES[0].oidcIssuerHostPath;
            const longName = "a".repeat(41);
            await assert.rejects(
                construct({
                    ...base(mainnet),
                    cluster: { oidcProviderArn: mainnet.oidcProviderArn, oidcIssuerHostPath: devnetIssuer },
                    serviceAccountName: longName,
                    grants: [
                        { kind: "readSecrets", secretArns: [] },
                        { kind: "useKey", keyArn: NETWORK_KEY, operations: [] },
                    ],
                }),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.deepEqual(e.problems, [
                        {
                            path: "args.cluster.oidcIssuerHostPath",
                            given: JSON.stringify(devnetIssuer),
                            allowed: `${mainnet.oidcIssuerHostPath} (the issuer the OIDC provider ARN names, without https://)`,
                        },
                        {
                            path: "args.serviceAccountName",
                            given: JSON.stringify(longName),
                            allowed:
                                "at most 40 characters on mainnet, so the role name messaging-infra-mainnet-<sa> fits IAM's 64",
                        },
                        {
                            path: "args.grants[0].secretArns",
                            given: "[]",
                            allowed: "at least one secret ARN (ManagedSecret.arn)",
                        },
                        {
                            path: "args.grants[1].operations",
                            given: "[]",
                            allowed: "at least one of encrypt, decrypt, generateDataKey, sign, describe",
                        },
                    ]);
                    return true;
                },
            );
        });

        it("checks cluster facts that arrive as Outputs once they resolve, and fails the deployment", async () => {
            const devnet = NETWORK_CASES[0];
            await assert.rejects(
                construct({
                    ...base(devnet),
                    cluster: {
                        oidcProviderArn: pulumi.output(devnet.oidcProviderArn),
                        oidcIssuerHostPath: pulumi.output(`https://${devnet.oidcIssuerHostPath}`),
                    },
                }),
                (e: unknown) => {
                    assert.ok(e instanceof Error);
                    assert.match(e.message, /Invalid arguments to the IRSA trust policy: 2 problems\. Fix the caller:/);
                    assert.match(
                        e.message,
                        new RegExp(
                            '- cluster\\.oidcIssuerHostPath: got "https://oidc\\.eks\\.us-east-1\\.amazonaws\\.com/id/' +
                                'EXAMPLED539D4633E53DE1B71EXAMPLE"; allowed: oidc\\.eks',
                        ),
                    );
                    return true;
                },
            );
        });

        it("checks grant ARNs that arrive as Outputs once they resolve", async () => {
            const devnet = NETWORK_CASES[0];
            const grants: Grant[] = [
                {
                    kind: "readSecrets",
                    secretArns: [pulumi.output(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:*`)],
                },
            ];
            await assert.rejects(
                construct({ ...base(devnet), grants }),
                /Invalid arguments to the IRSA permissions policy: 1 problem\. Fix the caller:\n {2}- grants\[0\]\.secretArns\[0\]: got/,
            );
        });
    });
});
