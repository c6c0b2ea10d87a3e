/**
 * Which input changes make a provider replace a resource instead of updating it, for the types
 * this program registers. Each rule names where it comes from, all read in the providers' source:
 *
 * - pulumi-kubernetes v4, provider/pkg/provider/diff.go (`forceNew`): `metadata.name` and
 *   `metadata.namespace` of every object; per kind the fields below; Secret data unless the
 *   provider sets `enableSecretMutable` (and the Secret is not immutable), ConfigMap data unless it
 *   sets `enableConfigMapMutable` (and the ConfigMap is not immutable). provider.go deletes a
 *   replaced object first when it keeps its name.
 * - terraform-provider-aws 6 (pulumi-aws 7 is bridged from it: a `ForceNew` field is a
 *   replacement): kms/key.go, kms/alias.go, secretsmanager/secret.go and secret_version.go (the
 *   value `secret_string` is ForceNew: a new value is a new version), s3/bucket.go and the bucket
 *   companions (`bucket`, `expected_bucket_owner`), iam/role.go (`name`, `path`), iam/role_policy.go.
 * - terraform-provider-random: every input of random_password and random_bytes (length,
 *   character classes, keepers) has RequiresReplace.
 * - The Kubernetes API itself for apps/v1 ReplicaSet `spec.selector`, which pulumi-kubernetes
 *   does not list: the update is rejected rather than replaced.
 * - The program's own `replaceOnChanges`.
 *
 * Kinds and fields this program does not use (Pods, PersistentVolumes, RBAC bindings, ...) are
 * left out; a field missing here shows as an update that the real preview may call a replacement.
 */
import type { RecordedResource } from "./mockEngine";
import { parsePath, PathSegment, pathTouches } from "./propertyPaths";

/** The context a replacement rule sees: the head resource and the options of its provider. */
export interface RuleContext {
    resource: RecordedResource;
    /** The inputs of the resource's provider (e.g. `enableSecretMutable`), when it has one. */
    providerInputs: Record<string, unknown>;
}

/** Fields whose change makes the provider replace a resource rather than update it. */
export interface ReplacementRule {
    /** Type tokens, or a prefix ending in `:` (`kubernetes:`, `random:`) for every type of a package. */
    types: readonly string[];
    /** Property paths; the empty path means any input. */
    paths: readonly string[];
    /** Where the rule comes from, as the diff prints it. */
    source: string;
    /**
     * When the rule applies only under a condition (a provider option, an immutable object): the
     * condition that holds, as the reason prints it, or undefined when the rule does not apply.
     */
    when?: (context: RuleContext) => string | undefined;
}

const K8S = "pulumi-kubernetes forceNew";
const AWS = "terraform-provider-aws ForceNew";
const RANDOM = "terraform-provider-random RequiresReplace";

/** `true` or `"true"`: provider inputs reach the engine as strings. */
function flag(value: unknown): boolean {
    return value === true || value === "true";
}

/** Why a Secret's or ConfigMap's data replaces it: it is immutable, or the provider keeps such data immutable. */
function immutableData({ resource, providerInputs }: RuleContext, option: string): string | undefined {
    if (resource.inputs.immutable === true) return "immutable: true";
    return flag(providerInputs[option]) ? undefined : `the provider does not set ${option}`;
}

/** The replacement rules (see the module comment for their sources). */
export const REPLACEMENT_RULES: readonly ReplacementRule[] = [
    { types: ["kubernetes:"], paths: ["metadata.name", "metadata.namespace"], source: K8S },
    { types: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet"], paths: ["spec.selector"], source: K8S },
    {
        types: ["kubernetes:apps/v1:StatefulSet"],
        paths: [
            "spec.podManagementPolicy",
            "spec.revisionHistoryLimit",
            "spec.selector",
            "spec.serviceName",
            "spec.volumeClaimTemplates",
        ],
        source: K8S,
    },
    {
        types: ["kubernetes:apps/v1:ReplicaSet"],
        paths: ["spec.selector"],
        source: "Kubernetes API immutable field (the update is rejected)",
    },
    {
        types: ["kubernetes:batch/v1:Job"],
        paths: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
        source: K8S,
    },
    { types: ["kubernetes:core/v1:Secret"], paths: ["type"], source: K8S },
    {
        types: ["kubernetes:core/v1:Secret"],
        paths: ["data", "stringData"],
        source: K8S,
        when: (context) => immutableData(context, "enableSecretMutable"),
    },
    {
        types: ["kubernetes:core/v1:ConfigMap"],
        paths: ["data", "binaryData"],
        source: K8S,
        when: (context) => immutableData(context, "enableConfigMapMutable"),
    },
    {
        types: ["kubernetes:core/v1:PersistentVolumeClaim"],
        paths: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
        source: K8S,
    },
    { types: ["kubernetes:core/v1:Service"], paths: ["spec.clusterIP"], source: K8S },
    { types: ["kubernetes:core/v1:ResourceQuota"], paths: ["spec.scopes"], source: K8S },
    {
        types: ["aws:kms/key:Key"],
        paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
        source: AWS,
    },
    { types: ["aws:kms/alias:Alias"], paths: ["name", "namePrefix"], source: AWS },
    { types: ["aws:secretsmanager/secret:Secret"], paths: ["name", "namePrefix"], source: AWS },
    {
        types: ["aws:secretsmanager/secretVersion:SecretVersion"],
        paths: ["secretId", "secretString", "secretBinary", "secretStringWoVersion"],
        source: AWS,
    },
    { types: ["aws:s3/bucket:Bucket"], paths: ["bucket", "bucketPrefix"], source: AWS },
    {
        types: [
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        ],
        paths: ["bucket", "expectedBucketOwner"],
        source: AWS,
    },
    {
        types: [
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        ],
        paths: ["bucket"],
        source: AWS,
    },
    { types: ["aws:iam/role:Role"], paths: ["name", "namePrefix", "path"], source: AWS },
    { types: ["aws:iam/rolePolicy:RolePolicy"], paths: ["name", "namePrefix", "role"], source: AWS },
    { types: ["random:"], paths: [""], source: RANDOM },
];

function typeMatches(types: readonly string[], type: string): boolean {
    return types.some((t) => (t.endsWith(":") ? type.startsWith(t) : t === type));
}

/** The kind a type token names (`StatefulSet` of `kubernetes:apps/v1:StatefulSet`). */
function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

/**
 * Why a change at `path` replaces the resource (`pulumi-kubernetes forceNew: StatefulSet
 * spec.volumeClaimTemplates`), or undefined when it is an ordinary update.
 */
export function replacementReason(
    path: readonly PathSegment[],
    context: RuleContext,
    rules: readonly ReplacementRule[] = REPLACEMENT_RULES,
): string | undefined {
    const kind = kindOf(context.resource.type);
    for (const rule of rules) {
        if (!typeMatches(rule.types, context.resource.type)) continue;
        const condition = rule.when ? rule.when(context) : "";
        if (condition === undefined) continue;
        for (const p of rule.paths)
            if (pathTouches(parsePath(p), path))
                return `${rule.source}: ${kind} ${p === "" ? "(every input)" : p}${condition ? ` (${condition})` : ""}`;
    }
    for (const p of context.resource.options.replaceOnChanges ?? [])
        if (p === "*" || pathTouches(parsePath(p), path)) return `replaceOnChanges: ${p}`;
    return undefined;
}
