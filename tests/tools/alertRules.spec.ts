/**
 * Every network's PrometheusRule, as the real program registers it, checked by Prometheus's own
 * promtool: `promtool check rules` on the rendered rule file, and `promtool test rules` with one test
 * file per alert whose firing series must raise exactly the expected alerts (labels and annotations)
 * and whose silent series must raise none. A rule file with a threshold moved proves the tests can fail.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { parseStackConfig, requiredOperatorSecrets } from "../../components/config";
import { RuleFileSpec } from "../../components/k8s/alertRules";
import { rawStackConfig, runStack } from "../../harness/stack";
import { AlertCase, alertFacts, serviceAlertCases, testFile } from "../support/alertCases";
import { platformAlertCases } from "../support/platformAlertCases";
import { requirePromtool, verdictsByFile } from "../support/promtool";

const STACKS = ["devnet", "testnet", "mainnet"];
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

function casesOf(stack: string): AlertCase[] {
    const raw = rawStackConfig(stack);
    const secrets = Object.fromEntries(requiredOperatorSecrets(raw).map((k) => [k, "secret" as const]));
    const facts = alertFacts(parseStackConfig(raw, stack, secrets));
    return [...serviceAlertCases(facts), ...platformAlertCases(facts)];
}

/** Runs promtool with stdout and stderr in one stream, in the order promtool writes them. */
function promtool(bin: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
    const log = path.join(cwd, `promtool-${args[0]}-${process.hrtime.bigint()}.log`);
    const fd = fs.openSync(log, "w");
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { cwd, stdio: ["ignore", fd, fd] });
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            fs.closeSync(fd);
            resolve({ code, output: fs.readFileSync(log, "utf8") });
        });
    });
}

describe("alert rules, checked and unit-tested with promtool", function () {
    let bin: string;
    let scratch: string;
    const rules = new Map<string, RuleFileSpec>();
    const cases = new Map(STACKS.map((stack) => [stack, casesOf(stack)]));
    const testRuns = new Map<string, { code: number | null; output: string }>();
    const dir = (stack: string) => path.join(scratch, stack);

    // Every network's rule file and test files, then the three `promtool test rules` runs side by side.
    before(async function () {
        bin = requirePromtool().bin;
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "alert-rules-"));
        for (const stack of STACKS) {
            const rule = (await runStack(stack)).resources.find((r) => r.type === PROMETHEUS_RULE);
            assert.ok(rule, `${stack} registers no PrometheusRule`);
            rules.set(stack, (rule.inputs as { spec: RuleFileSpec }).spec);
            fs.mkdirSync(dir(stack), { recursive: true });
            fs.writeFileSync(path.join(dir(stack), "rules.yaml"), yaml(rules.get(stack)));
            for (const c of cases.get(stack) ?? []) {
                fs.writeFileSync(path.join(dir(stack), `${c.alert}.test.yaml`), yaml(testFile(c, "rules.yaml")));
            }
        }
        const runs = STACKS.map((stack) =>
            promtool(
                bin,
                ["test", "rules", ...(cases.get(stack) ?? []).map((c) => `${c.alert}.test.yaml`)],
                dir(stack),
            ),
        );
        (await Promise.all(runs)).forEach((run, i) => testRuns.set(STACKS[i], run));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    for (const stack of STACKS) {
        describe(stack, () => {
            const verdicts = () => verdictsByFile(testRuns.get(stack)?.output ?? "");

            it("promtool check rules accepts the rendered rule file", async () => {
                const check = await promtool(bin, ["check", "rules", "rules.yaml"], dir(stack));
                const count = (rules.get(stack)?.groups ?? []).reduce((n, g) => n + g.rules.length, 0);
                assert.equal(check.code, 0, check.output);
                assert.match(check.output, new RegExp(`SUCCESS: ${count} rules found`));
            });

            it("has one unit test per alert, each with a firing case and at least one silent case", () => {
                const alerts = (rules.get(stack)?.groups ?? []).flatMap((g) => g.rules.map((r) => r.alert)).sort();
                assert.deepEqual((cases.get(stack) ?? []).map((c) => c.alert).sort(), alerts);
                for (const c of cases.get(stack) ?? []) {
                    assert.ok(c.fires.alerts.length > 0, `${c.alert} fires nothing`);
                    assert.ok(c.quiet.length > 0, `${c.alert} has no silent case`);
                }
            });

            for (const c of cases.get(stack) ?? []) {
                it(`${c.alert} fires on ${c.fires.title}; silent on ${c.quiet.map((q) => q.title).join("; ")}`, () => {
                    const verdict = verdicts().get(`${c.alert}.test.yaml`);
                    assert.equal(verdict, "SUCCESS", verdict ?? testRuns.get(stack)?.output);
                });
            }
        });
    }

    it("fails a test whose threshold moved (the tests can fail)", async () => {
        const spec = structuredClone(rules.get("mainnet") as RuleFileSpec);
        const rule = spec.groups.flatMap((g) => g.rules).find((r) => r.alert === "RelayConnectionsNearLimit");
        assert.ok(rule);
        rule.expr = rule.expr.replace(/>= (\d+)$/, (_, n) => `>= ${Number(n) + 1}`);
        const dir = path.join(scratch, "mutant");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "rules.yaml"), yaml(spec));
        const c = casesOf("mainnet").find((x) => x.alert === "RelayConnectionsNearLimit") as AlertCase;
        fs.writeFileSync(path.join(dir, "case.test.yaml"), yaml(testFile(c, "rules.yaml")));
        const run = await promtool(bin, ["test", "rules", "case.test.yaml"], dir);
        assert.equal(run.code, 1, run.output);
        assert.match(verdictsByFile(run.output).get("case.test.yaml") ?? "", /FAILED/);
    });
});
