/**
 * S3 rules (rules/aws/s3.ts): one passing input and one mutation per failing condition, with
 * exact messages.
 */
import { OfflineResource } from "../../offline";
import {
    s3BucketPolicyTlsOnly,
    s3PublicAccessBlockAllFlags,
    s3SseKmsCustomerKey,
    s3VersioningEnabled,
} from "../../rules/aws/s3";
import { bucketPolicy, publicAccessBlock, sse, tlsPolicy, versioning } from "../compliantStack";
import { policyTable } from "../support";

describe("aws policies", () => {
    describe("S3 companions", () => {
        const pabFix =
            "set all four public-access-block flags to true so no ACL or bucket policy can make the bucket or its objects public.";
        policyTable(
            s3PublicAccessBlockAllFlags,
            publicAccessBlock,
            (p) => p,
            (["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const).map(
                (flag, i) => ({
                    name: `${flag} ${i % 2 === 0 ? "false" : "unset"}`,
                    mutate: (p: OfflineResource) => void (i % 2 === 0 ? (p.props[flag] = false) : delete p.props[flag]),
                    messages: [`${flag} is ${i % 2 === 0 ? "false" : "unset"}; ${pabFix}`],
                }),
            ),
        );

        const at = "rules[0].applyServerSideEncryptionByDefault";
        const keyFix =
            "set it to the network's customer-managed KMS key (unset means the AWS-managed aws/s3 key, whose key policy cannot be restricted).";
        policyTable(s3SseKmsCustomerKey, sse, (s) => s, [
            {
                name: "AES256",
                mutate: (s) => void (s.props.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }),
                messages: [
                    `${at}.sseAlgorithm is "AES256"; set it to "aws:kms" with kmsMasterKeyId = the network's ` +
                        `KMS key, so reading objects also needs kms:Decrypt on a key we control.`,
                    `${at}.kmsMasterKeyId is unset; ${keyFix}`,
                ],
            },
            {
                name: "aws:kms without a key",
                mutate: (s) => void delete s.props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
                messages: [`${at}.kmsMasterKeyId is unset; ${keyFix}`],
            },
            {
                name: "the AWS-managed aws/s3 key",
                mutate: (s) =>
                    void (s.props.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = "alias/aws/s3"),
                messages: [`${at}.kmsMasterKeyId is "alias/aws/s3"; ${keyFix}`],
            },
            {
                name: "no default encryption rule",
                mutate: (s) => void (s.props.rules = [{ bucketKeyEnabled: true }]),
                messages: [
                    'rules is [{"bucketKeyEnabled":true}] with no applyServerSideEncryptionByDefault; add one ' +
                        'with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the network\'s KMS key.',
                ],
            },
        ]);

        const versionFix =
            'set it to "Enabled" so overwritten and deleted objects stay recoverable as noncurrent versions.';
        policyTable(s3VersioningEnabled, versioning, (v) => v, [
            {
                name: "Suspended",
                mutate: (v) => void (v.props.versioningConfiguration.status = "Suspended"),
                messages: [`versioningConfiguration.status is "Suspended"; ${versionFix}`],
            },
            {
                name: "no configuration",
                mutate: (v) => void delete v.props.versioningConfiguration,
                messages: [`versioningConfiguration.status is unset; ${versionFix}`],
            },
        ]);

        const tls =
            `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[<bucket ARN>,"<bucket ` +
            `ARN>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`;
        const withStatement = (edit: (st: Record<string, unknown>) => void) => (p: OfflineResource) => {
            const doc = tlsPolicy() as { Statement: Record<string, unknown>[] };
            edit(doc.Statement[0]);
            p.props.policy = JSON.stringify(doc);
        };
        const at0 = 'policy Statement[0] ("DenyInsecureTransport")';
        policyTable(s3BucketPolicyTlsOnly, bucketPolicy, (p) => p, [
            {
                name: "no TLS statement",
                mutate: (p) => void (p.props.policy = JSON.stringify({ Statement: [] })),
                messages: [
                    `policy has no statement denying requests where aws:SecureTransport is "false"; add ${tls} so plain-HTTP requests are refused.`,
                ],
            },
            {
                name: "Allow instead of Deny",
                mutate: withStatement((st) => (st.Effect = "Allow")),
                messages: [
                    `policy has no statement denying requests where aws:SecureTransport is "false"; add ${tls} so plain-HTTP requests are refused.`,
                ],
            },
            {
                name: "only some principals",
                mutate: withStatement((st) => (st.Principal = { AWS: "arn:aws:iam::1:root" })),
                messages: [
                    `${at0}.Principal is {"AWS":["arn:aws:iam::1:root"]}; use "*" so the TLS-only deny applies to every caller.`,
                ],
            },
            {
                name: "only some actions",
                mutate: withStatement((st) => (st.Action = ["s3:GetObject"])),
                messages: [`${at0}.Action is ["s3:GetObject"]; use "s3:*" so every request over plain HTTP is denied.`],
            },
            {
                name: "the bucket but not its objects",
                mutate: withStatement((st) => (st.Resource = "arn:aws:s3:::messaging-infra-mainnet-backups")),
                messages: [
                    `${at0}.Resource is ["arn:aws:s3:::messaging-infra-mainnet-backups"]; include "<bucket ` +
                        `ARN>/*" as well as the bucket ARN so object requests over plain HTTP are denied too.`,
                ],
            },
        ]);
    });
});
