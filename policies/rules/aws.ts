/**
 * AWS (provider @pulumi/aws v7): customer-managed KMS keys that rotate and cannot vanish
 * quickly, Secrets Manager entries under that key with a recovery window, least-privilege IAM,
 * IRSA trusts pinned to one service account, no static credentials, and S3 buckets locked down
 * through the v7 split resources (the per-bucket companion check is a stack rule, see stack.ts).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
    actionMatches,
    inlinePolicyDocuments,
    isWildcardPrincipal,
    parsePolicyDocument,
    Statement,
    statementLabel,
} from "./iamDocument";
import { asArray, asRecord, AWS, defaultEnforcement, show, validateTypes } from "./util";

const tags = ["security", "aws"];

// ---------------------------------------------------------------------------------------------
// KMS

/** Whether a key's spec and usage allow automatic rotation (symmetric encryption keys in AWS KMS). */
export function keyCanRotate(props: Record<string, unknown>): boolean {
    const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
    const usage = props.keyUsage ?? "ENCRYPT_DECRYPT";
    const customStore =
        props.customKeyStoreId !== undefined && props.customKeyStoreId !== null && props.customKeyStoreId !== "";
    return spec === "SYMMETRIC_DEFAULT" && usage === "ENCRYPT_DECRYPT" && !customStore;
}

/** Symmetric keys rotate. */
export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation-enabled",
    description:
        "Symmetric encryption KMS keys must set enableKeyRotation: true, so key material is rotated " +
        "yearly; asymmetric (SIGN_VERIFY, RSA/ECC), HMAC and custom-key-store keys, which KMS " +
        "cannot rotate, are exempt.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey], (args, reportViolation) => {
        if (!keyCanRotate(args.props)) return;
        if (args.props.enableKeyRotation !== true) {
            reportViolation(
                `enableKeyRotation is ${show(args.props.enableKeyRotation)}; set it to true so KMS rotates ` +
                    `the key material every year (old material still decrypts existing data).`,
            );
        }
    }),
};

/** Config of the two recovery-window rules. */
export interface MinimumDaysConfig {
    minimumDays: number;
}

/** KMS keys keep a long deletion window. */
export const kmsKeyDeletionWindow: ResourceValidationPolicy = {
    name: "kms-key-deletion-window",
    description:
        "A KMS key's deletionWindowInDays (AWS default 30 when unset) must be at least " +
        "`minimumDays` (default 30; devnet 7), because everything encrypted under a deleted key is " +
        "lost and the window is the only way back.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    configSchema: {
        properties: {
            minimumDays: {
                type: "integer",
                minimum: 7,
                maximum: 30,
                default: 30,
                description: "Fewest days a key stays recoverable after its deletion is scheduled.",
            },
        },
    },
    validateResource: validateTypes([AWS.KmsKey], (args, reportViolation) => {
        const minimum = args.getConfig<MinimumDaysConfig>().minimumDays ?? 30;
        const value = args.props.deletionWindowInDays;
        const effective = typeof value === "number" ? value : 30;
        if (effective < minimum) {
            reportViolation(
                `deletionWindowInDays is ${show(value)}; set it to at least ${minimum} (policy config ` +
                    `minimumDays) so a key scheduled for deletion by mistake can be recovered: data encrypted ` +
                    `under a deleted key is lost.`,
            );
        }
    }),
};

/** Messages for every Allow statement of a document that admits any principal. */
function wildcardPrincipalProblems(path: string, document: unknown, fix: string): string[] {
    const parsed = parsePolicyDocument(document);
    if (parsed.error)
        return [
            `${path} ${parsed.error}; write it as an IAM policy document (pulumi.jsonStringify of an object with a Statement list).`,
        ];
    const messages: string[] = [];
    for (const st of parsed.statements) {
        if (st.effect !== "Allow") continue;
        if (isWildcardPrincipal(st.principals)) {
            messages.push(
                `${path} ${statementLabel(st)}.Principal is ${show(st.principals?.["*"] ? st.principals["*"][0] : { AWS: st.principals?.AWS })}; ${fix}`,
            );
        }
        if (st.notPrincipals) {
            messages.push(
                `${path} ${statementLabel(st)}.NotPrincipal is ${show(st.notPrincipals)} with Effect Allow; ${fix}`,
            );
        }
    }
    return messages;
}

