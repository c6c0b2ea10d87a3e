/**
 * The platform's credentials and what each service account may do with them: where every
 * credential comes from (generated, operator-supplied, or an existing secret a store already uses)
 * and the least-privilege grants of each IRSA role.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExistingSecretRef } from "./aws/existingSecret";
import { Grant } from "./aws/irsaRole";
import { SecretValueSource } from "./aws/managedSecret";
import { NetworkConfig } from "./config";

/** The credentials the platform keeps in Secrets Manager, by purpose. */
export type SecretPurpose =
    | "relay-operator-keys"
    | "kms-master-key"
    | "covenantsql-credentials"
    | "postgres-password"
    | "redis-password"
    | "object-store-root-user"
    | "object-store-root-password"
    | "secretbox-key"
    | "jwt-public-key"
    | ChainSecretPurpose;

/** devnet's in-cluster chain credentials: the nodes' P2P keys, the ethstats reporting secret, the tx-sender's account. */
export type ChainSecretPurpose =
    "sequencer-p2p-key" | "maru-p2p-key" | "ethstats-password" | "tx-sender-private-key" | "tx-sender-to-address";

/** The stores whose password the operator gives, or an existing secret already holds. */
export type ExternalStore = "postgres" | "redis";

/** Where an external store's password comes from. */
export type StorePasswordSource =
    | { readonly kind: "managed"; readonly purpose: SecretPurpose }
    | { readonly kind: "existing"; readonly secret: ExistingSecretRef };

/** Each external store's password: an existing secret when the stack names one, else the operator's, kept in Secrets Manager. */
export function storePasswordSources(
    config: Pick<NetworkConfig, "externalStores">,
): Record<ExternalStore, StorePasswordSource> {
    const source = (store: ExternalStore, purpose: SecretPurpose): StorePasswordSource => {
        const existing = config.externalStores[store].password;
        return existing ? { kind: "existing", secret: existing } : { kind: "managed", purpose };
    };
    return { postgres: source("postgres", "postgres-password"), redis: source("redis", "redis-password") };
}

/**
 * Where each credential kept in Secrets Manager comes from: generated when the platform itself
 * configures it (operator keys, master key, object-store root credentials, secretbox key),
 * operator-supplied when only an operator knows it. A store password that an existing secret holds
 * is not copied (it has no entry here). No password is generated for a server nobody sets it on.
 */
export function secretSources(
    config: Pick<NetworkConfig, "services" | "operatorSecrets" | "externalStores"> &
        Partial<Pick<NetworkConfig, "chain">>,
): Partial<Record<SecretPurpose, SecretValueSource>> {
    const operator = (key: keyof NetworkConfig["operatorSecrets"]): SecretValueSource => {
        const value = config.operatorSecrets[key];
        if (value === undefined) throw new Error(`operator secret ${key} is missing (the config loader requires it)`);
        return { kind: "operator", value };
    };
    const stores = storePasswordSources(config);
    return {
        // 32-byte hex private keys, one per relay operator, stored as one JSON array.
        "relay-operator-keys": { kind: "keyList", count: config.services.relay.operatorKeyCount },
        "kms-master-key": { kind: "bytes", length: 32, encoding: "hex" },
        "covenantsql-credentials": operator("covenantSqlCredentials"),
        ...(stores.postgres.kind === "managed" ? { "postgres-password": operator("postgresPassword") } : {}),
        ...(stores.redis.kind === "managed" ? { "redis-password": operator("redisPassword") } : {}),
        // MinIO access keys are at least 3 characters and secrets at least 8; these are well above.
        "object-store-root-user": { kind: "password", length: 20, special: false },
        "object-store-root-password": { kind: "password", length: 40, special: false },
        // NaCl secretbox keys are 32 bytes; the app reads them base64-encoded.
        "secretbox-key": { kind: "bytes", length: 32, encoding: "base64" },
        "jwt-public-key": operator("jwtPublicKey"),
        ...(config.chain?.mode === "in-cluster" ? chainSecretSources() : {}),
    };
}

/**
 * The in-cluster chain's credentials, generated (devnet only): 32-byte hex P2P keys of the sequencer
 * and maru, the tx-sender's 32-byte hex private key and its 20-byte hex recipient, and the secret
 * the nodes report to ethstats with (no special characters: it sits inside besu's `--ethstats` URL).
 */
