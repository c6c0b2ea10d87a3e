/**
 * Federated OIDC trust outside IRSA (iamTrust.ts's isIrsaTrust): a role that a CI system's or another identity provider's
 * tokens can assume is pinned to a subject, and for GitHub Actions to one repository, to STS, and
 * (when the role can do more than read) to one branch or environment.
 *
 * A stack rule, because whether a role can write depends on what the stack attaches to it:
 * - its own `inlinePolicies` and `managedPolicyArns`;
 * - every RolePolicy and RolePolicyAttachment whose `role` names it (its `name`, `id`, `arn` or
 *   logical name, by value), or whose propertyDependencies for `role` name it (as under preview,
 *   where the role's name is not known yet);
 * - an attached policy ARN is read through the stack's Policy of that `arn` / `id` (or the one
 *   propertyDependencies for `policyArn` name); AWS's
 *   ReadOnlyAccess and job-function/ViewOnlyAccess are read-only, any other AWS-managed policy and
 *   any policy the stack does not show count as write (the rule cannot prove them read-only).
 * A document counts as write when an Allow statement has NotAction or an action that is not
 * read-only in the sense of iam-no-wildcard-resources (isReadOnlyAction), or when it does not parse.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ConditionEntry, conditionLabel, parsePolicyDocument, statementLabel } from "../iamDocument";
import { AWS, asArray, defaultEnforcement, describeResource, identityKeys, referenceKeys, show } from "../util";
import { tags } from "./common";
import { isReadOnlyAction, permissionDocuments } from "./iamPermissions";
import { allowsWebIdentity, isIrsaTrust, oidcIssuer } from "./iamTrust";

/** The GitHub Actions issuer (and its per-enterprise form `token.actions.githubusercontent.com/<enterprise>`). */
export const GITHUB_ISSUER = "token.actions.githubusercontent.com";

const READ_ONLY_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(ReadOnlyAccess|job-function\/ViewOnlyAccess)$/;
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** Operators under which a `:sub` value names the subjects admitted (ORed): equality or a pattern. */
const SUBJECT_OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringLike"]);

/** `repo:<owner>/<repo>:<context>` with no wildcard in owner or repo; the context is returned. */
const GITHUB_SUBJECT = /^repo:([^/:*?]+)\/([^/:*?]+):(.+)$/;
/** A context that names one branch or one environment, without wildcards. */
const PINNED_CONTEXT = /^(ref:refs\/heads\/[^*?]+|environment:[^*?]+)$/;

/** Whether an issuer is GitHub Actions'. */
export function isGithubIssuer(issuer: string): boolean {
    return issuer === GITHUB_ISSUER || issuer.startsWith(`${GITHUB_ISSUER}/`);
}

/** Why a policy document lets a role do more than read, or undefined when it only reads. */
export function documentWriteAccess(document: unknown): string | undefined {
    const parsed = parsePolicyDocument(document);
    if (parsed.error) return `does not parse (${parsed.error})`;
    for (const st of parsed.statements) {
        if (st.effect !== "Allow") continue;
        if (st.notActions) return `${statementLabel(st)} allows NotAction ${show(st.notActions)}`;
        const writes = st.actions.filter((a) => !isReadOnlyAction(a));
        if (writes.length > 0) return `${statementLabel(st)} allows ${show(writes)}`;
    }
    return undefined;
}

/** The keys under which a reference input names a resource: its value, and the engine's dependencies for it. */
function inputKeys(r: PolicyResource, prop: string): string[] {
    return [...referenceKeys(r.props[prop]), ...(r.propertyDependencies?.[prop] ?? []).map((d) => `urn:${d.urn}`)];
}

/** Why an attached policy ARN counts as write access, or undefined when it only reads. */
function attachedPolicyWriteAccess(
    arn: unknown,
    keys: string[],
    policies: Map<string, PolicyResource>,
): string | undefined {
    if (typeof arn === "string" && READ_ONLY_MANAGED.test(arn)) return undefined;
    if (typeof arn === "string" && AWS_MANAGED.test(arn)) return `attaches the AWS-managed ${show(arn)}`;
    const policy = keys.map((k) => policies.get(k)).find((p) => p !== undefined);
    if (!policy) return `attaches ${show(arn)}, a policy this stack does not show`;
    const why = documentWriteAccess(policy.props.policy);
    return why === undefined ? undefined : `attaches ${describeResource(policy)}, whose policy ${why}`;
}