/** KMS key policies name their principals. */
export const kmsKeyPolicyNoWildcardPrincipal: ResourceValidationPolicy = {
    name: "kms-key-policy-no-wildcard-principal",
    description:
        "No Allow statement of a KMS key policy (Key.policy or KeyPolicy.policy) may have Principal " +
        '"*" / {"AWS": "*"} or use NotPrincipal, because that grants the key to every AWS principal ' +
        "that can reach it.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.KmsKey, AWS.KmsKeyPolicy], (args, reportViolation) => {
        if (args.props.policy === undefined || args.props.policy === null) return; // the default key policy trusts the account only
        wildcardPrincipalProblems(
            "policy",
            args.props.policy,
            "name the account root, roles or services that use the key: a wildcard principal grants the key to anyone who can reach it.",
        ).forEach((m) => reportViolation(m));
    }),
};

// ---------------------------------------------------------------------------------------------
// Secrets Manager

/** Whether a KMS key reference is the AWS-managed Secrets Manager key. */
function isAwsManagedSecretsKey(value: string): boolean {
    return value === "alias/aws/secretsmanager" || value.endsWith(":alias/aws/secretsmanager");
}

/** Secrets are encrypted under a customer-managed key. */
export const secretCustomerKmsKey: ResourceValidationPolicy = {
    name: "secretsmanager-customer-kms-key",
    description:
        "Every Secrets Manager secret must set kmsKeyId to a customer-managed KMS key (not absent, " +
        "not alias/aws/secretsmanager), so reading it also needs kms:Decrypt on a key whose policy " +
        "we control.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Secret], (args, reportViolation) => {
        const value = args.props.kmsKeyId;
        if (typeof value !== "string" || value === "") {
            reportViolation(
                `kmsKeyId is ${show(value)}; set it to the network's customer-managed KMS key: unset means ` +
                    `the AWS-managed aws/secretsmanager key, whose key policy you cannot restrict.`,
            );
        } else if (isAwsManagedSecretsKey(value)) {
            reportViolation(
                `kmsKeyId is ${show(value)}; set it to the network's customer-managed KMS key: ` +
                    `alias/aws/secretsmanager is AWS-managed and its key policy cannot be restricted.`,
            );
        }
    }),
};

/** Secrets keep a recovery window. */
export const secretRecoveryWindow: ResourceValidationPolicy = {
    name: "secretsmanager-recovery-window",
    description:
        "A Secrets Manager secret's recoveryWindowInDays (AWS default 30 when unset) must not be 0 " +
        "(immediate, unrecoverable deletion) and must be at least `minimumDays` (default 30; devnet " +
        "7), so a secret deleted by mistake can be restored.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    configSchema: {
        properties: {
            minimumDays: {
                type: "integer",
                minimum: 7,
                maximum: 30,
                default: 30,
                description: "Fewest days a deleted secret stays restorable.",
            },
        },
    },
    validateResource: validateTypes([AWS.Secret], (args, reportViolation) => {
        const minimum = args.getConfig<MinimumDaysConfig>().minimumDays ?? 30;
        const value = args.props.recoveryWindowInDays;
        if (value === 0) {
            reportViolation(
                `recoveryWindowInDays is 0; remove it or set it to at least ${minimum}: 0 deletes the secret immediately, with no way to restore it.`,
            );
        } else if (typeof value === "number" && value < minimum) {
            reportViolation(
                `recoveryWindowInDays is ${value}; set it to at least ${minimum} (policy config minimumDays) so a secret deleted by mistake can be restored.`,
            );
        }
    }),
};

