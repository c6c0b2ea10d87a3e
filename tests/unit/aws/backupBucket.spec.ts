import * as assert from "node:assert/strict";
import { ArgumentsError } from "../../../components/aws/arguments";
import {
    BackupBucket,
    backupBucketName,
    backupBucketPolicy,
    backupLifecycleRules,
    MAX_BUCKET_NAME_LENGTH,
} from "../../../components/aws/backupBucket";
import { NETWORKS } from "../../../components/network";
import { PolicyDocument } from "../../../components/aws/policyDocument";
import { runInMockEngine } from "../../../harness/mockEngine";
import {
    byName,
    jsonInput,
    mockArn,
    NETWORK_CASES,
    parentUrnOfChildren,
    PROJECT,
    stackUrn,
} from "../../support/iamFixtures";
import { ACCOUNT, simulate, Verdict } from "../../support/iamSimulator";

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const BUCKET = `arn:aws:s3:::messaging-infra-devnet-backups-${ACCOUNT}`;

describe("BackupBucket", () => {
    describe("backupBucketName", () => {
        for (const net of NETWORK_CASES) {
            const name = `messaging-infra-${net.network}-backups-${net.accountId}`;
            it(`${net.network} -> ${name}`, () => assert.equal(backupBucketName(net.network, net.accountId), name));
        }
        it(`fits S3's ${MAX_BUCKET_NAME_LENGTH} characters on every network`, () => {
            for (const network of NETWORKS)
                assert.ok(backupBucketName(network, "123456789012").length <= MAX_BUCKET_NAME_LENGTH);
        });
    });

    describe("backupBucketPolicy", () => {
        const policy = backupBucketPolicy(BUCKET, KEY_ARN);

        it("denies plain HTTP and puts that ask for another encryption; allows nothing", () => {
            assert.deepEqual(policy, {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [BUCKET, `${BUCKET}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                    {
                        Sid: "DenyPutWithOtherEncryption",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${BUCKET}/*`,
                        Condition: {
                            StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
                            Null: { "s3:x-amz-server-side-encryption": "false" },
                        },
                    },
                    {
                        Sid: "DenyPutWithOtherKmsKey",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${BUCKET}/*`,
                        Condition: {
                            StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
                            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
                        },
                    },
                    {
                        Sid: "DenyPutWithAwsManagedKey",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${BUCKET}/*`,
                        Condition: {
                            StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
                            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
                        },
                    },
                ],
            });
            assert.ok(policy.Statement.every((s) => s.Effect === "Deny"));
        });

        it("rejects wildcard or wrong-service ARNs, listing both", () => {
            assert.throws(
                () => backupBucketPolicy("arn:aws:s3:::*", "arn:aws:iam::123456789012:root"),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError);
                    assert.deepEqual(e.problems, [
                        {
                            path: "bucketArn",
                            given: '"arn:aws:s3:::*"',
                            allowed:
                                "one named s3 ARN without wildcards, e.g. arn:aws:s3:::messaging-infra-devnet-backups-123456789012",
                        },
                        {
                            path: "kmsKeyArn",
                            given: '"arn:aws:iam::123456789012:root"',
                            allowed:
                                "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id>",
                        },
                    ]);
                    return true;
                },
            );
        });

        describe("simulated against a writer allowed everything on the bucket", () => {
            const writer: PolicyDocument = {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "Writer",
                        Effect: "Allow",
                        Action: ["s3:PutObject", "s3:GetObject", "s3:ListBucket"],
                        Resource: [BUCKET, `${BUCKET}/*`],
                    },
                ],
            };
            const put = (headers: Record<string, string>, tls = "true") => ({
                action: "s3:PutObject",
                resource: `${BUCKET}/backups/x`,
                context: { "aws:SecureTransport": tls, ...headers },
            });
            const SSE = "s3:x-amz-server-side-encryption";
            const KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
            const cases: [string, ReturnType<typeof put>, Verdict][] = [
                ["a put without encryption headers (the bucket default applies)", put({}), "Allowed"],
                [
                    "a put asking for aws:kms with the network key",
                    put({ [SSE]: "aws:kms", [KEY_ID]: KEY_ARN }),
                    "Allowed",
                ],
                ["a put naming only the network key", put({ [KEY_ID]: KEY_ARN }), "Allowed"],
                ["a put asking for SSE-S3 (AES256)", put({ [SSE]: "AES256" }), "ExplicitlyDenied"],
                ["a put asking for DSSE-KMS", put({ [SSE]: "aws:kms:dsse", [KEY_ID]: KEY_ARN }), "ExplicitlyDenied"],
                [
                    "a put asking for aws:kms with another key",
                    put({ [SSE]: "aws:kms", [KEY_ID]: OTHER_KEY }),
                    "ExplicitlyDenied",
                ],
                ["a put naming only another key", put({ [KEY_ID]: OTHER_KEY }), "ExplicitlyDenied"],
                [
                    "a put asking for aws:kms without a key (S3 would use aws/s3)",
                    put({ [SSE]: "aws:kms" }),
                    "ExplicitlyDenied",
                ],
                ["a put over plain HTTP", put({}, "false"), "ExplicitlyDenied"],
                [
                    "a get over plain HTTP",
                    {
                        action: "s3:GetObject",
                        resource: `${BUCKET}/backups/x`,
                        context: { "aws:SecureTransport": "false" },
                    },
                    "ExplicitlyDenied",
                ],
                [
                    "a list over plain HTTP",
                    { action: "s3:ListBucket", resource: BUCKET, context: { "aws:SecureTransport": "false" } },
                    "ExplicitlyDenied",
                ],
                [
                    "a get over TLS",
                    {
                        action: "s3:GetObject",
                        resource: `${BUCKET}/backups/x`,
                        context: { "aws:SecureTransport": "true" },
                    },
                    "Allowed",
                ],
            ];
            for (const [title, request, verdict] of cases) {
                it(`${title}: ${verdict}`, async () => assert.equal(await simulate(writer, request, policy), verdict));
            }

            it("why Null: false is there — StringNotEqualsIfExists alone would deny every header-less put", async () => {
                const naive = structuredClone(policy);
                naive.Statement[1].Condition = { StringNotEqualsIfExists: { [SSE]: "aws:kms" } };
                assert.equal(await simulate(writer, put({}), naive), "ExplicitlyDenied");
            });
        });
    });

    describe("backupLifecycleRules", () => {
        for (const [retention, noncurrent, abort] of [
            [7, 7, undefined],
            [7, 30, 3],
        ] as const) {
            it(`current ${retention}d, noncurrent ${noncurrent}d, multipart ${abort ?? 7}d`, () => {
                assert.deepEqual(backupLifecycleRules(retention, noncurrent, abort), [
                    { id: "expire-current-versions", status: "Enabled", filter: {}, expiration: { days: retention } },
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: noncurrent },
                    },
                    {
                        id: "abort-incomplete-multipart-uploads",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: abort ?? 7 },
                    },
                ]);
            });
        }
    });

    describe("component", () => {
        for (const net of NETWORK_CASES) {
            it(`${net.network}: the bucket and its six companions, protect=${net.protect}, never forceDestroy`, async () => {
                const noncurrent = net.network === "mainnet" ? 30 : 7;
                const run = await runInMockEngine(
                    () => {
                        const bucket = new BackupBucket("backups", {
                            network: net.network,
                            owner: "platform-team",
                            accountId: net.accountId,
                            kmsKeyArn: KEY_ARN,
                            retentionDays: 7,
                            noncurrentRetentionDays: noncurrent,
                            protect: net.protect,
                        });
                        return { arn: bucket.arn, name: bucket.name };
                    },
                    { project: PROJECT, stack: net.network },
                );
                const name = `messaging-infra-${net.network}-backups-${net.accountId}`;
                const childParent = parentUrnOfChildren(net.network, "messaging:aws:BackupBucket", "backups");
                const resources = byName(run);
                assert.equal(resources.get("backups")!.parent, stackUrn(net.network));
                assert.equal(resources.get("backups")!.urn, childParent);
                const childUrn = (type: string, child: string) =>
                    `urn:pulumi:${net.network}::${PROJECT}::messaging:aws:BackupBucket$${type}::${child}`;
                const bucketArn = mockArn.bucket(name);
                const expected: [
                    string,
                    string,
                    Record<string, unknown>,
                    { protect: boolean; retainOnDelete: boolean; dependsOn: string[] },
                ][] = [
                    [
                        "aws:s3/bucket:Bucket",
                        "backups-bucket",
                        {
                            bucket: name,
                            forceDestroy: false,
                            tags: {
                                component: "backup-bucket",
                                project: "messaging-infra",
                                network: net.network,
                                owner: "platform-team",
                            },
                        },
                        { protect: net.protect, retainOnDelete: false, dependsOn: [] },
                    ],
                    [
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "backups-encryption",
                        {
                            bucket: name,
                            rules: [
                                {
                                    applyServerSideEncryptionByDefault: {
                                        sseAlgorithm: "aws:kms",
                                        kmsMasterKeyId: KEY_ARN,
                                    },
                                    bucketKeyEnabled: true,
                                    blockedEncryptionTypes: ["SSE-C"],
                                },
                            ],
                        },
                        { protect: net.protect, retainOnDelete: true, dependsOn: [] },
                    ],
                    [
                        "aws:s3/bucketVersioning:BucketVersioning",
                        "backups-versioning",
                        { bucket: name, versioningConfiguration: { status: "Enabled" } },
                        { protect: net.protect, retainOnDelete: true, dependsOn: [] },
                    ],
                    [
                        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                        "backups-public-access-block",
                        {
                            bucket: name,
                            blockPublicAcls: true,
                            blockPublicPolicy: true,
                            ignorePublicAcls: true,
                            restrictPublicBuckets: true,
                        },
                        { protect: false, retainOnDelete: true, dependsOn: [] },
                    ],
                    [
                        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                        "backups-ownership",
                        { bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } },
                        { protect: false, retainOnDelete: true, dependsOn: [] },
                    ],
                    [
                        "aws:s3/bucketPolicy:BucketPolicy",
                        "backups-policy",
                        { bucket: name, policy: JSON.stringify(backupBucketPolicy(bucketArn, KEY_ARN)) },
                        {
                            protect: false,
                            retainOnDelete: false,
                            dependsOn: [
                                childUrn(
                                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                                    "backups-public-access-block",
                                ),
                            ],
                        },
                    ],
                    [
                        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                        "backups-lifecycle",
                        { bucket: name, rules: backupLifecycleRules(7, noncurrent, 7) },
                        {
                            protect: false,
                            retainOnDelete: false,
                            dependsOn: [childUrn("aws:s3/bucketVersioning:BucketVersioning", "backups-versioning")],
                        },
                    ],
                ];
                assert.deepEqual(
                    run.resources.filter((r) => r.parent === childParent).map((r) => [r.type, r.name]),
                    expected.map(([type, child]) => [type, child]),
                );
                for (const [, child, inputs, options] of expected) {
                    const recorded = resources.get(child)!;
                    assert.deepEqual(recorded.inputs, inputs, child);
                    assert.deepEqual(
                        {
                            protect: recorded.options.protect,
                            retainOnDelete: recorded.options.retainOnDelete,
                            dependsOn: recorded.options.dependsOn,
                        },
                        options,
                        child,
                    );
                    assert.deepEqual(recorded.secretPaths, [], child);
                }
                assert.equal(
                    (jsonInput(resources.get("backups-policy")!, "policy") as PolicyDocument).Statement[0].Sid,
                    "DenyInsecureTransport",
                );
                assert.deepEqual(run.outputs, { arn: bucketArn, name });
            });
        }

        it("defaults to the safe choices: protected, multipart uploads aborted after 7 days", async () => {
            const run = await runInMockEngine(
                () =>
                    void new BackupBucket("b", {
                        network: "testnet",
                        owner: "platform-team",
                        accountId: "444455556666",
                        kmsKeyArn: KEY_ARN,
                        retentionDays: 7,
                        noncurrentRetentionDays: 7,
                    }),
                { project: PROJECT, stack: "testnet" },
            );
            const resources = byName(run);
            for (const name of ["b-bucket", "b-encryption", "b-versioning"])
                assert.equal(resources.get(name)!.options.protect, true, name);
            assert.deepEqual(resources.get("b-lifecycle")!.inputs.rules, backupLifecycleRules(7, 7, 7));
        });

        it("lists every bad argument at once", async () => {
            await assert.rejects(
                runInMockEngine(
                    () =>
                        void new BackupBucket("b", {
                            network: "devnet",
                            owner: "platform-team",
                            accountId: "12345",
                            kmsKeyArn: "alias/messaging-infra-devnet*",
                            retentionDays: 0,
                            noncurrentRetentionDays: 1.5,
                            abortIncompleteMultipartUploadDays: 90,
                        }),
                    { project: PROJECT, stack: "devnet" },
                ),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.deepEqual(e.problems, [
                        { path: "args.accountId", given: '"12345"', allowed: "a 12-digit AWS account id" },
                        {
                            path: "args.kmsKeyArn",
                            given: '"alias/messaging-infra-devnet*"',
                            allowed:
                                "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                        },
                        { path: "args.retentionDays", given: "0", allowed: "an integer from 1 to 3650 (days)" },
                        {
                            path: "args.noncurrentRetentionDays",
                            given: "1.5",
                            allowed: "an integer from 1 to 3650 (days)",
                        },
                        {
                            path: "args.abortIncompleteMultipartUploadDays",
                            given: "90",
                            allowed: "an integer from 1 to 30 (days)",
                        },
                    ]);
                    assert.equal(
                        e.message.split("\n")[0],
                        'Invalid arguments to messaging:aws:BackupBucket "b": 5 problems. Fix the caller:',
                    );
                    return true;
                },
            );
        });
    });
});
