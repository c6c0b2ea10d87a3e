/**
 * IRSA: every `eks.amazonaws.com/role-arn` annotation names a role of the stack that trusts exactly
 * that service account, and every IRSA role is named by some ServiceAccount.
 *
 * Convention: a ServiceAccount's annotation names a role when it equals the role's `arn` (an
 * output), or is an ARN whose role name is the role's `name` (or its logical name when it has
 * none). References match by value: no rule reads meaning into the names of placeholder values.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowsWebIdentity } from "../aws/iamTrust";
import { parsePolicyDocument } from "../iamDocument";
import { IRSA_ANNOTATION } from "../workload/serviceAccounts";
import {
    asRecord,
    AWS,
    defaultEnforcement,
    describeK8s,
    identityKeys,
    K8S,
    k8sName,
    k8sNamespace,
    keyPath,
    referenceKeys,
    show,
} from "../util";

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
export function roleIndex(resources: readonly PolicyResource[]): (value: string) => PolicyResource | undefined {
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

/** A ServiceAccount's IRSA annotation, when it has one. */
export function irsaAnnotation(r: PolicyResource): string | undefined {
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
