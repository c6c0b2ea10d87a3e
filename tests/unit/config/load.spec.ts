import * as assert from "node:assert/strict";
import {
    NETWORK_FLOORS,
    OperatorSecretsPresence,
    parseStackConfig,
    requiredOperatorSecrets,
} from "../../../components/config";
import { ArgumentsError } from "../../../components/errors";
import program from "../../../index";
import { registeredBeforeFailure } from "../../../harness/mockEngine";
import { rawStackConfig, runStack } from "../../../harness/stack";

/** Every operator secret a raw config needs, set as a secret. */
const allSecrets = (raw: Record<string, unknown>): OperatorSecretsPresence =>
    Object.fromEntries(requiredOperatorSecrets(raw).map((key) => [key, "secret"]));

/** The lines of a ArgumentsError after the header, or a failure if the config was accepted. */
function problemLines(
    stack: string,
    raw: Record<string, unknown>,
    secrets: OperatorSecretsPresence = allSecrets(raw),
): string[] {
    try {
        parseStackConfig(raw, stack, secrets);
    } catch (error) {
        assert.ok(error instanceof ArgumentsError, `expected ArgumentsError, got ${String(error)}`);
        const [header, ...lines] = error.message.split("\n");
        assert.equal(
            header,
            `Invalid stack config: ${lines.length} problem${lines.length === 1 ? "" : "s"}. Edit Pulumi.${stack}.yaml:`,
        );
        assert.equal(error.problems.length, lines.length);
        return lines;
    }
    assert.fail("the config was accepted");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at raw, untyped config
type Raw = any;

interface BadConfigCase {
    title: string;
    stack: "devnet" | "testnet" | "mainnet";
    mutate: (raw: Raw) => void;
    secrets?: OperatorSecretsPresence;
    expected: string[];
}

const P = "  - messaging-infra:";
/** What an HPA's minReplicas may be, against its maxReplicas. */
const belowMax = (max: number) =>
    `an integer < autoscaling.maxReplicas (${max}); for a fixed count drop autoscaling and set replicas`;
const BAD_CONFIGS: BadConfigCase[] = [
    {
        title: "a missing required value",
        stack: "devnet",
        mutate: (raw) => delete raw.owner,
        expected: [`${P}owner: got (missing); allowed: the owning team's name, used in tags (required)`],
    },
    {
        title: "a missing section",
        stack: "devnet",
        mutate: (raw) => delete raw.backups,
        expected: [
            `${P}backups: got (missing); allowed: Invalid input: expected object, received undefined (required)`,
        ],
    },
    {
        title: "a wrong type",
        stack: "testnet",
        mutate: (raw) => (raw.services.kmsService.replicas = "two"),
        expected: [
            `${P}services.kmsService.replicas: got "two"; allowed: an integer from 2 to 100 (the testnet minimum is 2)`,
        ],
    },
    {
        title: "a boolean given as a string",
        stack: "devnet",
        mutate: (raw) => (raw.monitoring.enabled = "yes"),
        expected: [`${P}monitoring.enabled: got "yes"; allowed: true or false`],
    },
    {
        title: "relay replicas below the mainnet minimum",
        stack: "mainnet",
        mutate: (raw) => (raw.services.relay.replicas = 2),
        expected: [`${P}services.relay.replicas: got 2; allowed: an integer from 3 to 100 (the mainnet minimum is 3)`],
    },
    {
        title: "kms-service replicas below the mainnet minimum",
        stack: "mainnet",
        mutate: (raw) => (raw.services.kmsService.replicas = 1),
        expected: [
            `${P}services.kmsService.replicas: got 1; allowed: an integer from 2 to 100 (the mainnet minimum is 2)`,
        ],
    },
    {
        title: "an HPA minimum below the network minimum",
        stack: "mainnet",
        mutate: (raw) => (raw.services.messagingApi.autoscaling.minReplicas = 2),
        expected: [
            `${P}services.messagingApi.autoscaling.minReplicas: got 2; allowed: an integer >= 3 (the mainnet minimum)`,
        ],
    },
    {
        title: "an HPA whose minimum exceeds its maximum",
        stack: "testnet",
        mutate: (raw) => (raw.services.relay.autoscaling = { minReplicas: 6, maxReplicas: 5 }),
        expected: [`${P}services.relay.autoscaling.minReplicas: got 6; allowed: ${belowMax(5)}`],
    },
    {
        title: "an HPA pinned to one replica count (equal bounds never scale)",
        stack: "testnet",
        mutate: (raw) => (raw.services.relay.autoscaling = { minReplicas: 3, maxReplicas: 3 }),
        expected: [`${P}services.relay.autoscaling.minReplicas: got 3; allowed: ${belowMax(3)}`],
    },
    {
        title: "a latest image",
        stack: "devnet",
        mutate: (raw) => (raw.services.relay.image = "registry.example.org/messaging/relay:latest"),
        expected: [
            `${P}services.relay.image: got "registry.example.org/messaging/relay:latest"; allowed: an ` +
                `image pinned to a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 ` +
                `or …@sha256:<64 hex> (never latest or untagged)`,
        ],
    },
    {
        title: "an untagged image (a registry port is not a tag)",
        stack: "devnet",
        mutate: (raw) => (raw.services.kmsService.image = "registry.example.org:5000/messaging/kms-service"),
        expected: [
            `${P}services.kmsService.image: got "registry.example.org:5000/messaging/kms-service"; ` +
                `allowed: an image pinned to a version tag or a sha256 digest, e.g. ` +
                `registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never latest or untagged)`,
        ],
    },
    {
        title: "an invalid cron expression",
        stack: "devnet",
        mutate: (raw) => (raw.backups.schedule = "0 */6 * *"),
        expected: [
            `${P}backups.schedule: got "0 */6 * *"; allowed: a five-field cron expression (minute hour ` +
                `day-of-month month day-of-week, e.g. "0 */6 * * *") or a macro such as @daily`,
        ],
    },
    {
        title: "an out-of-range cron field",
        stack: "devnet",
        mutate: (raw) => (raw.backups.schedule = "0 24 * * *"),
        expected: [
            `${P}backups.schedule: got "0 24 * * *"; allowed: a five-field cron expression (minute hour ` +
                `day-of-month month day-of-week, e.g. "0 */6 * * *") or a macro such as @daily`,
        ],
    },
    {
        title: "retention below one day",
        stack: "testnet",
        mutate: (raw) => (raw.backups.retentionDays = 0),
        expected: [`${P}backups.retentionDays: got 0; allowed: an integer from 1 to 3650 (days)`],
    },
    {
        title: "a malformed CIDR",
        stack: "testnet",
        mutate: (raw) => (raw.externalStores.redis.cidrs = ["10.20.1.0/33"]),
        expected: [
            `${P}externalStores.redis.cidrs[0]: got "10.20.1.0/33"; allowed: a network CIDR with no host bits set, e.g. 10.20.0.0/16 or 2001:db8::/32`,
        ],
    },
    {
        title: "a CIDR with host bits set",
        stack: "testnet",
        mutate: (raw) => (raw.chain.rpcCidrs = ["203.0.113.5/28"]),
        expected: [
            `${P}chain.rpcCidrs[0]: got "203.0.113.5/28"; allowed: a network CIDR with no host bits ` +
                `set, e.g. 10.20.0.0/16 or 2001:db8::/32 (did you mean 203.0.113.0/28?)`,
        ],
    },
    {
        title: "a malformed hostname",
        stack: "devnet",
        mutate: (raw) => (raw.externalStores.postgres.host = "postgres..devnet.example.org"),
        expected: [
            `${P}externalStores.postgres.host: got "postgres..devnet.example.org"; allowed: a DNS hostname such as db.devnet.example.org`,
        ],
    },
    {
        title: "a malformed OIDC provider ARN",
        stack: "devnet",
        mutate: (raw) => (raw.cluster.oidcProviderArn = "arn:aws:iam::111122223333:role/not-a-provider"),
        expected: [
            `${P}cluster.oidcProviderArn: got "arn:aws:iam::111122223333:role/not-a-provider"; allowed: ` +
                `an EKS OIDC provider ARN: arn:aws:iam::<12-digit ` +
                `account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`,
        ],
    },
    {
        title: "an OIDC issuer that does not match the provider ARN",
        stack: "devnet",
        mutate: (raw) =>
            (raw.cluster.oidcIssuerUrl =
                "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"),
        expected: [
            `${P}cluster.oidcIssuerUrl: got ` +
                `"https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"; allowed: ` +
                `https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE (the issuer ` +
                `the OIDC provider ARN names)`,
        ],
    },
    {
        title: "an OIDC provider in another account",
        stack: "devnet",
        mutate: (raw) => {
            raw.cluster.oidcProviderArn = raw.cluster.oidcProviderArn.replace("111122223333", "999988887777");
        },
        expected: [
            `${P}cluster.oidcProviderArn: got ` +
                `"arn:aws:iam::999988887777:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"; ` +
                `allowed: an OIDC provider in this network's account 111122223333 (aws.accountId)`,
        ],
    },
    {
        title: "a malformed 0x address",
        stack: "testnet",
        mutate: (raw) => (raw.chain.messageNodeRegistryAddress = "0x610178da211fef7d417bc0e6fed39f05609ad78"),
        expected: [
            `${P}chain.messageNodeRegistryAddress: got "0x610178da211fef7d417bc0e6fed39f05609ad78"; ` +
                `allowed: an EVM address: 0x followed by 40 hex digits, not the zero address`,
        ],
    },
    {
        title: "the zero address",
        stack: "testnet",
        mutate: (raw) => (raw.chain.keyRegistryAddress = "0x0000000000000000000000000000000000000000"),
        expected: [
            `${P}chain.keyRegistryAddress: got "0x0000000000000000000000000000000000000000"; allowed: ` +
                `an EVM address: 0x followed by 40 hex digits, not the zero address`,
        ],
    },
    {
        title: "a testnet stack pointing at a mainnet endpoint",
        stack: "testnet",
        mutate: (raw) => (raw.externalStores.postgres.host = "postgres.mainnet.example.org"),
        expected: [
            `${P}externalStores.postgres.host: got "postgres.mainnet.example.org"; allowed: a value of ` +
                `the testnet network (this one names mainnet; endpoints, ARNs, buckets and hostnames never ` +
                `cross networks)`,
        ],
    },
    {
        title: "a mainnet stack pointing at a testnet RPC",
        stack: "mainnet",
        mutate: (raw) => (raw.chain.rpcUrl = "https://rpc.testnet.l2.example.org"),
        expected: [
            `${P}chain.rpcUrl: got "https://rpc.testnet.l2.example.org"; allowed: a value of the ` +
                `mainnet network (this one names testnet; endpoints, ARNs, buckets and hostnames never ` +
                `cross networks)`,
        ],
    },
    {
        title: "a stack file that claims another network",
        stack: "testnet",
        mutate: (raw) => (raw.network = "mainnet"),
        expected: [
            `${P}network: got "mainnet"; allowed: "testnet" (the stack is named testnet; a stack never deploys another network)`,
        ],
    },
    {
        title: "an unknown network",
        stack: "devnet",
        mutate: (raw) => (raw.network = "staging"),
        expected: [`${P}network: got "staging"; allowed: one of devnet, testnet, mainnet`],
    },
    {
        title: "unprotected stateful resources on mainnet",
        stack: "mainnet",
        mutate: (raw) => (raw.protectStatefulResources = false),
        expected: [
            `${P}protectStatefulResources: got false; allowed: true (stateful resources are always protected on mainnet)`,
        ],
    },
    {
        title: "a seven-day KMS deletion window on testnet",
        stack: "testnet",
        mutate: (raw) => (raw.aws.kmsDeletionWindowDays = 7),
        expected: [`${P}aws.kmsDeletionWindowDays: got 7; allowed: an integer from 30 to 30 (days)`],
    },
    {
        title: "an in-cluster chain outside devnet",
        stack: "mainnet",
        mutate: (raw) => {
            raw.chain = {
                mode: "in-cluster",
                chainId: 59144,
                keyRegistryAddress: raw.chain.keyRegistryAddress,
                messageNodeRegistryAddress: raw.chain.messageNodeRegistryAddress,
            };
        },
        // The in-cluster branch is the one meant, so its required components are reported too.
        expected: [
            ...["sequencer", "maru", "besu", "ethstats", "txSender"].map(
                (c) =>
                    `${P}chain.${c}: got (missing); allowed: Invalid input: expected object, received undefined (required)`,
            ),
            `${P}chain.mode: got "in-cluster"; allowed: external (only devnet runs its own chain stack; mainnet uses a public L2 RPC)`,
        ],
    },
    {
        title: "a port outside 1-65535",
        stack: "devnet",
        mutate: (raw) => (raw.services.relay.ports = { http: 3200, ws: 70000, metrics: 9102 }),
        expected: [`${P}services.relay.ports.ws: got 70000; allowed: a port number from 1 to 65535`],
    },
    {
        title: "ports clashing within a pod",
        stack: "devnet",
        mutate: (raw) => (raw.services.kmsService.ports = { http: 3300, metrics: 3300 }),
        expected: [
            `${P}services.kmsService.ports.metrics: got 3300; allowed: a port not already used by ports.http in the same pod`,
        ],
    },
    {
        title: "a probe path without a leading slash",
        stack: "devnet",
        mutate: (raw) => (raw.services.relay.probes = { health: "health", ready: "/ready" }),
        expected: [
            `${P}services.relay.probes.health: got "health"; allowed: an HTTP path starting with /, e.g. /health`,
        ],
    },
    {
        title: "limits below requests",
        stack: "devnet",
        mutate: (raw) => (raw.services.kmsService.resources.limits.memory = "64Mi"),
        expected: [
            `${P}services.kmsService.resources.limits.memory: got "64Mi"; allowed: a quantity >= requests.memory (128Mi)`,
        ],
    },
    {
        title: "an ephemeral-storage quantity that is none",
        stack: "devnet",
        mutate: (raw) => (raw.services.relay.resources.limits.ephemeralStorage = "lots"),
        expected: [
            `${P}services.relay.resources.limits.ephemeralStorage: got "lots"; allowed: a memory or storage quantity such as 256Mi or 10Gi`,
        ],
    },
    {
        title: "an ephemeral-storage limit below its request",
        stack: "devnet",
        mutate: (raw) => {
            raw.services.kmsService.resources.requests.ephemeralStorage = "1Gi";
            raw.services.kmsService.resources.limits.ephemeralStorage = "512Mi";
        },
        expected: [
            `${P}services.kmsService.resources.limits.ephemeralStorage: got "512Mi"; allowed: a quantity >= requests.ephemeralStorage (1Gi)`,
        ],
    },
    {
        title: "a misspelt setting",
        stack: "devnet",
        mutate: (raw) => (raw.backups.retentionDay = 7),
        expected: [
            `${P}backups.retentionDay: got 7; allowed: no such setting (check the spelling against the README's config reference)`,
        ],
    },
    {
        title: "an empty ingress-controller namespace label map",
        stack: "devnet",
        mutate: (raw) => (raw.ingress.namespaceLabels = {}),
        expected: [
            `${P}ingress.namespaceLabels: got {}; allowed: at least one label that selects the namespace, e.g. kubernetes.io/metadata.name: ingress-nginx`,
        ],
    },
    {
        title: "a cluster given neither directly nor by StackReference",
        stack: "devnet",
        mutate: (raw) => (raw.cluster = { name: "messaging-devnet" }),
        expected: [
            `${P}cluster.oidcProviderArn: got (missing); allowed: an EKS OIDC provider ARN (required)`,
            `${P}cluster.oidcIssuerUrl: got (missing); allowed: the cluster's OIDC issuer URL (required)`,
        ],
    },
    {
        title: "operator secrets missing, or set in plain text",
        stack: "mainnet",
        mutate: () => undefined,
        secrets: { jwtPublicKey: "plain" },
        expected: [
            `${P}covenantSqlCredentials: got (missing); allowed: a secret set with \`pulumi config set ` +
                `--secret covenantSqlCredentials <value> --stack mainnet\``,
            `${P}jwtPublicKey: got [a plain, unencrypted value]; allowed: a secret set with \`pulumi ` +
                `config set --secret jwtPublicKey <value> --stack mainnet\``,
            `${P}redisPassword: got (missing); allowed: a secret set with \`pulumi config set --secret ` +
                `redisPassword <value> --stack mainnet\`, or an existing Secrets Manager secret in ` +
                `messaging-infra:externalStores.redis.password`,
        ],
    },
    {
        title: "a store password given twice: as an existing secret and as an operator secret",
        stack: "mainnet",
        mutate: () => undefined,
        secrets: {
            covenantSqlCredentials: "secret",
            jwtPublicKey: "secret",
            redisPassword: "secret",
            postgresPassword: "secret",
        },
        expected: [
            `${P}postgresPassword: got [a secret]; allowed: nothing: messaging-infra:externalStores.postgres.password ` +
                "already names the secret (`pulumi config rm postgresPassword --stack mainnet`)",
        ],
    },
    {
        title: "an existing store secret in another account",
        stack: "mainnet",
        mutate: (raw) =>
            (raw.externalStores.postgres.password.secretArn =
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-4f1c2b7e-EXAMPLE"),
        expected: [
            `${P}externalStores.postgres.password.secretArn: got "arn:aws:secretsmanager:us-east-1:111122223333:secret:` +
                `rds!db-4f1c2b7e-EXAMPLE"; allowed: a secret in this network's account 777788889999 (aws.accountId)`,
        ],
    },
    {
        title: "an existing store secret that is not a Secrets Manager ARN",
        stack: "testnet",
        mutate: (raw) => (raw.externalStores.redis.password = { secretArn: "redis-password" }),
        expected: [
            `${P}externalStores.redis.password.secretArn: got "redis-password"; allowed: a Secrets Manager secret ARN: ` +
                "arn:aws:secretsmanager:<region>:<account>:secret:<name>",
        ],
    },
    {
        title: "a database connection without TLS",
        stack: "testnet",
        mutate: (raw) => (raw.externalStores.postgres.sslMode = "disable"),
        expected: [
            `${P}externalStores.postgres.sslMode: got "disable"; allowed: one of require, verify-ca, verify-full (never plain text)`,
        ],
    },
    {
        title: "an API database pool of zero connections",
        stack: "devnet",
        mutate: (raw) => (raw.services.messagingApi.database = { maxConnections: 0 }),
        expected: [`${P}services.messagingApi.database.maxConnections: got 0; allowed: an integer from 1 to 1000`],
    },
    {
        title: "a WebSocket frame limit below 1 KiB",
        stack: "devnet",
        mutate: (raw) => (raw.services.messagingApi.websocket = { maxFrameBytes: 512 }),
        expected: [
            `${P}services.messagingApi.websocket.maxFrameBytes: got 512; allowed: an integer from 1024 to 16777216`,
        ],
    },
    {
        title: "an unknown Kafka compression and a bad consumer group",
        stack: "devnet",
        mutate: (raw) =>
            (raw.services.messagingApi.kafka = { compressionType: "brotli", consumerGroup: "messaging service" }),
        expected: [
            `${P}services.messagingApi.kafka.compressionType: got "brotli"; allowed: one of none, gzip, snappy, lz4, zstd`,
            `${P}services.messagingApi.kafka.consumerGroup: got "messaging service"; allowed: a Kafka consumer group id: ` +
                "letters, digits, '.', '_' and '-'",
        ],
    },
    {
        title: "video calls of three days",
        stack: "devnet",
        mutate: (raw) => (raw.services.messagingApi.limits = { videoCallMaxDurationHours: 72 }),
        expected: [
            `${P}services.messagingApi.limits.videoCallMaxDurationHours: got 72; allowed: an integer from 1 to 48`,
        ],
    },
    {
        title: "an API memory target above 100 %",
        stack: "testnet",
        mutate: (raw) => (raw.services.messagingApi.autoscaling.targetMemoryUtilization = 150),
        expected: [
            `${P}services.messagingApi.autoscaling.targetMemoryUtilization: got 150; allowed: a memory utilisation percentage from 1 to 100`,
        ],
    },
    {
        title: "a testnet API below three pods",
        stack: "testnet",
        mutate: (raw) => {
            raw.services.messagingApi.replicas = 2;
            raw.services.messagingApi.autoscaling.minReplicas = 2;
        },
        expected: [
            `${P}services.messagingApi.replicas: got 2; allowed: an integer from 3 to 100 (the testnet minimum is 3)`,
            `${P}services.messagingApi.autoscaling.minReplicas: got 2; allowed: an integer >= 3 (the testnet minimum)`,
        ],
    },
    {
        title: "a voice bucket S3 would refuse and an unpinned client image",
        stack: "devnet",
        mutate: (raw) => {
            raw.services.objectStore.voiceBucket = "Voice_Messages";
            raw.services.objectStore.clientImage = "registry.example.org/mirror/minio-mc:latest";
        },
        expected: [
            `${P}services.objectStore.clientImage: got "registry.example.org/mirror/minio-mc:latest"; allowed: an image ` +
                "pinned to a version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> " +
                "(never latest or untagged)",
            `${P}services.objectStore.voiceBucket: got "Voice_Messages"; allowed: an S3 bucket name: 3 to 63 lower-case ` +
                "letters, digits, '.' and '-', starting and ending with a letter or digit",
        ],
    },
    {
        title: "a relay blob TTL over a year",
        stack: "devnet",
        mutate: (raw) => (raw.services.relay.limits.blobTtlDays = 400),
        expected: [`${P}services.relay.limits.blobTtlDays: got 400; allowed: an integer from 1 to 365`],
    },
    // devnet's in-cluster chain (config/chain.ts): every knob typed, every mistake named.
    {
        title: "a second sequencer (the single writer)",
        stack: "devnet",
        mutate: (raw) => (raw.chain.sequencer.replicas = 2),
        expected: [
            `${P}chain.sequencer.replicas: got 2; allowed: 1: the sequencer is the chain's single writer; a second replica would fork the chain`,
        ],
    },
    {
        title: "an unpinned chain image",
        stack: "devnet",
        mutate: (raw) => (raw.chain.besu.image = "registry.example.org/mirror/besu:latest"),
        expected: [
            `${P}chain.besu.image: got "registry.example.org/mirror/besu:latest"; allowed: an image pinned to a ` +
                `version tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never latest or untagged)`,
        ],
    },
    {
        title: "a chain component without its image",
        stack: "devnet",
        mutate: (raw) => delete raw.chain.maru.image,
        expected: [`${P}chain.maru.image: got (missing); allowed: a container image reference (required)`],
    },
    {
        title: "a chain volume that is not a quantity",
        stack: "devnet",
        mutate: (raw) => (raw.chain.sequencer.volumeSize = "fifty gigs"),
        expected: [
            `${P}chain.sequencer.volumeSize: got "fifty gigs"; allowed: a memory or storage quantity such as 256Mi or 10Gi`,
        ],
    },
    {
        title: "a storage class that is no DNS label",
        stack: "devnet",
        mutate: (raw) => (raw.chain.storageClass = "Fast_SSD"),
        expected: [
            `${P}chain.storageClass: got "Fast_SSD"; allowed: a DNS-1123 label: lower-case letters, digits and '-', ` +
                `starting and ending with a letter or digit, at most 63 characters`,
        ],
    },
    {
        title: "a tx-sender interval of zero",
        stack: "devnet",
        mutate: (raw) => (raw.chain.txSender.intervalSeconds = 0),
        expected: [
            `${P}chain.txSender.intervalSeconds: got 0; allowed: an integer from 1 to 3600 (seconds between transactions)`,
        ],
    },
    {
        title: "a tx-sender amount that is not a whole number of wei",
        stack: "devnet",
        mutate: (raw) => (raw.chain.txSender.amountWei = "10 gwei"),
        expected: [
            `${P}chain.txSender.amountWei: got "10 gwei"; allowed: an integer number of wei from 1 to 9007199254740991`,
        ],
    },
    {
        title: "besu autoscaling bounds the wrong way round",
        stack: "devnet",
        mutate: (raw) => (raw.chain.besu.autoscaling = { minReplicas: 3, maxReplicas: 2 }),
        expected: [`${P}chain.besu.autoscaling.minReplicas: got 3; allowed: ${belowMax(2)}`],
    },
    {
        title: "besu autoscaling with equal bounds",
        stack: "devnet",
        mutate: (raw) => (raw.chain.besu.autoscaling = { minReplicas: 2, maxReplicas: 2 }),
        expected: [`${P}chain.besu.autoscaling.minReplicas: got 2; allowed: ${belowMax(2)}`],
    },
    {
        title: "a besu partition above its HPA maximum",
        stack: "devnet",
        mutate: (raw) => (raw.chain.besu.partition = 5),
        expected: [
            `${P}chain.besu.partition: got 5; allowed: an integer from 0 to autoscaling.maxReplicas (3); 3 holds the rollout`,
        ],
    },
    {
        title: "a sequencer partition that is neither 0 nor 1",
        stack: "devnet",
        mutate: (raw) => (raw.chain.sequencer.partition = 2),
        expected: [
            `${P}chain.sequencer.partition: got 2; allowed: 0 (roll the pod on the next update) or 1 (hold the rollout)`,
        ],
    },
    {
        title: "an unknown chain knob",
        stack: "devnet",
        mutate: (raw) => (raw.chain.besu.publicRpc = true),
        expected: [
            `${P}chain.besu.publicRpc: got true; allowed: no such setting (check the spelling against the README's config reference)`,
        ],
    },
    {
        title: "in-cluster knobs on an external chain",
        stack: "testnet",
        mutate: (raw) => (raw.chain.sequencer = { image: "registry.example.org/chain/sequencer:25.1.0" }),
        expected: [
            `${P}chain.sequencer: got {"image":"registry.example.org/chain/sequencer:25.1.0"}; allowed: no such setting ` +
                `(check the spelling against the README's config reference)`,
        ],
    },
    {
        title: "a scrape timeout as long as the scrape interval",
        stack: "testnet",
        mutate: (raw) => Object.assign(raw.monitoring, { scrapeInterval: "15s", scrapeTimeout: "15s" }),
        expected: [
            `${P}monitoring.scrapeTimeout: got "15s"; allowed: a duration shorter than monitoring.scrapeInterval (15s)`,
        ],
    },
    {
        title: "a scrape interval that is no Prometheus duration, and one that is too short (reported alone)",
        stack: "devnet",
        mutate: (raw) => Object.assign(raw.monitoring, { scrapeInterval: "30 seconds", scrapeTimeout: "2s" }),
        expected: [
            `${P}monitoring.scrapeInterval: got "30 seconds"; allowed: a Prometheus duration in hours, minutes and ` +
                "seconds, such as 30s, 1m or 1h30m, from 5s to 10m",
        ],
    },
    {
        title: "an operator selector with an invalid label and one with none",
        stack: "mainnet",
        mutate: (raw) =>
            Object.assign(raw.monitoring, { serviceMonitorSelector: { "release!": "x" }, ruleSelector: {} }),
        expected: [
            `${P}monitoring.serviceMonitorSelector.release!: got "x"; allowed: a Kubernetes label: an optional ` +
                "DNS-subdomain prefix and '/', a name of at most 63 letters, digits, '-', '_' and '.' starting and " +
                "ending with a letter or digit, and a value of that form (or empty)",
            `${P}monitoring.ruleSelector: got {}; allowed: at least one label the selector matches, e.g. release: ` +
                "kube-prometheus-stack",
        ],
    },
    {
        title: "an alert ratio above 1, a negative latency and a runbook URL with a fragment",
        stack: "testnet",
        mutate: (raw) =>
            Object.assign(raw.monitoring, {
                alerts: { apiErrorRatio: 5, apiLatencySeconds: -1 },
                runbookUrl: "https://git.example.org/platform/messaging-infra/docs/runbook.md#top",
            }),
        expected: [
            `${P}monitoring.runbookUrl: got "https://git.example.org/platform/messaging-infra/docs/runbook.md#top"; ` +
                "allowed: an http(s) URL of docs/runbook.md as your git host serves it (no #fragment), or docs/runbook.md",
            `${P}monitoring.alerts.apiErrorRatio: got 5; allowed: a ratio greater than 0 and less than 1, e.g. 0.05`,
            `${P}monitoring.alerts.apiLatencySeconds: got -1; allowed: a positive number of seconds, e.g. 1`,
        ],
    },
];

describe("stack config", () => {
    for (const stack of ["devnet", "testnet", "mainnet"]) {
        it(`accepts the committed Pulumi.${stack}.yaml`, () => {
            const config = parseStackConfig(rawStackConfig(stack), stack, allSecrets(rawStackConfig(stack)));
            assert.equal(config.network, stack);
        });
    }

    it("fills DESIGN.md's network table from the stack files", () => {
        const table = ["devnet", "testnet", "mainnet"].map((stack) => {
            const c = parseStackConfig(rawStackConfig(stack), stack, allSecrets(rawStackConfig(stack)));
            return {
                stack,
                relay: [c.services.relay.replicas, c.services.relay.autoscaling?.maxReplicas],
                kms: c.services.kmsService.replicas,
                api: [
                    c.services.messagingApi.autoscaling?.minReplicas,
                    c.services.messagingApi.autoscaling?.maxReplicas,
                ],
                volume: c.services.objectStore.volumeSize,
                backups: [c.backups.schedule, c.backups.retentionDays, c.backups.noncurrentRetentionDays],
                chain: c.chain.mode,
                windows: [c.aws.kmsDeletionWindowDays, c.aws.secretRecoveryWindowDays],
                protect: c.protectStatefulResources,
            };
        });
        assert.deepEqual(table, [
            {
                stack: "devnet",
                relay: [1, undefined],
                kms: 1,
                api: [undefined, undefined],
                volume: "10Gi",
                backups: ["30 */6 * * *", 7, 7],
                chain: "in-cluster",
                windows: [7, 7],
                protect: false,
            },
            {
                stack: "testnet",
                relay: [3, 5],
                kms: 2,
                api: [3, 5],
                volume: "10Gi",
                backups: ["15 */6 * * *", 7, 7],
                chain: "external",
                windows: [30, 30],
                protect: true,
            },
            {
                stack: "mainnet",
                relay: [3, 10],
                kms: 2,
                api: [3, 10],
                volume: "50Gi",
                backups: ["0 */6 * * *", 7, 30],
                chain: "external",
                windows: [30, 30],
                protect: true,
            },
        ]);
    });

    it("fills defaults for ports and probes", () => {
        const config = parseStackConfig(rawStackConfig("devnet"), "devnet", allSecrets(rawStackConfig("devnet")));
        assert.deepEqual(config.services.relay.ports, { http: 3200, ws: 3201, metrics: 9102 });
        assert.deepEqual(config.services.kmsService.ports, { http: 3300, metrics: 9103 });
        assert.deepEqual(config.services.messagingApi.ports, { http: 3000, metrics: 9090 });
        assert.deepEqual(config.services.relay.probes, { health: "/health", ready: "/ready" });
        assert.deepEqual(config.aws.apiCidrs, ["0.0.0.0/0"]);
    });

    it("fills the monitoring defaults kube-prometheus-stack selects by", () => {
        const config = parseStackConfig(rawStackConfig("testnet"), "testnet", allSecrets(rawStackConfig("testnet")));
        assert.deepEqual(config.monitoring, {
            enabled: true,
            namespace: "monitoring",
            namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
            scrapeInterval: "30s",
            scrapeTimeout: "10s",
            serviceMonitorSelector: { release: "kube-prometheus-stack" },
            ruleSelector: { release: "kube-prometheus-stack" },
            grafanaDashboardLabel: { name: "grafana_dashboard", value: "1" },
            runbookUrl: "docs/runbook.md",
            alerts: {
                messageLatencySeconds: 5,
                apiErrorRatio: 0.05,
                apiLatencySeconds: 1,
                relayConnectionsRatio: 0.9,
                relayRateLimitedPerSecond: 1,
                relayRejectedPerSecond: 1,
                keyGenerationLatencySeconds: 1,
                volumeUsageRatio: 0.85,
            },
        });
    });

    it("keeps mainnet's floors at relay 3, kms-service 2", () => {
        assert.deepEqual(NETWORK_FLOORS.mainnet.minReplicas, { relay: 3, kmsService: 2, messagingApi: 3 });
    });

    describe("rejects bad config with the exact problem list", () => {
        for (const testCase of BAD_CONFIGS) {
            it(`${testCase.stack}: ${testCase.title}`, () => {
                const raw = rawStackConfig(testCase.stack);
                testCase.mutate(raw);
                assert.deepEqual(problemLines(testCase.stack, raw, testCase.secrets), testCase.expected);
            });
        }
        it(`has at least 20 cases (${BAD_CONFIGS.length})`, () => assert.ok(BAD_CONFIGS.length >= 20));
    });

    it("lists every problem at once, schema and cross-field alike", () => {
        const raw: Raw = rawStackConfig("mainnet");
        raw.services.relay.replicas = 1;
        raw.backups.schedule = "every six hours";
        raw.cluster.oidcIssuerUrl = "https://oidc.eks.us-east-1.amazonaws.com/id/OTHER";
        raw.externalStores.kafka.brokers = ["kafka-1.devnet.example.org:9092"];
        const lines = problemLines("mainnet", raw, {});
        assert.deepEqual(
            lines.map((line) => line.split(": got")[0]),
            [
                `${P}services.relay.replicas`,
                `${P}backups.schedule`,
                `${P}cluster.oidcIssuerUrl`,
                `${P}externalStores.kafka.brokers[0]`,
                `${P}covenantSqlCredentials`,
                `${P}jwtPublicKey`,
                `${P}redisPassword`,
            ],
        );
    });

    it("fails the real program before any resource registers", async () => {
        let failure: unknown;
        try {
            await runStack("mainnet", {
                configOverrides: {
                    "messaging-infra:backups": JSON.stringify({
                        schedule: "@often",
                        image: "registry.example.org/mirror/backup-tools:2.1.0",
                        retentionDays: 0,
                        noncurrentRetentionDays: 30,
                    }),
                },
            });
        } catch (error) {
            failure = error;
        }
        assert.ok(failure instanceof ArgumentsError);
        assert.equal(
            failure.message,
            [
                "Invalid stack config: 2 problems. Edit Pulumi.mainnet.yaml:",
                `${P}backups.schedule: got "@often"; allowed: a five-field cron expression (minute hour ` +
                    `day-of-month month day-of-week, e.g. "0 */6 * * *") or a macro such as @daily`,
                `${P}backups.retentionDays: got 0; allowed: an integer from 1 to 3650 (days)`,
            ].join("\n"),
        );
        assert.equal(registeredBeforeFailure(failure), 0);
    });

    it("rejects missing operator secrets in the real program", async () => {
        await assert.rejects(runStack("devnet", { operatorSecretPlaceholders: false }), (error: unknown) => {
            assert.ok(error instanceof ArgumentsError);
            assert.deepEqual(
                error.problems.map((p) => p.path),
                [
                    "messaging-infra:covenantSqlCredentials",
                    "messaging-infra:jwtPublicKey",
                    "messaging-infra:postgresPassword",
                    "messaging-infra:redisPassword",
                ],
            );
            return true;
        });
    });

    it("rejects operator secrets set in plain text in the real program", async () => {
        const { stackRunConfig } = await import("../../../harness/stack");
        const { config } = stackRunConfig("devnet");
        const { runInMockEngine } = await import("../../../harness/mockEngine");
        await assert.rejects(
            runInMockEngine(program, { project: "messaging-infra", stack: "devnet", config, secretKeys: [] }),
            (error: unknown) =>
                error instanceof ArgumentsError &&
                error.problems.every((p) => p.given === "[a plain, unencrypted value]") &&
                error.problems.length === 4,
        );
    });
});
