/**
 * What the offline runner shows the policies (policies/offline/resources.ts): SDK-shaped args with
 * the inputs for resource policies, inputs overlaid with outputs for stack policies, and
 * provider, parent and dependency linking.
 */
import * as assert from "node:assert/strict";
import type {
    PolicyResource,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { evaluatePolicies, resourceValidationArgs, toPolicyResources } from "../../offline";
import { ACCOUNT, deployment, kmsKey, provider, PROVIDER_REF, PROVIDER_URN, role } from "../compliantStack";
import { res, urnOf } from "../support";
import { FakeBucket, FakeRole, recorder } from "./support";

describe("offline policy evaluation", () => {
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
});