// ---------------------------------------------------------------------------------------------
// IAM permissions

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

// ---------------------------------------------------------------------------------------------
// IAM trust

/** The issuer (`oidc.eks.<region>.amazonaws.com/id/<ID>`) of an OIDC provider ARN, or undefined. */
export function oidcIssuer(principal: string): string | undefined {
    const marker = ":oidc-provider/";
    const at = principal.indexOf(marker);
    return at < 0 ? undefined : principal.slice(at + marker.length);
}

/** Whether a statement allows sts:AssumeRoleWithWebIdentity (directly or through a pattern). */
export function allowsWebIdentity(st: Statement): boolean {
    return st.effect === "Allow" && st.actions.some((a) => actionMatches(a, "sts:AssumeRoleWithWebIdentity"));
}

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Messages for every web-identity statement of a trust policy that is not pinned to one service account and STS. */
export function oidcTrustProblems(document: unknown): string[] {
    const parsed = parsePolicyDocument(document);
    if (parsed.error) return [`assumeRolePolicy ${parsed.error}; write it as an IAM policy document.`];
    const messages: string[] = [];
    for (const st of parsed.statements) {
        if (!allowsWebIdentity(st)) continue;
        for (const provider of st.principals?.Federated ?? []) {
            const issuer = oidcIssuer(provider);
            if (!issuer) continue;
            const at = `assumeRolePolicy ${statementLabel(st)}.Condition`;
            const subKey = `${issuer}:sub`;
            const audKey = `${issuer}:aud`;
            const pinFix =
                `pin it with StringEquals to exactly one "system:serviceaccount:<namespace>:<name>" (no ` +
                `wildcards) so only that service account can assume the role.`;
            for (const [operator, keys] of Object.entries(st.conditions)) {
                if (operator !== "StringEquals" && keys[subKey] !== undefined) {
                    messages.push(
                        `${at}.${operator}[${JSON.stringify(subKey)}] is ${show(keys[subKey])}; use StringEquals ` +
                            `with exactly one "system:serviceaccount:<namespace>:<name>" instead: ${operator} can admit ` +
                            `other service accounts.`,
                    );
                }
            }
            const sub = st.conditions.StringEquals?.[subKey];
            if (sub === undefined) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is unset; ${pinFix}`);
            } else if (sub.length !== 1) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is ${show(sub)}; ${pinFix}`);
            } else if (!SERVICE_ACCOUNT_SUBJECT.test(sub[0])) {
                messages.push(`${at}.StringEquals[${JSON.stringify(subKey)}] is ${show(sub[0])}; ${pinFix}`);
            }
            const aud = st.conditions.StringEquals?.[audKey];
            if (aud === undefined || aud.length !== 1 || aud[0] !== "sts.amazonaws.com") {
                messages.push(
                    `${at}.StringEquals[${JSON.stringify(audKey)}] is ` +
                        `${aud === undefined ? "unset" : show(aud.length === 1 ? aud[0] : aud)}; set it to ` +
                        `"sts.amazonaws.com" so tokens issued for any other audience cannot be exchanged for this ` +
                        `role.`,
                );
            }
        }
    }
    return messages;
}

/** IRSA trusts are pinned to one service account and to STS. */
export const iamOidcTrustPinned: ResourceValidationPolicy = {
    name: "iam-oidc-trust-pinned",
    description:
        "A role trust that allows sts:AssumeRoleWithWebIdentity to a Federated oidc-provider " +
        "principal must pin <issuer>:sub with StringEquals to exactly one " +
        "system:serviceaccount:<namespace>:<name> (no wildcards, no StringLike) and <issuer>:aud to " +
        "sts.amazonaws.com, so exactly one Kubernetes service account can assume the role.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Role], (args, reportViolation) => {
        oidcTrustProblems(args.props.assumeRolePolicy).forEach((m) => reportViolation(m));
    }),
};

