/**
 * MessagingPlatform: everything one network runs, composed from the building blocks.
 * Cloud side first (key, secrets, bucket, IRSA roles), then the namespace, the services and the
 * network policies their traffic matrix allows.
 */
import * as pulumi from "@pulumi/pulumi";
import { BackupBucket } from "./aws/backupBucket";
import { EncryptionKey } from "./aws/encryptionKey";
import { Grant, IrsaRole } from "./aws/irsaRole";
import { ManagedSecret, SecretValueSource } from "./aws/managedSecret";
import { NetworkConfig } from "./config";
import { PlatformNamespace } from "./k8s/namespace";
import { TrafficPolicies } from "./k8s/networkPolicies";
import { SERVICE_NAMES } from "./network";
import { PlatformProviders } from "./providers";
import { FarcasterSync } from "./services/farcasterSync";
import { KmsService } from "./services/kmsService";
import { RelayService } from "./services/relay";
import { deployedServices, platformTrafficMatrix } from "./trafficMatrix";

/** The credentials the platform keeps in Secrets Manager, by purpose. */
export type SecretPurpose =
    | "relay-operator-keys"
    | "kms-master-key"
    | "covenantsql-credentials"
    | "postgres-password"
    | "redis-password"
    | "object-store-root-password"
    | "secretbox-key"
    | "jwt-public-key";

/**
 * Where each credential's value comes from: generated when we can, operator-supplied when only
 * an operator knows it (config secrets).
 */
export function secretSources(
    config: Pick<NetworkConfig, "services" | "operatorSecrets">,
): Record<SecretPurpose, SecretValueSource> {
    return {
        // 32-byte hex private keys, one per relay operator, stored as one JSON array.
        "relay-operator-keys": { kind: "keyList", count: config.services.relay.operatorKeyCount },
        "kms-master-key": { kind: "bytes", length: 32, encoding: "hex" },
        "covenantsql-credentials": { kind: "operator", value: config.operatorSecrets.covenantSqlCredentials },
        "postgres-password": { kind: "password", length: 32, special: false },
        "redis-password": { kind: "password", length: 32, special: false },
        "object-store-root-password": { kind: "password", length: 40, special: false },
        // NaCl secretbox keys are 32 bytes; the app reads them base64-encoded.
        "secretbox-key": { kind: "bytes", length: 32, encoding: "base64" },
        "jwt-public-key": { kind: "operator", value: config.operatorSecrets.jwtPublicKey },
    };
}

/** The ARNs grants are written against. */
export interface PlatformArns<S = pulumi.Input<string>> {
    keyArn: S;
    bucketArn: S;
    secretArns: Record<SecretPurpose, S>;
}

/** The prefix the backup jobs write under in the backup bucket. */
export const BACKUP_PREFIX = "backups";

/**
 * What each service account with an IRSA role may do, and nothing more. Reading a secret
 * encrypted with the network key also needs kms:Decrypt through Secrets Manager; writing to the
 * SSE-KMS bucket needs kms:GenerateDataKey through S3.
 */
export function serviceGrants<S>(
    arns: PlatformArns<S>,
): Record<"relay" | "kms-service" | "messaging-api" | "backup", Grant<S>[]> {
    const readSecrets = (...purposes: SecretPurpose[]): Grant<S>[] => [
        { kind: "readSecrets", secretArns: purposes.map((p) => arns.secretArns[p]) },
        { kind: "useKey", keyArn: arns.keyArn, operations: ["decrypt"], via: "secretsmanager" },
    ];
    return {
        relay: readSecrets("relay-operator-keys", "covenantsql-credentials"),
        "kms-service": [
            ...readSecrets("kms-master-key"),
            { kind: "useKey", keyArn: arns.keyArn, operations: ["encrypt", "decrypt", "generateDataKey", "describe"] },
        ],
        "messaging-api": readSecrets(
            "postgres-password",
            "redis-password",
            "object-store-root-password",
            "secretbox-key",
            "jwt-public-key",
        ),
        backup: [
            ...readSecrets("postgres-password", "object-store-root-password"),
            { kind: "writeObjects", bucketArn: arns.bucketArn, prefix: BACKUP_PREFIX },
            { kind: "useKey", keyArn: arns.keyArn, operations: ["generateDataKey"], via: "s3" },
        ],
    };
}

/** Arguments of {@link MessagingPlatform}. */
export interface MessagingPlatformArgs {
    /** The validated config of the network. */
    readonly config: NetworkConfig;
    /** The explicit providers every child uses. */
    readonly providers: PlatformProviders;
}

