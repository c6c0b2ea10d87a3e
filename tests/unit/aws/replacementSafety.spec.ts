/**
 * Nothing stateful is replaced by an ordinary config edit: the AWS blocks are built twice, once
 * as the platform would and once with every cosmetic or tunable argument changed (descriptions,
 * tags, retention and deletion windows, grants), and every input that forces the provider to
 * replace a resource must be identical between the two runs, as must the resources themselves
 * (type, name, parent) and their protection.
 */
import * as assert from "node:assert/strict";
import { BackupBucket } from "../../../components/aws/backupBucket";
import { EncryptionKey } from "../../../components/aws/encryptionKey";
import { Grant, IrsaRole } from "../../../components/aws/irsaRole";
import { ManagedSecret } from "../../../components/aws/managedSecret";
import { RecordedResource, runInMockEngine } from "../../../harness/mockEngine";
import { NETWORK_CASES, NetworkCase, PROJECT } from "../../support/iamFixtures";

/**
 * Inputs that force replacement, per resource type (AWS semantics and the provider's ForceNew
 * fields: a KMS key's spec and usage, a secret's name, a version's value, a bucket's name, a role's
 * name and path, a random generator's shape and keepers).
 */
const REPLACEMENT_INPUTS: Record<string, string[]> = {
    "aws:kms/key:Key": ["keyUsage", "customerMasterKeySpec", "customKeyStoreId", "multiRegion", "xksKeyId"],
    "aws:kms/alias:Alias": ["name", "namePrefix"],
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretId", "secretString", "secretBinary"],
    "random:index/randomPassword:RandomPassword": [
        "length",
        "special",
        "overrideSpecial",
        "upper",
        "lower",
        "numeric",
        "minLower",
        "minUpper",
        "minNumeric",
        "minSpecial",
        "keepers",
    ],
    "random:index/randomBytes:RandomBytes": ["length", "keepers"],
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "bucket",
        "expectedBucketOwner",
    ],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
};

/** What an operator or a service author may change without meaning to replace anything. */
interface Edits {
    description?: string;
    tags?: Record<string, string>;
    kmsDeletionWindowDays?: number;
    secretRecoveryWindowDays?: number;
    retentionDays?: number;
    noncurrentRetentionDays?: number;
    abortDays?: number;
    extraGrants?: boolean;
}

async function build(net: NetworkCase, edits: Edits): Promise<RecordedResource[]> {
    const run = await runInMockEngine(
        () => {
            const common = {
                network: net.network,
                owner: "platform-team",
                ...(edits.tags ? { tags: edits.tags } : {}),
            };
            const description = edits.description ? { description: edits.description } : {};
            const key = new EncryptionKey("key", {
                ...common,
                ...description,
                accountId: net.accountId,
                deletionWindowInDays: edits.kmsDeletionWindowDays ?? net.kmsDeletionWindowDays,
                protect: net.protect,
            });
            const secret = (
                name: string,
                purpose: string,
                value: ConstructorParameters<typeof ManagedSecret>[1]["value"],
            ) =>
                new ManagedSecret(name, {
                    ...common,
                    ...description,
                    purpose,
                    kmsKeyArn: key.arn,
                    value,
                    recoveryWindowInDays: edits.secretRecoveryWindowDays ?? net.secretRecoveryWindowDays,
                    protect: net.protect,
                });
            const operatorKeys = secret("operator-keys", "relay-operator-keys", { kind: "keyList", count: 3 });
            const masterKey = secret("master-key", "kms-service/master-key", {
                kind: "bytes",
                length: 32,
                encoding: "hex",
            });
            secret("minio-root", "object-store/root-password", { kind: "password", length: 40, overrideSpecial: "-_" });
            const bucket = new BackupBucket("backups", {
                ...common,
                accountId: net.accountId,
                kmsKeyArn: key.arn,
                retentionDays: edits.retentionDays ?? 7,
                noncurrentRetentionDays: edits.noncurrentRetentionDays ?? 7,
                ...(edits.abortDays ? { abortIncompleteMultipartUploadDays: edits.abortDays } : {}),
                protect: net.protect,
            });
            const cluster = { oidcProviderArn: net.oidcProviderArn, oidcIssuerHostPath: net.oidcIssuerHostPath };
            const relayGrants: Grant[] = [
                { kind: "readSecrets", secretArns: [operatorKeys.arn] },
                { kind: "useKey", keyArn: key.arn, operations: ["decrypt"], via: "secretsmanager" },
            ];
            const backupGrants: Grant[] = [
                { kind: "writeObjects", bucketArn: bucket.arn, prefix: "backups" },
                { kind: "useKey", keyArn: key.arn, operations: ["generateDataKey"], via: "s3" },
            ];
            if (edits.extraGrants) {
                relayGrants.push({ kind: "readSecrets", secretArns: [masterKey.arn] });
                backupGrants.push(
                    { kind: "listBucket", bucketArn: bucket.arn, prefix: "backups" },
                    { kind: "readObjects", bucketArn: bucket.arn, prefix: "backups" },
                );
            }
            const namespace = `messaging-${net.network}`;
            new IrsaRole("relay", {
                ...common,
                ...description,
                cluster,
                namespace,
                serviceAccountName: "relay",
                grants: relayGrants,
            });
            new IrsaRole("backup", {
                ...common,
                ...description,
                cluster,
                namespace,
                serviceAccountName: "backup-jobs",
                grants: backupGrants,
            });
        },
        { project: PROJECT, stack: net.network },
    );
    return run.resources;
}

