/**
 * S3, through the @pulumi/aws v7 split resources: public access blocked with all four flags,
 * SSE-KMS under a customer-managed key, versioning on, TLS-only bucket policies. (That each bucket
 * has all four companions is a stack rule: see stack/bucketCompanions.ts.)
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isWildcardPrincipal, parsePolicyDocument, Statement, statementLabel } from "../iamDocument";
import { asArray, asRecord, AWS, defaultEnforcement, show, validateTypes } from "../util";
import { tags } from "./common";

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
