import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentsError } from "../../../components/aws/arguments";
import {
    defaultSecretDescription,
    ManagedSecret,
    ManagedSecretArgs,
    renderKeyList,
    SecretValueSource,
    secretName,
} from "../../../components/aws/managedSecret";
import { MockRun, runInMockEngine } from "../../../harness/mockEngine";
import { mockRandomBytes } from "../../../harness/placeholders";
import {
    byName,
    mockArn,
    NETWORK_CASES,
    NetworkCase,
    parentUrnOfChildren,
    PROJECT,
    stackUrn,
} from "../../support/iamFixtures";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** What {@link runSecret}'s program returns, once the stack outputs are resolved. */
interface SecretOutputs {
    arn: string;
    name: string;
    value: string;
    valueIsSecret: boolean;
}

/** Builds one ManagedSecret on `net` and reports whether its value output is a secret. */
async function runSecret(
    net: NetworkCase,
    name: string,
    purpose: string,
    value: () => SecretValueSource,
    extra: Partial<ManagedSecretArgs> = {},
): Promise<MockRun<SecretOutputs>> {
    // The harness returns stack outputs resolved, so the Outputs below arrive as plain values.
    const run = await runInMockEngine(
        async () => {
            const secret = new ManagedSecret(name, {
                network: net.network,
                owner: "platform-team",
                purpose,
                kmsKeyArn: KEY_ARN,
                value: value(),
                recoveryWindowInDays: net.secretRecoveryWindowDays,
                protect: net.protect,
                ...extra,
            });
            return {
                arn: secret.arn,
                name: secret.name,
                value: secret.value,
                valueIsSecret: await pulumi.isSecret(secret.value),
            };
        },
        { project: PROJECT, stack: net.network },
    );
    return run as unknown as MockRun<SecretOutputs>;
}