/** One network's messaging platform. */
export class MessagingPlatform extends pulumi.ComponentResource {
    /** The namespace the platform's workloads run in. */
    public readonly namespace: pulumi.Output<string>;
    /** The network's KMS key. */
    public readonly keyArn: pulumi.Output<string>;
    /** Secrets Manager secret names by purpose (names only, never values). */
    public readonly secretNames: Record<SecretPurpose, pulumi.Output<string>>;
    /** IRSA role ARNs by service account. */
    public readonly roleArns: Record<string, pulumi.Output<string>>;
    /** The backup bucket's name. */
    public readonly backupBucketName: pulumi.Output<string>;

    constructor(name: string, args: MessagingPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "messaging:platform:MessagingPlatform",
            name,
            {},
            { ...opts, providers: [args.providers.aws, args.providers.kubernetes, args.providers.random] },
        );
        const { config } = args;
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
            { parent: this },
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
                    { parent: this },
                ),
            ]),
        ) as Record<SecretPurpose, ManagedSecret>;
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
            { parent: this },
        );

        // Roles only for service accounts this network runs: a role nobody assumes is an open door.
        const grants = serviceGrants({
            keyArn: key.arn,
            bucketArn: bucket.arn,
            secretArns: mapValues(secrets, (s) => s.arn),
        });
        const role = (serviceAccountName: "relay" | "kms-service") =>
            new IrsaRole(
                `${name}-${serviceAccountName}-role`,
                {
                    network,
                    owner,
                    cluster: args.providers.cluster,
                    namespace: config.namespace.name,
                    serviceAccountName,
                    grants: grants[serviceAccountName],
                },
                { parent: this },
            );
        const relayRole = role(SERVICE_NAMES.relay);
        const kmsRole = role(SERVICE_NAMES.kmsService);

        const namespace = new PlatformNamespace(
            `${name}-namespace`,
            {
                name: config.namespace.name,
                network,
                owner,
                quota: config.namespace.quota,
                containerDefaults: config.namespace.containerDefaults,
            },
            { parent: this },
        );
        const inNamespace = { parent: this, dependsOn: [namespace] };
        const kmsService = new KmsService(
            `${name}-kms-service`,
            {
                network,
                namespace: namespace.name,
                settings: config.services.kmsService,
                region: config.region,
                keyArn: key.arn,
                role: kmsRole,
                masterKey: secrets["kms-master-key"].value,
                stackFile: config.stackFile,
            },
            inNamespace,
        );
        const relay = new RelayService(
            `${name}-relay`,
            {
                network,
                namespace: namespace.name,
                settings: config.services.relay,
                chain: config.chain,
                covenantSql: config.externalStores.covenantSql,
                kmsServiceUrl: kmsService.url,
                role: relayRole,
                operatorKeys: secrets["relay-operator-keys"].value,
                covenantSqlCredentials: secrets["covenantsql-credentials"].value,
                stackFile: config.stackFile,
            },
            inNamespace,
        );
        // A disabled sync is not created at all: no objects to secure, no edges in the matrix.
        const farcasterSync = config.services.farcasterSync.enabled
            ? new FarcasterSync(
                  `${name}-farcaster-sync`,
                  {
                      network,
                      namespace: namespace.name,
                      settings: config.services.farcasterSync,
                      stackFile: config.stackFile,
                  },
                  inNamespace,
              )
            : undefined;
        const services = { relay, kmsService, farcasterSync };
        new TrafficPolicies(
            `${name}-traffic`,
            {
                namespace: namespace.name,
                network,
                edges: platformTrafficMatrix(config, services),
                services: deployedServices(services),
            },
            inNamespace,
        );

        this.namespace = namespace.name;
        this.keyArn = key.arn;
        this.secretNames = mapValues(secrets, (s) => s.name);
        this.roleArns = { [SERVICE_NAMES.relay]: relayRole.arn, [SERVICE_NAMES.kmsService]: kmsRole.arn };
        this.backupBucketName = bucket.name;
        this.registerOutputs({
            namespace: this.namespace,
            keyArn: this.keyArn,
            secretNames: this.secretNames,
            roleArns: this.roleArns,
            backupBucketName: this.backupBucketName,
        });
    }
}

function mapValues<K extends string, A, B>(record: Record<K, A>, f: (value: A) => B): Record<K, B> {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as A)])) as Record<K, B>;
}
