/**
 * BackupBucket: the network's S3 backup bucket (`messaging-infra-<network>-backups-<account>`) with
 * the AWS provider v7 split resources: SSE-KMS with the network key and bucket keys, versioning,
 * all four public-access-block flags, owner-enforced objects, a bucket policy that denies plain
 * HTTP and puts encrypted any other way, and lifecycle expiry. Never `forceDestroy`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentArguments } from "../errors";
import { awsTags, Network, physicalName } from "../network";
import {
    checkAccountId,
    checkDays,
    checkNamedArn,
    checkNetwork,
    checkOwner,
    checkTags,
    FIX_THE_CALLER,
    known,
    ProblemList,
} from "./arguments";
import { PolicyDocument } from "./policyDocument";

/** Arguments of {@link BackupBucket}. */
export interface BackupBucketArgs {
    /** The network; it is part of the bucket name. */
    readonly network: Network;
    /** The owning team, for tags. */
    readonly owner: string;
    /** The AWS account (12 digits); part of the bucket name, which must be globally unique. */
    readonly accountId: string;
    /** ARN of the network's KMS key (e.g. `EncryptionKey.arn`); objects must be encrypted with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days until a current object version expires (becomes noncurrent), 1 to 3650. Updates in place. */
    readonly retentionDays: number;
    /** Days a noncurrent version is kept before it is deleted, 1 to 3650. Updates in place. */
    readonly noncurrentRetentionDays: number;
    /** Days before an incomplete multipart upload is aborted, 1 to 30. Default 7. Updates in place. */
    readonly abortIncompleteMultipartUploadDays?: number;
    /** Extra AWS tags; project, network and owner always win. Default none. Updates in place. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * `protect` the bucket and the resources that decide how its data is kept (versioning and
     * encryption). Default true; only devnet passes false.
     */
    readonly protect?: boolean;
}

/** S3's limit on bucket names. */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** The bucket name: `messaging-infra-<network>-backups-<accountId>`. */
export function backupBucketName(network: Network, accountId: string): string {
    return physicalName(network, `backups-${accountId}`);
}

/** The S3 condition key naming the KMS key a put asks for. */
const KMS_KEY_ID_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id";
/** The S3 condition key naming the encryption a put asks for. */
const SSE_HEADER = "s3:x-amz-server-side-encryption";

/**
 * The bucket policy: deny everything over plain HTTP, and deny puts that ask for an encryption
 * other than the network key.
 *
 * The bucket encrypts by default (SSE-KMS with the network key and a bucket key), so a client may
 * omit the encryption headers; only headers that are present AND wrong are denied. That needs a
 * `Null: false` ("the header is present") next to each `StringNotEquals`: a negated operator is
 * TRUE when its key is absent, so `StringNotEquals` alone (or `StringNotEqualsIfExists`, which is
 * also true for an absent key) would deny every header-less put. A put that asks for `aws:kms`
 * without naming a key is denied as well, because S3 then uses the AWS managed `aws/s3` key rather
 * than the network key. The `Principal: "*"` statements only deny; nothing here allows anyone.
 */
