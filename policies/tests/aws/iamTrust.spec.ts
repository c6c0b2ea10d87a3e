/**
 * IAM trust rules (rules/aws/iamTrust.ts): one passing input and one mutation per failing
 * condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { iamOidcTrustPinned, iamTrustNoWildcardPrincipal } from "../../rules/aws/iamTrust";
import { ISSUER, OIDC_PROVIDER_ARN, role } from "../compliantStack";
import { editJson, messagesOf, policyTable, res } from "../support";

describe("aws policies", () => {
    describe("IAM trust", () => {
        const at = "assumeRolePolicy Statement[0].Condition";
        const sub = `${ISSUER}:sub`;
        const aud = `${ISSUER}:aud`;
        const pin =
            'pin it with StringEquals to exactly one "system:serviceaccount:<namespace>:<name>" (no ' +
            "wildcards) so only that service account can assume the role.";
        const conditions = (r: OfflineResource, edit: (c: Record<string, Record<string, unknown>>) => void) =>
            editJson(r, "assumeRolePolicy", (d) =>
                edit(d.Statement[0].Condition as Record<string, Record<string, unknown>>),
            );
        policyTable(iamOidcTrustPinned, role, (r) => r, [
            {
                name: ":sub missing",
                mutate: (r) => conditions(r, (c) => void delete c.StringEquals[sub]),
                messages: [`${at}.StringEquals[${JSON.stringify(sub)}] is unset; ${pin}`],
            },
            {
                name: ":sub under StringLike",
                mutate: (r) =>
                    conditions(r, (c) => {
                        delete c.StringEquals[sub];
                        c.StringLike = { [sub]: "system:serviceaccount:messaging-mainnet:*" };
                    }),
                messages: [
                    `${at}.StringLike[${JSON.stringify(sub)}] is ["system:serviceaccount:messaging-mainnet:*"]; ` +
                        `use StringEquals with exactly one "system:serviceaccount:<namespace>:<name>" instead: ` +
                        `StringLike can admit other service accounts.`,
                    `${at}.StringEquals[${JSON.stringify(sub)}] is unset; ${pin}`,
                ],
            },
            {
                name: "two subjects",
                mutate: (r) =>
                    conditions(
                        r,
                        (c) =>
                            void (c.StringEquals[sub] = [
                                "system:serviceaccount:messaging-mainnet:relay",
                                "system:serviceaccount:messaging-mainnet:api",
                            ]),
                    ),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(sub)}] is ` +
                        `["system:serviceaccount:messaging-mainnet:relay","system:serviceaccount:messaging-mainnet:api"]; ` +
                        `${pin}`,
                ],
            },
            {
                name: "a wildcard in StringEquals",
                mutate: (r) =>
                    conditions(r, (c) => void (c.StringEquals[sub] = "system:serviceaccount:messaging-mainnet:*")),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(sub)}] is "system:serviceaccount:messaging-mainnet:*"; ${pin}`,
                ],
            },
            {
                name: ":aud missing",
                mutate: (r) => conditions(r, (c) => void delete c.StringEquals[aud]),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(aud)}] is unset; set it to "sts.amazonaws.com" so ` +
                        `tokens issued for any other audience cannot be exchanged for this role.`,
                ],
            },
            {
                name: ":aud not STS",
                mutate: (r) => conditions(r, (c) => void (c.StringEquals[aud] = "sts.amazonaws.com.evil")),
                messages: [
                    `${at}.StringEquals[${JSON.stringify(aud)}] is "sts.amazonaws.com.evil"; set it to ` +
                        `"sts.amazonaws.com" so tokens issued for any other audience cannot be exchanged for this ` +
                        `role.`,
                ],
            },
        ]);

        it("iam-oidc-trust-pinned ignores trusts that are not web identity from an OIDC provider", async () => {
            const service = JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            assert.deepEqual(
                await messagesOf(iamOidcTrustPinned, res("aws:iam/role:Role", "ec2", { assumeRolePolicy: service })),
                [],
            );
            const cognito = JSON.stringify({
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: "cognito-identity.amazonaws.com" },
                        Action: "sts:AssumeRoleWithWebIdentity",
                    },
                ],
            });
            assert.deepEqual(
                await messagesOf(
                    iamOidcTrustPinned,
                    res("aws:iam/role:Role", "cognito", { assumeRolePolicy: cognito }),
                ),
                [],
            );
            assert.ok(OIDC_PROVIDER_ARN.includes(":oidc-provider/"));
        });

        const trustFix =
            "name the exact principal (the cluster's OIDC provider, a role ARN or a service): a wildcard lets any AWS account assume the role.";
        policyTable(iamTrustNoWildcardPrincipal, role, (r) => r, [
            {
                name: "anyone may assume",
                mutate: (r) =>
                    editJson(r, "assumeRolePolicy", (d) =>
                        d.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
                    ),
                messages: [`assumeRolePolicy Statement[1].Principal is {"AWS":["*"]}; ${trustFix}`],
            },
            {
                name: "NotPrincipal",
                mutate: (r) =>
                    editJson(r, "assumeRolePolicy", (d) =>
                        d.Statement.push({
                            Effect: "Allow",
                            NotPrincipal: { Service: "ec2.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        }),
                    ),
                messages: [
                    `assumeRolePolicy Statement[1].NotPrincipal is {"Service":["ec2.amazonaws.com"]} with Effect Allow; ${trustFix}`,
                ],
            },
        ]);
    });
});
