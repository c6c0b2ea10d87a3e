/**
 * A small mainnet stack that every policy of the pack accepts, built fresh on each call. Specs
 * take one resource (or the whole list) as their passing input and mutate one property per
 * failing case. References are the values the cloud would give (a role's ARN, a bucket's name),
 * in the shapes the mock-engine harness computes them; only what the cloud would invent is
 * labelled mock (a key id, a secret ARN's random suffix, generated secret values).
 */
import { OfflineResource } from "../offline";
import { Container, PodSpec } from "../rules/pods";
import { res, urnOf } from "./support";

export const NS = "messaging-mainnet";
export const ACCOUNT = "777788889999";
export const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE9F8E7D6C5B4A39281706F5E4D";
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/mock-key-id-of-network-key`;
export const BUCKET_NAME = "messaging-infra-mainnet-backups";

/** The explicit Kubernetes provider every Kubernetes resource uses; it sets the namespace. */
export const PROVIDER_URN = urnOf("pulumi:providers:kubernetes", "mainnet-kubernetes");
/** How the harness records a provider reference: `<provider urn>::<id>`. */
export const PROVIDER_REF = `${PROVIDER_URN}::mock-id-of-mainnet-kubernetes`;

const k8s = { provider: PROVIDER_REF };

/** The labels that select a service's pods. */
export function selector(service: string): Record<string, string> {
    return { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": "mainnet" };
}

/** A container that satisfies every container rule. */
export function secureContainer(name: string, port: number): Container {
    return {
        name,
        image: `registry.example.org/messaging/${name}:1.8.2`,
        ports: [{ containerPort: port, name: "http" }],
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        },
        readinessProbe: { httpGet: { path: "/ready", port } },
        livenessProbe: { httpGet: { path: "/health", port } },
        env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: `${name}-db`, key: "password" } } },
            { name: "DATABASE_URL", value: "postgres://relay:$(DB_PASSWORD)@postgres.mainnet.example.org:5432/relay" },
        ],
    };
}

/** A pod spec that satisfies every pod rule. */
export function securePodSpec(name: string, port = 3200): PodSpec {
    return {
        serviceAccountName: name,
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [secureContainer(name, port)],
    };
}

export function provider(): OfflineResource {
    return res("pulumi:providers:kubernetes", "mainnet-kubernetes", { namespace: NS, enableServerSideApply: "true" });
}

export function namespace(): OfflineResource {
    const labels: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
        labels[`pod-security.kubernetes.io/${mode}`] = "restricted";
        labels[`pod-security.kubernetes.io/${mode}-version`] = "v1.35";
    }
    return res("kubernetes:core/v1:Namespace", "messaging-mainnet", { metadata: { name: NS, labels } }, k8s);
}

export function defaultDeny(): OfflineResource {
    return res(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "default-deny",
        {
            metadata: { name: "default-deny", namespace: NS },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        k8s,
    );
}

/** The relay Deployment: 3 replicas, namespace from the provider. */
export function deployment(): OfflineResource {
    return res(
        "kubernetes:apps/v1:Deployment",
        "relay",
        {
            metadata: { name: "relay", labels: selector("relay") },
            spec: {
                replicas: 3,
                selector: { matchLabels: selector("relay") },
                template: { metadata: { labels: selector("relay") }, spec: securePodSpec("relay") },
            },
        },
        k8s,
    );
}

/** The pod spec of a pod-bearing fixture such as the relay Deployment (mutable, for failing cases). */
export function pod(d: OfflineResource): PodSpec {
    return d.props.spec.template.spec as PodSpec;
}

/** The pod spec's path in a Deployment, its first container's, and how messages name the relay container. */
export const S = "spec.template.spec";
export const C0 = `${S}.containers[0]`;
export const RELAY = ' (container "relay")';

export function hpa(): OfflineResource {
    return res(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "relay-hpa",
        {
            metadata: { name: "relay", namespace: NS },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "relay" },
                minReplicas: 3,
                maxReplicas: 10,
            },
        },
        k8s,
    );
}

export function pdb(service = "relay"): OfflineResource {
    return res(
        "kubernetes:policy/v1:PodDisruptionBudget",
        `${service}-pdb`,
        {
            metadata: { name: service, namespace: NS },
            spec: { maxUnavailable: 1, selector: { matchLabels: selector(service) } },
        },
        k8s,
    );
}

/** The object store: a StatefulSet (2 replicas) with a volume claim template, protected. */
export function statefulSet(): OfflineResource {
    return res(
        "kubernetes:apps/v1:StatefulSet",
        "object-store",
        {
            metadata: { name: "object-store", namespace: NS },
            spec: {
                replicas: 2,
                serviceName: "object-store",
                selector: { matchLabels: selector("object-store") },
                template: { metadata: { labels: selector("object-store") }, spec: securePodSpec("object-store", 9000) },
                volumeClaimTemplates: [
                    {
                        metadata: { name: "data" },
                        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
                    },
                ],
            },
        },
        { ...k8s, protect: true },
    );
}

/** The object store's six-hourly backup. */
export function cronJob(): OfflineResource {
    const spec = securePodSpec("object-store-backup", 8080);
    spec.restartPolicy = "OnFailure";
    return res(
        "kubernetes:batch/v1:CronJob",
        "object-store-backup",
        {
            metadata: {
                name: "object-store-backup",
                namespace: NS,
                labels: { "messaging-infra/backup-of": "object-store" },
            },
            spec: {
                schedule: "0 */6 * * *",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 300,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: { spec: { activeDeadlineSeconds: 3600, backoffLimit: 2, template: { spec } } },
            },
        },
        k8s,
    );
}

export function irsaServiceAccount(): OfflineResource {
    return res(
        "kubernetes:core/v1:ServiceAccount",
        "relay-sa",
        {
            metadata: {
                name: "relay",
                namespace: NS,
                annotations: {
                    "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/messaging-infra-mainnet-relay`,
                },
            },
        },
        k8s,
    );
}

