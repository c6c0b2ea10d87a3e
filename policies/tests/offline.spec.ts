/**
 * The offline runner behaves like @pulumi/policy's analyzer server: args shaped as the SDK's,
 * reconciled config and enforcement levels, notApplicable, type fast paths, async validations,
 * provider/parent/dependency linking, and errors that name the policy and the resource.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    evaluatePolicies,
    OfflineResource,
    PolicyConfigError,
    resourceValidationArgs,
    toPolicyResources,
} from "../offline";
import { allPolicies } from "../rules";
import {
    ACCOUNT,
    compliantStack,
    deployment,
    kmsKey,
    PROVIDER_REF,
    PROVIDER_URN,
    provider,
    role,
} from "./compliantStack";
import { res, urnOf } from "./support";

/** Stand-in resource classes, as generated SDK classes look to the policy SDK. */
class FakeBucket {
    static __pulumiType = "aws:s3/bucket:Bucket";
}
class FakeRole {
    static __pulumiType = "aws:iam/role:Role";
}

function recorder(): { policy: ResourceValidationPolicy; seen: ResourceValidationArgs[] } {
    const seen: ResourceValidationArgs[] = [];
    return {
        seen,
        policy: {
            name: "record-args",
            description: "test",
            configSchema: { properties: { limit: { type: "integer", default: 5 } } },
            validateResource: (args) => void seen.push(args),
        },
    };
}

