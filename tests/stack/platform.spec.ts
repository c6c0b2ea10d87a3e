/**
 * The platform as wired for each network: what it creates on the cloud side, how the pieces are
 * connected, and that every role may do exactly what its service does, proven with an IAM
 * policy simulator rather than by reading JSON.
 */
import * as assert from "node:assert/strict";
import { backupBucketPolicy } from "../../components/aws/backupBucket";
import { encryptionKeyPolicy } from "../../components/aws/encryptionKey";
import { renderPermissionsPolicy, ResolvedGrant } from "../../components/aws/irsaRole";
import { PlatformArns, SecretPurpose, serviceGrants } from "../../components/platform";
import { MockRun, RecordedResource } from "../../harness/mockEngine";
import { runStack, StackOutputs } from "../../harness/stack";
import { ACCOUNT, simulate } from "../support/iamSimulator";
import { committedStackRun } from "../support/stackRuns";

const PURPOSES: SecretPurpose[] = [
    "relay-operator-keys",
    "kms-master-key",
    "covenantsql-credentials",
    "postgres-password",
    "redis-password",
    "object-store-root-user",
    "object-store-root-password",
    "secretbox-key",
    "jwt-public-key",
];

const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/ffffffff-12ab-34cd-56ef-1234567890ab`;
const BUCKET = "arn:aws:s3:::messaging-infra-testnet-backups-123456789012";
const OTHER_BUCKET = "arn:aws:s3:::messaging-infra-testnet-uploads-123456789012";
const secretArn = (purpose: string) =>
    `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/testnet/${purpose}-AbCdEf`;
const ARNS: PlatformArns<string> = {
    keyArn: KEY,
    bucketArn: BUCKET,
    secretArns: Object.fromEntries(PURPOSES.map((p) => [p, secretArn(p)])) as Record<SecretPurpose, string>,
    existingSecretArns: {},
};

type Role = keyof ReturnType<typeof serviceGrants>;

/** The secrets each stack keeps: mainnet's Postgres password lives in the secret RDS manages. */
const purposesOf = (stack: string): SecretPurpose[] => [
    ...PURPOSES.filter((p) => !(stack === "mainnet" && p === "postgres-password")),
    ...(stack === "devnet" ? CHAIN_PURPOSES : []),
];
/** devnet's chain keeps its generated keys like every other credential; no other network has them. */
const CHAIN_PURPOSES: SecretPurpose[] = [
    "sequencer-p2p-key",
    "maru-p2p-key",
    "ethstats-password",
    "tx-sender-private-key",
    "tx-sender-to-address",
];
/** devnet's chain export and restore check, each with its own IRSA role. */
const chainJobs = (stack: string) => (stack === "devnet" ? ["chain-backup", "chain-restore"] : []);

const DOMAINS: Record<string, string> = {
    devnet: "devnet.messaging.example.org",
    testnet: "testnet.messaging.example.org",
    mainnet: "messaging.example.org",
};

/** Every request any role might make: each secret, each key operation, each object action. */
function allRequests(): { action: string; resource: string; context?: Record<string, string> }[] {
    const requests: { action: string; resource: string; context?: Record<string, string> }[] = [];
    for (const p of PURPOSES)
        requests.push(
            { action: "secretsmanager:GetSecretValue", resource: secretArn(p) },
            { action: "secretsmanager:PutSecretValue", resource: secretArn(p) },
        );
    for (const key of [KEY, OTHER_KEY]) {
        for (const action of [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "kms:DescribeKey",
            "kms:Sign",
            "kms:ScheduleKeyDeletion",
        ]) {
            requests.push({ action, resource: key });
            requests.push({
                action,
                resource: key,
                context: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
            });
            requests.push({ action, resource: key, context: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
        }
    }
    const keys = [
        "object-store/20261126T000000Z/voice-messages/a.ogg",
        "postgres/20261126T000000Z.dump",
        "other/x",
        "postgresX/y",
        "chain/20261126T000000Z/blocks.hex.gz",
    ];
    for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) {
        for (const key of keys) requests.push({ action, resource: `${BUCKET}/${key}` });
        requests.push({ action, resource: `${OTHER_BUCKET}/postgres/20261126T000000Z.dump` });
    }
    // A put that asks for S3-managed keys instead of the network key: the bucket policy refuses it.
    for (const key of keys.slice(0, 2)) {
        requests.push({
            action: "s3:PutObject",
            resource: `${BUCKET}/${key}`,
            context: { "s3:x-amz-server-side-encryption": "AES256" },
        });
    }
    for (const prefix of ["object-store/", "postgres/", "chain/", "other/"]) {
        requests.push({ action: "s3:ListBucket", resource: BUCKET, context: { "s3:prefix": prefix } });
    }
    return requests;
}

const describe_ = (r: { action: string; resource: string; context?: Record<string, string> }) => {
    const resource = r.resource
        .replace(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra/testnet/`, "secret:")
        .replace(KEY, "key")
        .replace(OTHER_KEY, "other-key")
        .replace(OTHER_BUCKET, "other-bucket")
        .replace(BUCKET, "bucket");
    const via = r.context?.["kms:ViaService"] ? ` via ${r.context["kms:ViaService"].split(".")[0]}` : "";
    const sse = r.context?.["s3:x-amz-server-side-encryption"]
        ? ` with ${r.context["s3:x-amz-server-side-encryption"]}`
        : "";
    const prefix = r.context?.["s3:prefix"] ? ` prefix ${r.context["s3:prefix"]}` : "";
    return `${r.action} ${resource}${via}${sse}${prefix}`;
};

