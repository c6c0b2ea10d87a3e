/**
 * S3 bucket companions: with the @pulumi/aws v7 split resources a bucket alone gets only AWS
 * defaults, so every bucket needs its public-access block, encryption, versioning and TLS-only
 * policy resources in the stack.
 *
 * Convention: a companion belongs to a bucket when its `bucket` input equals the bucket's `bucket`
 * prop (its physical name), its `id` (an output) or its logical name; or when the engine's
 * propertyDependencies for `bucket` name the bucket. References match by value: no rule reads
 * meaning into the names of placeholder values.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS, defaultEnforcement, identityKeys, referenceKeys, show } from "../util";

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
