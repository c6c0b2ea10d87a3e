/**
 * Whole-stack rules: what only the set of resources can show. Default-deny per namespace, a PDB
 * for every replicated workload, a backup job for every stateful store, IRSA annotations that
 * match a role trusting exactly that service account (and no unused IRSA roles), S3 buckets with
 * all their companions, protected stateful resources, and no resource in another network's
 * namespace.
 *
 * Conventions these rules define:
 * - A backup CronJob declares what it backs up with the label
 *   `messaging-infra/backup-of: <StatefulSet name>` on the CronJob's own metadata, in the
 *   StatefulSet's namespace ({@link BACKUP_OF_LABEL}).
 * - A companion (public-access block, SSE configuration, versioning, bucket policy) belongs to a
 *   bucket when its `bucket` input equals the bucket's `bucket` prop (its physical name), its
 *   `id` (an output) or its logical name; or when the engine's propertyDependencies for `bucket`
 *   name the bucket.
 * - A ServiceAccount's `eks.amazonaws.com/role-arn` names a role when it equals the role's `arn`
 *   (an output), or is an ARN whose role name is the role's `name` (or its logical name when it
 *   has none).
 *
 * References match by value: no rule reads meaning into the names of placeholder values.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowsWebIdentity } from "./aws";
import { parsePolicyDocument } from "./iamDocument";
import { podTemplateOf } from "./pods";
import { hpaIndex, IRSA_ANNOTATION } from "./workload";
import {
    asArray,
    asRecord,
    AWS,
    defaultEnforcement,
    describeK8s,
    groupBy,
    identityKeys,
    K8S,
    k8sName,
    k8sNamespace,
    keyPath,
    kindOf,
    quoteList,
    referenceKeys,
    show,
    stackOfUrn,
} from "./util";

/** The label a backup CronJob carries: the name of the StatefulSet it backs up. */
export const BACKUP_OF_LABEL = "messaging-infra/backup-of";

/** The networks a namespace name may name. */
export const NETWORK_NAMES: readonly string[] = ["devnet", "testnet", "mainnet"];

/** `Role "relay-irsa"` — how stack rules name a non-Kubernetes resource. */
export function describeResource(r: PolicyResource): string {
    if (r.type.startsWith("pulumi:providers:"))
        return `${r.type.slice("pulumi:providers:".length)} provider ${JSON.stringify(r.name)}`;
    return r.type.startsWith("kubernetes:") ? describeK8s(r) : `${kindOf(r.type)} ${JSON.stringify(r.name)}`;
}

