/**
 * The compliant stack's AWS side: the relay's IRSA role and its bucket grant, a GitHub Actions
 * deploy role and its grant, the network key, a Secrets Manager secret and its rotation, and the
 * backup bucket with its four companions.
 */
import { OfflineResource } from "../../offline";
import { res } from "../support";
import {
    ACCOUNT,
    BUCKET_NAME,
    GITHUB_PROVIDER_ARN,
    GITHUB_REPO,
    ISSUER,
    KEY_ARN,
    NS,
    OIDC_PROVIDER_ARN,
} from "./facts";

/** A trust policy pinned to one service account. */
export function trustPolicy(subject = `system:serviceaccount:${NS}:relay`): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: OIDC_PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { [`${ISSUER}:sub`]: subject, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
            },
        ],
    });
}

/** A permission document scoped to named ARNs, with read-only metadata actions on "*". */
export function scopedPolicy(): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadOwnSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:messaging-infra-mainnet-relay-operator-keys-mockid`,
            },
            { Sid: "UseNetworkKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY_ARN] },
            { Sid: "Discover", Effect: "Allow", Action: ["ec2:DescribeRegions", "kms:ListAliases"], Resource: "*" },
        ],
    });
}

export function role(): OfflineResource {
    return res("aws:iam/role:Role", "relay-irsa", {
        name: "messaging-infra-mainnet-relay",
        assumeRolePolicy: trustPolicy(),
        inlinePolicies: [{ name: "relay", policy: scopedPolicy() }],
    });
}

export function rolePolicy(): OfflineResource {
    return res("aws:iam/rolePolicy:RolePolicy", "relay-bucket", {
        role: "messaging-infra-mainnet-relay",
        policy: JSON.stringify({
            Statement: {
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject"],
                Resource: `arn:aws:s3:::${BUCKET_NAME}/relay/*`,
            },
        }),
    });
}

/** A GitHub Actions trust pinned to the repository's mainnet environment. */
export function githubTrustPolicy(subject = `repo:${GITHUB_REPO}:environment:mainnet`): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: GITHUB_PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": subject,
                    },
                },
            },
        ],
    });
}

/** The role the deploy workflow assumes (users add such roles; the program itself creates none). */
export function githubDeployRole(): OfflineResource {
    return res("aws:iam/role:Role", "github-deploy", {
        name: "messaging-infra-mainnet-github-deploy",
        assumeRolePolicy: githubTrustPolicy(),
    });
}

/** The deploy role's write access: the Pulumi state objects of this network. */
export function githubDeployRolePolicy(): OfflineResource {
    return res("aws:iam/rolePolicy:RolePolicy", "github-deploy-state", {
        role: "messaging-infra-mainnet-github-deploy",
        policy: JSON.stringify({
            Statement: {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject"],
                Resource: "arn:aws:s3:::messaging-infra-pulumi-state/mainnet/*",
            },
        }),
    });
}

export function kmsKey(): OfflineResource {
    return res(
        "aws:kms/key:Key",
        "network-key",
        {
            description: "messaging-infra mainnet",
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AccountAdmin",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                ],
            }),
        },
        { protect: true },
    );
}

export function secret(): OfflineResource {
    return res(
        "aws:secretsmanager/secret:Secret",
        "relay-operator-keys",
        {
            name: "messaging-infra-mainnet-relay-operator-keys",
            kmsKeyId: KEY_ARN,
            recoveryWindowInDays: 30,
        },
        { protect: true },
    );
}

/** The operator keys' rotation: monthly, on the first Sunday, in a three-hour window from 04:00 UTC. */
export function secretRotation(): OfflineResource {
    return res("aws:secretsmanager/secretRotation:SecretRotation", "relay-operator-keys-rotation", {
        secretId: "messaging-infra-mainnet-relay-operator-keys",
        rotationLambdaArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:messaging-infra-mainnet-rotate-operator-keys`,
        rotationRules: { scheduleExpression: "cron(0 4 ? * SUN#1 *)", duration: "3h" },
    });
}

export function bucket(): OfflineResource {
    return res("aws:s3/bucket:Bucket", "backups", { bucket: BUCKET_NAME, forceDestroy: false }, { protect: true });
}

export function publicAccessBlock(): OfflineResource {
    return res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backups-pab", {
        bucket: BUCKET_NAME,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    });
}

export function sse(): OfflineResource {
    return res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "backups-sse",
        {
            bucket: BUCKET_NAME,
            rules: [
                {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
                    bucketKeyEnabled: true,
                },
            ],
        },
    );
}

export function versioning(): OfflineResource {
    return res("aws:s3/bucketVersioning:BucketVersioning", "backups-versioning", {
        bucket: BUCKET_NAME,
        versioningConfiguration: { status: "Enabled" },
    });
}

/** The TLS-only bucket policy document. */
export function tlsPolicy(): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${BUCKET_NAME}`, `arn:aws:s3:::${BUCKET_NAME}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

export function bucketPolicy(): OfflineResource {
    return res("aws:s3/bucketPolicy:BucketPolicy", "backups-policy", {
        bucket: BUCKET_NAME,
        policy: JSON.stringify(tlsPolicy()),
    });
}
