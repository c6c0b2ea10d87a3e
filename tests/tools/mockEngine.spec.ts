import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runInMockEngine } from "../../harness/mockEngine";
import { runStack } from "../../harness/stack";

describe("mock-engine harness", () => {
    it("records type, name, parent, inputs and options", async () => {
        const run = await runInMockEngine(
            async () => {
                const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
                const provider = new aws.Provider("explicit", { region: "us-east-1" }, { parent });
                const key = new aws.kms.Key(
                    "key",
                    { description: "d", enableKeyRotation: true },
                    { parent, provider, protect: true, ignoreChanges: ["description"], retainOnDelete: true },
                );
                new aws.kms.Alias(
                    "alias",
                    { name: "alias/x", targetKeyId: key.keyId },
                    { parent, provider, dependsOn: [key], deleteBeforeReplace: true, aliases: [{ name: "old-alias" }] },
                );
                return { keyArn: key.arn };
            },
            { project: "p", stack: "s" },
        );
        const byName = new Map(run.resources.map((r) => [r.name, r]));
        assert.deepEqual([...byName.keys()], ["parent", "explicit", "key", "alias"]);
        assert.equal(byName.get("parent")?.parent, "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s");
        // The mock engine qualifies a URN's type with its parent's type only.
        assert.equal(byName.get("key")?.parent, "urn:pulumi:s::p::pulumi:pulumi:Stack$test:index:Parent::parent");
        assert.equal(byName.get("key")?.urn, "urn:pulumi:s::p::test:index:Parent$aws:kms/key:Key::key");
        assert.equal(
            byName.get("key")?.options.provider,
            "urn:pulumi:s::p::test:index:Parent$pulumi:providers:aws::explicit::mock-id-of-explicit",
        );
        assert.deepEqual(byName.get("key")?.options, {
            protect: true,
            retainOnDelete: true,
            deleteBeforeReplace: false,
            ignoreChanges: ["description"],
            additionalSecretOutputs: [],
            replaceOnChanges: [],
            dependsOn: [],
            aliases: [],
            provider: "urn:pulumi:s::p::test:index:Parent$pulumi:providers:aws::explicit::mock-id-of-explicit",
        });
        assert.deepEqual(byName.get("alias")?.options.dependsOn, [
            "urn:pulumi:s::p::test:index:Parent$aws:kms/key:Key::key",
        ]);
        assert.deepEqual(byName.get("alias")?.options.aliases, [{ name: "old-alias" }]);
        assert.equal(byName.get("alias")?.options.deleteBeforeReplace, true);
        // Computed values take the cloud's shape; what the cloud would invent is labelled mock. The
        // provider names a region but no account.
        assert.deepEqual(byName.get("alias")?.inputs, { name: "alias/x", targetKeyId: "mock-key-id-of-key" });
        assert.deepEqual(run.outputs, { keyArn: "arn:aws:kms:us-east-1:000000000000:key/mock-key-id-of-key" });
    });

    it("records the outputs it answered, placed by each resource's AWS provider", async () => {
        const run = await runInMockEngine(
            async () => {
                const provider = new aws.Provider("pinned", {
                    region: "eu-west-1",
                    allowedAccountIds: ["777788889999"],
                });
                const key = new aws.kms.Key("key", { description: "d" }, { provider });
                new aws.iam.Role("role", { name: "relay", assumeRolePolicy: "{}" }, { provider });
                // No explicit provider: the default provider knows neither region nor account.
                new aws.s3.Bucket("bucket", { bucket: "backups" });
                return { keyId: key.keyId };
            },
            { project: "p", stack: "s" },
        );
        const byName = new Map(run.resources.map((r) => [r.name, r]));
        assert.deepEqual(byName.get("pinned")?.outputs, byName.get("pinned")?.inputs);
        assert.deepEqual(byName.get("key")?.outputs, {
            description: "d",
            keyId: "mock-key-id-of-key",
            arn: "arn:aws:kms:eu-west-1:777788889999:key/mock-key-id-of-key",
            id: "mock-key-id-of-key",
        });
        assert.deepEqual(byName.get("role")?.outputs, {
            name: "relay",
            assumeRolePolicy: "{}",
            path: "/",
            arn: "arn:aws:iam::777788889999:role/relay",
            id: "relay",
        });
        assert.deepEqual(byName.get("bucket")?.outputs, {
            bucket: "backups",
            arn: "arn:aws:s3:::backups",
            id: "backups",
        });
        assert.deepEqual(byName.get("bucket")?.inputs, { bucket: "backups" });
        assert.deepEqual(run.outputs, { keyId: "mock-key-id-of-key" });
    });

    it("unwraps secrets and says where they were", async () => {
        const run = await runInMockEngine(
            async () => {
                new aws.secretsmanager.SecretVersion("v", { secretId: "s", secretString: pulumi.secret("hunter2") });
            },
            { project: "p", stack: "s" },
        );
        assert.deepEqual(run.resources[0].inputs, { secretId: "s", secretString: "hunter2" });
        assert.deepEqual(run.resources[0].secretPaths, ["secretString"]);
    });

    it("fails loudly on an invoke it was not told to answer", async () => {
        await assert.rejects(
            runInMockEngine(async () => aws.getCallerIdentity({}), { project: "p", stack: "s" }),
            /unexpected invoke aws:index\/getCallerIdentity:getCallerIdentity/,
        );
    });

    it("answers the invokes it is told to answer", async () => {
        const run = await runInMockEngine(async () => aws.getCallerIdentity({}), {
            project: "p",
            stack: "s",
            invokes: {
                "aws:index/getCallerIdentity:getCallerIdentity": () => ({
                    accountId: "111122223333",
                    arn: "mock-caller-arn",
                    userId: "mock-user",
                }),
            },
        });
        assert.equal(run.outputs.accountId, "111122223333");
        assert.deepEqual(
            run.invokes.map((i) => i.token),
            ["aws:index/getCallerIdentity:getCallerIdentity"],
        );
    });

    it("runs several stacks in one process without carrying state over", async () => {
        const mainnet = await runStack("mainnet");
        const devnet = await runStack("devnet");
        const mainnetAgain = await runStack("mainnet");
        assert.equal(devnet.outputs.network, "devnet");
        assert.ok(devnet.resources.every((r) => r.urn.startsWith("urn:pulumi:devnet::messaging-infra::")));
        assert.deepEqual(
            mainnetAgain.resources.map((r) => [r.urn, r.inputs]),
            mainnet.resources.map((r) => [r.urn, r.inputs]),
        );
    });

    it("the real program uses only its explicit providers (no default providers)", async () => {
        for (const stack of ["devnet", "testnet", "mainnet"]) {
            const run = await runStack(stack);
            const providers = run.resources
                .filter((r) => r.type.startsWith("pulumi:providers:"))
                .map((r) => `${r.urn}::mock-id-of-${r.name}`);
            assert.deepEqual(
                providers.map((p) => p.split("::")[3]),
                [`${stack}-aws`, `${stack}-kubernetes`, `${stack}-random`],
            );
            const withoutExplicitProvider = run.resources.filter(
                (r) =>
                    r.custom &&
                    !r.type.startsWith("pulumi:providers:") &&
                    !providers.includes(r.options.provider ?? ""),
            );
            assert.deepEqual(
                withoutExplicitProvider.map((r) => r.urn),
                [],
            );
        }
    });
});