/**
 * Finds, for a role, the first reason the stack shows that it can do more than read (see the
 * module comment for where it looks), or undefined for a read-only role.
 */
export function roleWriteAccessIndex(
    resources: readonly PolicyResource[],
): (role: PolicyResource) => string | undefined {
    const policies = new Map<string, PolicyResource>();
    for (const r of resources) {
        if (r.type === AWS.Policy)
            for (const k of [...identityKeys(r, ["arn", "id"]), `urn:${r.urn}`]) policies.set(k, r);
    }
    const grants = resources.filter((r) => r.type === AWS.RolePolicy || r.type === AWS.RolePolicyAttachment);
    return (role) => {
        for (const { path, document } of permissionDocuments(AWS.Role, role.props)) {
            const why = documentWriteAccess(document);
            if (why !== undefined) return `its ${path} ${why}`;
        }
        for (const [index, arn] of asArray(role.props.managedPolicyArns).entries()) {
            const why = attachedPolicyWriteAccess(arn, referenceKeys(arn), policies);
            if (why !== undefined) return `its managedPolicyArns[${index}] ${why.replace(/^attaches /, "is ")}`;
        }
        const ids = new Set([...identityKeys(role, ["name", "id", "arn"]), `urn:${role.urn}`]);
        for (const grant of grants) {
            if (!inputKeys(grant, "role").some((k) => ids.has(k))) continue;
            const why =
                grant.type === AWS.RolePolicy
                    ? documentWriteAccess(grant.props.policy)
                    : attachedPolicyWriteAccess(grant.props.policyArn, inputKeys(grant, "policyArn"), policies);
            if (why !== undefined) return `${describeResource(grant)} ${why}`;
        }
        return undefined;
    };
}

/** The statement's conditions on one key (compared case-insensitively, as IAM does). */
function conditionsOn(conditions: Record<string, Record<string, string[]>>, key: string): ConditionEntry[] {
    const entries: ConditionEntry[] = [];
    for (const [operator, keys] of Object.entries(conditions)) {
        for (const [k, values] of Object.entries(keys)) {
            if (k.toLowerCase() === key.toLowerCase()) entries.push({ operator, key: k, values });
        }
    }
    return entries;
}

/** Messages for one role's trust (`writeAccess` says why it can write, or undefined). */
export function federatedTrustProblems(role: PolicyResource, writeAccess: () => string | undefined): string[] {
    const messages: string[] = [];
    for (const st of parsePolicyDocument(role.props.assumeRolePolicy).statements) {
        if (!allowsWebIdentity(st)) continue;
        for (const provider of st.principals?.Federated ?? []) {
            const issuer = oidcIssuer(provider);
            if (!issuer || isIrsaTrust(issuer, st)) continue;
            const at = `${describeResource(role)}: assumeRolePolicy ${statementLabel(st)}`;
            const subKey = `${issuer}:sub`;
            const subs = conditionsOn(st.conditions, subKey);
            for (const entry of subs.filter((e) => !SUBJECT_OPERATORS.has(e.operator))) {
                messages.push(
                    `${at}.${conditionLabel(entry)} is ${show(entry.values)}; pin the subject with StringEquals or ` +
                        `StringLike instead: negations, ...IfExists and ForAllValues: admit other subjects, and ` +
                        `ForAnyValue: is meant for multi-valued keys, which :sub is not.`,
                );
            }
            const pins = subs.filter((e) => SUBJECT_OPERATORS.has(e.operator));
            if (isGithubIssuer(issuer)) {
                messages.push(...githubProblems(at, subKey, pins, writeAccess));
                const aud = conditionsOn(st.conditions, `${issuer}:aud`).find((e) => e.operator === "StringEquals");
                if (aud === undefined || aud.values.length !== 1 || aud.values[0] !== "sts.amazonaws.com") {
                    const audKey = `${issuer}:aud`;
                    messages.push(
                        `${at}.Condition.StringEquals[${JSON.stringify(audKey)}] is ` +
                            `${aud === undefined ? "unset" : show(aud.values.length === 1 ? aud.values[0] : aud.values)}; ` +
                            `set it to "sts.amazonaws.com", the audience aws-actions/configure-aws-credentials ` +
                            `requests, so tokens minted for any other audience cannot be exchanged for this role.`,
                    );
                }
            } else if (pins.length === 0) {
                messages.push(
                    `${at}.Condition has no StringEquals or StringLike on ${JSON.stringify(subKey)}; pin the token's ` +
                        `subject (the identity the provider vouches for) so not every token ${issuer} issues can ` +
                        `assume the role.`,
                );
            } else {
                for (const entry of pins.filter((e) => e.values.some((v) => v === "" || v === "*"))) {
                    messages.push(
                        `${at}.${conditionLabel(entry)} is ${show(entry.values)}; name the subjects that may ` +
                            `assume the role: "*" admits every token ${issuer} issues.`,
                    );
                }
            }
        }
    }
    return messages;
}