async function allowedRequests(role: Role): Promise<string[]> {
    const policy = renderPermissionsPolicy(serviceGrants(ARNS)[role] as ResolvedGrant[]);
    const allowed: string[] = [];
    // KMS and S3 also consult the resource's own policy: the network key's and the bucket's.
    const keyPolicy = encryptionKeyPolicy(ACCOUNT);
    const bucketPolicy = backupBucketPolicy(BUCKET, KEY);
    for (const request of allRequests()) {
        const resourcePolicy = request.action.startsWith("kms:")
            ? keyPolicy
            : request.action.startsWith("s3:")
              ? bucketPolicy
              : undefined;
        const context = request.action.startsWith("s3:")
            ? { ...request.context, "aws:SecureTransport": "true" }
            : request.context;
        if ((await simulate(policy, { ...request, context }, resourcePolicy)) === "Allowed")
            allowed.push(describe_(request));
    }
    return allowed.sort();
}

describe("platform wiring", () => {
    describe("each role may do exactly what its service does", () => {
        const expected: Record<Role, string[]> = {
            relay: [
                "kms:Decrypt key via secretsmanager",
                "secretsmanager:GetSecretValue secret:covenantsql-credentials-AbCdEf",
                "secretsmanager:GetSecretValue secret:relay-operator-keys-AbCdEf",
            ],
            "kms-service": [
                "kms:Decrypt key",
                "kms:Decrypt key via s3",
                "kms:Decrypt key via secretsmanager",
                "kms:DescribeKey key",
                "kms:DescribeKey key via s3",
                "kms:DescribeKey key via secretsmanager",
                "kms:Encrypt key",
                "kms:Encrypt key via s3",
                "kms:Encrypt key via secretsmanager",
                "kms:GenerateDataKey key",
                "kms:GenerateDataKey key via s3",
                "kms:GenerateDataKey key via secretsmanager",
                "secretsmanager:GetSecretValue secret:kms-master-key-AbCdEf",
            ],
            "messaging-api": [
                "kms:Decrypt key via secretsmanager",
                "secretsmanager:GetSecretValue secret:jwt-public-key-AbCdEf",
                "secretsmanager:GetSecretValue secret:object-store-root-password-AbCdEf",
                "secretsmanager:GetSecretValue secret:object-store-root-user-AbCdEf",
                "secretsmanager:GetSecretValue secret:postgres-password-AbCdEf",
                "secretsmanager:GetSecretValue secret:redis-password-AbCdEf",
                "secretsmanager:GetSecretValue secret:secretbox-key-AbCdEf",
            ],
            // Put under its own prefix, encrypted with the network key: no list, no read, no delete, no other prefix.
            "object-store-backup": [
                "kms:Decrypt key via s3",
                "kms:GenerateDataKey key via s3",
                "s3:PutObject bucket/object-store/20261126T000000Z/voice-messages/a.ogg",
            ],
            "postgres-backup": [
                "kms:Decrypt key via s3",
                "kms:GenerateDataKey key via s3",
                "s3:PutObject bucket/postgres/20261126T000000Z.dump",
            ],
            // List and read under its own prefix, decrypt through S3: no write, no delete, no other prefix.
            "object-store-restore": [
                "kms:Decrypt key via s3",
                "s3:GetObject bucket/object-store/20261126T000000Z/voice-messages/a.ogg",
                "s3:ListBucket bucket prefix object-store/",
            ],
            "postgres-restore": [
                "kms:Decrypt key via s3",
                "s3:GetObject bucket/postgres/20261126T000000Z.dump",
                "s3:ListBucket bucket prefix postgres/",
            ],
            // devnet's chain export: the same pattern under chain/ (tradeoff 7: IRSA, never a key).
            "chain-backup": [
                "kms:Decrypt key via s3",
                "kms:GenerateDataKey key via s3",
                "s3:PutObject bucket/chain/20261126T000000Z/blocks.hex.gz",
            ],
            "chain-restore": [
                "kms:Decrypt key via s3",
                "s3:GetObject bucket/chain/20261126T000000Z/blocks.hex.gz",
                "s3:ListBucket bucket prefix chain/",
            ],
        };
        for (const role of Object.keys(expected) as Role[]) {
            it(`${role}`, async () => assert.deepEqual(await allowedRequests(role), expected[role]));
        }
    });

    describe("per stack", () => {
        const runs = new Map<string, MockRun<StackOutputs>>();
        before(async () => {
            for (const stack of ["devnet", "testnet", "mainnet"]) runs.set(stack, await committedStackRun(stack));
        });
        const ofType = (stack: string, type: string): RecordedResource[] =>
            (runs.get(stack)?.resources ?? []).filter((r) => r.type === type);
        // The account each committed stack file pins its AWS provider to (all in us-east-1).
        const accountOf: Record<string, string> = {
            devnet: "111122223333",
            testnet: "444455556666",
            mainnet: "777788889999",
        };

        for (const stack of ["devnet", "testnet", "mainnet"]) {
            it(`${stack}: outputs name things, never reveal a secret value`, () => {
                const outputs = runs.get(stack)?.outputs ?? {};
                assert.deepEqual(Object.keys(outputs).sort(), [
                    "backupBucketName",
                    "endpoints",
                    "keyArn",
                    "namespace",
                    "network",
                    "roleArns",
                    "secretNames",
                ]);
                assert.deepEqual(
                    outputs.secretNames,
                    Object.fromEntries(purposesOf(stack).map((p) => [p, `messaging-infra/${stack}/${p}`])),
                );
                assert.deepEqual(Object.keys(outputs.roleArns as object), ["relay", "kms-service", "messaging-api"]);
                assert.deepEqual(outputs.endpoints, {
                    relay: `relay.${DOMAINS[stack]}`,
                    "messaging-api": `api.${DOMAINS[stack]}`,
                    ...(stack === "devnet" ? { ethstats: `ethstats.${DOMAINS[stack]}` } : {}),
                });
                assert.equal(outputs.backupBucketName, `messaging-infra-${stack}-backups-${accountOf[stack]}`);
                assert.doesNotMatch(JSON.stringify(outputs), /mock-random|offline-placeholder/);
            });

            it(`${stack}: one key, its secrets under it, one bucket, roles for the services and each backup job`, () => {
                assert.equal(ofType(stack, "aws:kms/key:Key").length, 1);
                const secrets = ofType(stack, "aws:secretsmanager/secret:Secret");
                assert.deepEqual(
                    secrets.map((s) => s.inputs.name).sort(),
                    purposesOf(stack)
                        .map((p) => `messaging-infra/${stack}/${p}`)
                        .sort(),
                );
                const keyArn = `arn:aws:kms:us-east-1:${accountOf[stack]}:key/mock-key-id-of-messaging-${stack}-key-key`;
                assert.ok(secrets.every((s) => s.inputs.kmsKeyId === keyArn));
                assert.deepEqual(
                    ofType(stack, "aws:iam/role:Role").map((r) => r.inputs.name),
                    [
                        `messaging-infra-${stack}-relay`,
                        `messaging-infra-${stack}-kms-service`,
                        `messaging-infra-${stack}-messaging-api`,
                        ...chainJobs(stack).map((job) => `messaging-infra-${stack}-${job}`),
                        `messaging-infra-${stack}-object-store-backup`,
                        `messaging-infra-${stack}-object-store-restore`,
                        `messaging-infra-${stack}-postgres-backup`,
                        `messaging-infra-${stack}-postgres-restore`,
                    ],
                );
                assert.equal(ofType(stack, "aws:s3/bucket:Bucket").length, 1);
            });

            it(`${stack}: every IRSA annotation names a role that trusts exactly that service account`, () => {
                const roles = new Map(
                    ofType(stack, "aws:iam/role:Role").map((r) => [
                        `arn:aws:iam::${accountOf[stack]}:role/${String(r.inputs.name)}`,
                        r,
                    ]),
                );
                const accounts = ofType(stack, "kubernetes:core/v1:ServiceAccount");
                const annotated = accounts.filter(
                    (sa) =>
                        (sa.inputs as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[
                            "eks.amazonaws.com/role-arn"
                        ],
                );
                assert.deepEqual(
                    annotated.map((sa) => (sa.inputs as { metadata: { name: string } }).metadata.name).sort(),
                    [
                        ...chainJobs(stack),
                        "kms-service",
                        "messaging-api",
                        "object-store-backup",
                        "object-store-restore",
                        "postgres-backup",
                        "postgres-restore",
                        "relay",
                    ],
                );
                for (const sa of annotated) {
                    const { name, namespace, annotations } = (
                        sa.inputs as {
                            metadata: { name: string; namespace: string; annotations: Record<string, string> };
                        }
                    ).metadata;
                    const role = roles.get(annotations["eks.amazonaws.com/role-arn"]);
                    assert.ok(role, `${name}: annotation names no role of the stack`);
                    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
                    const conditions = trust.Statement[0].Condition.StringEquals;
                    assert.deepEqual(Object.values(conditions).sort(), [
                        "sts.amazonaws.com",
                        `system:serviceaccount:${namespace}:${name}`,
                    ]);
                    assert.equal(
                        (sa.inputs as { automountServiceAccountToken: boolean }).automountServiceAccountToken,
                        true,
                    );
                }
                const others = accounts.filter((sa) => !annotated.includes(sa));
                assert.ok(
                    others.every(
                        (sa) =>
                            (sa.inputs as { automountServiceAccountToken: boolean }).automountServiceAccountToken ===
                            false,
                    ),
                );
            });

            it(`${stack}: stateful resources are protected exactly where the network says`, () => {
                const stateful = [
                    "aws:kms/key:Key",
                    "aws:secretsmanager/secret:Secret",
                    "aws:s3/bucket:Bucket",
                    // The StatefulSets own the relay's, the object store's and devnet's chain nodes' volume claims.
                    "kubernetes:apps/v1:StatefulSet",
                ].flatMap((type) => ofType(stack, type));
                assert.equal(stateful.length, 1 + purposesOf(stack).length + 1 + 2 + (stack === "devnet" ? 3 : 0));
                assert.ok(stateful.every((r) => r.options.protect === (stack !== "devnet")));
            });

            it(`${stack}: KMS deletion and secret recovery windows follow the network`, () => {
                const days = stack === "devnet" ? 7 : 30;
                assert.equal(ofType(stack, "aws:kms/key:Key")[0].inputs.deletionWindowInDays, days);
                assert.ok(
                    ofType(stack, "aws:secretsmanager/secret:Secret").every(
                        (s) => s.inputs.recoveryWindowInDays === days,
                    ),
                );
            });
        }
    });
});

describe("a cluster given by StackReference", () => {
    const reference = "acme/eks-cluster/devnet";
    const clusterOutputs = {
        clusterName: "messaging-devnet",
        oidcProviderArn:
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        oidcIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        kubeconfig: "apiVersion: v1\nkind: Config\n",
    };
    const overrides = { "messaging-infra:cluster": JSON.stringify({ stackReference: reference }) };

    it("takes the OIDC provider for IRSA trust and the kubeconfig from the cluster stack's outputs", async () => {
        const { resources } = await runStack("devnet", {
            configOverrides: overrides,
            stackReferences: { [reference]: clusterOutputs },
        });
        const [ref] = resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
        assert.equal(ref.inputs.name, reference);
        const [provider] = resources.filter((r) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, clusterOutputs.kubeconfig);
        assert.ok(provider.secretPaths.includes("kubeconfig"), "the kubeconfig stays a secret");
        const trust = JSON.parse(
            resources.find((r) => r.name === "messaging-devnet-relay-role-role")?.inputs.assumeRolePolicy as string,
        );
        assert.equal(trust.Statement[0].Principal.Federated, clusterOutputs.oidcProviderArn);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":
                "system:serviceaccount:messaging-devnet:relay",
            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
        });
    });

    it("rejects a reference that names another network", async () => {
        await assert.rejects(
            runStack("devnet", {
                configOverrides: {
                    "messaging-infra:cluster": JSON.stringify({ stackReference: "acme/eks-cluster/mainnet" }),
                },
            }),
            /messaging-infra:cluster\.stackReference: got "acme\/eks-cluster\/mainnet"; allowed: a value of the devnet network/,
        );
    });
});