describe("offline policy evaluation", () => {
    it("finds nothing in the compliant stack under mainnet's config", async () => {
        assert.deepEqual(await evaluatePolicies(compliantStack(), { config: "mainnet" }), []);
    });

    it("reports each violation with policy, group, level, resource and message, at each network's level", async () => {
        const k = kmsKey();
        k.props.enableKeyRotation = false;
        const [mainnet] = await evaluatePolicies([k], { config: "mainnet" });
        assert.deepEqual(mainnet, {
            policyName: "kms-key-rotation-enabled",
            group: "aws",
            enforcementLevel: "mandatory",
            urn: urnOf("aws:kms/key:Key", "network-key"),
            type: "aws:kms/key:Key",
            name: "network-key",
            message:
                "enableKeyRotation is false; set it to true so KMS rotates the key material every year (old material still decrypts existing data).",
        });
        assert.equal((await evaluatePolicies([k], { config: "devnet" }))[0].enforcementLevel, "advisory");
        assert.equal((await evaluatePolicies([k], { config: "testnet" }))[0].enforcementLevel, "mandatory");
    });

    it("skips disabled policies and reports remediate as mandatory", async () => {
        const k = kmsKey();
        k.props.enableKeyRotation = false;
        const policies = allPolicies.filter((p) => p.name === "kms-key-rotation-enabled");
        assert.deepEqual(await evaluatePolicies([k], { policies, config: { all: "disabled" } }), []);
        const [v] = await evaluatePolicies([k], { policies, config: { "kms-key-rotation-enabled": "remediate" } });
        assert.equal(v.enforcementLevel, "mandatory");
    });

    it("hands resource policies SDK-shaped args: opts, provider, config with schema defaults", async () => {
        const { policy, seen } = recorder();
        const d = deployment();
        d.parent = urnOf("messaging:platform:MessagingPlatform", "messaging-mainnet");
        d.options = {
            ...d.options,
            protect: true,
            ignoreChanges: ["spec.replicas"],
            aliases: ["urn:old", { name: "x" }],
            deleteBeforeReplace: true,
            additionalSecretOutputs: ["x"],
        };
        await evaluatePolicies([provider(), d], { policies: [policy], config: { "record-args": { limit: 9 } } });
        const args = seen.find((a) => a.name === "relay");
        assert.ok(args);
        assert.equal(args.type, "kubernetes:apps/v1:Deployment");
        assert.equal(args.urn, d.urn);
        assert.equal(args.props, d.props);
        assert.deepEqual(args.opts, {
            protect: true,
            ignoreChanges: ["spec.replicas"],
            aliases: ["urn:old"],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: ["x"],
            deleteBeforeReplace: true,
            parent: d.parent,
        });
        assert.deepEqual(args.provider, {
            type: "pulumi:providers:kubernetes",
            props: provider().props,
            urn: PROVIDER_URN,
            name: "mainnet-kubernetes",
        });
        assert.deepEqual(args.getConfig(), { limit: 9 });
        assert.deepEqual(args.stackTags.size, 0);
        assert.throws(() => args.notApplicable("why"), /why/);
        // The provider itself is a resource too; policies without a type filter see it.
        assert.deepEqual(
            seen.map((a) => a.name),
            ["mainnet-kubernetes", "relay"],
        );
    });

    it("shows resource policies the inputs, and stack policies the inputs overlaid with the outputs", async () => {
        const { policy, seen } = recorder();
        let view: StackValidationArgs | undefined;
        const stackPolicy: StackValidationPolicy = {
            name: "stack-props",
            description: "test",
            validateStack: (args) => void (view = args),
        };
        const p = provider();
        p.outputs = { ...p.props, version: "4.34.2" };
        const r = role();
        r.outputs = {
            ...r.props,
            arn: `arn:aws:iam::${ACCOUNT}:role/messaging-infra-mainnet-relay`,
            id: "messaging-infra-mainnet-relay",
        };
        const d = deployment();
        await evaluatePolicies([p, r, d], { policies: [policy, stackPolicy] });
        const args = (name: string) => seen.find((a) => a.name === name) as ResourceValidationArgs;
        assert.equal(args("relay-irsa").props, r.props);
        assert.equal(args("relay").provider?.props, p.props);
        assert.ok(view);
        const stack = (name: string) => view?.resources.find((x) => x.name === name) as PolicyResource;
        assert.deepEqual(stack("relay-irsa").props, { ...r.props, ...r.outputs });
        assert.equal(stack("relay-irsa").asType(FakeRole as never), stack("relay-irsa").props);
        assert.deepEqual(stack("relay").provider?.props, p.outputs);
        // Without recorded outputs (a hand-built resource), stack policies see the inputs.
        assert.equal(stack("relay").props, d.props);
    });

    it("derives an unrecorded provider from its reference, and isType/asType from a class's __pulumiType", () => {
        const b = res(
            "aws:s3/bucket:Bucket",
            "b",
            { bucket: "x" },
            { provider: `${urnOf("pulumi:providers:aws", "mainnet-aws")}::mock-id-of-mainnet-aws` },
        );
        const [policyResource] = toPolicyResources([b]);
        assert.deepEqual(policyResource.provider, {
            type: "pulumi:providers:aws",
            props: {},
            urn: urnOf("pulumi:providers:aws", "mainnet-aws"),
            name: "mainnet-aws",
        });
        const args = resourceValidationArgs(b);
        assert.equal(args.isType(FakeBucket as never), true);
        assert.equal(args.asType(FakeBucket as never), b.props);
        assert.equal(resourceValidationArgs(kmsKey()).asType(FakeBucket as never), undefined);
    });

    it("links parents and dependsOn for stack policies, and reports stack violations against the URN given", async () => {
        let view: StackValidationArgs | undefined;
        const parentUrn = urnOf("messaging:platform:MessagingPlatform", "messaging-mainnet");
        const parent = res("messaging:platform:MessagingPlatform", "messaging-mainnet", {});
        const d = deployment();
        d.parent = parentUrn;
        d.options.dependsOn = [PROVIDER_URN, "urn:not-recorded"];
        const policy: StackValidationPolicy = {
            name: "stack-view",
            description: "test",
            configSchema: { properties: { threshold: { type: "number", default: 1.5 } } },
            validateStack: (args, report) => {
                view = args;
                report("about the relay", d.urn);
                report("about the stack");
            },
        };
        const violations = await evaluatePolicies([parent, provider(), d], { policies: [policy] });
        assert.ok(view);
        const relay = view.resources.find((r) => r.name === "relay") as PolicyResource;
        assert.equal(relay.parent?.urn, parentUrn);
        assert.deepEqual(
            relay.dependencies.map((r) => r.urn),
            [PROVIDER_URN],
        );
        assert.equal(relay.provider?.urn, PROVIDER_URN);
        assert.deepEqual(view.getConfig(), { threshold: 1.5 });
        assert.deepEqual(
            violations.map((v) => [v.urn, v.type, v.name, v.group, v.enforcementLevel, v.message]),
            [
                [d.urn, d.type, "relay", "other", "advisory", "about the relay"],
                ["", "", "", "other", "advisory", "about the stack"],
            ],
        );
        assert.ok(PROVIDER_REF.startsWith(PROVIDER_URN));
    });

    it("ends a validation quietly on notApplicable, awaits async ones, and ignores the URN a resource policy passes", async () => {
        const policy: ResourceValidationPolicy = {
            name: "mixed",
            description: "test",
            validateResource: [
                (args) => args.notApplicable("not today"),
                async (args, report) => {
                    await new Promise((resolve) => setImmediate(resolve));
                    report(`late ${args.name}`, "urn:somewhere-else");
                },
            ],
        };
        const violations = await evaluatePolicies([kmsKey()], { policies: [policy] });
        assert.deepEqual(
            violations.map((v) => [v.urn, v.message]),
            [[kmsKey().urn, "late network-key"]],
        );
    });

    it("runs the SDK's own validateResourceOfType helpers the way the analyzer does", async () => {
        // Loaded here only: @pulumi/policy pulls in @pulumi/pulumi, which the rules never need.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdk = require("@pulumi/policy") as typeof import("@pulumi/policy");
        const policy: ResourceValidationPolicy = {
            name: "sdk-helper",
            description: "test",
            validateResource: sdk.validateResourceOfType(
                FakeBucket as never,
                (props: { bucket?: string }, _args, report) => report(`bucket ${props.bucket}`),
            ),
        };
        const violations = await evaluatePolicies([kmsKey(), res("aws:s3/bucket:Bucket", "b", { bucket: "x" })], {
            policies: [policy],
        });
        assert.deepEqual(
            violations.map((v) => v.message),
            ["bucket x"],
        );
    });

    it("names the policy and the resource when a validation throws", async () => {
        const policy: ResourceValidationPolicy = {
            name: "broken",
            description: "test",
            validateResource: () => {
                throw new Error("boom");
            },
        };
        await assert.rejects(evaluatePolicies([kmsKey()], { policies: [policy] }), (e: Error) => {
            assert.equal(e.message, `Error validating resource ${kmsKey().urn} with policy 'broken': boom`);
            return true;
        });
    });

    it("refuses an invalid config before running anything", async () => {
        await assert.rejects(
            evaluatePolicies([kmsKey()], { config: { "kms-key-deletion-window": { minimumDays: 3 } } }),
            PolicyConfigError,
        );
        await assert.rejects(
            evaluatePolicies([kmsKey()], { config: "staging" }),
            /there is no config for network "staging"/,
        );
    });

    it("never loads the pack entry point (which would start the analyzer)", () => {
        // The exact file: a checkout in a folder whose name ends in "policies" holds the program's
        // own index.ts at <folder>/index.ts, which a pattern would mistake for the pack's.
        const entry = path.resolve(__dirname, "..", "index.ts");
        assert.ok(!Object.keys(require.cache).some((file) => path.resolve(file) === entry));
    });

    it("evaluates 2,000 resources well under a second", async () => {
        const resources: OfflineResource[] = [];
        for (let i = 0; i < 250; i++) {
            for (const r of compliantStack().slice(1))
                resources.push({ ...r, name: `${r.name}-${i}`, urn: `${r.urn}-${i}` });
        }
        const started = performance.now();
        await evaluatePolicies([provider(), ...resources.slice(0, 2000)], { config: "mainnet" });
        assert.ok(performance.now() - started < 1000);
    });
});
