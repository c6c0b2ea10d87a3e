/**
 * The pack's metadata and the per-network `--policy-pack-config` files: only existing policies
 * and valid enforcement levels, properties that validate against each policy's configSchema
 * (checked with ajv as well as with the pack's own validator), and the enforcement and values
 * DESIGN.md asks of each network.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import {
    checkConfigShape,
    configuredNetworks,
    ENFORCEMENT_LEVELS,
    loadPolicyConfig,
    PolicyConfigError,
    reconcilePolicyConfig,
    validateAgainstSchema,
} from "../policyConfig";
import {
    allPolicies,
    groupOf,
    isSecurityPolicy,
    PACK_ENFORCEMENT_LEVEL,
    POLICY_GROUP_NAMES,
    policyGroups,
} from "../rules";

const NETWORKS = ["devnet", "testnet", "mainnet"];

describe("policy pack metadata", () => {
    it("has exactly the eight groups, and every policy in one of them", () => {
        assert.deepEqual(Object.keys(policyGroups), [
            "pod-security",
            "workload",
            "network",
            "rbac",
            "secrets",
            "aws",
            "api-versions",
            "stack",
        ]);
        assert.deepEqual([...POLICY_GROUP_NAMES], Object.keys(policyGroups));
        assert.equal(
            allPolicies.length,
            Object.values(policyGroups).reduce((n, g) => n + g.length, 0),
        );
        for (const p of allPolicies) assert.ok(groupOf(p.name), p.name);
    });

    it("names policies uniquely in kebab-case, never 'all'", () => {
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const name of names) {
            assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.notEqual(name, "all");
        }
    });

    it("describes what each policy checks and why, tags it security or reliability, and sets its default level from that", () => {
        for (const p of allPolicies) {
            assert.ok(p.description.length > 60, `${p.name} needs a fuller description`);
            assert.match(p.description, /because|so |so that|,? so\b/, `${p.name}: the description should say why`);
            const kind = p.tags?.[0];
            assert.ok(kind === "security" || kind === "reliability", p.name);
            assert.equal(p.tags?.[1], groupOf(p.name));
            assert.equal(p.enforcementLevel, kind === "security" ? "mandatory" : "advisory", p.name);
        }
    });

    it("lists every policy in the pack's README", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        for (const p of allPolicies)
            assert.ok(readme.includes(`\`${p.name}\``), `${p.name} is missing from policies/README.md`);
    });

    it("keeps the security groups security-only (stack and workload mix)", () => {
        for (const group of ["pod-security", "network", "rbac", "secrets", "aws", "api-versions"] as const) {
            for (const p of policyGroups[group]) assert.ok(isSecurityPolicy(p), `${p.name} in ${group}`);
        }
        for (const p of policyGroups.workload) assert.ok(!isSecurityPolicy(p), p.name);
    });

    it("declares config schemas the analyzer accepts (no enforcementLevel property, defaults that validate)", () => {
        const ajv = new Ajv({ allErrors: true, strict: true });
        for (const p of allPolicies) {
            if (!p.configSchema) continue;
            assert.ok(!("enforcementLevel" in p.configSchema.properties), p.name);
            assert.ok(!(p.configSchema.required ?? []).includes("enforcementLevel"), p.name);
            const schema = { type: "object", properties: p.configSchema.properties, required: p.configSchema.required };
            const defaults = Object.fromEntries(
                Object.entries(p.configSchema.properties)
                    .filter(([, s]) => s.default !== undefined)
                    .map(([k, s]) => [k, s.default]),
            );
            assert.ok(ajv.validate(schema, defaults), `${p.name}: ${ajv.errorsText()}`);
        }
    });
});

describe("policies/config/<network>.json", () => {
    it("exists for exactly devnet, testnet and mainnet", () => {
        assert.deepEqual(configuredNetworks(), [...NETWORKS].sort());
    });

    for (const network of NETWORKS) {
        describe(network, () => {
            const config = loadPolicyConfig(network);
            const byName = new Map(allPolicies.map((p) => [p.name, p]));

            it("names only existing policies (and all) with valid enforcement levels", () => {
                assert.deepEqual(checkConfigShape(config), []);
                for (const [name, entry] of Object.entries(config)) {
                    assert.ok(name === "all" || byName.has(name), `${network}.json names unknown policy ${name}`);
                    const level = typeof entry === "string" ? entry : entry.enforcementLevel;
                    if (level !== undefined) assert.ok(ENFORCEMENT_LEVELS.includes(level), `${name}: ${level}`);
                }
            });

            it("sets only properties each policy's configSchema declares, with values that validate (ajv and the pack's validator)", () => {
                const ajv = new Ajv({ allErrors: true, strict: true });
                for (const [name, entry] of Object.entries(config)) {
                    if (name === "all" || typeof entry === "string") continue;
                    const props = Object.fromEntries(
                        Object.entries(entry).filter(([key]) => key !== "enforcementLevel"),
                    );
                    const schema = byName.get(name)?.configSchema;
                    for (const key of Object.keys(props))
                        assert.ok(schema?.properties[key], `${name}.${key} is not in its configSchema`);
                    if (!schema) continue;
                    const full = {
                        type: "object" as const,
                        properties: schema.properties,
                        required: schema.required,
                        additionalProperties: false,
                    };
                    assert.ok(ajv.validate(full, props), `${name}: ${ajv.errorsText()}`);
                    assert.deepEqual(validateAgainstSchema(full, props, ""), []);
                }
                const { unknown } = reconcilePolicyConfig(
                    allPolicies,
                    config,
                    PACK_ENFORCEMENT_LEVEL,
                    `${network}.json`,
                );
                assert.deepEqual(unknown, []);
            });

            it("enforces as DESIGN.md says (devnet advisory, testnet mandatory for security, mainnet mandatory)", () => {
                const { byPolicy } = reconcilePolicyConfig(allPolicies, config);
                for (const p of allPolicies) {
                    const expected =
                        network === "devnet"
                            ? "advisory"
                            : network === "mainnet"
                              ? "mandatory"
                              : isSecurityPolicy(p)
                                ? "mandatory"
                                : "advisory";
                    assert.equal(byPolicy.get(p.name)?.enforcementLevel, expected, `${network}: ${p.name}`);
                }
            });

            it("sets the network's floors and names the network", () => {
                const { byPolicy } = reconcilePolicyConfig(allPolicies, config);
                const props = (name: string) => byPolicy.get(name)?.properties;
                const strict = network !== "devnet";
                // Reviewed single instances: farcaster-sync is a single syncer by design (DESIGN.md gives it no
                // PDB or HPA) and the object store is one MinIO pod (HA would need distributed mode).
                assert.deepEqual(props("workload-min-replicas"), {
                    minReplicas: strict ? 2 : 1,
                    exempt: strict ? [`messaging-${network}/farcaster-sync`, `messaging-${network}/object-store`] : [],
                });
                assert.deepEqual(props("kms-key-deletion-window"), { minimumDays: strict ? 30 : 7 });
                assert.deepEqual(props("secretsmanager-recovery-window"), { minimumDays: strict ? 30 : 7 });
                assert.deepEqual(props("stateful-resources-protected"), { requireProtect: strict });
                assert.deepEqual(props("network-namespace-isolation"), { network, networks: NETWORKS });
                assert.deepEqual(props("service-type-allowed"), { allowedServiceTypes: ["ClusterIP"] });
                // Monitoring is part of testnet's and mainnet's posture; devnet checks where a ServiceMonitor exists.
                assert.deepEqual(props("workload-metrics-scraped"), { requireMonitoring: strict, exempt: [] });
                // devnet's single writers (sequencer, maru) block drains on purpose (maxUnavailable 0: an operator
                // moves them); no other network runs them, so no other budget may block.
                assert.deepEqual(props("pdb-allows-disruption"), {
                    exempt: strict ? [] : ["messaging-devnet/sequencer", "messaging-devnet/maru"],
                });
            });
        });
    }
});

describe("config reconciliation (as the CLI does it)", () => {
    it("fills schema defaults, applies all, then per-policy entries", () => {
        const { byPolicy } = reconcilePolicyConfig(allPolicies, {
            all: "disabled",
            "workload-min-replicas": { enforcementLevel: "remediate", minReplicas: 3 },
        });
        assert.deepEqual(byPolicy.get("workload-min-replicas"), {
            enforcementLevel: "remediate",
            properties: { minReplicas: 3, exempt: [] },
        });
        assert.deepEqual(byPolicy.get("kms-key-deletion-window"), {
            enforcementLevel: "disabled",
            properties: { minimumDays: 30 },
        });
        const none = reconcilePolicyConfig(allPolicies, {});
        assert.equal(none.byPolicy.get("pss-privileged-containers")?.enforcementLevel, "mandatory");
        assert.equal(none.byPolicy.get("workload-image-pinned")?.enforcementLevel, "advisory");
    });

    it("reports every invalid value at once", () => {
        assert.throws(
            () =>
                reconcilePolicyConfig(
                    allPolicies,
                    {
                        "workload-min-replicas": { minReplicas: 0 },
                        "kms-key-deletion-window": { minimumDays: "30" },
                        "service-type-allowed": { allowedServiceTypes: ["Ingress"] },
                    },
                    "advisory",
                    "bad.json",
                ),
            (e: unknown) => {
                assert.ok(e instanceof PolicyConfigError);
                assert.deepEqual(e.problems, [
                    "workload-min-replicas: minReplicas: 0 is less than the minimum 1",
                    'service-type-allowed: allowedServiceTypes[0]: "Ingress" is not one of ["ClusterIP","NodePort","LoadBalancer","ExternalName"]',
                    'kms-key-deletion-window: minimumDays: "30" is not of type integer',
                ]);
                return true;
            },
        );
    });

    it("rejects a malformed file and an unknown network", () => {
        assert.deepEqual(checkConfigShape({ all: "strict", x: 3, y: { enforcementLevel: "loud" }, z: null }), [
            'all: "strict" is not an enforcement level (advisory, mandatory, remediate, disabled)',
            "x: 3 must be an enforcement level or an object",
            'y.enforcementLevel: "loud" is not an enforcement level (advisory, mandatory, remediate, disabled)',
            "z: null must be an enforcement level or an object",
        ]);
        assert.throws(
            () => loadPolicyConfig("../package"),
            /there is no config for network "..\/package"; known: devnet, mainnet, testnet/,
        );
    });
});
