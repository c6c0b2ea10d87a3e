/**
 * s3-bucket-companions (rules/stack/bucketCompanions.ts): one passing stack and one mutation per
 * failing condition, with exact messages; how companions name their bucket.
 */
import * as assert from "node:assert/strict";
import type { PolicyResource } from "@pulumi/policy";
import { toPolicyResources } from "../../offline";
import { companionOf, s3BucketCompanions } from "../../rules/stack/bucketCompanions";
import { bucket, bucketPolicy, publicAccessBlock, sse, versioning } from "../compliantStack";
import { messagesOf, policyTable, res } from "../support";

describe("stack policies", () => {
    describe("s3-bucket-companions", () => {
        const stack = () => ({
            b: bucket(),
            pab: publicAccessBlock(),
            sse: sse(),
            v: versioning(),
            pol: bucketPolicy(),
        });
        const missing = (className: string, why: string, seen = "") =>
            `Bucket "backups" (identified by ["messaging-infra-mainnet-backups","backups"]) has no ${className} ` +
            `whose bucket input is this bucket${seen}; add an aws.s3.${className} with bucket set to ` +
            `the bucket's id ${why}.`;
        policyTable(s3BucketCompanions, stack, (s) => [s.b, s.pab, s.sse, s.v, s.pol], [
            {
                name: "no public-access block",
                mutate: (s) => void (s.pab.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [missing("BucketPublicAccessBlock", "so the bucket can never be made public")],
            },
            {
                name: "no encryption configuration",
                mutate: (s) => void (s.sse.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [
                    missing(
                        "BucketServerSideEncryptionConfiguration",
                        "so objects are encrypted under the network's KMS key",
                    ),
                ],
            },
            {
                name: "no versioning",
                mutate: (s) => void (s.v.type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"),
                messages: [missing("BucketVersioning", "so overwritten and deleted objects stay recoverable")],
            },
            {
                name: "a bucket policy for another bucket",
                mutate: (s) => void (s.pol.props.bucket = "messaging-infra-mainnet-other"),
                messages: [
                    missing(
                        "BucketPolicy",
                        "so requests over plain HTTP are denied",
                        ' (BucketPolicy resources here reference ["messaging-infra-mainnet-other"], which match no bucket)',
                    ),
                ],
            },
        ]);

        it("matches companions by bucket name, id output, logical name, V2 types and property dependencies", async () => {
            const b = bucket();
            b.outputs = { id: "backups-20260101" };
            const companions = [publicAccessBlock(), sse(), versioning(), bucketPolicy()];
            companions[0].props.bucket = "backups-20260101";
            companions[1].type =
                "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
            companions[2].props.bucket = "backups";
            assert.deepEqual(await messagesOf(s3BucketCompanions, [b, ...companions]), []);
            const [bucketResource, policyResource] = toPolicyResources([
                bucket(),
                res("aws:s3/bucketPolicy:BucketPolicy", "p", { bucket: "unknowable" }),
            ]);
            const linked: PolicyResource = { ...policyResource, propertyDependencies: { bucket: [bucketResource] } };
            assert.equal(companionOf(policyResource, bucketResource), false);
            assert.equal(companionOf(linked, bucketResource), true);
        });
    });
});
