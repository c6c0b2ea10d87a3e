/**
 * Benchmark of the CrossGuard pack: builds a realistic synthetic stack (per service a Deployment,
 * Service, IRSA ServiceAccount, IAM role and inline policy, ConfigMap, Secret, PDB, HPA and a
 * Secrets Manager secret; every fifth service a StatefulSet with its backup CronJob; per namespace
 * a Namespace, default-deny NetworkPolicy and Ingress; per 50 services a KMS key and an S3 bucket
 * with its four companions), with a few deliberate violations, and evaluates every resource and
 * stack policy over it with the offline runner under mainnet's config.
 *
 *     npx ts-node --transpile-only scripts/benchPolicies.ts [resourceCount]
 */
import { evaluatePolicies, OfflineResource } from "../policies/offline";

const PROJECT = "messaging-infra";
const STACK = "mainnet";
const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE9F8E7D6C5B4A39281706F5E4D";
const ACCOUNT = "777788889999";
const REGION = "us-east-1";

function resource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    options: OfflineResource["options"] = {},
): OfflineResource {
    return { type, name, urn: `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`, props, options };
}

/** The ARN of the i-th KMS key, as the mock engine computes it (its key id is a labelled stand-in). */
function keyArnOf(i: number): string {
    return `arn:aws:kms:${REGION}:${ACCOUNT}:key/mock-key-id-of-key-${i}`;
}

function podSpec(name: string, image: string, port: number, labels: Record<string, string>): Record<string, unknown> {
    return {
        serviceAccountName: name,
        topologySpreadConstraints: [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: { matchLabels: labels },
            },
        ],
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name,
                image,
                imagePullPolicy: "Always",
                ports: [{ containerPort: port }],
                resources: {
                    requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "64Mi" },
                    limits: { cpu: "1", memory: "512Mi", "ephemeral-storage": "256Mi" },
                },
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
                ],
            },
        ],
    };
}