describe("ManagedSecret", () => {
    describe("secretName", () => {
        for (const [network, purpose, name] of [
            ["devnet", "relay-operator-keys", "messaging-infra/devnet/relay-operator-keys"],
            ["testnet", "kms-service/master-key", "messaging-infra/testnet/kms-service/master-key"],
            ["mainnet", "secretbox-key", "messaging-infra/mainnet/secretbox-key"],
        ] as const) {
            it(`${network} + ${purpose} -> ${name}`, () => assert.equal(secretName(network, purpose), name));
        }
    });

    it("renderKeyList stores keys as a JSON array of 0x-prefixed hex strings, in order", () => {
        assert.equal(renderKeyList(["aa", "bb", "cc"]), '["0xaa","0xbb","0xcc"]');
        assert.deepEqual(JSON.parse(renderKeyList([])), []);
    });

    describe("per value source and network", () => {
        for (const net of NETWORK_CASES) {
            const childParent = parentUrnOfChildren(net.network, "messaging:aws:ManagedSecret", "relay-keys");
            const expectSecretAndVersion = (
                run: MockRun<unknown>,
                purpose: string,
                secretString: string,
                versionProtected: boolean,
            ) => {
                const resources = byName(run);
                const component = resources.get("relay-keys")!;
                assert.equal(component.type, "messaging:aws:ManagedSecret");
                assert.equal(component.parent, stackUrn(net.network));
                assert.equal(component.urn, childParent);
                const secret = resources.get("relay-keys-secret")!;
                assert.equal(secret.type, "aws:secretsmanager/secret:Secret");
                assert.equal(secret.parent, childParent);
                assert.deepEqual(secret.inputs, {
                    name: `messaging-infra/${net.network}/${purpose}`,
                    description: defaultSecretDescription(net.network, purpose),
                    kmsKeyId: KEY_ARN,
                    recoveryWindowInDays: net.secretRecoveryWindowDays,
                    tags: {
                        component: "managed-secret",
                        purpose,
                        project: "messaging-infra",
                        network: net.network,
                        owner: "platform-team",
                    },
                });
                assert.equal(secret.options.protect, net.protect);
                const version = resources.get("relay-keys-version")!;
                assert.equal(version.type, "aws:secretsmanager/secretVersion:SecretVersion");
                assert.equal(version.parent, childParent);
                // A secret's id is its ARN.
                assert.deepEqual(version.inputs, {
                    secretId: mockArn.secret(`messaging-infra/${net.network}/${purpose}`),
                    secretString,
                });
                assert.deepEqual(version.secretPaths, ["secretString"]);
                assert.equal(version.options.protect, versionProtected);
                assert.equal(version.options.retainOnDelete, true);
            };

            it(`${net.network}: keyList -> one RandomBytes(32) per key, named by position; JSON array value`, async () => {
                const run = await runSecret(net, "relay-keys", "relay-operator-keys", () => ({
                    kind: "keyList",
                    count: 3,
                }));
                assert.deepEqual(
                    run.resources.map((r) => [r.type, r.name]),
                    [
                        ["messaging:aws:ManagedSecret", "relay-keys"],
                        ["random:index/randomBytes:RandomBytes", "relay-keys-key-0"],
                        ["random:index/randomBytes:RandomBytes", "relay-keys-key-1"],
                        ["random:index/randomBytes:RandomBytes", "relay-keys-key-2"],
                        ["aws:secretsmanager/secret:Secret", "relay-keys-secret"],
                        ["aws:secretsmanager/secretVersion:SecretVersion", "relay-keys-version"],
                    ],
                );
                for (const i of [0, 1, 2]) {
                    const key = byName(run).get(`relay-keys-key-${i}`)!;
                    assert.equal(key.parent, childParent);
                    assert.deepEqual(key.inputs, { length: 32 });
                    assert.equal(key.options.protect, net.protect);
                }
                // Each key is its own RandomBytes' hex, 32 bytes.
                const value = JSON.stringify(
                    ["relay-keys-key-0", "relay-keys-key-1", "relay-keys-key-2"].map(
                        (name) => `0x${mockRandomBytes(name, 32).toString("hex")}`,
                    ),
                );
                expectSecretAndVersion(run, "relay-operator-keys", value, net.protect);
                assert.deepEqual(run.outputs, {
                    arn: mockArn.secret(`messaging-infra/${net.network}/relay-operator-keys`),
                    name: `messaging-infra/${net.network}/relay-operator-keys`,
                    value,
                    valueIsSecret: true,
                });
            });

            it(`${net.network}: password -> RandomPassword with the caller's length and characters`, async () => {
                const run = await runSecret(net, "relay-keys", "minio-root-password", () => ({
                    kind: "password",
                    length: 40,
                    special: true,
                    overrideSpecial: "-_.~",
                }));
                assert.deepEqual(
                    run.resources.map((r) => r.type),
                    [
                        "messaging:aws:ManagedSecret",
                        "random:index/randomPassword:RandomPassword",
                        "aws:secretsmanager/secret:Secret",
                        "aws:secretsmanager/secretVersion:SecretVersion",
                    ],
                );
                const password = byName(run).get("relay-keys-password")!;
                assert.equal(password.parent, childParent);
                assert.deepEqual(password.inputs, { length: 40, special: true, overrideSpecial: "-_.~" });
                assert.equal(password.options.protect, net.protect);
                expectSecretAndVersion(
                    run,
                    "minio-root-password",
                    "mock-random-password-of-relay-keys-password",
                    net.protect,
                );
                assert.equal(run.outputs.valueIsSecret, true);
            });

            for (const encoding of ["hex", "base64"] as const) {
                it(`${net.network}: bytes (${encoding}) -> RandomBytes, stored ${encoding}-encoded`, async () => {
                    const run = await runSecret(net, "relay-keys", "secretbox-key", () => ({
                        kind: "bytes",
                        length: 32,
                        encoding,
                    }));
                    const bytes = byName(run).get("relay-keys-bytes")!;
                    assert.equal(bytes.type, "random:index/randomBytes:RandomBytes");
                    assert.equal(bytes.parent, childParent);
                    assert.deepEqual(bytes.inputs, { length: 32 });
                    assert.equal(bytes.options.protect, net.protect);
                    expectSecretAndVersion(
                        run,
                        "secretbox-key",
                        mockRandomBytes("relay-keys-bytes", 32).toString(encoding),
                        net.protect,
                    );
                    assert.equal(run.outputs.valueIsSecret, true);
                });
            }

            it(`${net.network}: operator value -> no generator; the value stays secret; its version is retained, not protected`, async () => {
                const run = await runSecret(net, "relay-keys", "covenant-sql-credentials", () => ({
                    kind: "operator",
                    value: pulumi.secret("operator-supplied-placeholder"),
                }));
                assert.deepEqual(
                    run.resources.map((r) => r.type),
                    [
                        "messaging:aws:ManagedSecret",
                        "aws:secretsmanager/secret:Secret",
                        "aws:secretsmanager/secretVersion:SecretVersion",
                    ],
                );
                // Rotating an operator value replaces the version (secret_string forces a new one);
                // protection would block every rotation, so the secret is protected and the old
                // version is kept in Secrets Manager (retainOnDelete) instead.
                expectSecretAndVersion(run, "covenant-sql-credentials", "operator-supplied-placeholder", false);
                assert.equal(run.outputs.value, "operator-supplied-placeholder");
                assert.equal(run.outputs.valueIsSecret, true);
            });
        }
    });

    it("makes an operator value secret even if the caller forgot", async () => {
        const run = await runSecret(NETWORK_CASES[0], "s", "jwt-public-key", () => ({
            kind: "operator",
            value: pulumi.output("not-marked-secret"),
        }));
        assert.equal(run.outputs.valueIsSecret, true);
        assert.deepEqual(byName(run).get("s-version")!.secretPaths, ["secretString"]);
    });

    it("defaults to the safe choices: protected, 30-day recovery, special characters", async () => {
        const run = await runInMockEngine(
            () => {
                new ManagedSecret("s", {
                    network: "testnet",
                    owner: "platform-team",
                    purpose: "database-password",
                    kmsKeyArn: KEY_ARN,
                    value: { kind: "password", length: 32 },
                });
            },
            { project: PROJECT, stack: "testnet" },
        );
        const resources = byName(run);
        assert.equal(resources.get("s-secret")!.inputs.recoveryWindowInDays, 30);
        for (const name of ["s-secret", "s-version", "s-password"])
            assert.equal(resources.get(name)!.options.protect, true, name);
        assert.deepEqual(resources.get("s-password")!.inputs, { length: 32, special: true });
    });

    describe("bad arguments", () => {
        const table: {
            title: string;
            args: Partial<ManagedSecretArgs>;
            problems: { path: string; given: string; allowed: string }[];
        }[] = [
            {
                title: "a plain-string operator value, a bad purpose, a 0-day window and an S3 ARN for the key, all at once",
                args: {
                    purpose: "Relay_Keys",
                    value: { kind: "operator", value: "hunter2" as unknown as pulumi.Output<string> },
                    recoveryWindowInDays: 0,
                    kmsKeyArn: "arn:aws:s3:::bucket",
                },
                problems: [
                    {
                        path: "args.purpose",
                        given: '"Relay_Keys"',
                        allowed:
                            "kebab-case path segments of at most 200 characters, e.g. relay-operator-keys or kms-service/master-key",
                    },
                    {
                        path: "args.kmsKeyArn",
                        given: '"arn:aws:s3:::bucket"',
                        allowed:
                            "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                    },
                    {
                        path: "args.value.value",
                        given: '"[a plain string]"',
                        allowed:
                            "a pulumi.Output<string> from config.requireSecret (a credential is never a literal in code)",
                    },
                    { path: "args.recoveryWindowInDays", given: "0", allowed: "an integer from 7 to 30 (days)" },
                ],
            },
            {
                title: "a purpose Secrets Manager would read as an ARN suffix",
                args: { purpose: "kms-master" },
                problems: [
                    {
                        path: "args.purpose",
                        given: '"kms-master"',
                        allowed:
                            "a purpose that does not end with '-' and six characters (Secrets Manager reads that as an " +
                            "ARN suffix), e.g. master-key instead of kms-master",
                    },
                ],
            },
            {
                title: "a purpose naming another network",
                args: { purpose: "mainnet-operator-keys" },
                problems: [
                    {
                        path: "args.purpose",
                        given: '"mainnet-operator-keys"',
                        allowed:
                            "a purpose that names no other network than devnet (the name already carries the network)",
                    },
                ],
            },
            {
                title: "a short password with letters as special characters",
                args: { value: { kind: "password", length: 8, overrideSpecial: "abc" } },
                problems: [
                    { path: "args.value.length", given: "8", allowed: "an integer from 16 to 1024 (characters)" },
                    {
                        path: "args.value.overrideSpecial",
                        given: '"abc"',
                        allowed: "a non-empty set of special characters (no letters, digits or spaces), e.g. -_.~",
                    },
                ],
            },
            {
                title: "too few bytes without a valid encoding",
                args: { value: { kind: "bytes", length: 4, encoding: "utf8" as "hex" } },
                problems: [
                    { path: "args.value.length", given: "4", allowed: "an integer from 16 to 1024 (bytes)" },
                    { path: "args.value.encoding", given: '"utf8"', allowed: "hex or base64" },
                ],
            },
            {
                title: "a key list of zero keys and a wildcard key ARN",
                args: { value: { kind: "keyList", count: 0 }, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/*" },
                problems: [
                    {
                        path: "args.kmsKeyArn",
                        given: '"arn:aws:kms:us-east-1:111122223333:key/*"',
                        allowed:
                            "one named kms ARN without wildcards, e.g. arn:aws:kms:us-east-1:123456789012:key/<key id> (EncryptionKey.arn)",
                    },
                    { path: "args.value.count", given: "0", allowed: "an integer from 1 to 64 (keys)" },
                ],
            },
            {
                title: "an unknown value kind",
                args: { value: { kind: "literal" } as unknown as SecretValueSource },
                problems: [
                    {
                        path: "args.value.kind",
                        given: '"literal"',
                        allowed:
                            "one of {kind: password, length}, {kind: bytes, length, encoding}, {kind: keyList, count}, " +
                            "{kind: operator, value: <config.requireSecret Output>}",
                    },
                ],
            },
        ];
        for (const row of table) {
            it(`lists every problem: ${row.title}`, async () => {
                await assert.rejects(
                    runSecret(NETWORK_CASES[0], "s", "jwt-public-key", () => ({ kind: "keyList", count: 1 }), row.args),
                    (e: unknown) => {
                        assert.ok(e instanceof ArgumentsError, String(e));
                        assert.deepEqual(e.problems, row.problems);
                        assert.match(
                            e.message,
                            new RegExp(
                                `^Invalid arguments to messaging:aws:ManagedSecret "s": ${row.problems.length} problems?\\. Fix the caller:`,
                            ),
                        );
                        return true;
                    },
                );
            });
        }
    });
});