export function backupBucketPolicy(bucketArn: string, kmsKeyArn: string): PolicyDocument {
    const problems = new ProblemList();
    checkNamedArn(problems, bucketArn, "bucketArn", "s3", "arn:aws:s3:::messaging-infra-devnet-backups-123456789012");
    checkNamedArn(problems, kmsKeyArn, "kmsKeyArn", "kms", "arn:aws:kms:us-east-1:123456789012:key/<key id>");
    problems.throwIfAny("arguments to the backup bucket policy", FIX_THE_CALLER);
    const objects = `${bucketArn}/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, objects],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "DenyPutWithOtherEncryption",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: objects,
                Condition: { StringNotEquals: { [SSE_HEADER]: "aws:kms" }, Null: { [SSE_HEADER]: "false" } },
            },
            {
                Sid: "DenyPutWithOtherKmsKey",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: objects,
                Condition: {
                    StringNotEquals: { [KMS_KEY_ID_HEADER]: kmsKeyArn },
                    Null: { [KMS_KEY_ID_HEADER]: "false" },
                },
            },
            {
                Sid: "DenyPutWithAwsManagedKey",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: objects,
                Condition: { StringEquals: { [SSE_HEADER]: "aws:kms" }, Null: { [KMS_KEY_ID_HEADER]: "true" } },
            },
        ],
    };
}

/** One lifecycle rule as the provider takes it. */
export interface LifecycleRule {
    id: string;
    status: "Enabled";
    filter: Record<string, never>;
    expiration?: { days: number };
    noncurrentVersionExpiration?: { noncurrentDays: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/**
 * Lifecycle rules over the whole bucket: current versions expire after `retentionDays` (S3 then
 * also removes expired delete markers), noncurrent versions after `noncurrentRetentionDays`, and
 * incomplete multipart uploads are aborted.
 */
export function backupLifecycleRules(
    retentionDays: number,
    noncurrentRetentionDays: number,
    abortIncompleteMultipartUploadDays = 7,
): LifecycleRule[] {
    return [
        { id: "expire-current-versions", status: "Enabled", filter: {}, expiration: { days: retentionDays } },
        {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: noncurrentRetentionDays },
        },
        {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteMultipartUploadDays },
        },
    ];
}

/** Validates {@link BackupBucketArgs}; throws every problem at once. */
export function checkBackupBucketArgs(args: BackupBucketArgs, name: string): void {
    const subject = componentArguments("messaging:aws:BackupBucket", name);
    const problems = new ProblemList();
    const networkOk = checkNetwork(problems, args.network);
    checkOwner(problems, args.owner);
    if (
        checkAccountId(problems, args.accountId) &&
        networkOk &&
        backupBucketName(args.network, args.accountId).length > MAX_BUCKET_NAME_LENGTH
    ) {
        problems.add(
            "args.accountId",
            args.accountId,
            `an account id that keeps ${backupBucketName(args.network, "<account>")} within ${MAX_BUCKET_NAME_LENGTH} characters`,
        );
    }
    const kmsKeyArn = known(args.kmsKeyArn);
    if (kmsKeyArn !== undefined || args.kmsKeyArn === undefined) {
        checkNamedArn(
            problems,
            kmsKeyArn,
            "args.kmsKeyArn",
            "kms",
            "arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
        );
    }
    checkDays(problems, args.retentionDays, "args.retentionDays", 1, 3650);
    checkDays(problems, args.noncurrentRetentionDays, "args.noncurrentRetentionDays", 1, 3650);
    if (args.abortIncompleteMultipartUploadDays !== undefined)
        checkDays(problems, args.abortIncompleteMultipartUploadDays, "args.abortIncompleteMultipartUploadDays", 1, 30);
    checkTags(problems, args.tags);
    problems.throwIfAny(subject, FIX_THE_CALLER);
}

/** The network's S3 backup bucket. */
export class BackupBucket extends pulumi.ComponentResource {
    /** The bucket ARN (what IRSA `writeObjects`/`readObjects`/`listBucket` grants name). */
    public readonly arn: pulumi.Output<string>;
    /** The bucket name, `messaging-infra-<network>-backups-<accountId>`. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so bad input leaves no half-built component behind.
        checkBackupBucketArgs(args, name);
        super("messaging:aws:BackupBucket", name, {}, opts);
        const protect = args.protect ?? true;
        const child = { parent: this };

        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                // The name forces replacement; it derives only from network and account (identity).
                bucket: backupBucketName(args.network, args.accountId),
                // Never empty a bucket to delete it: a non-empty bucket makes `destroy` fail instead.
                forceDestroy: false,
                tags: awsTags(args, { ...args.tags, component: "backup-bucket" }),
            },
            { ...child, protect },
        );
        const bucketName = bucket.bucket;

        // Companions that decide how data is kept are protected with the bucket, and all companions
        // that guard the bucket are retained on delete: deleting them from the program would
        // suspend versioning, drop default encryption or unblock public access.
        const guard = { ...child, retainOnDelete: true };
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucketName,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                        bucketKeyEnabled: true,
                        blockedEncryptionTypes: ["SSE-C"],
                    },
                ],
            },
            { ...guard, protect },
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
            { ...guard, protect },
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            {
                bucket: bucketName,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            guard,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
            guard,
        );
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucketName,
                policy: pulumi
                    .all([bucket.arn, args.kmsKeyArn])
                    .apply(([bucketArn, kmsKeyArn]) => JSON.stringify(backupBucketPolicy(bucketArn, kmsKeyArn))),
            },
            // S3 rejects concurrent public-access-block and policy changes on one bucket.
            { ...child, dependsOn: [publicAccessBlock] },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucketName,
                rules: backupLifecycleRules(
                    args.retentionDays,
                    args.noncurrentRetentionDays,
                    args.abortIncompleteMultipartUploadDays ?? 7,
                ),
            },
            // Noncurrent-version rules presuppose versioning; apply them after it.
            { ...child, dependsOn: [versioning] },
        );

        this.arn = bucket.arn;
        this.name = bucketName;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
