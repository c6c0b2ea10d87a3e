/**
 * The cloud side of one network, before anything runs in the cluster: the network's KMS key, every
 * credential in Secrets Manager (see `secretSources`), the S3 backup bucket, and the grants each
 * IRSA role is written against. MessagingPlatform composes it; the roles themselves are created
 * next to the service accounts they trust.
 */
import * as pulumi from "@pulumi/pulumi";
import { BackupBucket } from "./aws/backupBucket";
import { EncryptionKey } from "./aws/encryptionKey";
import { readExistingSecret } from "./aws/existingSecret";
import { Grant } from "./aws/irsaGrants";
import { ManagedSecret } from "./aws/managedSecret";
import { NetworkConfig } from "./config";
import {
    ExternalStore,
    RoleAccount,
    SecretPurpose,
    secretSources,
    serviceGrants,
    StorePasswordSource,
    storePasswordSources,
} from "./platformSecrets";

/** What the cluster side is built from. */
export interface CloudFoundation {
    readonly key: EncryptionKey;
    readonly secrets: Partial<Record<SecretPurpose, ManagedSecret>>;
    readonly bucket: BackupBucket;
    /** Each role's least-privilege grants (see `serviceGrants`). */
    readonly grants: Record<RoleAccount, Grant[]>;
    /** A kept secret's value; throws for a purpose this network keeps no secret for. */
    readonly secretValue: (purpose: SecretPurpose) => pulumi.Output<string>;
    /** An external store's password: the operator's, kept in Secrets Manager, or read from the store's own secret. */
    readonly storePassword: (source: StorePasswordSource) => pulumi.Output<string>;
}

/** Creates the network's key, secrets and bucket under `parent`, and derives the grants. */
export function cloudFoundation(name: string, config: NetworkConfig, parent: pulumi.Resource): CloudFoundation {
    const { network, owner } = config;
    const protect = config.protectStatefulResources;
    const key = new EncryptionKey(
        `${name}-key`,
        {
            network,
            owner,
            accountId: config.aws.accountId,
            deletionWindowInDays: config.aws.kmsDeletionWindowDays,
            protect,
        },
        { parent },
    );
    const secrets = Object.fromEntries(
        Object.entries(secretSources(config)).map(([purpose, value]) => [
            purpose,
            new ManagedSecret(
                `${name}-${purpose}`,
                {
                    network,
                    owner,
                    purpose,
                    kmsKeyArn: key.arn,
                    value,
                    recoveryWindowInDays: config.aws.secretRecoveryWindowDays,
                    protect,
                },
                { parent },
            ),
        ]),
    ) as Partial<Record<SecretPurpose, ManagedSecret>>;
    const secretValue = (purpose: SecretPurpose): pulumi.Output<string> => {
        const secret = secrets[purpose];
        if (!secret) throw new Error(`the platform keeps no ${purpose} secret on ${network}`);
        return secret.value;
    };
    // A store's password: the operator's, kept in Secrets Manager, or read from the store's own secret.
    const passwordSources = storePasswordSources(config);
    const storePassword = (source: StorePasswordSource): pulumi.Output<string> =>
        source.kind === "managed" ? secretValue(source.purpose) : readExistingSecret(source.secret, { parent });
    const bucket = new BackupBucket(
        `${name}-backups`,
        {
            network,
            owner,
            accountId: config.aws.accountId,
            kmsKeyArn: key.arn,
            retentionDays: config.backups.retentionDays,
            noncurrentRetentionDays: config.backups.noncurrentRetentionDays,
            protect,
        },
        { parent },
    );

    // Roles only for service accounts this network runs: a role nobody assumes is an open door.
    const existingSecretArns: Partial<Record<ExternalStore, pulumi.Input<string>>> = {};
    for (const store of ["postgres", "redis"] as const) {
        const source = passwordSources[store];
        if (source.kind === "existing") existingSecretArns[store] = source.secret.secretArn;
    }
    const grants = serviceGrants({
        keyArn: key.arn,
        bucketArn: bucket.arn,
        secretArns: mapValues(secrets, (s) => s.arn),
        existingSecretArns,
    });
    return { key, secrets, bucket, grants, secretValue, storePassword };
}

function mapValues<K extends string, A, B>(record: Partial<Record<K, A>>, f: (value: A) => B): Partial<Record<K, B>> {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as A)])) as Partial<Record<K, B>>;
}
