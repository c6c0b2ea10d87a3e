/**
 * IAM permission rules (rules/aws/iamPermissions.ts): one passing input and one mutation per
 * failing condition, with exact messages, the action classifier and document-shape variants
 * (JSON string or object, Statement object or list, Action string or list).
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { actionMatches } from "../../rules/iamDocument";
import {
    iamNoStaticCredentials,
    iamNoWildcardActions,
    iamNoWildcardResources,
    isReadOnlyAction,
    isWildcardResource,
} from "../../rules/aws/iamPermissions";
import { KEY_ARN, role, rolePolicy } from "../compliantStack";
import { editJson, messagesOf, policyTable, res, urnOf } from "../support";

function editInline(r: OfflineResource, edit: (doc: { Statement: Record<string, unknown>[] }) => void): void {
    const doc = JSON.parse(r.props.inlinePolicies[0].policy);
    edit(doc);
    r.props.inlinePolicies[0].policy = JSON.stringify(doc);
}

describe("aws policies", () => {
    describe("IAM permissions", () => {
        const actionFix =
            'list the specific actions needed (e.g. "s3:GetObject", "s3:PutObject"): a wildcard grants every current and future action.';
        policyTable(
            iamNoWildcardActions,
            () => [role(), rolePolicy()],
            (r) => r,
            [
                {
                    name: '"*" action in an inline policy',
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[1].Action = "*")),
                    messages: [
                        `inlinePolicies[0].policy Statement[1] ("UseNetworkKey").Action includes ["*"]; ${actionFix}`,
                    ],
                },
                {
                    name: '"service:*" action in a RolePolicy',
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) =>
                                ((d.Statement as unknown as Record<string, unknown>).Action = ["s3:*", "kms:Decrypt"]),
                        ),
                    messages: [`policy Statement[0].Action includes ["s3:*"]; ${actionFix}`],
                },
                {
                    name: "NotAction with Allow",
                    mutate: ([r]) =>
                        editInline(r, (d) =>
                            d.Statement.push({ Effect: "Allow", NotAction: "iam:*", Resource: KEY_ARN }),
                        ),
                    messages: [
                        `inlinePolicies[0].policy Statement[3].NotAction is ["iam:*"] with Effect Allow; replace it ` +
                            `with an explicit Action list: Allow with NotAction grants every other action, including ` +
                            `future ones.`,
                    ],
                },
                {
                    name: "a document that is not an object",
                    mutate: ([, p]) => void (p.props.policy = "[]"),
                    messages: [
                        "policy is not a JSON object; write it as an IAM policy document (pulumi.jsonStringify of an object with a Statement list).",
                    ],
                },
            ],
        );

        it("iam-no-wildcard-actions reads documents given as objects, for Policy, UserPolicy and GroupPolicy", async () => {
            const document = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
            for (const type of [
                "aws:iam/policy:Policy",
                "aws:iam/userPolicy:UserPolicy",
                "aws:iam/groupPolicy:GroupPolicy",
            ]) {
                assert.deepEqual(
                    await messagesOf(iamNoWildcardActions, res(type, "p", { policy: document })),
                    [`policy Statement[0].Action includes ["*"]; ${actionFix}`],
                    type,
                );
            }
        });

        const resourceFix =
            "scope the statement to the ARNs it needs (its own secrets, the network key, its bucket " +
            "prefix): a wildcard resource lets it act on everything in the account.";
        policyTable(
            iamNoWildcardResources,
            () => [role(), rolePolicy()],
            (r) => r,
            [
                {
                    name: '"*" for a write action',
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) => ((d.Statement as unknown as Record<string, unknown>).Resource = "*"),
                        ),
                    messages: [
                        `policy Statement[0].Resource is "*" for non-read-only actions ["s3:PutObject","s3:GetObject"]; ${resourceFix}`,
                    ],
                },
                {
                    name: '"*" for a secret read',
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[0].Resource = "*")),
                    messages: [
                        `inlinePolicies[0].policy Statement[0] ("ReadOwnSecrets").Resource is "*" for non-read-only ` +
                            `actions ["secretsmanager:GetSecretValue"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "a read pattern that includes object reads",
                    mutate: ([r]) => editInline(r, (d) => (d.Statement[2].Action = ["s3:Get*"])),
                    messages: [
                        `inlinePolicies[0].policy Statement[2] ("Discover").Resource is "*" for non-read-only actions ["s3:Get*"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "an all-buckets ARN",
                    mutate: ([, p]) =>
                        editJson(
                            p,
                            "policy",
                            (d) => ((d.Statement as unknown as Record<string, unknown>).Resource = ["arn:aws:s3:::*"]),
                        ),
                    messages: [
                        `policy Statement[0].Resource is "arn:aws:s3:::*" for non-read-only actions ["s3:PutObject","s3:GetObject"]; ${resourceFix}`,
                    ],
                },
                {
                    name: "NotResource",
                    mutate: ([, p]) =>
                        editJson(p, "policy", (d) => {
                            const st = d.Statement as unknown as Record<string, unknown>;
                            delete st.Resource;
                            st.NotResource = "arn:aws:s3:::other/*";
                        }),
                    messages: [
                        `policy Statement[0].NotResource is ["arn:aws:s3:::other/*"] for actions ` +
                            `["s3:PutObject","s3:GetObject"]; list the Resource ARNs explicitly: NotResource grants the ` +
                            `actions on every other resource, including future ones.`,
                    ],
                },
            ],
        );

        it("matches IAM action patterns case-insensitively with * and ?", () => {
            const table: [string, string, boolean][] = [
                ["s3:Get*", "s3:GetObject", true],
                ["S3:GETOBJECT", "s3:getobject", true],
                ["sts:AssumeRoleWith*", "sts:AssumeRoleWithWebIdentity", true],
                ["sts:AssumeRole?", "sts:AssumeRole", false],
                ["*", "iam:PassRole", true],
                ["s3:*Object", "s3:PutObject", true],
                ["s3:*Object", "s3:PutObjectAcl", false],
                [`${"*a".repeat(30)}b`, "a".repeat(60), false],
            ];
            for (const [pattern, action, expected] of table)
                assert.equal(actionMatches(pattern, action), expected, `${pattern} ~ ${action}`);
        });

        it("classifies read-only actions, and wildcard resources", () => {
            for (const a of [
                "ec2:DescribeRegions",
                "ec2:Describe*",
                "kms:ListAliases",
                "iam:GetRole",
                "cloudwatch:BatchGetServiceLevelObjectiveBudgetReport",
                "ecr:GetAuthorizationToken",
            ])
                assert.equal(isReadOnlyAction(a), true, a);
            for (const a of [
                "s3:PutObject",
                "s3:GetObject",
                "s3:Get*",
                "secretsmanager:GetSecretValue",
                "ssm:GetParameters",
                "sts:GetSessionToken",
                "kms:Decrypt",
                "*",
                "iam:PassRole",
                "ListBuckets",
            ]) {
                assert.equal(isReadOnlyAction(a), false, a);
            }
            for (const r of ["*", "arn:aws:s3:::*", "arn:aws:kms:*:*:*", "arn:*:iam::*:*"])
                assert.equal(isWildcardResource(r), true, r);
            for (const r of [
                "arn:aws:s3:::bucket/*",
                "arn:aws:kms:us-east-1:1:key/*",
                "arn:aws:secretsmanager:us-east-1:1:secret:x-*",
            ])
                assert.equal(isWildcardResource(r), false, r);
        });

        // The passing input is an IAM user without credentials; each mutation gives it one kind of static credential.
        const asType = (type: string, name: string) => (r: OfflineResource) => {
            r.type = type;
            r.name = name;
            r.urn = urnOf(type, name);
            r.props = { user: "ci" };
        };
        policyTable(
            iamNoStaticCredentials,
            () => res("aws:iam/user:User", "ci", { name: "ci" }),
            (r) => [role(), r],
            [
                {
                    name: "an access key",
                    mutate: asType("aws:iam/accessKey:AccessKey", "ci-key"),
                    messages: [
                        'user is "ci" and this resource creates a long-lived access key for it; remove it and let ' +
                            "the workload assume an IRSA role: static keys leak and are rarely rotated.",
                    ],
                },
                {
                    name: "a console login profile",
                    mutate: asType("aws:iam/userLoginProfile:UserLoginProfile", "ci-login"),
                    messages: [
                        'user is "ci" and this resource gives it a console password; remove it and sign in through SSO or an assumed role instead.',
                    ],
                },
            ],
        );
    });
});
