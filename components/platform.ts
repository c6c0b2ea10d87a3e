/**
 * MessagingPlatform: everything one network runs, composed from the building blocks.
 * Cloud side first (key, secrets, bucket, IRSA roles), then the namespace, the services, their
 * public endpoints and the network policies their traffic matrix allows.
 */
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "./aws/irsaRole";
import { chainStack } from "./chainStack";
import { cloudFoundation } from "./cloudFoundation";
import { NetworkConfig } from "./config";
import { PlatformNamespace } from "./k8s/namespace";
import { TrafficPolicies } from "./k8s/networkPolicies";
import { SERVICE_NAMES } from "./network";
import { RoleAccount, SecretPurpose, storePasswordSources } from "./platformSecrets";
import { PlatformProviders } from "./providers";
import { FarcasterSync } from "./services/farcasterSync";
import { KmsService } from "./services/kmsService";
import { publicEndpoints } from "./publicEndpoints";
import { MessagingApi } from "./services/messagingApi";
import { ObjectStore } from "./services/objectStore";
import { RelayService } from "./services/relay";
import { platformMonitoring } from "./observability";
import { storeBackups } from "./storeBackups";
import { deployedServices, platformTrafficMatrix } from "./trafficMatrix";

export { BACKED_UP_STORES, PlatformArns, SecretPurpose, secretSources, serviceGrants } from "./platformSecrets";

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
    public readonly secretNames: Partial<Record<SecretPurpose, pulumi.Output<string>>>;
    /** The public hosts, by service. */
    public readonly endpoints: Record<string, string>;
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

        // The cloud side first: the key, every credential, the backup bucket and the roles' grants.
        const { key, secrets, bucket, grants, secretValue, storePassword } = cloudFoundation(name, config, this);
        const passwordSources = storePasswordSources(config);
        const role = (serviceAccountName: RoleAccount) =>
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
        const apiRole = role(SERVICE_NAMES.messagingApi);

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
        // devnet's own L2 chain (chainStack.ts), before the relay that reads it.
        const chain =
            config.chain.mode === "in-cluster"
                ? chainStack(
                      name,
                      { config, chain: config.chain, namespace: namespace.name, protect, secretValue, grants },
                      { cluster: args.providers.cluster, bucketName: bucket.name, keyArn: key.arn, opts: inNamespace },
                  )
                : undefined;
        const kmsService = new KmsService(
            `${name}-kms-service`,
            {
                network,
                namespace: namespace.name,
                settings: config.services.kmsService,
                region: config.region,
                keyArn: key.arn,
                role: kmsRole,
                masterKey: secretValue("kms-master-key"),
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
                inClusterRpcUrl: chain?.besu.rpcUrl,
                covenantSql: config.externalStores.covenantSql,
                kmsServiceUrl: kmsService.url,
                role: relayRole,
                operatorKeys: secretValue("relay-operator-keys"),
                covenantSqlCredentials: secretValue("covenantsql-credentials"),
                protect,
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
        const objectStore = new ObjectStore(
            `${name}-object-store`,
            {
                network,
                namespace: namespace.name,
                settings: config.services.objectStore,
                rootUser: secretValue("object-store-root-user"),
                rootPassword: secretValue("object-store-root-password"),
                protect,
                stackFile: config.stackFile,
            },
            inNamespace,
        );
        const messagingApi = new MessagingApi(
            `${name}-messaging-api`,
            {
                network,
                namespace: namespace.name,
                settings: config.services.messagingApi,
                stores: config.externalStores,
                objectStoreEndpoint: objectStore.endpoint,
                voiceBucket: objectStore.voiceBucket,
                credentials: {
                    postgresPassword: storePassword(passwordSources.postgres),
                    redisPassword: storePassword(passwordSources.redis),
                    secretboxKey: secretValue("secretbox-key"),
                    jwtPublicKey: secretValue("jwt-public-key"),
                    objectStoreAccessKeyId: secretValue("object-store-root-user"),
                    objectStoreSecretAccessKey: secretValue("object-store-root-password"),
                },
                role: apiRole,
                stackFile: config.stackFile,
            },
            inNamespace,
        );

        const backups = storeBackups(
            name,
            {
                config,
                namespace: namespace.name,
                cluster: args.providers.cluster,
                grants,
                bucketName: bucket.name,
                keyArn: key.arn,
                objectStore: {
                    endpoint: objectStore.endpoint,
                    secretName: objectStore.secretName as pulumi.Output<string>,
                },
                postgresPassword: storePassword(passwordSources.postgres),
            },
            inNamespace,
        );
        const endpoints = publicEndpoints(name, config, namespace.name, { relay, messagingApi }, inNamespace);

        const services = {
            relay,
            kmsService,
            farcasterSync,
            messagingApi,
            objectStore,
            objectStoreBuckets: objectStore.bucketJob,
            backups,
            chain,
        };
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
        // Prometheus scrapes every service listed here: a new service adds its scrapeTarget.
        const scraped = [
            relay,
            kmsService,
            farcasterSync,
            messagingApi,
            objectStore,
            ...(chain ? [chain.sequencer, chain.maru, chain.besu, chain.ethstats, chain.txSender] : []),
        ].flatMap((s) => (s ? [s.scrapeTarget] : []));
        platformMonitoring(
            `${name}-monitoring`,
            { config, namespace: namespace.name, targets: scraped, backups },
            inNamespace,
        );

        this.namespace = namespace.name;
        this.keyArn = key.arn;
        this.secretNames = Object.fromEntries(
            Object.entries(secrets).map(([purpose, secret]) => [purpose, secret.name]),
        ) as Partial<Record<SecretPurpose, pulumi.Output<string>>>;
        this.roleArns = {
            [SERVICE_NAMES.relay]: relayRole.arn,
            [SERVICE_NAMES.kmsService]: kmsRole.arn,
            [SERVICE_NAMES.messagingApi]: apiRole.arn,
        };
        this.backupBucketName = bucket.name;
        this.endpoints = Object.fromEntries(
            [...endpoints, ...(chain ? [chain.endpoint] : [])].map((e) => [e.service, e.host]),
        );
        this.registerOutputs({
            namespace: this.namespace,
            keyArn: this.keyArn,
            secretNames: this.secretNames,
            roleArns: this.roleArns,
            backupBucketName: this.backupBucketName,
            endpoints: this.endpoints,
        });
    }
}
