/**
 * The offline runner runs the pack like @pulumi/policy's analyzer server (policies/offline/evaluate.ts):
 * reconciled config and enforcement levels, notApplicable, type fast paths, async validations, and
 * errors that name the policy and the resource.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, OfflineResource, PolicyConfigError } from "../../offline";
import { allPolicies } from "../../rules";
import { compliantStack, kmsKey, provider } from "../compliantStack";
import { res, urnOf } from "../support";
import { FakeBucket } from "./support";

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
        const entry = path.resolve(__dirname, "..", "..", "index.ts");
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
