/**
 * API versions: every rule of the pack matches resources by type token (`K8S`), so a kind the pack
 * checks, declared at another API version (`kubernetes:batch/v1beta1:CronJob`), or as a Pulumi
 * `*Patch` / `*List` type, would skip every rule without a word. This rule turns that silence into
 * a violation that names the type found, the release that removed it and the token to use instead.
 *
 * It looks at every `kubernetes:` type, so it must not carry a type fast-path marker: the analyzer
 * and the offline runner then call it for every resource, and it answers `notApplicable` itself.
 * Component types (`kubernetes:yaml/v2:ConfigGroup`, `kubernetes:helm.sh/v4:Chart`, ...) are not
 * kinds the pack checks; the engine registers their children as ordinary typed resources, which
 * this rule and all the others see. A Helm Release is different: its objects are never registered,
 * so it is refused too.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { defaultEnforcement, K8S } from "./util";

/** A Kubernetes type token taken apart: `kubernetes:<group>/<version>:<Kind>` (core may be `kubernetes:v1:<Kind>`). */
export interface K8sTypeParts {
    /** The group and version as the token spells them (`apps/v1`, `v1` for a CustomResource of the core group). */
    apiVersion: string;
    /** The Kubernetes kind, without Pulumi's `Patch` / `List` suffix. */
    kind: string;
    /** `object` for the kind itself, `patch` / `list` for Pulumi's `<Kind>Patch` / `<Kind>List` types. */
    form: "object" | "patch" | "list";
}

const TYPE_TOKEN = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/;

/** The parts of a Kubernetes resource type token, or undefined for anything else (providers, other clouds). */
export function k8sTypeParts(
    type: string,
    checkedKinds: ReadonlySet<string> = CHECKED_KINDS,
): K8sTypeParts | undefined {
    const match = TYPE_TOKEN.exec(type);
    if (!match) return undefined;
    const [, apiVersion, name] = match;
    for (const form of ["patch", "list"] as const) {
        const suffix = form === "patch" ? "Patch" : "List";
        const base = name.slice(0, -suffix.length);
        if (name.endsWith(suffix) && checkedKinds.has(base)) return { apiVersion, kind: base, form };
    }
    return { apiVersion, kind: name, form: "object" };
}

/** The type tokens the pack evaluates, by kind, derived from {@link K8S} (HorizontalPodAutoscaler has two). */
export const SUPPORTED_TYPES_BY_KIND: ReadonlyMap<string, readonly string[]> = (() => {
    const byKind = new Map<string, string[]>();
    for (const type of Object.values(K8S)) {
        const match = TYPE_TOKEN.exec(type);
        if (!match) continue; // the provider token
        byKind.set(match[2], [...(byKind.get(match[2]) ?? []), type]);
    }
    return byKind;
})();

/** The kinds the pack checks. */
export const CHECKED_KINDS: ReadonlySet<string> = new Set(SUPPORTED_TYPES_BY_KIND.keys());

/** An API version Kubernetes stopped serving for some kinds, per the Deprecated API Migration Guide. */
export interface ApiRemoval {
    /** `group/version` as a type token spells it. */
    readonly apiVersion: string;
    /** The kinds (of those the pack checks) it no longer serves. */
    readonly kinds: readonly string[];
    /** The Kubernetes release that stopped serving it. */
    readonly removedIn: `1.${number}`;
}

/**
 * The removals that concern the kinds the pack checks (kubernetes.io/docs/reference/using-api/deprecation-guide/).
 * Alpha versions (`batch/v2alpha1`, `rbac.authorization.k8s.io/v1alpha1`) were never served by default and
 * are not in the guide; they get the generic message.
 */
