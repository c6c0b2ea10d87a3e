/**
 * The compliant stack's Kubernetes side: the provider (which sets the namespace), the Namespace,
 * default-deny, the relay Deployment with its HPA and PDB, the object store, service accounts,
 * Service, Ingress, ConfigMap and Secret (the store's backup and restore are in backups.ts).
 */
import { OfflineResource } from "../../offline";
import { Container, PodSpec } from "../../rules/pods";
import { res, urnOf } from "../support";
import { ACCOUNT, KEY_ARN, NS } from "./facts";

/** The explicit Kubernetes provider every Kubernetes resource uses; it sets the namespace. */
export const PROVIDER_URN = urnOf("pulumi:providers:kubernetes", "mainnet-kubernetes");
/** How the harness records a provider reference: `<provider urn>::<id>`. */
export const PROVIDER_REF = `${PROVIDER_URN}::mock-id-of-mainnet-kubernetes`;

/** The options of a Kubernetes resource: the explicit provider. */
export const k8s = { provider: PROVIDER_REF };

/** The labels that select a service's pods. */
export function selector(service: string): Record<string, string> {
    return { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": "mainnet" };
}

/** A container that satisfies every container rule. */
export function secureContainer(name: string, port: number): Container {
    return {
        name,
        image: `registry.example.org/messaging/${name}:1.8.2`,
        imagePullPolicy: "Always",
        ports: [{ containerPort: port, name: "http" }],
        resources: {
            requests: { cpu: "250m", memory: "512Mi", "ephemeral-storage": "64Mi" },
            limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": "512Mi" },
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
        containers: [{ ...secureContainer(name, port), volumeMounts: [{ name: "tmp", mountPath: "/tmp" }] }],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    };
}

/** A zone spread for a service's pods (the one every multi-replica fixture carries). */
export function zoneSpread(service: string): Record<string, unknown>[] {
    return [
        {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: selector(service) },
        },
    ];
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

/** The relay Deployment, scaled by its HPA (so no spec.replicas), namespace from the provider. */
export function deployment(): OfflineResource {
    return res(
        "kubernetes:apps/v1:Deployment",
        "relay",
        {
            metadata: { name: "relay", labels: selector("relay") },
            spec: {
                selector: { matchLabels: selector("relay") },
                template: {
                    metadata: { labels: selector("relay") },
                    spec: { ...securePodSpec("relay"), topologySpreadConstraints: zoneSpread("relay") },
                },
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
                template: {
                    metadata: { labels: selector("object-store") },
                    spec: {
                        ...securePodSpec("object-store", 9000),
                        topologySpreadConstraints: zoneSpread("object-store"),
                    },
                },
                persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
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
            spec: {
                selector: selector("relay"),
                ports: [
                    { name: "http", port: 3200, targetPort: 3200 },
                    { name: "ws", port: 3201, targetPort: 3201 },
                ],
            },
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
