/**
 * Shared building blocks of the pack's rules: resource type tokens, a multi-type variant of
 * `validateResourceOfType`, value formatting for violation messages, and the small helpers that
 * every area needs (Kubernetes names and namespaces, resource identity in stack rules).
 *
 * Nothing here imports a provider SDK: loading `@pulumi/aws` alone takes seconds, and the rules
 * only need the type tokens, which are stable strings (`__pulumiType` of each class).
 */
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** Kubernetes type tokens of @pulumi/kubernetes 4.x (current API versions only). */
export const K8S = {
    Pod: "kubernetes:core/v1:Pod",
    Deployment: "kubernetes:apps/v1:Deployment",
    StatefulSet: "kubernetes:apps/v1:StatefulSet",
    DaemonSet: "kubernetes:apps/v1:DaemonSet",
    ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
    Job: "kubernetes:batch/v1:Job",
    CronJob: "kubernetes:batch/v1:CronJob",
    Service: "kubernetes:core/v1:Service",
    ServiceAccount: "kubernetes:core/v1:ServiceAccount",
    ConfigMap: "kubernetes:core/v1:ConfigMap",
    Secret: "kubernetes:core/v1:Secret",
    Namespace: "kubernetes:core/v1:Namespace",
    PersistentVolumeClaim: "kubernetes:core/v1:PersistentVolumeClaim",
    Ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    NetworkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    PodDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    HorizontalPodAutoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    HorizontalPodAutoscalerV1: "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
    Role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    RoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ClusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    ClusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    Provider: "pulumi:providers:kubernetes",
} as const;