export const API_REMOVALS: readonly ApiRemoval[] = [
    {
        apiVersion: "extensions/v1beta1",
        kinds: ["Deployment", "DaemonSet", "ReplicaSet", "NetworkPolicy"],
        removedIn: "1.16",
    },
    { apiVersion: "apps/v1beta1", kinds: ["Deployment", "StatefulSet", "ReplicaSet"], removedIn: "1.16" },
    { apiVersion: "apps/v1beta2", kinds: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"], removedIn: "1.16" },
    { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], removedIn: "1.22" },
    { apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress"], removedIn: "1.22" },
    {
        apiVersion: "rbac.authorization.k8s.io/v1beta1",
        kinds: ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
        removedIn: "1.22",
    },
    { apiVersion: "batch/v1beta1", kinds: ["CronJob"], removedIn: "1.25" },
    { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], removedIn: "1.25" },
    { apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], removedIn: "1.25" },
    { apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], removedIn: "1.26" },
];

/** The release that stopped serving `kind` at `apiVersion`, if the guide lists it. */
export function removedIn(apiVersion: string, kind: string): string | undefined {
    return API_REMOVALS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind))?.removedIn;
}

/** `kubernetes:autoscaling/v2:HorizontalPodAutoscaler or kubernetes:autoscaling/v1:HorizontalPodAutoscaler`. */
function alternatives(types: readonly string[]): string {
    return types.join(" or ");
}

/**
 * Types that create Kubernetes objects the engine never registers, so no rule sees them, and what to
 * use instead. A Helm Release installs its chart through Helm inside the provider; helm.sh/v4 Chart
 * renders the chart and registers every object as a resource.
 */
export const OPAQUE_TYPES: ReadonlyMap<string, string> = new Map([
    [
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:helm.sh/v4:Chart, which registers each object of the chart as a resource the pack checks",
    ],
]);

/** Kinds the pack checks are declared only at the API versions it evaluates. */
export const apiVersionSupported: ResourceValidationPolicy = {
    name: "k8s-api-version-supported",
    description:
        "A Kubernetes kind the pack checks (Deployment, CronJob, Ingress, Role, ...) must be declared with the type " +
        "token the pack evaluates (apps/v1, batch/v1, networking.k8s.io/v1, ...), not at another API version and not " +
        "as a Pulumi <Kind>Patch or <Kind>List type, and no Helm Release (whose objects are never registered) may " +
        "be used, because every rule matches by type token and would skip them silently, so a skipped check " +
        "would be a hole.",
    enforcementLevel: defaultEnforcement("security"),
    tags: ["security", "api-versions"],
    // No validateTypes: it must see every type (see the file comment).
    validateResource: (args, reportViolation) => {
        const instead = OPAQUE_TYPES.get(args.type);
        if (instead) {
            reportViolation(
                `type is ${args.type}, whose objects the provider creates without registering them, so none of ` +
                    `the pack's rules checked them; use ${instead}.`,
            );
            return;
        }
        const parts = k8sTypeParts(args.type);
        const supported = parts && SUPPORTED_TYPES_BY_KIND.get(parts.kind);
        if (!parts || !supported) {
            args.notApplicable("not a Kubernetes kind the pack checks");
            return;
        }
        const use = alternatives(supported);
        if (parts.form === "patch") {
            reportViolation(
                `type is ${args.type}, a patch of a ${parts.kind} this stack does not declare in full: the pack ` +
                    `cannot see the object the patch produces, so none of its ${parts.kind} rules checked it; ` +
                    `declare the whole object as ${use}.`,
            );
        } else if (parts.form === "list") {
            reportViolation(
                `type is ${args.type}, which declares ${parts.kind} objects as items of one resource that none of ` +
                    `the pack's ${parts.kind} rules checks; declare each item as ${use}.`,
            );
        } else if (!supported.includes(args.type)) {
            const release = removedIn(parts.apiVersion, parts.kind);
            const why = release
                ? `which Kubernetes ${release} stopped serving`
                : parts.apiVersion.includes("/")
                  ? "an API version the pack does not evaluate"
                  : "the core group as a CustomResource spells it, not the provider's core/v1 type";
            reportViolation(
                `type is ${args.type}: ${parts.kind} at ${parts.apiVersion}, ${why}, so none of the pack's ` +
                    `${parts.kind} rules checked it; declare it as ${use}.`,
            );
        }
    },
};

/** The api-versions group. */
export const apiVersionPolicies: readonly ResourceValidationPolicy[] = [apiVersionSupported];
