import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentsError } from "../../../components/aws/arguments";
import { BackupBucket } from "../../../components/aws/backupBucket";
import { EncryptionKey } from "../../../components/aws/encryptionKey";
import {
    defaultRoleDescription,
    Grant,
    irsaRoleName,
    IrsaRole,
    IrsaRoleArgs,
    renderPermissionsPolicy,
    renderTrustPolicy,
} from "../../../components/aws/irsaRole";
import { ManagedSecret } from "../../../components/aws/managedSecret";
import { runInMockEngine } from "../../../harness/mockEngine";
import {
    byName,
    jsonInput,
    mockArn,
    NETWORK_CASES,
    NetworkCase,
    parentUrnOfChildren,
    PROJECT,
    stackUrn,
} from "../../support/iamFixtures";
import { ACCOUNT, simulateWebIdentity, Verdict } from "../../support/iamSimulator";

import { doc, expectProblems, ISSUER, NETWORK_KEY, OPERATOR_KEYS, PROVIDER } from "../../support/irsaFixtures";

describe("IrsaRole", () => {
    describe("names", () => {
        for (const [network, sa, name] of [
            ["devnet", "relay", "messaging-infra-devnet-relay"],
            ["testnet", "kms-service", "messaging-infra-testnet-kms-service"],
            ["mainnet", "backup-jobs", "messaging-infra-mainnet-backup-jobs"],
        ] as const) {
            it(`${network}/${sa} -> ${name}`, () => assert.equal(irsaRoleName(network, sa), name));
        }
    });

    describe("renderTrustPolicy", () => {
        for (const [namespace, sa] of [
            ["messaging-devnet", "relay"],
            ["messaging-mainnet", "backup.jobs"],
        ]) {
            it(`trusts exactly ${namespace}/${sa} through the OIDC provider, with :aud`, () => {
                assert.deepEqual(
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: ISSUER,
                        namespace,
                        serviceAccountName: sa,
                    }),
                    doc({
                        Sid: "AssumeFromServiceAccountToken",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${ISSUER}:sub`]: `system:serviceaccount:${namespace}:${sa}`,
                                [`${ISSUER}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    }),
                );
            });
        }

        it("lists every bad trust fact at once", () => {
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: "arn:aws:iam::123:oidc-provider/x",
                        oidcIssuerHostPath: `https://${ISSUER}`,
                        namespace: "Messaging",
                        serviceAccountName: "relay_sa",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "cluster.oidcProviderArn",
                        given: '"arn:aws:iam::123:oidc-provider/x"',
                        allowed:
                            "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
                    },
                    {
                        path: "cluster.oidcIssuerHostPath",
                        given: JSON.stringify(`https://${ISSUER}`),
                        allowed:
                            "the issuer host and path without https:// or wildcards, e.g. oidc.eks.us-east-1.amazonaws.com/id/<ID>",
                    },
                    {
                        path: "namespace",
                        given: '"Messaging"',
                        allowed:
                            "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                    },
                    {
                        path: "serviceAccountName",
                        given: '"relay_sa"',
                        allowed:
                            "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                    },
                ],
            );
        });

        it("rejects an issuer that disagrees with the provider ARN", () => {
            const other = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE9F8E7D6C5B4A39281706F5E4D";
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: other,
                        namespace: "ns",
                        serviceAccountName: "sa",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "cluster.oidcIssuerHostPath",
                        given: JSON.stringify(other),
                        allowed: `${ISSUER} (the issuer the OIDC provider ARN names, without https://)`,
                    },
                ],
            );
        });

        it("rejects a wildcard service account", () => {
            expectProblems(
                () =>
                    renderTrustPolicy({
                        oidcProviderArn: PROVIDER,
                        oidcIssuerHostPath: ISSUER,
                        namespace: "ns",
                        serviceAccountName: "*",
                    }),
                "arguments to the IRSA trust policy",
                [
                    {
                        path: "serviceAccountName",
                        given: '"*"',
                        allowed:
                            "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                    },
                ],
            );
        });
    });

    describe("trust (simulated AssumeRoleWithWebIdentity)", () => {
        for (const net of NETWORK_CASES) {
            const namespace = `messaging-${net.network}`;
            const trust = renderTrustPolicy({
                oidcProviderArn: net.oidcProviderArn,
                oidcIssuerHostPath: net.oidcIssuerHostPath,
                namespace,
                serviceAccountName: "relay",
            });
            const roleArn = `arn:aws:iam::${net.accountId}:role/${irsaRoleName(net.network, "relay")}`;
            const other = NETWORK_CASES.find((c) => c.network !== net.network)!;
            const token = {
                providerArn: net.oidcProviderArn,
                issuerHostPath: net.oidcIssuerHostPath,
                roleArn,
                sub: `system:serviceaccount:${namespace}:relay`,
                aud: "sts.amazonaws.com",
            };
            const cases: [string, Partial<typeof token>, Verdict][] = [
                ["its own service account", {}, "Allowed"],
                [
                    "another service account in the namespace",
                    { sub: `system:serviceaccount:${namespace}:kms-service` },
                    "ImplicitlyDenied",
                ],
                [
                    "the same name in another namespace",
                    { sub: "system:serviceaccount:default:relay" },
                    "ImplicitlyDenied",
                ],
                ["a wildcard subject", { sub: `system:serviceaccount:${namespace}:*` }, "ImplicitlyDenied"],
                ["a wrong audience", { aud: "https://kubernetes.default.svc" }, "ImplicitlyDenied"],
                ["no audience", { aud: undefined }, "ImplicitlyDenied"],
                [
                    "a token from another cluster's provider",
                    { providerArn: other.oidcProviderArn, issuerHostPath: other.oidcIssuerHostPath },
                    "ImplicitlyDenied",
                ],
            ];
            for (const [title, change, verdict] of cases) {
                it(`${net.network}: ${title} -> ${verdict}`, async () =>
                    assert.equal(await simulateWebIdentity(trust, { ...token, ...change }), verdict));
            }
        }

        it("the simulator does distinguish: a StringLike wildcard trust would admit another service account", async () => {
            const loose = renderTrustPolicy({
                oidcProviderArn: PROVIDER,
                oidcIssuerHostPath: ISSUER,
                namespace: "ns",
                serviceAccountName: "relay",
            });
            loose.Statement[0].Condition = {
                StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:ns:*", [`${ISSUER}:aud`]: "sts.amazonaws.com" },
            };
            const request = {
                providerArn: PROVIDER,
                issuerHostPath: ISSUER,
                roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
                sub: "system:serviceaccount:ns:kms-service",
                aud: "sts.amazonaws.com",
            };
            assert.equal(await simulateWebIdentity(loose, request), "Allowed");
        });
    });

    describe("component", () => {
        const clusterOf = (net: NetworkCase) => ({
            oidcProviderArn: net.oidcProviderArn,
            oidcIssuerHostPath: net.oidcIssuerHostPath,
        });

        for (const net of NETWORK_CASES) {
            it(`${net.network}: one role trusting messaging-${net.network}/relay and one inline policy naming the blocks' ARNs`, async () => {
                const run = await runInMockEngine(
                    () => {
                        const key = new EncryptionKey("key", {
                            network: net.network,
                            owner: "platform-team",
                            accountId: net.accountId,
                            protect: net.protect,
                        });
                        const keys = new ManagedSecret("operator-keys", {
                            network: net.network,
                            owner: "platform-team",
                            purpose: "relay-operator-keys",
                            kmsKeyArn: key.arn,
                            value: { kind: "keyList", count: 2 },
                            protect: net.protect,
                        });
                        const bucket = new BackupBucket("backups", {
                            network: net.network,
                            owner: "platform-team",
                            accountId: net.accountId,
                            kmsKeyArn: key.arn,
                            retentionDays: 7,
                            noncurrentRetentionDays: 30,
                            protect: net.protect,
                        });
                        const role = new IrsaRole("relay", {
                            network: net.network,
                            owner: "platform-team",
                            // As ClusterIdentity hands them over: Outputs.
                            cluster: {
                                oidcProviderArn: pulumi.output(net.oidcProviderArn),
                                oidcIssuerHostPath: pulumi.output(net.oidcIssuerHostPath),
                            },
                            namespace: `messaging-${net.network}`,
                            serviceAccountName: "relay",
                            grants: [
                                { kind: "readSecrets", secretArns: [keys.arn] },
                                { kind: "useKey", keyArn: key.arn, operations: ["decrypt"], via: "secretsmanager" },
                                { kind: "listBucket", bucketArn: bucket.arn, prefix: "relay" },
                            ],
                        });
                        return { arn: role.arn, name: role.name, annotations: role.serviceAccountAnnotations };
                    },
                    { project: PROJECT, stack: net.network },
                );
                const resources = byName(run);
                const component = resources.get("relay")!;
                assert.equal(component.type, "messaging:aws:IrsaRole");
                assert.equal(component.parent, stackUrn(net.network));
                const childParent = parentUrnOfChildren(net.network, "messaging:aws:IrsaRole", "relay");
                assert.equal(component.urn, childParent);
                assert.deepEqual(
                    run.resources.filter((r) => r.parent === childParent).map((r) => [r.type, r.name]),
                    [
                        ["aws:iam/role:Role", "relay-role"],
                        ["aws:iam/rolePolicy:RolePolicy", "relay-permissions"],
                    ],
                );

                const role = resources.get("relay-role")!;
                const roleName = `messaging-infra-${net.network}-relay`;
                const { assumeRolePolicy, ...rest } = role.inputs;
                assert.deepEqual(rest, {
                    name: roleName,
                    description: defaultRoleDescription(net.network, `messaging-${net.network}`, "relay"),
                    tags: {
                        component: "irsa-role",
                        "kubernetes-service-account": `messaging-${net.network}.relay`,
                        project: "messaging-infra",
                        network: net.network,
                        owner: "platform-team",
                    },
                });
                assert.equal(typeof assumeRolePolicy, "string");
                assert.deepEqual(
                    jsonInput(role, "assumeRolePolicy"),
                    renderTrustPolicy({
                        ...clusterOf(net),
                        namespace: `messaging-${net.network}`,
                        serviceAccountName: "relay",
                    }),
                );
                // Roles hold no data: not protected, so a trust or grant fix is never blocked.
                assert.equal(role.options.protect, false);

                const policy = resources.get("relay-permissions")!;
                assert.equal(policy.inputs.name, "least-privilege");
                assert.equal(policy.inputs.role, roleName);
                assert.deepEqual(
                    jsonInput(policy, "policy"),
                    renderPermissionsPolicy([
                        {
                            kind: "readSecrets",
                            secretArns: [mockArn.secret(`messaging-infra/${net.network}/relay-operator-keys`)],
                        },
                        {
                            kind: "useKey",
                            keyArn: mockArn.key("key-key"),
                            operations: ["decrypt"],
                            via: "secretsmanager",
                        },
                        {
                            kind: "listBucket",
                            bucketArn: mockArn.bucket(`messaging-infra-${net.network}-backups-${net.accountId}`),
                            prefix: "relay",
                        },
                    ]),
                );
                assert.deepEqual(run.outputs, {
                    arn: mockArn.role(roleName),
                    name: roleName,
                    annotations: { "eks.amazonaws.com/role-arn": mockArn.role(roleName) },
                });
                // No managed policies and no other inline policies anywhere.
                assert.equal(
                    run.resources.filter(
                        (r) => r.type.startsWith("aws:iam/rolePolicyAttachment") || r.type.startsWith("aws:iam/policy"),
                    ).length,
                    0,
                );
            });
        }

        const base = (net: NetworkCase): IrsaRoleArgs => ({
            network: net.network,
            owner: "platform-team",
            cluster: clusterOf(net),
            namespace: `messaging-${net.network}`,
            serviceAccountName: "relay",
            grants: [{ kind: "readSecrets", secretArns: [OPERATOR_KEYS] }],
        });
        const construct = (args: IrsaRoleArgs) =>
            runInMockEngine(() => void new IrsaRole("relay", args), { project: PROJECT, stack: args.network });
        const subject = 'arguments to messaging:aws:IrsaRole "relay"';

        it("lists every bad argument at once: malformed OIDC ARN, bad names, no grants", async () => {
            const devnet = NETWORK_CASES[0];
            await assert.rejects(
                construct({
                    ...base(devnet),
                    cluster: {
                        oidcProviderArn: "arn:aws:iam::111122223333:role/not-a-provider",
                        oidcIssuerHostPath: devnet.oidcIssuerHostPath,
                    },
                    namespace: "Messaging_Devnet",
                    serviceAccountName: "relay-",
                    grants: [],
                }),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.equal(e.subject, subject);
                    assert.deepEqual(e.problems, [
                        {
                            path: "args.cluster.oidcProviderArn",
                            given: '"arn:aws:iam::111122223333:role/not-a-provider"',
                            allowed:
                                "an EKS OIDC provider ARN: arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>",
                        },
                        {
                            path: "args.namespace",
                            given: '"Messaging_Devnet"',
                            allowed:
                                "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                        },
                        {
                            path: "args.serviceAccountName",
                            given: '"relay-"',
                            allowed:
                                "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                        },
                        {
                            path: "args.grants",
                            given: "[]",
                            allowed:
                                "at least one grant: a role without permissions has no reason to exist (e.g. [{kind: " +
                                "readSecrets, secretArns: [<secret ARN>]}])",
                        },
                    ]);
                    assert.equal(
                        e.message.split("\n")[0],
                        'Invalid arguments to messaging:aws:IrsaRole "relay": 4 problems. Fix the caller:',
                    );
                    return true;
                },
            );
        });

        it("lists every bad argument at once: issuer disagreeing with the ARN, a grant with no ARNs, a name too long for IAM", async () => {
            const mainnet = NETWORK_CASES[2];
            const devnetIssuer = NETWORK_CASES[0].oidcIssuerHostPath;
            const longName = "a".repeat(41);
            await assert.rejects(
                construct({
                    ...base(mainnet),
                    cluster: { oidcProviderArn: mainnet.oidcProviderArn, oidcIssuerHostPath: devnetIssuer },
                    serviceAccountName: longName,
                    grants: [
                        { kind: "readSecrets", secretArns: [] },
                        { kind: "useKey", keyArn: NETWORK_KEY, operations: [] },
                    ],
                }),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.deepEqual(e.problems, [
                        {
                            path: "args.cluster.oidcIssuerHostPath",
                            given: JSON.stringify(devnetIssuer),
                            allowed: `${mainnet.oidcIssuerHostPath} (the issuer the OIDC provider ARN names, without https://)`,
                        },
                        {
                            path: "args.serviceAccountName",
                            given: JSON.stringify(longName),
                            allowed:
                                "at most 40 characters on mainnet, so the role name messaging-infra-mainnet-<sa> fits IAM's 64",
                        },
                        {
                            path: "args.grants[0].secretArns",
                            given: "[]",
                            allowed: "at least one secret ARN (ManagedSecret.arn)",
                        },
                        {
                            path: "args.grants[1].operations",
                            given: "[]",
                            allowed: "at least one of encrypt, decrypt, generateDataKey, sign, describe",
                        },
                    ]);
                    return true;
                },
            );
        });

        it("checks cluster facts that arrive as Outputs once they resolve, and fails the deployment", async () => {
            const devnet = NETWORK_CASES[0];
            await assert.rejects(
                construct({
                    ...base(devnet),
                    cluster: {
                        oidcProviderArn: pulumi.output(devnet.oidcProviderArn),
                        oidcIssuerHostPath: pulumi.output(`https://${devnet.oidcIssuerHostPath}`),
                    },
                }),
                (e: unknown) => {
                    assert.ok(e instanceof Error);
                    assert.match(e.message, /Invalid arguments to the IRSA trust policy: 2 problems\. Fix the caller:/);
                    assert.match(
                        e.message,
                        new RegExp(
                            '- cluster\\.oidcIssuerHostPath: got "https://oidc\\.eks\\.us-east-1\\.amazonaws\\.com/id/' +
                                'EXAMPLED539D4633E53DE1B71EXAMPLE"; allowed: oidc\\.eks',
                        ),
                    );
                    return true;
                },
            );
        });

        it("checks grant ARNs that arrive as Outputs once they resolve", async () => {
            const devnet = NETWORK_CASES[0];
            const grants: Grant[] = [
                {
                    kind: "readSecrets",
                    secretArns: [pulumi.output(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:*`)],
                },
            ];
            await assert.rejects(
                construct({ ...base(devnet), grants }),
                /Invalid arguments to the IRSA permissions policy: 1 problem\. Fix the caller:\n {2}- grants\[0\]\.secretArns\[0\]: got/,
            );
        });
    });
});