/** AWS type tokens of @pulumi/aws 7.x (checked against each class's `__pulumiType`). */
export const AWS = {
    KmsKey: "aws:kms/key:Key",
    KmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    Secret: "aws:secretsmanager/secret:Secret",
    SecretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
    Role: "aws:iam/role:Role",
    RolePolicy: "aws:iam/rolePolicy:RolePolicy",
    RolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    Policy: "aws:iam/policy:Policy",
    UserPolicy: "aws:iam/userPolicy:UserPolicy",
    GroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    AccessKey: "aws:iam/accessKey:AccessKey",
    UserLoginProfile: "aws:iam/userLoginProfile:UserLoginProfile",
    Bucket: "aws:s3/bucket:Bucket",
    BucketV2: "aws:s3/bucketV2:BucketV2",
    BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    BucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    BucketSseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    BucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

/** The kinds that carry a pod template, and where it sits. */
export const POD_KINDS: readonly string[] = [
    K8S.Pod,
    K8S.Deployment,
    K8S.StatefulSet,
    K8S.DaemonSet,
    K8S.ReplicaSet,
    K8S.Job,
    K8S.CronJob,
];

/** A policy of this pack: resource or stack. */
export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Whether a rule guards security (mandatory on testnet) or reliability (advisory on testnet). */
export type RuleKind = "security" | "reliability";

/**
 * The enforcement level a policy has when no `--policy-pack-config` names it: security rules
 * block, reliability rules warn (the testnet posture). Each network's config file overrides it.
 */
export function defaultEnforcement(kind: RuleKind): EnforcementLevel {
    return kind === "security" ? "mandatory" : "advisory";
}

/** A validation function tagged with the types it applies to (the SDK's own fast-path marker for one type). */
export type TypedValidation = ResourceValidation & { __pulumiType?: string; __pulumiTypes?: readonly string[] };

/**
 * `validateResourceOfType` for several type tokens at once, without importing the provider SDKs.
 * One type sets the SDK's `__pulumiType` marker (the analyzer then skips other types without
 * calling us); several set `__pulumiTypes`, which the offline runner uses the same way. Either way
 * the function itself checks the type and calls `args.notApplicable`, as the SDK helper does.
 */
export function validateTypes(
    types: readonly string[],
    validate: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
    const accepted = new Set(types);
    const fn: TypedValidation = (args, reportViolation) => {
        if (!accepted.has(args.type)) {
            args.notApplicable(`Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(", ")}`);
        }
        validate(args, reportViolation);
    };
    if (types.length === 1) fn.__pulumiType = types[0];
    else fn.__pulumiTypes = [...types];
    return fn;
}

/**
 * A value as a violation message shows it: `unset` for undefined/null, JSON otherwise (strings
 * quoted). Long values are cut so a message stays one readable line.
 */
export function show(value: unknown): string {
    if (value === undefined || value === null) return "unset";
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** `"a", "b"` — names listed in a message. */
export function quoteList(names: readonly string[]): string {
    return names.map((n) => JSON.stringify(n)).join(", ");
}

/** A property path segment for an object key: `.key` when it is an identifier, `["key"]` otherwise. */
export function keyPath(key: string): string {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Reads a plain object field; anything else (arrays, scalars, null) reads as undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

/** Reads an array field; anything else reads as an empty list. */
export function asArray<T = unknown>(value: unknown): T[] {
    return Array.isArray(value) ? (value as T[]) : [];
}

/** Kubernetes object metadata, as far as the rules read it. */
export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

/** The namespace a Kubernetes resource lands in: its own, else its provider's, else `default`. */
export function k8sNamespace(props: Record<string, unknown>, provider?: { props?: Record<string, unknown> }): string {
    const own = asRecord(props.metadata)?.namespace;
    if (typeof own === "string" && own !== "") return own;
    const fromProvider = provider?.props?.namespace;
    if (typeof fromProvider === "string" && fromProvider !== "") return fromProvider;
    return "default";
}

/**
 * The name a Kubernetes object gets: `metadata.name`, else the logical name (Pulumi auto-names
 * from it; the random suffix is unknown before the update, so rules match on the logical name).
 */
export function k8sName(props: Record<string, unknown>, logicalName: string): string {
    const own = asRecord(props.metadata)?.name;
    return typeof own === "string" && own !== "" ? own : logicalName;
}

/** The kind part of a Kubernetes type token (`kubernetes:apps/v1:Deployment` -> `Deployment`). */
export function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/** The cluster-scoped kinds of {@link K8S}: they have no namespace, whatever the provider sets. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
    K8S.Namespace,
    K8S.ClusterRole,
    K8S.ClusterRoleBinding,
]);

/**
 * `Deployment "relay" in namespace "messaging-mainnet"` — how stack rules name a Kubernetes object
 * (cluster-scoped objects by kind and name only).
 */
export function describeK8s(resource: PolicyResource): string {
    const named = `${kindOf(resource.type)} ${JSON.stringify(k8sName(resource.props, resource.name))}`;
    return CLUSTER_SCOPED_KINDS.has(resource.type)
        ? named
        : `${named} in namespace ${JSON.stringify(k8sNamespace(resource.props, resource.provider))}`;
}

/** `Role "relay-irsa"` — how stack rules name a non-Kubernetes resource. */
export function describeResource(r: PolicyResource): string {
    if (r.type.startsWith("pulumi:providers:"))
        return `${r.type.slice("pulumi:providers:".length)} provider ${JSON.stringify(r.name)}`;
    return r.type.startsWith("kubernetes:") ? describeK8s(r) : `${kindOf(r.type)} ${JSON.stringify(r.name)}`;
}

/**
 * The keys under which a reference (an input naming another resource, such as a companion's
 * `bucket` or an annotation's role ARN) can match: the value itself. References match by value
 * only; nothing here reads meaning into placeholder names.
 */
export function referenceKeys(value: unknown): string[] {
    return typeof value === "string" && value !== "" ? [`value:${value}`] : [];
}

/**
 * The keys a resource can be referenced by: each of its identifying props (`idProps`, e.g. `id`,
 * `arn`, `bucket` — outputs, which stack policies see after `pulumi up`, or inputs) and its
 * logical name as a value.
 */
export function identityKeys(target: PolicyResource, idProps: readonly string[]): string[] {
    const keys: string[] = [];
    for (const prop of idProps) {
        const v = target.props[prop];
        if (typeof v === "string" && v !== "") keys.push(`value:${v}`);
    }
    keys.push(`value:${target.name}`);
    return keys;
}

/**
 * Whether `value` refers to `target`: equal to one of the target's identifying props or to its
 * logical name (see {@link referenceKeys} and {@link identityKeys}; stack rules index the same keys).
 */
export function refersTo(value: unknown, target: PolicyResource, idProps: readonly string[]): boolean {
    const ids = new Set(identityKeys(target, idProps));
    return referenceKeys(value).some((k) => ids.has(k));
}

/** Groups items by a key. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        const k = key(item);
        if (k === undefined) continue;
        const list = groups.get(k);
        if (list) list.push(item);
        else groups.set(k, [item]);
    }
    return groups;
}

/** The stack name a URN carries (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string | undefined {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match ? match[1] : undefined;
}

/** The JSON schema of a policy's `exempt` list: reviewed exceptions, as `<namespace>/<name>` or `<name>`. */
export function exemptListSchema(what: string): Record<string, unknown> {
    return {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: [],
        description: `Reviewed exceptions: ${what}, as <namespace>/<name> or <name>.`,
    };
}

/** Whether a Kubernetes object is on a policy's `exempt` list (by name or `<namespace>/<name>`). */
export function isExempt(exempt: ReadonlySet<string>, namespace: string, name: string): boolean {
    return exempt.has(name) || exempt.has(`${namespace}/${name}`);
}

/** Whether a label selector (matchLabels + matchExpressions) selects a pod with these labels. A missing selector selects nothing (policy/v1). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    const s = asRecord(selector);
    if (!s) return false;
    for (const [key, value] of Object.entries(asRecord(s.matchLabels) ?? {})) {
        if (labels[key] !== value) return false;
    }
    for (const expression of asArray(s.matchExpressions)) {
        const e = asRecord(expression) ?? {};
        const key = typeof e.key === "string" ? e.key : "";
        const values = asArray<string>(e.values);
        const has = Object.prototype.hasOwnProperty.call(labels, key);
        switch (e.operator) {
            case "In":
                if (!has || !values.includes(labels[key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(labels[key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                return false;
        }
    }
    return true;
}