export function chainSecretSources(): Record<ChainSecretPurpose, SecretValueSource> {
    return {
        "sequencer-p2p-key": { kind: "bytes", length: 32, encoding: "hex" },
        "maru-p2p-key": { kind: "bytes", length: 32, encoding: "hex" },
        "ethstats-password": { kind: "password", length: 32, special: false },
        "tx-sender-private-key": { kind: "bytes", length: 32, encoding: "hex" },
        "tx-sender-to-address": { kind: "bytes", length: 20, encoding: "hex" },
    };
}

/** The ARNs grants are written against. */
export interface PlatformArns<S = pulumi.Input<string>> {
    keyArn: S;
    bucketArn: S;
    /** The Secrets Manager entries the platform keeps. */
    secretArns: Partial<Record<SecretPurpose, S>>;
    /** Existing secrets the stores already use, by store. */
    existingSecretArns: Partial<Record<ExternalStore, S>>;
}

/** The stores backed up into the network's bucket; each writes and reads only under `<store>/`. */
export const BACKED_UP_STORES = ["object-store", "postgres"] as const;
/** One of {@link BACKED_UP_STORES}. */
export type BackedUpStore = (typeof BACKED_UP_STORES)[number];
/** devnet's chain export's prefix of the bucket (and its jobs' name), beside the stores'. */
export const CHAIN_BACKUP = "chain";

/** The service accounts with an IRSA role: the services, and each store's backup and restore jobs. */
export type RoleAccount =
    | "relay"
    | "kms-service"
    | "messaging-api"
    | `${BackedUpStore | typeof CHAIN_BACKUP}-backup`
    | `${BackedUpStore | typeof CHAIN_BACKUP}-restore`;

/**
 * What each service account with an IRSA role may do, and nothing more. Reading a secret
 * encrypted with the network key also needs kms:Decrypt through Secrets Manager. A backup job may
 * only put under its store's prefix (no list, no read, no delete: it cannot see or destroy older
 * backups) and needs kms:GenerateDataKey through S3 to encrypt, plus kms:Decrypt through S3 because
 * S3 decrypts the data key to complete a multipart upload; a restore job may list and read under
 * its prefix and decrypt through S3. Store credentials reach the jobs by secretKeyRef, so no job
 * reads Secrets Manager.
 */
export function serviceGrants<S>(arns: PlatformArns<S>): Record<RoleAccount, Grant<S>[]> {
    const present = (values: (S | undefined)[]): S[] => values.filter((v): v is S => v !== undefined);
    const readSecrets = (purposes: SecretPurpose[], existing: ExternalStore[] = []): Grant<S>[] => [
        {
            kind: "readSecrets",
            secretArns: present([
                ...purposes.map((p) => arns.secretArns[p]),
                ...existing.map((s) => arns.existingSecretArns[s]),
            ]),
        },
        { kind: "useKey", keyArn: arns.keyArn, operations: ["decrypt"], via: "secretsmanager" },
    ];
    return {
        relay: readSecrets(["relay-operator-keys", "covenantsql-credentials"]),
        "kms-service": [
            ...readSecrets(["kms-master-key"]),
            { kind: "useKey", keyArn: arns.keyArn, operations: ["encrypt", "decrypt", "generateDataKey", "describe"] },
        ],
        "messaging-api": readSecrets(
            [
                "postgres-password",
                "redis-password",
                "object-store-root-user",
                "object-store-root-password",
                "secretbox-key",
                "jwt-public-key",
            ],
            ["postgres", "redis"],
        ),
        ...Object.fromEntries(
            [...BACKED_UP_STORES, CHAIN_BACKUP].flatMap((store) => [
                [
                    `${store}-backup`,
                    [
                        { kind: "writeObjects", bucketArn: arns.bucketArn, prefix: store },
                        { kind: "useKey", keyArn: arns.keyArn, operations: ["generateDataKey", "decrypt"], via: "s3" },
                    ],
                ],
                [
                    `${store}-restore`,
                    [
                        { kind: "listBucket", bucketArn: arns.bucketArn, prefix: store },
                        { kind: "readObjects", bucketArn: arns.bucketArn, prefix: store },
                        { kind: "useKey", keyArn: arns.keyArn, operations: ["decrypt"], via: "s3" },
                    ],
                ],
            ]),
        ),
    } as Record<RoleAccount, Grant<S>[]>;
}