export function plainServiceAccount(name: string): OfflineResource {
    return res(
        "kubernetes:core/v1:ServiceAccount",
        `${name}-sa`,
        { metadata: { name, namespace: NS }, automountServiceAccountToken: false },
        k8s,
    );
}

export function service(): OfflineResource {
    return res(
        "kubernetes:core/v1:Service",
        "relay-svc",
        {
            metadata: { name: "relay", namespace: NS },
            spec: { selector: selector("relay"), ports: [{ name: "http", port: 3200, targetPort: 3200 }] },
        },
        k8s,
    );
}

export function ingress(): OfflineResource {
    return res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "relay-ingress",
        {
            metadata: { name: "relay", namespace: NS },
            spec: {
                ingressClassName: "nginx",
                tls: [
                    { hosts: ["relay.messaging.example.org", "*.ws.messaging.example.org"], secretName: "relay-tls" },
                ],
                rules: [
                    {
                        host: "relay.messaging.example.org",
                        http: {
                            paths: [
                                {
                                    path: "/",
                                    pathType: "Prefix",
                                    backend: { service: { name: "relay", port: { number: 3200 } } },
                                },
                            ],
                        },
                    },
                    {
                        host: "eu.ws.messaging.example.org",
                        http: {
                            paths: [
                                {
                                    path: "/",
                                    pathType: "Prefix",
                                    backend: { service: { name: "relay", port: { number: 3201 } } },
                                },
                            ],
                        },
                    },
                ],
            },
        },
        k8s,
    );
}

export function configMap(): OfflineResource {
    return res(
        "kubernetes:core/v1:ConfigMap",
        "relay-config",
        {
            metadata: { name: "relay-config", namespace: NS },
            data: {
                LOG_LEVEL: "info",
                KMS_KEY_ID: KEY_ARN,
                JWT_PUBLIC_KEY:
                    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
                GENESIS_HASH: "0x" + "ab".repeat(32),
                "relay.yaml":
                    "maxConnections: 1000\npasswordFile: /var/run/secrets/relay/password\ntoken: ${RELAY_TOKEN}\n",
            },
        },
        k8s,
    );
}

export function k8sSecret(): OfflineResource {
    return res(
        "kubernetes:core/v1:Secret",
        "relay-db",
        {
            metadata: { name: "relay-db", namespace: NS },
            stringData: { password: "mock-random-password-of-relay-db" },
        },
        { ...k8s, additionalSecretOutputs: ["data", "stringData"] },
        { secretPaths: ["stringData"] },
    );
}

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

/** The whole compliant stack. */
export function compliantStack(): OfflineResource[] {
    return [
        provider(),
        namespace(),
        defaultDeny(),
        irsaServiceAccount(),
        plainServiceAccount("object-store"),
        plainServiceAccount("object-store-backup"),
        deployment(),
        hpa(),
        pdb(),
        statefulSet(),
        pdb("object-store"),
        cronJob(),
        service(),
        ingress(),
        configMap(),
        k8sSecret(),
        role(),
        rolePolicy(),
        kmsKey(),
        secret(),
        bucket(),
        publicAccessBlock(),
        sse(),
        versioning(),
        bucketPolicy(),
    ];
}
