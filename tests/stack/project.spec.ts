import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { knownStacks, REPO_ROOT } from "../../harness/stack";

/** Provider packages whose config keys may appear in a stack file (`aws:region`, ...). */
const PROVIDER_NAMESPACES = ["aws", "kubernetes", "random"];

describe("project files", () => {
    it("runs the tests on Node.js >= 22 (the node binary the dev dependencies pin)", () => {
        assert.ok(Number(process.versions.node.split(".")[0]) >= 22, `Node ${process.versions.node}`);
    });

    it("Pulumi.yaml validates against the Pulumi CLI's project schema", () => {
        const schema = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "fixtures", "pulumi-project.schema.json"), "utf8"),
        );
        const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
        const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
            name: string;
            runtime: unknown;
        };
        assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
        assert.equal(project.name, "messaging-infra");
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
    });

    it("the schema check rejects a broken project file", () => {
        const schema = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "fixtures", "pulumi-project.schema.json"), "utf8"),
        );
        const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
        assert.equal(validate({ name: "messaging-infra", runtime: { name: "nodejs", option: {} } }), false);
        assert.equal(validate({ runtime: "nodejs" }), false);
    });

    it("has exactly the three network stacks", () => {
        assert.deepEqual(knownStacks(), ["devnet", "mainnet", "testnet"]);
    });

    for (const stack of ["devnet", "testnet", "mainnet"]) {
        it(`Pulumi.${stack}.yaml is a config map of namespaced keys`, () => {
            const document = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
            assert.deepEqual(Object.keys(document), ["config"]);
            const keys = Object.keys(document.config);
            const bad = keys.filter((key) => {
                const [namespace, name, ...rest] = key.split(":");
                return (
                    rest.length > 0 ||
                    !name ||
                    !(namespace === "messaging-infra" || PROVIDER_NAMESPACES.includes(namespace))
                );
            });
            assert.deepEqual(bad, []);
            assert.equal(document.config["messaging-infra:network"], stack);
            assert.equal(document.config["aws:region"], "us-east-1");
        });
    }
});
