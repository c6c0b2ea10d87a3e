/**
 * Federated OIDC trust (rules/aws/federatedTrust.ts): the compliant stack's GitHub deploy role
 * passes, and each mutation of its trust or of the grants that make it a write role fails with
 * exact messages.
 */
import * as assert from "node:assert/strict";
import { OfflineResource, toPolicyResources } from "../../offline";
import { iamOidcFederatedTrustPinned, roleWriteAccessIndex } from "../../rules/aws/federatedTrust";
import { iamOidcTrustPinned } from "../../rules/aws/iamTrust";
import {
    ACCOUNT,
    compliantStack,
    GITHUB_REPO,
    githubDeployRole,
    githubDeployRolePolicy,
    githubTrustPolicy,
    role,
} from "../compliantStack";
import { editJson, messagesOf, policyTable, res } from "../support";

const SUB = "token.actions.githubusercontent.com:sub";
const AUD = "token.actions.githubusercontent.com:aud";

/** The resource of the stack with this logical name. */
function named(stack: OfflineResource[], name: string): OfflineResource {
    const found = stack.find((r) => r.name === name);
    assert.ok(found, name);
    return found;
}

/** Edits the deploy role's trust conditions. */
function conditions(stack: OfflineResource[], edit: (c: Record<string, Record<string, unknown>>) => void): void {
    editJson(named(stack, "github-deploy"), "assumeRolePolicy", (d) =>
        edit(d.Statement[0].Condition as Record<string, Record<string, unknown>>),
    );
}

/** Sets the deploy role's sub condition (under StringLike when it has a wildcard, as GitHub's docs do). */
function subject(stack: OfflineResource[], value: string | string[]): void {
    conditions(stack, (c) => {
        delete c.StringEquals[SUB];
        const operator = [value].flat().some((v) => v.includes("*")) ? "StringLike" : "StringEquals";
        c[operator] = { ...c[operator], [SUB]: value };
    });
}

/** Replaces the deploy role's RolePolicy with a RolePolicyAttachment of this ARN. */
function attachInstead(stack: OfflineResource[], policyArn: string): void {
    stack.splice(stack.indexOf(named(stack, "github-deploy-state")), 1);
    stack.push(
        res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "github-deploy-attach", {
            role: "messaging-infra-mainnet-github-deploy",
            policyArn,
        }),
    );
}