/** Role trusts name their principals. */
export const iamTrustNoWildcardPrincipal: ResourceValidationPolicy = {
    name: "iam-trust-no-wildcard-principal",
    description:
        'No Allow statement of a role\'s trust policy may have Principal "*" / {"AWS": "*"} or use ' +
        "NotPrincipal, because that lets any AWS account assume the role.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.Role], (args, reportViolation) => {
        if (args.props.assumeRolePolicy === undefined) return;
        wildcardPrincipalProblems(
            "assumeRolePolicy",
            args.props.assumeRolePolicy,
            "name the exact principal (the cluster's OIDC provider, a role ARN or a service): a wildcard lets any AWS account assume the role.",
        ).forEach((m) => reportViolation(m));
    }),
};

// ---------------------------------------------------------------------------------------------
// S3 companions

const PUBLIC_ACCESS_FLAGS = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
] as const;

/** Public access blocks set all four flags. */
export const s3PublicAccessBlockAllFlags: ResourceValidationPolicy = {
    name: "s3-public-access-block-all-flags",
    description:
        "A BucketPublicAccessBlock must set blockPublicAcls, blockPublicPolicy, ignorePublicAcls " +
        "and restrictPublicBuckets to true, so no ACL or bucket policy can ever make the bucket or " +
        "its objects public.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.BucketPublicAccessBlock], (args, reportViolation) => {
        for (const flag of PUBLIC_ACCESS_FLAGS) {
            if (args.props[flag] !== true) {
                reportViolation(
                    `${flag} is ${show(args.props[flag])}; set all four public-access-block flags to true so no ` +
                        `ACL or bucket policy can make the bucket or its objects public.`,
                );
            }
        }
    }),
};

/** Messages for an SSE configuration that is not SSE-KMS under a customer-managed key. */
export function sseProblems(props: Record<string, unknown>): string[] {
    const rules = asArray(props.rules);
    const defaults = rules
        .map((rule, index) => ({ index, value: asRecord(asRecord(rule)?.applyServerSideEncryptionByDefault) }))
        .filter((r): r is { index: number; value: Record<string, unknown> } => r.value !== undefined);
    if (defaults.length === 0) {
        return [
            `rules is ${show(props.rules)} with no applyServerSideEncryptionByDefault; add one with ` +
                `sseAlgorithm "aws:kms" and kmsMasterKeyId set to the network's KMS key.`,
        ];
    }
    const messages: string[] = [];
    for (const { index, value } of defaults) {
        const at = `rules[${index}].applyServerSideEncryptionByDefault`;
        if (value.sseAlgorithm !== "aws:kms" && value.sseAlgorithm !== "aws:kms:dsse") {
            messages.push(
                `${at}.sseAlgorithm is ${show(value.sseAlgorithm)}; set it to "aws:kms" with kmsMasterKeyId ` +
                    `= the network's KMS key, so reading objects also needs kms:Decrypt on a key we control.`,
            );
        }
        const key = value.kmsMasterKeyId;
        if (typeof key !== "string" || key === "" || key === "alias/aws/s3" || key.endsWith(":alias/aws/s3")) {
            messages.push(
                `${at}.kmsMasterKeyId is ${show(key)}; set it to the network's customer-managed KMS key ` +
                    `(unset means the AWS-managed aws/s3 key, whose key policy cannot be restricted).`,
            );
        }
    }
    return messages;
}

/** Buckets are encrypted with SSE-KMS under a customer-managed key. */
export const s3SseKmsCustomerKey: ResourceValidationPolicy = {
    name: "s3-sse-kms-customer-key",
    description:
        "A bucket's server-side encryption configuration must default to sseAlgorithm aws:kms (or " +
        "aws:kms:dsse) with kmsMasterKeyId set to a customer-managed key (not aws/s3), so object " +
        "reads also need kms:Decrypt on a key we control.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.BucketSse, AWS.BucketSseV2], (args, reportViolation) => {
        sseProblems(args.props).forEach((m) => reportViolation(m));
    }),
};