function identity(resources: RecordedResource[]): string[] {
    return resources.map((r) => `${r.type} ${r.name} <- ${r.parent} protect=${r.options.protect}`);
}

function replacementInputs(resources: RecordedResource[]): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const r of resources) {
        if (!r.custom) continue;
        const keys = REPLACEMENT_INPUTS[r.type];
        if (!keys) throw new Error(`no replacement inputs listed for ${r.type}: add them to REPLACEMENT_INPUTS`);
        out[r.name] = Object.fromEntries(keys.map((k) => [k, r.inputs[k]]));
    }
    return out;
}

const EVERYTHING: Edits = {
    description: "edited description",
    tags: { costCenter: "messaging-42", reviewedBy: "security" },
    kmsDeletionWindowDays: 14,
    secretRecoveryWindowDays: 21,
    retentionDays: 14,
    noncurrentRetentionDays: 60,
    abortDays: 2,
    extraGrants: true,
};

describe("AWS blocks: no replacement on ordinary edits", () => {
    for (const net of NETWORK_CASES) {
        it(`${net.network}: every edit at once keeps names, key spec, generators, values and protection`, async () => {
            const before = await build(net, {});
            const after = await build(net, EVERYTHING);
            assert.deepEqual(identity(after), identity(before));
            assert.deepEqual(replacementInputs(after), replacementInputs(before));
            // The edits did reach the resources (so the comparison above is not vacuous).
            const changed = before
                .filter((r, i) => r.custom && JSON.stringify(r.inputs) !== JSON.stringify(after[i].inputs))
                .map((r) => r.name);
            assert.deepEqual(changed, [
                "key-key",
                "operator-keys-secret",
                "master-key-secret",
                "minio-root-secret",
                "backups-bucket",
                "backups-lifecycle",
                "relay-role",
                "relay-permissions",
                "backup-role",
                "backup-permissions",
            ]);
            // The protected set is exactly the stateful resources, and only on testnet and mainnet.
            const protectedNames = before.filter((r) => r.options.protect).map((r) => r.name);
            assert.deepEqual(
                protectedNames,
                net.protect
                    ? [
                          "key-key",
                          "operator-keys-key-0",
                          "operator-keys-key-1",
                          "operator-keys-key-2",
                          "operator-keys-secret",
                          "operator-keys-version",
                          "master-key-bytes",
                          "master-key-secret",
                          "master-key-version",
                          "minio-root-password",
                          "minio-root-secret",
                          "minio-root-version",
                          "backups-bucket",
                          "backups-encryption",
                          "backups-versioning",
                      ]
                    : [],
            );
        });
    }
});