describe("aws policies", () => {
    describe("federated OIDC trust", () => {
        const at = 'Role "github-deploy": assumeRolePolicy Statement[0]';
        const shape = `"repo:<owner>/<repo>:ref:refs/heads/<branch>" or "repo:<owner>/<repo>:environment:<name>"`;
        const foreign = (op: string, value: string) =>
            `${at}.Condition.${op}[${JSON.stringify(SUB)}] admits ${JSON.stringify(value)}; name one repository ` +
            `(${shape}, no wildcard in owner or repo): this admits workflows of repositories you do not control.`;
        const unpinned = (op: string, value: string, why: string) =>
            `${at}.Condition.${op}[${JSON.stringify(SUB)}] admits ${JSON.stringify(value)} and the role can write ` +
            `(${why}); pin a branch ("repo:${GITHUB_REPO}:ref:refs/heads/main") or an environment ` +
            `("repo:${GITHUB_REPO}:environment:<name>"), without wildcards: otherwise every branch, tag and pull ` +
            `request of the repository gets its write access.`;
        const statePolicy = 'RolePolicy "github-deploy-state" Statement[0] allows ["s3:GetObject","s3:PutObject"]';
        const audience = (found: string) =>
            `${at}.Condition.StringEquals[${JSON.stringify(AUD)}] is ${found}; set it to "sts.amazonaws.com", the ` +
            `audience aws-actions/configure-aws-credentials requests, so tokens minted for any other audience ` +
            `cannot be exchanged for this role.`;
        const pr = `repo:${GITHUB_REPO}:pull_request`;

        policyTable(iamOidcFederatedTrustPinned, compliantStack, (s) => s, [
            {
                name: "sub removed",
                mutate: (s) => conditions(s, (c) => void delete c.StringEquals[SUB]),
                messages: [
                    `${at}.Condition.StringEquals[${JSON.stringify(SUB)}] is unset; pin it to ${shape} so only that ` +
                        `repository's workflows can assume the role: without it every GitHub repository's workflows can.`,
                ],
            },
            {
                name: "sub under StringNotEquals",
                mutate: (s) =>
                    conditions(s, (c) => {
                        delete c.StringEquals[SUB];
                        c.StringNotEquals = { [SUB]: "repo:evil/repo:ref:refs/heads/main" };
                    }),
                messages: [
                    `${at}.Condition.StringNotEquals[${JSON.stringify(SUB)}] is ["repo:evil/repo:ref:refs/heads/main"]; ` +
                        `pin the subject with StringEquals or StringLike instead: negations, ...IfExists and ForAllValues: admit ` +
                        `other subjects, and ForAnyValue: is meant for multi-valued keys, which :sub is not.`,
                    `${at}.Condition.StringEquals[${JSON.stringify(SUB)}] is unset; pin it to ${shape} so only that ` +
                        `repository's workflows can assume the role: without it every GitHub repository's workflows can.`,
                ],
            },
            {
                name: "sub a bare wildcard",
                mutate: (s) => subject(s, "*"),
                messages: [foreign("StringLike", "*")],
            },
            {
                name: "sub any repository of the owner",
                mutate: (s) => subject(s, "repo:example-org/*"),
                messages: [foreign("StringLike", "repo:example-org/*")],
            },
            {
                name: "sub a wildcard owner",
                mutate: (s) => subject(s, "repo:*/messaging-infra:ref:refs/heads/main"),
                messages: [foreign("StringLike", "repo:*/messaging-infra:ref:refs/heads/main")],
            },
            {
                name: "a second, foreign subject next to the pinned one",
                mutate: (s) => subject(s, [`repo:${GITHUB_REPO}:environment:mainnet`, "repo:other-org/*"]),
                messages: [foreign("StringLike", "repo:other-org/*")],
            },
            {
                name: "pull requests of a write role",
                mutate: (s) => subject(s, pr),
                messages: [unpinned("StringEquals", pr, statePolicy)],
            },
            {
                name: "any ref of a write role",
                mutate: (s) => subject(s, `repo:${GITHUB_REPO}:*`),
                messages: [unpinned("StringLike", `repo:${GITHUB_REPO}:*`, statePolicy)],
            },
            {
                name: "a branch pattern for a write role",
                mutate: (s) => subject(s, `repo:${GITHUB_REPO}:ref:refs/heads/*`),
                messages: [unpinned("StringLike", `repo:${GITHUB_REPO}:ref:refs/heads/*`, statePolicy)],
            },
            {
                name: "a tag for a write role",
                mutate: (s) => subject(s, `repo:${GITHUB_REPO}:ref:refs/tags/v1.0.0`),
                messages: [unpinned("StringEquals", `repo:${GITHUB_REPO}:ref:refs/tags/v1.0.0`, statePolicy)],
            },
            {
                name: "write access through an inline policy",
                mutate: (s) => {
                    s.splice(s.indexOf(named(s, "github-deploy-state")), 1);
                    named(s, "github-deploy").props.inlinePolicies = [
                        {
                            name: "deploy",
                            policy: JSON.stringify({
                                Statement: [
                                    { Effect: "Allow", Action: "ec2:DescribeRegions", Resource: "*" },
                                    { Effect: "Allow", Action: "eks:UpdateClusterConfig", Resource: "*" },
                                ],
                            }),
                        },
                    ];
                    subject(s, pr);
                },
                messages: [
                    unpinned(
                        "StringEquals",
                        pr,
                        'its inlinePolicies[0].policy Statement[1] allows ["eks:UpdateClusterConfig"]',
                    ),
                ],
            },
            {
                name: "an AWS-managed policy other than the read-only ones attached",
                mutate: (s) => {
                    attachInstead(s, "arn:aws:iam::aws:policy/AdministratorAccess");
                    subject(s, pr);
                },
                messages: [
                    unpinned(
                        "StringEquals",
                        pr,
                        'RolePolicyAttachment "github-deploy-attach" attaches the AWS-managed "arn:aws:iam::aws:policy/AdministratorAccess"',
                    ),
                ],
            },
            {
                name: "a policy outside the stack attached",
                mutate: (s) => {
                    attachInstead(s, `arn:aws:iam::${ACCOUNT}:policy/deploy`);
                    subject(s, pr);
                },
                messages: [
                    unpinned(
                        "StringEquals",
                        pr,
                        `RolePolicyAttachment "github-deploy-attach" attaches "arn:aws:iam::${ACCOUNT}:policy/deploy", a policy this stack does not show`,
                    ),
                ],
            },
            {
                name: "a writing policy of the stack attached",
                mutate: (s) => {
                    attachInstead(s, `arn:aws:iam::${ACCOUNT}:policy/deploy`);
                    s.push(
                        res(
                            "aws:iam/policy:Policy",
                            "deploy-policy",
                            {
                                policy: JSON.stringify({
                                    Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
                                }),
                            },
                            {},
                            { outputs: { arn: `arn:aws:iam::${ACCOUNT}:policy/deploy` } },
                        ),
                    );
                    subject(s, pr);
                },
                messages: [
                    unpinned(
                        "StringEquals",
                        pr,
                        'RolePolicyAttachment "github-deploy-attach" attaches Policy "deploy-policy", whose policy Statement[0] allows NotAction ["iam:*"]',
                    ),
                ],
            },
            {
                name: "aud removed",
                mutate: (s) => conditions(s, (c) => void delete c.StringEquals[AUD]),
                messages: [audience("unset")],
            },
            {
                name: "aud another audience",
                mutate: (s) => conditions(s, (c) => void (c.StringEquals[AUD] = "https://github.com/example-org")),
                messages: [audience('"https://github.com/example-org"')],
            },
        ]);

        it("lets a read-only role trust pull requests and branch patterns", async () => {
            for (const attach of [
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            ]) {
                const s = compliantStack();
                attachInstead(s, attach);
                subject(s, [pr, `repo:${GITHUB_REPO}:ref:refs/heads/*`]);
                assert.deepEqual(await messagesOf(iamOidcFederatedTrustPinned, s), [], attach);
            }
            const s = compliantStack();
            s.splice(s.indexOf(named(s, "github-deploy-state")), 1);
            named(s, "github-deploy").props.inlinePolicies = [
                {
                    name: "preview",
                    policy: JSON.stringify({
                        Statement: { Effect: "Allow", Action: ["ec2:Describe*", "eks:DescribeCluster"], Resource: "*" },
                    }),
                },
            ];
            subject(s, pr);
            assert.deepEqual(await messagesOf(iamOidcFederatedTrustPinned, s), []);
        });

        it("accepts a write role pinned to a branch, found by the role's name, id or ARN", async () => {
            for (const ref of [
                "messaging-infra-mainnet-github-deploy",
                "github-deploy",
                `arn:aws:iam::${ACCOUNT}:role/messaging-infra-mainnet-github-deploy`,
            ]) {
                const s = compliantStack();
                const deploy = named(s, "github-deploy");
                deploy.outputs = { id: "messaging-infra-mainnet-github-deploy", arn: ref };
                named(s, "github-deploy-state").props.role = ref;
                subject(s, `repo:${GITHUB_REPO}:ref:refs/heads/main`);
                assert.deepEqual(await messagesOf(iamOidcFederatedTrustPinned, s), [], ref);
                subject(s, pr);
                assert.equal((await messagesOf(iamOidcFederatedTrustPinned, s)).length, 1, ref);
            }
        });

        it("requires some sub pin from other OIDC issuers", async () => {
            const gitlab = (condition: Record<string, unknown>) =>
                res("aws:iam/role:Role", "gitlab-deploy", {
                    assumeRolePolicy: JSON.stringify({
                        Statement: {
                            Effect: "Allow",
                            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com` },
                            Action: "sts:AssumeRoleWithWebIdentity",
                            Condition: condition,
                        },
                    }),
                });
            const gl = 'Role "gitlab-deploy": assumeRolePolicy Statement[0]';
            assert.deepEqual(
                await messagesOf(
                    iamOidcFederatedTrustPinned,
                    gitlab({ StringEquals: { "gitlab.com:aud": "https://gitlab.com" } }),
                ),
                [
                    `${gl}.Condition has no StringEquals or StringLike on "gitlab.com:sub"; pin the token's subject ` +
                        `(the identity the provider vouches for) so not every token gitlab.com issues can assume the role.`,
                ],
            );
            assert.deepEqual(
                await messagesOf(iamOidcFederatedTrustPinned, gitlab({ StringLike: { "gitlab.com:sub": "*" } })),
                [
                    `${gl}.Condition.StringLike["gitlab.com:sub"] is ["*"]; name the subjects that may assume the ` +
                        `role: "*" admits every token gitlab.com issues.`,
                ],
            );
            assert.deepEqual(
                await messagesOf(
                    iamOidcFederatedTrustPinned,
                    gitlab({
                        StringLike: {
                            "gitlab.com:sub": "project_path:example-org/messaging-infra:ref_type:branch:ref:main",
                        },
                    }),
                ),
                [],
            );
        });

        it("leaves EKS trusts to iam-oidc-trust-pinned, which leaves GitHub trusts alone", async () => {
            const open = role();
            editJson(open, "assumeRolePolicy", (d) => (d.Statement[0].Condition = {}));
            assert.deepEqual(await messagesOf(iamOidcFederatedTrustPinned, open), []);
            assert.equal((await messagesOf(iamOidcTrustPinned, open)).length, 2);
            const github = githubDeployRole();
            github.props.assumeRolePolicy = githubTrustPolicy(`repo:${GITHUB_REPO}:pull_request`);
            assert.deepEqual(await messagesOf(iamOidcTrustPinned, github), []);
        });

        it("finds grants through the engine's propertyDependencies when the role's name is not known yet", () => {
            const grant = githubDeployRolePolicy();
            grant.props.role = "unknowable";
            const [deploy, policy] = toPolicyResources([githubDeployRole(), grant]);
            assert.equal(roleWriteAccessIndex([deploy, policy])(deploy), undefined);
            const linked = { ...policy, propertyDependencies: { role: [deploy] } };
            assert.equal(
                roleWriteAccessIndex([deploy, linked])(deploy),
                'RolePolicy "github-deploy-state" Statement[0] allows ["s3:GetObject","s3:PutObject"]',
            );
        });

        it("treats a trust whose :sub names a service account as IRSA, whatever the issuer", async () => {
            const selfManaged = res("aws:iam/role:Role", "kind-irsa", {
                assumeRolePolicy: JSON.stringify({
                    Statement: {
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/kind` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringLike: { "oidc.example.com/kind:sub": "system:serviceaccount:messaging-devnet:*" },
                        },
                    },
                }),
            });
            assert.deepEqual(await messagesOf(iamOidcFederatedTrustPinned, selfManaged), []);
            assert.equal((await messagesOf(iamOidcTrustPinned, selfManaged)).length, 3);
        });
    });
});