/** `a, b, c and 2 more` */
function few(names: string[]): string {
    return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

// ---------------------------------------------------------------------------------------------
// Default-deny network policies

/** Whether a label selector selects every pod (`{}`). */
function selectsAll(selector: unknown): boolean {
    const s = asRecord(selector);
    return (
        s !== undefined &&
        Object.keys(asRecord(s.matchLabels) ?? {}).length === 0 &&
        asArray(s.matchExpressions).length === 0
    );
}

/** The policy types a NetworkPolicy applies, after the API server's defaulting. */
export function effectivePolicyTypes(spec: Record<string, unknown>): string[] {
    const declared = asArray<string>(spec.policyTypes);
    if (declared.length > 0) return declared;
    return asArray(spec.egress).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Which directions a NetworkPolicy denies for every pod of its namespace, and why it falls short. */
export function defaultDenyCoverage(props: Record<string, unknown>): {
    ingress: boolean;
    egress: boolean;
    shortfalls: string[];
} {
    const spec = asRecord(props.spec) ?? {};
    const types = effectivePolicyTypes(spec);
    const shortfalls: string[] = [];
    const all = selectsAll(spec.podSelector);
    if (!all) shortfalls.push(`podSelector is ${show(spec.podSelector)}`);
    const covers = (type: "Ingress" | "Egress") => {
        const rules = asArray(spec[type.toLowerCase()]);
        if (!types.includes(type)) return false;
        if (rules.length > 0) {
            shortfalls.push(`${type.toLowerCase()} has ${rules.length} rule(s)`);
            return false;
        }
        return all;
    };
    const ingress = covers("Ingress");
    const egress = covers("Egress");
    if (!types.includes("Ingress") || !types.includes("Egress")) {
        shortfalls.push(
            `policyTypes is ${spec.policyTypes === undefined || spec.policyTypes === null ? `unset (so ${show(types)})` : show(spec.policyTypes)}`,
        );
    }
    return { ingress, egress, shortfalls };
}

/** Every namespace that runs pods has a default-deny NetworkPolicy for ingress and egress. */
export const namespaceDefaultDeny: StackValidationPolicy = {
    name: "namespace-default-deny",
    description:
        "Every namespace that runs pods (the namespace of each pod-bearing resource, or its " +
        "Kubernetes provider's) must hold a NetworkPolicy with podSelector {}, policyTypes Ingress " +
        "and Egress and no rules (or two such policies, one per direction), so every flow must be " +
        "allowed explicitly.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    validateStack: (args, reportViolation) => {
        const workloads = new Map<string, PolicyResource[]>();
        const policies = new Map<string, PolicyResource[]>();
        const namespaces = new Map<string, PolicyResource>();
        for (const r of args.resources) {
            if (podTemplateOf(r.type, r.props)) {
                const ns = k8sNamespace(r.props, r.provider);
                workloads.set(ns, [...(workloads.get(ns) ?? []), r]);
            } else if (r.type === K8S.NetworkPolicy) {
                const ns = k8sNamespace(r.props, r.provider);
                policies.set(ns, [...(policies.get(ns) ?? []), r]);
            } else if (r.type === K8S.Namespace) {
                namespaces.set(k8sName(r.props, r.name), r);
            }
        }
        for (const [ns, pods] of workloads) {
            let ingress = false;
            let egress = false;
            const nearMisses: string[] = [];
            for (const np of policies.get(ns) ?? []) {
                const coverage = defaultDenyCoverage(np.props);
                ingress ||= coverage.ingress;
                egress ||= coverage.egress;
                if (!(coverage.ingress && coverage.egress) && coverage.shortfalls.length > 0) {
                    nearMisses.push(
                        `NetworkPolicy ${JSON.stringify(k8sName(np.props, np.name))}: ${coverage.shortfalls.join(", ")}`,
                    );
                }
            }
            if (ingress && egress) continue;
            const missing = [ingress ? undefined : "Ingress", egress ? undefined : "Egress"].filter(
                (d): d is string => d !== undefined,
            );
            const owner = namespaces.get(ns) ?? pods[0];
            const runs = few(pods.map((p) => `${kindOf(p.type)} ${JSON.stringify(k8sName(p.props, p.name))}`));
            reportViolation(
                `namespace ${JSON.stringify(ns)} runs pods (${runs}) but no NetworkPolicy in it denies all ${missing.join(" and ")} ` +
                    `by default${nearMisses.length > 0 ? ` (${nearMisses.join("; ")})` : ""}; add one with ` +
                    `podSelector {}, policyTypes ["Ingress", "Egress"] and no rules, then allow each flow of ` +
                    `the traffic matrix explicitly.`,
                owner.urn,
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------
// PodDisruptionBudgets

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

/** Every workload with more than one replica, or an HPA, has a PDB that selects its pods. */
export const pdbForReplicatedWorkloads: StackValidationPolicy = {
    name: "pdb-for-replicated-workloads",
    description:
        "Every Deployment or StatefulSet with more than one replica, or scaled by a " +
        "HorizontalPodAutoscaler whose maxReplicas exceeds 1, needs a PodDisruptionBudget " +
        "(policy/v1) in its namespace whose selector matches its pod template labels, so node " +
        "drains and upgrades never take all its pods at once.",
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const pdbsByNamespace = groupBy(args.resources, (r) =>
            r.type === K8S.PodDisruptionBudget ? k8sNamespace(r.props, r.provider) : undefined,
        );
        const hpaOf = hpaIndex(args.resources);
        for (const r of args.resources) {
            if (r.type !== K8S.Deployment && r.type !== K8S.StatefulSet) continue;
            const spec = asRecord(r.props.spec) ?? {};
            // An HPA counts when it may scale past one replica (devnet's relay HPA is pinned to 1).
            const candidate = hpaOf(r);
            const maxReplicas = asRecord(candidate?.props.spec)?.maxReplicas;
            const hpa = candidate && !(typeof maxReplicas === "number" && maxReplicas <= 1) ? candidate : undefined;
            const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
            if (!hpa && replicas <= 1) continue;
            const ns = k8sNamespace(r.props, r.provider);
            const labels = (asRecord(asRecord(asRecord(spec.template)?.metadata)?.labels) ?? {}) as Record<
                string,
                string
            >;
            const covered = (pdbsByNamespace.get(ns) ?? []).some((p) =>
                selectorMatches(asRecord(p.props.spec)?.selector, labels),
            );
            if (covered) continue;
            const reason = hpa
                ? `is scaled by HorizontalPodAutoscaler ${JSON.stringify(k8sName(hpa.props, hpa.name))}`
                : `has spec.replicas ${replicas}`;
            reportViolation(
                `${describeK8s(r)} ${reason} but no PodDisruptionBudget (policy/v1) in ${JSON.stringify(ns)} ` +
                    `selects its pod labels ${show(labels)}; add one whose spec.selector matches them (e.g. ` +
                    `maxUnavailable 1) so node drains and upgrades keep it serving.`,
                r.urn,
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Backups

/** Every StatefulSet with volume claim templates has a backup CronJob labelled for it. */
export const backupForStatefulStores: StackValidationPolicy = {
    name: "backup-for-stateful-stores",
    description:
        `Every StatefulSet with volumeClaimTemplates (a stateful store) needs a CronJob in its ` +
        `namespace, not suspended, labelled ${BACKUP_OF_LABEL}: <StatefulSet name> on the CronJob's ` +
        `metadata, so its data survives the loss of a volume.`,
    enforcementLevel: defaultEnforcement("reliability"),
    tags: ["reliability", "stack"],
    validateStack: (args, reportViolation) => {
        const backupsOf = groupBy(args.resources, (c) => {
            const label = asRecord(asRecord(c.props.metadata)?.labels)?.[BACKUP_OF_LABEL];
            return c.type === K8S.CronJob && typeof label === "string"
                ? `${k8sNamespace(c.props, c.provider)}/${label}`
                : undefined;
        });
        for (const r of args.resources) {
            if (r.type !== K8S.StatefulSet) continue;
            const templates = asArray(asRecord(r.props.spec)?.volumeClaimTemplates);
            if (templates.length === 0) continue;
            const name = k8sName(r.props, r.name);
            const ns = k8sNamespace(r.props, r.provider);
            const backups = backupsOf.get(`${ns}/${name}`) ?? [];
            const claims = templates.map((t, i) => k8sName(asRecord(t) ?? {}, `#${i}`));
            if (backups.length === 0) {
                reportViolation(
                    `${describeK8s(r)} keeps data in spec.volumeClaimTemplates ${show(claims)} but no CronJob ` +
                        `in ${JSON.stringify(ns)} carries metadata.labels${keyPath(BACKUP_OF_LABEL)} = ` +
                        `${JSON.stringify(name)}; add a backup CronJob with that label so the data survives the ` +
                        `loss of its volume.`,
                    r.urn,
                );
            } else if (backups.every((c) => asRecord(c.props.spec)?.suspend === true)) {
                reportViolation(
                    `${describeK8s(r)} is backed up only by suspended CronJobs (${quoteList(backups.map((c) => k8sName(c.props, c.name)))} ` +
                        `have spec.suspend true); resume one (spec.suspend false) so backups actually run.`,
                    r.urn,
                );
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------
// IRSA

/** The `:sub` values a role's trust admits (every web-identity statement, any issuer, any operator). */
export function trustedSubjects(role: PolicyResource): string[] {
    const subjects: string[] = [];
    for (const st of parsePolicyDocument(role.props.assumeRolePolicy).statements) {
        if (!allowsWebIdentity(st)) continue;
        for (const keys of Object.values(st.conditions)) {
            for (const [key, values] of Object.entries(keys)) {
                if (key.endsWith(":sub")) subjects.push(...values);
            }
        }
    }
    return [...new Set(subjects)];
}

/** The role name of an IAM role ARN (`arn:aws:iam::123:role/path/name` -> `name`). */
function roleNameOfArn(arn: string): string | undefined {
    const match = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match ? match[1] : undefined;
}

/** The keys under which an IRSA annotation value can name a role. */
function annotationKeys(value: string): string[] {
    const keys = referenceKeys(value);
    const name = roleNameOfArn(value);
    if (name !== undefined) keys.push(`role-name:${name}`);
    return keys;
}

/** The keys a role can be named by: its `arn`, its logical name, and its role name (the `name` prop, else the logical name). */
function roleKeys(role: PolicyResource): string[] {
    const physical = role.props.name;
    return [
        ...identityKeys(role, ["arn"]),
        `role-name:${typeof physical === "string" && physical !== "" ? physical : role.name}`,
    ];
}

/** Whether an IRSA annotation value names this role. */
export function annotationNamesRole(value: string, role: PolicyResource): boolean {
    const keys = new Set(roleKeys(role));
    return annotationKeys(value).some((k) => keys.has(k));
}

/** Indexes the stack's IAM roles by every key an annotation can name them by. */
function roleIndex(resources: readonly PolicyResource[]): (value: string) => PolicyResource | undefined {
    const byKey = new Map<string, PolicyResource>();
    for (const r of resources) {
        if (r.type !== AWS.Role) continue;
        for (const key of roleKeys(r)) if (!byKey.has(key)) byKey.set(key, r);
    }
    return (value) => {
        for (const key of annotationKeys(value)) {
            const role = byKey.get(key);
            if (role) return role;
        }
        return undefined;
    };
}

function irsaAnnotation(r: PolicyResource): string | undefined {
    const value = asRecord(asRecord(r.props.metadata)?.annotations)?.[IRSA_ANNOTATION];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** Every IRSA annotation names a role of the stack that trusts exactly that service account. */
export const irsaAnnotationMatchesRoleTrust: StackValidationPolicy = {
    name: "irsa-annotation-matches-role-trust",
    description:
        `Every ServiceAccount annotated ${IRSA_ANNOTATION} must name an IAM role of this stack ` +
        `whose trust admits exactly system:serviceaccount:<its namespace>:<its name> and no other ` +
        `subject, so the binding is reviewable in one place and no other pod can use the role.`,
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    validateStack: (args, reportViolation) => {
        const roleNamed = roleIndex(args.resources);
        for (const sa of args.resources) {
            if (sa.type !== K8S.ServiceAccount) continue;
            const value = irsaAnnotation(sa);
            if (value === undefined) continue;
            const field = `metadata.annotations${keyPath(IRSA_ANNOTATION)}`;
            const subject = `system:serviceaccount:${k8sNamespace(sa.props, sa.provider)}:${k8sName(sa.props, sa.name)}`;
            const role = roleNamed(value);
            if (!role) {
                reportViolation(
                    `${describeK8s(sa)}: ${field} is ${show(value)}, which names no IAM role of this stack; ` +
                        `create the role here with its trust pinned to ${JSON.stringify(subject)}, or correct the ` +
                        `annotation.`,
                    sa.urn,
                );
                continue;
            }
            const subjects = trustedSubjects(role);
            if (!subjects.includes(subject)) {
                reportViolation(
                    `${describeK8s(sa)}: ${field} names Role ${JSON.stringify(role.name)}, whose trust admits ` +
                        `${show(subjects)}, not ${JSON.stringify(subject)}; pin the role's :sub condition to ` +
                        `${JSON.stringify(subject)}.`,
                    sa.urn,
                );
            } else if (subjects.length > 1) {
                reportViolation(
                    `${describeK8s(sa)}: ${field} names Role ${JSON.stringify(role.name)}, whose trust admits ` +
                        `${show(subjects)}; trust exactly ${JSON.stringify(subject)} (one role per service account) ` +
                        `so no other pod can use its permissions.`,
                    sa.urn,
                );
            }
        }
    },
};

/** Every IRSA role is used by some ServiceAccount. */
export const irsaRoleUsed: StackValidationPolicy = {
    name: "irsa-role-used-by-service-account",
    description:
        `Every IAM role whose trust admits a system:serviceaccount subject (an IRSA role) must be ` +
        `named by the ${IRSA_ANNOTATION} annotation of a ServiceAccount in this stack, so no unused ` +
        `role with standing permissions is left behind.`,
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    validateStack: (args, reportViolation) => {
        const named = new Set<string>();
        for (const r of args.resources) {
            const value = r.type === K8S.ServiceAccount ? irsaAnnotation(r) : undefined;
            if (value !== undefined) annotationKeys(value).forEach((k) => named.add(k));
        }
        for (const role of args.resources) {
            if (role.type !== AWS.Role) continue;
            const subjects = trustedSubjects(role).filter((s) => s.startsWith("system:serviceaccount:"));
            if (subjects.length === 0) continue;
            if (roleKeys(role).some((k) => named.has(k))) continue;
            reportViolation(
                `Role ${JSON.stringify(role.name)} trusts ${show(subjects)} but no ServiceAccount in this ` +
                    `stack has a ${IRSA_ANNOTATION} annotation naming it; annotate that service account with ` +
                    `the role's ARN, or delete the role: an unused role is a standing credential nobody ` +
                    `reviews.`,
                role.urn,
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------
// S3 bucket companions

const BUCKET_TYPES: readonly string[] = [AWS.Bucket, AWS.BucketV2];

const COMPANIONS: readonly { types: readonly string[]; className: string; why: string }[] = [
    {
        types: [AWS.BucketPublicAccessBlock],
        className: "BucketPublicAccessBlock",
        why: "so the bucket can never be made public",
    },
    {
        types: [AWS.BucketSse, AWS.BucketSseV2],
        className: "BucketServerSideEncryptionConfiguration",
        why: "so objects are encrypted under the network's KMS key",
    },
    {
        types: [AWS.BucketVersioning, AWS.BucketVersioningV2],
        className: "BucketVersioning",
        why: "so overwritten and deleted objects stay recoverable",
    },
    { types: [AWS.BucketPolicy], className: "BucketPolicy", why: "so requests over plain HTTP are denied" },
];

/** The keys a companion's `bucket` input (and the engine's property dependencies for it) can match. */
function companionKeys(companion: PolicyResource): string[] {
    return [
        ...referenceKeys(companion.props.bucket),
        ...(companion.propertyDependencies?.bucket ?? []).map((d) => `urn:${d.urn}`),
    ];
}

/** The keys a bucket can be matched by. */
function bucketKeys(bucket: PolicyResource): string[] {
    return [...identityKeys(bucket, ["bucket", "id"]), `urn:${bucket.urn}`];
}

/** Whether a companion resource (its `bucket` input, or its property dependencies) belongs to a bucket. */
export function companionOf(companion: PolicyResource, bucket: PolicyResource): boolean {
    const keys = new Set(bucketKeys(bucket));
    return companionKeys(companion).some((k) => keys.has(k));
}

/** Every bucket has its public-access block, encryption, versioning and TLS policy companions. */
export const s3BucketCompanions: StackValidationPolicy = {
    name: "s3-bucket-companions",
    description:
        "Every S3 bucket (aws:s3/bucket:Bucket, v7) must have a BucketPublicAccessBlock, a " +
        "BucketServerSideEncryptionConfiguration, a BucketVersioning and a BucketPolicy in the " +
        "stack, because with the v7 split resources a bucket alone gets only AWS defaults (SSE-S3 " +
        "under an AWS key, no versioning, plain HTTP allowed, public access only as blocked as the " +
        "account is). A companion belongs to the bucket when its bucket input equals the bucket's " +
        "bucket prop, its id or its logical name, or when the engine's propertyDependencies for " +
        "bucket name it.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    validateStack: (args, reportViolation) => {
        const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
        if (buckets.length === 0) return;
        const anyBucketKey = new Set(buckets.flatMap(bucketKeys));
        const byKind = COMPANIONS.map((companion) => {
            const candidates = args.resources.filter((r) => companion.types.includes(r.type));
            const keys = new Set(candidates.flatMap(companionKeys));
            const orphans = candidates
                .filter((c) => !companionKeys(c).some((k) => anyBucketKey.has(k)))
                .map((c) => c.props.bucket);
            return { companion, keys, orphans };
        });
        for (const bucket of buckets) {
            const identity = [bucket.props.bucket, bucket.props.id, bucket.name].filter(
                (v) => typeof v === "string" && v !== "",
            );
            const own = bucketKeys(bucket);
            for (const { companion, keys, orphans } of byKind) {
                if (own.some((k) => keys.has(k))) continue;
                const seen =
                    orphans.length > 0
                        ? ` (${companion.className} resources here reference ${show(orphans)}, which match no bucket)`
                        : "";
                reportViolation(
                    `Bucket ${JSON.stringify(bucket.name)} (identified by ${show(identity)}) has no ${companion.className} ` +
                        `whose bucket input is this bucket${seen}; add an aws.s3.${companion.className} with bucket ` +
                        `set to the bucket's id ${companion.why}.`,
                    bucket.urn,
                );
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Protection

/** The types that hold data a replacement or deletion would lose. */
export const STATEFUL_TYPES: readonly string[] = [
    AWS.KmsKey,
    AWS.Secret,
    AWS.Bucket,
    AWS.BucketV2,
    K8S.StatefulSet,
    K8S.PersistentVolumeClaim,
];

/** Config of {@link statefulResourcesProtected}. */
export interface RequireProtectConfig {
    requireProtect: boolean;
}

/** Stateful resources are protected where the network requires it. */
export const statefulResourcesProtected: StackValidationPolicy = {
    name: "stateful-resources-protected",
    description:
        `When \`requireProtect\` is true (default; testnet and mainnet), KMS keys, Secrets Manager ` +
        `secrets, S3 buckets, StatefulSets and PersistentVolumeClaims must have the protect ` +
        `resource option, so no refactor or accidental destroy can delete their data.`,
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    configSchema: {
        properties: {
            requireProtect: {
                type: "boolean",
                default: true,
                description: "Whether stateful resources must be protected on this network.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (args.getConfig<RequireProtectConfig>().requireProtect === false) return;
        for (const r of args.resources) {
            if (!STATEFUL_TYPES.includes(r.type) || r.opts.protect === true) continue;
            reportViolation(
                `${describeResource(r)} has opts.protect ${show(r.opts.protect)}; set protect: true (policy ` +
                    `config requireProtect is true on this network) so Pulumi refuses to delete or replace it ` +
                    `and its data.`,
                r.urn,
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Network isolation

/** Config of {@link networkNamespaceIsolation}. */
export interface NetworkIsolationConfig {
    network?: string;
    networks: string[];
}

/** The network a stack deploys: config `network`, else the stack name of the resources' URNs when it is a network. */
export function stackNetwork(config: NetworkIsolationConfig, resources: readonly PolicyResource[]): string | undefined {
    if (config.network) return config.network;
    const networks = config.networks ?? NETWORK_NAMES;
    for (const r of resources) {
        const stack = stackOfUrn(r.urn);
        if (stack && networks.includes(stack)) return stack;
    }
    return undefined;
}

/** No resource lives in a namespace that names another network. */
export const networkNamespaceIsolation: StackValidationPolicy = {
    name: "network-namespace-isolation",
    description:
        "No Kubernetes resource, Namespace or Kubernetes provider of this stack may use a namespace " +
        "whose name contains another network's name (devnet/testnet/mainnet), so one network's " +
        "objects never land in, or reach into, another's. The network is config `network`, else the " +
        "stack name.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "stack"],
    configSchema: {
        properties: {
            network: {
                type: "string",
                enum: [...NETWORK_NAMES],
                description: "The network this stack deploys (default: the stack name).",
            },
            networks: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [...NETWORK_NAMES],
                description: "Every network name a namespace could carry.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<NetworkIsolationConfig>();
        const own = stackNetwork(config, args.resources);
        if (own === undefined) args.notApplicable("the network is neither configured nor the stack name");
        const others = (config.networks ?? NETWORK_NAMES).filter((n) => n !== own);
        const check = (r: PolicyResource, field: string, value: unknown) => {
            if (typeof value !== "string") return;
            const other = others.find((n) => value.includes(n));
            if (other) {
                reportViolation(
                    `${describeResource(r)}: ${field} is ${show(value)}, which names network ` +
                        `${JSON.stringify(other)}, but this stack deploys ${JSON.stringify(own)}; use ${own}'s ` +
                        `namespace so one network's objects never land in another's.`,
                    r.urn,
                );
            }
        };
        for (const r of args.resources) {
            if (r.type === K8S.Provider) check(r, "namespace", r.props.namespace);
            else if (r.type === K8S.Namespace) check(r, "metadata.name", asRecord(r.props.metadata)?.name);
            else if (r.type.startsWith("kubernetes:"))
                check(r, "metadata.namespace", asRecord(r.props.metadata)?.namespace);
        }
    },
};

/** The stack group. */
export const stackPolicies: readonly StackValidationPolicy[] = [
    namespaceDefaultDeny,
    pdbForReplicatedWorkloads,
    backupForStatefulStores,
    irsaAnnotationMatchesRoleTrust,
    irsaRoleUsed,
    s3BucketCompanions,
    statefulResourcesProtected,
    networkNamespaceIsolation,
];
