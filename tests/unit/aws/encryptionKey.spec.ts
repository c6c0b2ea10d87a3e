import * as assert from "node:assert/strict";
import { ArgumentsError } from "../../../components/aws/arguments";
import {
    defaultKeyDescription,
    EncryptionKey,
    encryptionKeyPolicy,
    keyAliasName,
} from "../../../components/aws/encryptionKey";
import { runInMockEngine } from "../../../harness/mockEngine";
import { byName, mockArn, NETWORK_CASES, parentUrnOfChildren, PROJECT, stackUrn } from "../../support/iamFixtures";
import { ACCOUNT, CALLER_ROLE_ARN, simulate } from "../../support/iamSimulator";

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("EncryptionKey", () => {
    describe("keyAliasName", () => {
        for (const [network, alias] of [
            ["devnet", "alias/messaging-infra-devnet"],
            ["testnet", "alias/messaging-infra-testnet"],
            ["mainnet", "alias/messaging-infra-mainnet"],
        ] as const) {
            it(`${network} -> ${alias}`, () => assert.equal(keyAliasName(network), alias));
        }
    });

    describe("encryptionKeyPolicy", () => {
        const table = [
            { accountId: "111122223333", partition: undefined, root: "arn:aws:iam::111122223333:root" },
            { accountId: "777788889999", partition: "aws" as const, root: "arn:aws:iam::777788889999:root" },
            {
                accountId: "444455556666",
                partition: "aws-us-gov" as const,
                root: "arn:aws-us-gov:iam::444455556666:root",
            },
            { accountId: "444455556666", partition: "aws-cn" as const, root: "arn:aws-cn:iam::444455556666:root" },
        ];
        for (const row of table) {
            it(`lets only ${row.root} administer the key`, () => {
                assert.deepEqual(encryptionKeyPolicy(row.accountId, row.partition), {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "AccountRootAdministersKeyAndDelegatesToIam",
                            Effect: "Allow",
                            Principal: { AWS: row.root },
                            Action: "kms:*",
                            Resource: "*",
                        },
                    ],
                });
            });
        }

        it("never has a wildcard principal", () => {
            for (const row of table) {
                for (const statement of encryptionKeyPolicy(row.accountId, row.partition).Statement) {
                    assert.notEqual(statement.Principal, "*");
                    assert.ok(
                        statement.Principal &&
                            typeof statement.Principal === "object" &&
                            "AWS" in statement.Principal &&
                            !statement.Principal.AWS.includes("*"),
                    );
                }
            }
        });

        for (const accountId of ["", "12345678901", "1234567890123", "12345678901a", "*"]) {
            it(`rejects account id ${JSON.stringify(accountId)}`, () => {
                assert.throws(
                    () => encryptionKeyPolicy(accountId),
                    (e: unknown) => {
                        assert.ok(e instanceof ArgumentsError);
                        assert.deepEqual(e.problems, [
                            {
                                path: "accountId",
                                given: JSON.stringify(accountId),
                                allowed: "a 12-digit AWS account id",
                            },
                        ]);
                        return true;
                    },
                );
            });
        }

        describe("delegates use of the key to IAM (simulated)", () => {
            const keyPolicy = encryptionKeyPolicy(ACCOUNT);
            const decrypt = {
                Version: "2012-10-17" as const,
                Statement: [{ Sid: "UseKey", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: KEY_ARN }],
            };
            const nothing = {
                Version: "2012-10-17" as const,
                Statement: [
                    {
                        Sid: "Other",
                        Effect: "Allow" as const,
                        Action: "kms:Decrypt",
                        Resource: `${KEY_ARN.slice(0, -4)}ffff`,
                    },
                ],
            };

            it("a role of the account with an IAM grant may use the key", async () => {
                assert.equal(
                    await simulate(decrypt, { action: "kms:Decrypt", resource: KEY_ARN }, keyPolicy),
                    "Allowed",
                );
            });
            it("a role of the account without an IAM grant may not", async () => {
                assert.equal(
                    await simulate(nothing, { action: "kms:Decrypt", resource: KEY_ARN }, keyPolicy),
                    "ImplicitlyDenied",
                );
            });
            it("the IAM grant covers only its operation", async () => {
                assert.equal(
                    await simulate(decrypt, { action: "kms:Encrypt", resource: KEY_ARN }, keyPolicy),
                    "ImplicitlyDenied",
                );
                assert.equal(
                    await simulate(decrypt, { action: "kms:ScheduleKeyDeletion", resource: KEY_ARN }, keyPolicy),
                    "ImplicitlyDenied",
                );
            });
            it("a role of another account may not, even with an IAM grant", async () => {
                assert.ok(CALLER_ROLE_ARN.includes(`::${ACCOUNT}:`));
                const stranger = "arn:aws:iam::999988887777:role/stranger";
                assert.equal(
                    await simulate(
                        decrypt,
                        { action: "kms:Decrypt", resource: KEY_ARN, principal: stranger },
                        keyPolicy,
                    ),
                    "ImplicitlyDenied",
                );
            });
        });
    });

    describe("component", () => {
        for (const net of NETWORK_CASES) {
            it(
                `${net.network}: a symmetric key with rotation, the network alias, ` +
                    `${net.kmsDeletionWindowDays}-day window, protect=${net.protect}`,
                async () => {
                    const run = await runInMockEngine(
                        () => {
                            const key = new EncryptionKey("platform-key", {
                                network: net.network,
                                owner: "platform-team",
                                accountId: net.accountId,
                                deletionWindowInDays: net.kmsDeletionWindowDays,
                                protect: net.protect,
                            });
                            return { arn: key.arn, keyId: key.keyId, aliasName: key.aliasName };
                        },
                        { project: PROJECT, stack: net.network },
                    );
                    const resources = byName(run);
                    assert.deepEqual(
                        run.resources.map((r) => [r.type, r.name]),
                        [
                            ["messaging:aws:EncryptionKey", "platform-key"],
                            ["aws:kms/key:Key", "platform-key-key"],
                            ["aws:kms/alias:Alias", "platform-key-alias"],
                        ],
                    );
                    const component = resources.get("platform-key")!;
                    assert.equal(component.parent, stackUrn(net.network));
                    const childParent = parentUrnOfChildren(net.network, "messaging:aws:EncryptionKey", "platform-key");
                    assert.equal(component.urn, childParent);

                    const key = resources.get("platform-key-key")!;
                    assert.equal(key.parent, childParent);
                    assert.deepEqual(key.inputs, {
                        description: defaultKeyDescription(net.network),
                        keyUsage: "ENCRYPT_DECRYPT",
                        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                        enableKeyRotation: true,
                        deletionWindowInDays: net.kmsDeletionWindowDays,
                        bypassPolicyLockoutSafetyCheck: false,
                        policy: JSON.stringify(encryptionKeyPolicy(net.accountId)),
                        tags: {
                            component: "encryption-key",
                            project: "messaging-infra",
                            network: net.network,
                            owner: "platform-team",
                        },
                    });
                    assert.equal(key.options.protect, net.protect);
                    assert.deepEqual(key.secretPaths, []);

                    const alias = resources.get("platform-key-alias")!;
                    assert.equal(alias.parent, childParent);
                    assert.deepEqual(alias.inputs, {
                        name: `alias/messaging-infra-${net.network}`,
                        targetKeyId: "mock-key-id-of-platform-key-key",
                    });
                    // The alias holds no data; it is recreated freely.
                    assert.equal(alias.options.protect, false);

                    assert.deepEqual(run.outputs, {
                        arn: mockArn.key("platform-key-key"),
                        keyId: "mock-key-id-of-platform-key-key",
                        aliasName: `alias/messaging-infra-${net.network}`,
                    });
                },
            );
        }

        it("defaults to the safe choices: protected, 30-day window", async () => {
            const run = await runInMockEngine(
                () => {
                    new EncryptionKey("k", {
                        network: "mainnet",
                        owner: "platform-team",
                        accountId: "777788889999",
                        tags: { costCenter: "msg", network: "devnet" },
                    });
                },
                { project: PROJECT, stack: "mainnet" },
            );
            const key = byName(run).get("k-key")!;
            assert.equal(key.options.protect, true);
            assert.equal(key.inputs.deletionWindowInDays, 30);
            // Extra tags never relabel the key into another network.
            assert.deepEqual(key.inputs.tags, {
                costCenter: "msg",
                network: "mainnet",
                component: "encryption-key",
                project: "messaging-infra",
                owner: "platform-team",
            });
        });

        it("reports every bad argument at once, before registering anything", async () => {
            let registered = -1;
            await assert.rejects(
                runInMockEngine(
                    () => {
                        new EncryptionKey("k", {
                            network: "prodnet" as "devnet",
                            owner: "",
                            accountId: "1234",
                            partition: "aws-moon" as "aws",
                            deletionWindowInDays: 3,
                            description: "",
                            tags: { team: 7 as unknown as string },
                        });
                    },
                    { project: PROJECT, stack: "devnet" },
                ).then((run) => (registered = run.resources.length)),
                (e: unknown) => {
                    assert.ok(e instanceof ArgumentsError, String(e));
                    assert.deepEqual(e.problems, [
                        { path: "args.network", given: '"prodnet"', allowed: "one of devnet, testnet, mainnet" },
                        {
                            path: "args.owner",
                            given: '""',
                            allowed: "the owning team's name (non-empty), used in tags",
                        },
                        { path: "args.accountId", given: '"1234"', allowed: "a 12-digit AWS account id" },
                        { path: "args.partition", given: '"aws-moon"', allowed: "one of aws, aws-cn, aws-us-gov" },
                        { path: "args.deletionWindowInDays", given: "3", allowed: "an integer from 7 to 30 (days)" },
                        {
                            path: "args.description",
                            given: '""',
                            allowed: "a non-empty description of at most 8192 characters",
                        },
                        { path: "args.tags", given: '{"team":7}', allowed: "a map of tag names to string values" },
                    ]);
                    assert.match(
                        e.message,
                        new RegExp(
                            '^Invalid arguments to messaging:aws:EncryptionKey "k": 7 problems\\. Fix the caller:\\n' +
                                ' {2}- args\\.network: got "prodnet"; allowed: one of devnet, testnet, mainnet\\n',
                        ),
                    );
                    return true;
                },
            );
            assert.equal(registered, -1);
        });
    });
});
