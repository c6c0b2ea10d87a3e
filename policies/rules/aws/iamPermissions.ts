/**
 * IAM permissions: specific actions, named resources for anything but metadata reads, and no
 * static user credentials.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { actionMatches, inlinePolicyDocuments, parsePolicyDocument, Statement, statementLabel } from "../iamDocument";
import { AWS, defaultEnforcement, show, validateTypes } from "../util";
import { tags } from "./common";

/** Permission documents of an IAM resource, with the path to each. */
export function permissionDocuments(
    type: string,
    props: Record<string, unknown>,
): { path: string; document: unknown }[] {
    if (type === AWS.Role) return inlinePolicyDocuments(props.inlinePolicies);
    return props.policy === undefined ? [] : [{ path: "policy", document: props.policy }];
}

const PERMISSION_TYPES: readonly string[] = [AWS.Role, AWS.RolePolicy, AWS.Policy, AWS.UserPolicy, AWS.GroupPolicy];

/** Whether an action is a whole-service (or global) wildcard: `*` or `service:*`. */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[A-Za-z0-9-]+:\*$/.test(action);
}

/**
 * Reads that expose data or credentials, although their names start like read-only actions;
 * they are never classified read-only.
 */
export const SENSITIVE_READS: readonly string[] = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAcl",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "kms:GetParametersForImport",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
    "lambda:GetFunction",
    "ecr:GetDownloadUrlForLayer",
];

/**
 * Whether an action (or action pattern) only reads metadata, and so may use `Resource: "*"`:
 * its name starts with Describe, List, Get or BatchGet, and neither it nor (for a pattern such
 * as `s3:Get*`) anything it matches is one of {@link SENSITIVE_READS}. Everything else counts as
 * a write or admin action.
 */
export function isReadOnlyAction(action: string): boolean {
    const colon = action.indexOf(":");
    if (colon < 0) return false;
    const name = action.slice(colon + 1);
    if (!/^(Describe|List|Get|BatchGet)/i.test(name)) return false;
    return !SENSITIVE_READS.some((sensitive) => actionMatches(action, sensitive) || actionMatches(sensitive, action));
}

/** Whether a resource entry means "every resource" (`*`, or an ARN whose every part after the service is `*`). */
export function isWildcardResource(resource: string): boolean {
    return resource === "*" || /^arn:(\*|aws[a-z-]*):[^:]+:\*?:\*?:\*$/.test(resource);
}

function allowStatements(document: unknown): { statements: Statement[]; error?: string } {
    const parsed = parsePolicyDocument(document);
    return { statements: parsed.statements.filter((s) => s.effect === "Allow"), error: parsed.error };
}

/** IAM grants list specific actions. */
export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description:
        "No Allow statement of an IAM permission document (Role.inlinePolicies, RolePolicy, Policy, " +
        'UserPolicy, GroupPolicy; JSON strings or objects) may grant "*" or "service:*" or use ' +
        "NotAction, because a wildcard grants every current and future action. Documents that do " +
        "not parse are reported too.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes(PERMISSION_TYPES, (args, reportViolation) => {
        for (const { path, document } of permissionDocuments(args.type, args.props)) {
            const { statements, error } = allowStatements(document);
            if (error)
                reportViolation(
                    `${path} ${error}; write it as an IAM policy document (pulumi.jsonStringify of an object with a Statement list).`,
                );
            for (const st of statements) {
                const wildcards = st.actions.filter(isWildcardAction);
                if (wildcards.length > 0) {
                    reportViolation(
                        `${path} ${statementLabel(st)}.Action includes ${show(wildcards)}; list the specific ` +
                            `actions needed (e.g. "s3:GetObject", "s3:PutObject"): a wildcard grants every current and ` +
                            `future action.`,
                    );
                }
                if (st.notActions) {
                    reportViolation(
                        `${path} ${statementLabel(st)}.NotAction is ${show(st.notActions)} with Effect Allow; ` +
                            `replace it with an explicit Action list: Allow with NotAction grants every other action, ` +
                            `including future ones.`,
                    );
                }
            }
        }
    }),
};

/** IAM write and admin grants name their resources. */
export const iamNoWildcardResources: ResourceValidationPolicy = {
    name: "iam-no-wildcard-resources",
    description:
        'No Allow statement of an IAM permission document may use Resource "*" (or an all-wildcard ' +
        "ARN) or NotResource for write or admin actions, because a role must only touch the " +
        "resources it owns. Read-only actions may: an action counts as read-only when its name " +
        "starts with Describe, List, Get or BatchGet and it is not a data or credential read " +
        "(secretsmanager:GetSecretValue, ssm:GetParameter*, s3:GetObject*, dynamodb:GetItem, " +
        "sts:GetSessionToken, ...); NotAction never does.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes(PERMISSION_TYPES, (args, reportViolation) => {
        for (const { path, document } of permissionDocuments(args.type, args.props)) {
            for (const st of allowStatements(document).statements) {
                const writes = st.notActions
                    ? ["NotAction " + JSON.stringify(st.notActions)]
                    : st.actions.filter((a) => !isReadOnlyAction(a));
                if (writes.length === 0) continue;
                if (st.notResources) {
                    reportViolation(
                        `${path} ${statementLabel(st)}.NotResource is ${show(st.notResources)} for actions ` +
                            `${show(writes)}; list the Resource ARNs explicitly: NotResource grants the actions on ` +
                            `every other resource, including future ones.`,
                    );
                }
                const wide = st.resources.filter(isWildcardResource);
                if (wide.length > 0) {
                    reportViolation(
                        `${path} ${statementLabel(st)}.Resource is ${show(wide.length === 1 ? wide[0] : wide)} for ` +
                            `non-read-only actions ${show(writes)}; scope the statement to the ARNs it needs (its own ` +
                            `secrets, the network key, its bucket prefix): a wildcard resource lets it act on ` +
                            `everything in the account.`,
                    );
                }
            }
        }
    }),
};

/** No IAM user credentials. */
export const iamNoStaticCredentials: ResourceValidationPolicy = {
    name: "iam-no-static-credentials",
    description:
        "No IAM access keys (aws:iam/accessKey) or console login profiles " +
        "(aws:iam/userLoginProfile), because long-lived user credentials leak and are rarely " +
        "rotated; workloads assume IRSA roles and people sign in through SSO.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.AccessKey, AWS.UserLoginProfile], (args, reportViolation) => {
        if (args.type === AWS.AccessKey) {
            reportViolation(
                `user is ${show(args.props.user)} and this resource creates a long-lived access key for it; ` +
                    `remove it and let the workload assume an IRSA role: static keys leak and are rarely ` +
                    `rotated.`,
            );
        } else {
            reportViolation(
                `user is ${show(args.props.user)} and this resource gives it a console password; remove it and sign in through SSO or an assumed role instead.`,
            );
        }
    }),
};