function githubProblems(
    at: string,
    subKey: string,
    pins: ConditionEntry[],
    writeAccess: () => string | undefined,
): string[] {
    const shape = `"repo:<owner>/<repo>:ref:refs/heads/<branch>" or "repo:<owner>/<repo>:environment:<name>"`;
    if (pins.length === 0) {
        return [
            `${at}.Condition.StringEquals[${JSON.stringify(subKey)}] is unset; pin it to ${shape} so only that ` +
                `repository's workflows can assume the role: without it every GitHub repository's workflows can.`,
        ];
    }
    const messages: string[] = [];
    for (const entry of pins) {
        const field = `${at}.${conditionLabel(entry)}`;
        for (const value of entry.values) {
            const subject = GITHUB_SUBJECT.exec(value);
            if (!subject) {
                messages.push(
                    `${field} admits ${show(value)}; name one repository (${shape}, no wildcard in owner or repo): ` +
                        `this admits workflows of repositories you do not control.`,
                );
                continue;
            }
            if (PINNED_CONTEXT.test(subject[3])) continue;
            const why = writeAccess();
            if (why === undefined) continue;
            const repo = `repo:${subject[1]}/${subject[2]}`;
            messages.push(
                `${field} admits ${show(value)} and the role can write (${why}); pin a branch ` +
                    `("${repo}:ref:refs/heads/main") or an environment ("${repo}:environment:<name>"), without ` +
                    `wildcards: otherwise every branch, tag and pull request of the repository gets its write access.`,
            );
        }
    }
    return messages;
}

/** OIDC trusts other than IRSA are pinned: GitHub to one repository (and one branch or environment for write roles). */
export const iamOidcFederatedTrustPinned: StackValidationPolicy = {
    name: "iam-oidc-federated-trust-pinned",
    description:
        "A role trust that allows sts:AssumeRoleWithWebIdentity to a Federated oidc-provider and is " +
        "not an IRSA trust (an EKS issuer, or a :sub matched against system:serviceaccount:...) must " +
        "pin <issuer>:sub with StringEquals or StringLike (not bare *). For " +
        `GitHub Actions (${GITHUB_ISSUER}) every sub value must name one repository ` +
        "(repo:<owner>/<repo>:..., no wildcard in owner or repo), <issuer>:aud must be " +
        "sts.amazonaws.com, and when the stack shows the role can do more than read (inline " +
        "policies, managedPolicyArns, RolePolicy, RolePolicyAttachment; AWS-managed policies other " +
        "than ReadOnlyAccess/ViewOnlyAccess and policies outside the stack count as write) every value " +
        "must also pin a branch (:ref:refs/heads/<branch>) or an environment (:environment:<name>).",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateStack: (args, reportViolation) => {
        const writeAccessOf = roleWriteAccessIndex(args.resources);
        for (const role of args.resources) {
            if (role.type !== AWS.Role) continue;
            let why: string | undefined | null = null; // looked up once, and only for roles that need it
            const writeAccess = () => (why === null ? (why = writeAccessOf(role)) : why);
            federatedTrustProblems(role, writeAccess).forEach((m) => reportViolation(m, role.urn));
        }
    },
};