/** Bucket versioning is on. */
export const s3VersioningEnabled: ResourceValidationPolicy = {
    name: "s3-versioning-enabled",
    description:
        "A BucketVersioning must set versioningConfiguration.status to Enabled, so overwritten or " +
        "deleted objects (backups) stay recoverable as noncurrent versions.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.BucketVersioning, AWS.BucketVersioningV2], (args, reportViolation) => {
        const status = asRecord(args.props.versioningConfiguration)?.status;
        if (status !== "Enabled") {
            reportViolation(
                `versioningConfiguration.status is ${show(status)}; set it to "Enabled" so overwritten and ` +
                    `deleted objects stay recoverable as noncurrent versions.`,
            );
        }
    }),
};

/** Whether a condition block denies plain HTTP (`Bool: { "aws:SecureTransport": "false" }`). */
function deniesInsecureTransport(st: Statement): boolean {
    const values = st.conditions.Bool?.["aws:SecureTransport"] ?? st.conditions.Bool?.["aws:securetransport"];
    return st.effect === "Deny" && (values ?? []).some((v) => v.toLowerCase() === "false");
}

const TLS_STATEMENT =
    `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[<bucket ARN>,"<bucket ` +
    `ARN>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`;

/** Messages for a bucket policy that does not refuse plain-HTTP requests. */
export function tlsOnlyProblems(document: unknown): string[] {
    const parsed = parsePolicyDocument(document);
    if (parsed.error) return [`policy ${parsed.error}; write it as an IAM policy document including ${TLS_STATEMENT}.`];
    const candidate = parsed.statements.find(deniesInsecureTransport);
    if (!candidate)
        return [
            `policy has no statement denying requests where aws:SecureTransport is "false"; add ${TLS_STATEMENT} so plain-HTTP requests are refused.`,
        ];
    const messages: string[] = [];
    const at = `policy ${statementLabel(candidate)}`;
    if (!isWildcardPrincipal(candidate.principals)) {
        messages.push(
            `${at}.Principal is ${show(candidate.principals)}; use "*" so the TLS-only deny applies to every caller.`,
        );
    }
    if (!candidate.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*")) {
        messages.push(
            `${at}.Action is ${show(candidate.actions)}; use "s3:*" so every request over plain HTTP is denied.`,
        );
    }
    if (!candidate.resources.some((r) => r === "*" || r.endsWith("/*"))) {
        messages.push(
            `${at}.Resource is ${show(candidate.resources)}; include "<bucket ARN>/*" as well as the ` +
                `bucket ARN so object requests over plain HTTP are denied too.`,
        );
    }
    return messages;
}

/** Bucket policies refuse plain HTTP. */
export const s3BucketPolicyTlsOnly: ResourceValidationPolicy = {
    name: "s3-bucket-policy-tls-only",
    description:
        'A BucketPolicy must include a Deny of s3:* for Principal "*" on the bucket and its objects ' +
        "when aws:SecureTransport is false, so data never travels over plain HTTP.",
    enforcementLevel: defaultEnforcement("security"),
    tags,
    validateResource: validateTypes([AWS.BucketPolicy], (args, reportViolation) => {
        tlsOnlyProblems(args.props.policy).forEach((m) => reportViolation(m));
    }),
};

/** The aws group. */
export const awsPolicies: readonly ResourceValidationPolicy[] = [
    kmsKeyRotation,
    kmsKeyDeletionWindow,
    kmsKeyPolicyNoWildcardPrincipal,
    secretCustomerKmsKey,
    secretRecoveryWindow,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamNoStaticCredentials,
    iamOidcTrustPinned,
    iamTrustNoWildcardPrincipal,
    s3PublicAccessBlockAllFlags,
    s3SseKmsCustomerKey,
    s3VersioningEnabled,
    s3BucketPolicyTlsOnly,
];
