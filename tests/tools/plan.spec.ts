import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { countByType, parsePlanArguments, renderTree, runPlan } from "../../harness/plan";
import { RecordedResource } from "../../harness/mockEngine";
import { REPO_ROOT } from "../../harness/stack";

async function plan(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runPlan(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
    return { code, out, err };
}

const resource = (name: string, parent: string, protect = false): RecordedResource => ({
    type: "test:index:T",
    name,
    urn: `urn:${name}`,
    parent,
    custom: true,
    inputs: {},
    secretPaths: [],
    outputs: {},
    options: {
        protect,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        additionalSecretOutputs: [],
        replaceOnChanges: [],
        dependsOn: [],
        aliases: [],
    },
});

describe("offline plan", () => {
    it("parses <stack> [--json] [--policies] and nothing else", () => {
        assert.deepEqual(parsePlanArguments(["devnet"]), { stack: "devnet", json: false, policies: false });
        assert.deepEqual(parsePlanArguments(["--json", "mainnet", "--policies"]), {
            stack: "mainnet",
            json: true,
            policies: true,
        });
        for (const bad of [[], ["a", "b"], ["devnet", "--yaml"]])
            assert.throws(() => parsePlanArguments(bad), /usage: npm run plan -- <stack> \[--json\] \[--policies\]/);
    });

    it("indents children under their parents and marks protected resources", () => {
        const tree = renderTree([
            resource("a", "urn:stack"),
            resource("b", "urn:a", true),
            resource("c", "urn:b"),
            resource("d", "urn:stack"),
        ]);
        assert.deepEqual(tree, [
            "test:index:T  a",
            "  test:index:T  b  [protected]",
            "    test:index:T  c",
            "test:index:T  d",
        ]);
        assert.deepEqual(countByType([resource("a", "x"), resource("b", "x")]), [["test:index:T", 2]]);
    });

    it("prints the tree and the counts by type for a stack", async () => {
        const { code, out } = await plan("devnet");
        assert.equal(code, 0);
        const lines = out.split("\n");
        assert.match(
            lines[0],
            /^Stack devnet: \d+ resources \(offline plan under the mock engine; computed values are placeholders\)$/,
        );
        assert.ok(lines.includes("messaging:platform:MessagingPlatform  messaging-devnet"));
        assert.ok(
            lines.includes("    kubernetes:networking.k8s.io/v1:NetworkPolicy  messaging-devnet-traffic-default-deny"),
        );
        // Nine platform credentials and devnet's five chain keys.
        assert.ok(lines.includes("    14  aws:secretsmanager/secret:Secret"));
    });

    it("--json prints every resource as JSON and nothing else", async () => {
        const { code, out } = await plan("testnet", "--json");
        assert.equal(code, 0);
        const resources = JSON.parse(out) as RecordedResource[];
        assert.ok(
            resources.some(
                (r) =>
                    r.type === "aws:kms/key:Key" && r.options.protect === true && r.inputs.enableKeyRotation === true,
            ),
        );
        assert.ok(
            resources.every(
                (r) => typeof r.urn === "string" && typeof r.parent === "string" && "inputs" in r && "options" in r,
            ),
        );
    });

    it("--policies reports no violation on the committed stacks and exits 0", async () => {
        const { code, out } = await plan("mainnet", "--policies");
        assert.equal(code, 0);
        assert.match(out, /Policy pack with policies\/config\/mainnet\.json: 0 violations, 0 mandatory\n$/);
    });

    it("exits 1 with the problem for an unknown stack (as a command on a fresh clone)", () => {
        const result = spawnSync("npm", ["run", "-s", "plan", "--", "staging"], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(result.status, 1);
        assert.equal(result.stdout, "");
        assert.equal(
            result.stderr.trim(),
            'unknown stack "staging": there is no Pulumi.staging.yaml (known stacks: devnet, mainnet, testnet)',
        );
    });
});