/** A synthetic stack of exactly `count` resources. */
export function syntheticStack(count: number): OfflineResource[] {
    const out: OfflineResource[] = [];
    const k8s = (ns: string) => ({
        provider: `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:kubernetes::${ns}-k8s::mock-id-of-${ns}-k8s`,
    });
    for (let i = 0; out.length < count; i++) {
        const ns = `messaging-${STACK}-${Math.floor(i / 20)}`;
        const svc = `svc-${i}`;
        const roleName = `${PROJECT}-${STACK}-${svc}`;
        const secretName = `${PROJECT}/${STACK}/${svc}`;
        const labels = { "app.kubernetes.io/name": svc, "app.kubernetes.io/instance": STACK };
        if (i % 20 === 0) {
            const psa = Object.fromEntries(
                ["enforce", "audit", "warn"].map((m) => [`pod-security.kubernetes.io/${m}`, "restricted"]),
            );
            out.push(resource("pulumi:providers:kubernetes", `${ns}-k8s`, { namespace: ns }));
            out.push(resource("kubernetes:core/v1:Namespace", ns, { metadata: { name: ns, labels: psa } }, k8s(ns)));
            out.push(
                resource(
                    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                    `${ns}-deny`,
                    {
                        metadata: { name: "default-deny", namespace: ns },
                        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
                    },
                    k8s(ns),
                ),
            );
            out.push(
                resource(
                    "kubernetes:networking.k8s.io/v1:Ingress",
                    `${ns}-ingress`,
                    {
                        metadata: { name: "edge", namespace: ns },
                        spec: {
                            tls: [{ hosts: [`*.${ns}.example.org`], secretName: "edge-tls" }],
                            rules: [{ host: `api.${ns}.example.org` }],
                        },
                    },
                    k8s(ns),
                ),
            );
        }
        if (i % 50 === 0) {
            const bucket = `backups-${i}`;
            const bucketName = `${PROJECT}-${STACK}-${bucket}`;
            const keyArn = keyArnOf(i);
            out.push(
                resource(
                    "aws:kms/key:Key",
                    `key-${i}`,
                    {
                        enableKeyRotation: true,
                        deletionWindowInDays: 30,
                        policy: JSON.stringify({
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                                    Action: "kms:*",
                                    Resource: "*",
                                },
                            ],
                        }),
                    },
                    { protect: true },
                ),
            );
            out.push(resource("aws:s3/bucket:Bucket", bucket, { bucket: bucketName }, { protect: true }));
            out.push(
                resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${bucket}-pab`, {
                    bucket: bucketName,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                }),
            );
            out.push(
                resource(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    `${bucket}-sse`,
                    {
                        bucket: bucketName,
                        rules: [
                            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn } },
                        ],
                    },
                ),
            );
            out.push(
                resource("aws:s3/bucketVersioning:BucketVersioning", `${bucket}-versioning`, {
                    bucket: bucketName,
                    versioningConfiguration: { status: "Enabled" },
                }),
            );
            out.push(
                resource("aws:s3/bucketPolicy:BucketPolicy", `${bucket}-policy`, {
                    bucket: bucketName,
                    policy: JSON.stringify({
                        Statement: [
                            {
                                Effect: "Deny",
                                Principal: "*",
                                Action: "s3:*",
                                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                                Condition: { Bool: { "aws:SecureTransport": "false" } },
                            },
                        ],
                    }),
                }),
            );
        }
        // A few deliberate violations, as a real pull request might carry.
        const image =
            i % 37 === 36
                ? `registry.example.org/messaging/${svc}:latest`
                : `registry.example.org/messaging/${svc}:1.${i}.0`;
        out.push(
            resource(
                "kubernetes:apps/v1:Deployment",
                svc,
                {
                    metadata: { name: svc, namespace: ns, labels },
                    spec: {
                        selector: { matchLabels: labels },
                        template: { metadata: { labels }, spec: podSpec(svc, image, 3000, labels) },
                    },
                },
                k8s(ns),
            ),
        );
        out.push(
            resource(
                "kubernetes:core/v1:Service",
                `${svc}-svc`,
                { metadata: { name: svc, namespace: ns }, spec: { selector: labels, ports: [{ port: 3000 }] } },
                k8s(ns),
            ),
        );
        out.push(
            resource(
                "kubernetes:core/v1:ServiceAccount",
                `${svc}-sa`,
                {
                    metadata: {
                        name: svc,
                        namespace: ns,
                        annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/${roleName}` },
                    },
                },
                k8s(ns),
            ),
        );
        out.push(
            resource("aws:iam/role:Role", `${svc}-irsa`, {
                name: roleName,
                assumeRolePolicy: JSON.stringify({
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: {
                                StringEquals: {
                                    [`${ISSUER}:sub`]: `system:serviceaccount:${ns}:${svc}`,
                                    [`${ISSUER}:aud`]: "sts.amazonaws.com",
                                },
                            },
                        },
                    ],
                }),
                inlinePolicies: [
                    {
                        name: svc,
                        policy: JSON.stringify({
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Action: ["secretsmanager:GetSecretValue"],
                                    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secretName}-mockid`,
                                },
                            ],
                        }),
                    },
                ],
            }),
        );
        out.push(
            resource(
                "kubernetes:core/v1:ConfigMap",
                `${svc}-config`,
                {
                    metadata: { name: `${svc}-config`, namespace: ns },
                    data:
                        i % 53 === 52
                            ? { LOG_LEVEL: "info", DB_PASSWORD: "hunter2" }
                            : { LOG_LEVEL: "info", "app.yaml": "port: 3000\nmetrics: 9090\n" },
                },
                k8s(ns),
            ),
        );
        out.push(
            resource(
                "kubernetes:core/v1:Secret",
                `${svc}-db`,
                {
                    metadata: { name: `${svc}-db`, namespace: ns },
                    stringData: { password: `mock-random-password-of-${svc}` },
                },
                { ...k8s(ns), additionalSecretOutputs: ["data", "stringData"] },
            ),
        );
        out.push(
            resource(
                "kubernetes:policy/v1:PodDisruptionBudget",
                `${svc}-pdb`,
                {
                    metadata: { name: svc, namespace: ns },
                    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
                },
                k8s(ns),
            ),
        );
        out.push(
            resource(
                "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                `${svc}-hpa`,
                {
                    metadata: { name: svc, namespace: ns },
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: svc },
                        minReplicas: 3,
                        maxReplicas: 10,
                    },
                },
                k8s(ns),
            ),
        );
        out.push(
            resource(
                "aws:secretsmanager/secret:Secret",
                `${svc}-secret`,
                { name: secretName, kmsKeyId: keyArnOf(Math.floor(i / 50) * 50), recoveryWindowInDays: 30 },
                { protect: true },
            ),
        );
        if (i % 5 === 4) {
            const store = `${svc}-store`;
            const storeLabels = { "app.kubernetes.io/name": store };
            out.push(
                resource(
                    "kubernetes:apps/v1:StatefulSet",
                    store,
                    {
                        metadata: { name: store, namespace: ns },
                        spec: {
                            replicas: 2,
                            selector: { matchLabels: storeLabels },
                            template: {
                                metadata: { labels: storeLabels },
                                spec: podSpec(
                                    store,
                                    `registry.example.org/mirror/minio:RELEASE.2025-09-07T16-13-09Z`,
                                    9000,
                                    storeLabels,
                                ),
                            },
                            volumeClaimTemplates: [{ metadata: { name: "data" } }],
                        },
                    },
                    { ...k8s(ns), protect: true },
                ),
            );
            out.push(
                resource(
                    "kubernetes:policy/v1:PodDisruptionBudget",
                    `${store}-pdb`,
                    {
                        metadata: { name: store, namespace: ns },
                        spec: { maxUnavailable: 1, selector: { matchLabels: storeLabels } },
                    },
                    k8s(ns),
                ),
            );
            const job = podSpec(store, "registry.example.org/messaging/backup:1.0.0", 8080, {});
            job.restartPolicy = "OnFailure";
            out.push(
                resource(
                    "kubernetes:batch/v1:CronJob",
                    `${store}-backup`,
                    {
                        metadata: {
                            name: `${store}-backup`,
                            namespace: ns,
                            labels: { "messaging-infra/backup-of": store },
                        },
                        spec: {
                            schedule: "0 */6 * * *",
                            concurrencyPolicy: "Forbid",
                            startingDeadlineSeconds: 300,
                            successfulJobsHistoryLimit: 3,
                            failedJobsHistoryLimit: 3,
                            jobTemplate: { spec: { activeDeadlineSeconds: 3600, template: { spec: job } } },
                        },
                    },
                    k8s(ns),
                ),
            );
        }
    }
    return out.slice(0, count);
}

/** What one benchmark run measured. */
export interface PolicyBenchResult {
    /** Resources evaluated. */
    resources: number;
    /** Wall time of `evaluatePolicies` (resource and stack policies, mainnet config), without building the stack. */
    totalMs: number;
    msPer1000: number;
    /** The process's peak resident set so far (`process.resourceUsage().maxRSS`): it includes whatever ran before, e.g. ts-node's compiler. */
    peakRssMb: number;
    /** Violations found: the deliberate ones (every 37th image `latest`, every 53rd ConfigMap with a password), plus any the cut at `resourceCount` causes. */
    violations: number;
}

/** Evaluates the whole pack (resource and stack policies) over `resourceCount` synthetic resources. */
export async function benchPolicyPack(resourceCount = 10000): Promise<PolicyBenchResult> {
    const resources = syntheticStack(resourceCount);
    const started = performance.now();
    const violations = await evaluatePolicies(resources, { config: "mainnet" });
    const totalMs = performance.now() - started;
    return {
        resources: resources.length,
        totalMs: Math.round(totalMs * 10) / 10,
        msPer1000: Math.round((totalMs / resources.length) * 1000 * 10) / 10,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        violations: violations.length,
    };
}

if (require.main === module) {
    const count = Number(process.argv[2] ?? 10000);
    benchPolicyPack(Number.isInteger(count) && count > 0 ? count : 10000)
        .then((result) => console.log(JSON.stringify(result, null, 2)))
        .catch((e: unknown) => {
            console.error(e);
            process.exitCode = 1;
        });
}
