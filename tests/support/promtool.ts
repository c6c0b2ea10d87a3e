/**
 * Prometheus's own promtool (Debian's `prometheus` package), found on this machine, never mocked,
 * and the shapes of its rule unit-test files. A missing promtool fails naming
 * scripts/setup-test-tools.sh, which installs it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { SETUP_SCRIPT } from "./testTools";

/** promtool's path and its version line. */
export function requirePromtool(): { bin: string; version: string } {
    for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin"]) {
        const bin = path.join(dir || ".", "promtool");
        if (!fs.existsSync(bin)) continue;
        const run = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 30_000 });
        if (run.status === 0) return { bin, version: `${run.stdout}${run.stderr}`.split("\n")[0] };
    }
    throw new Error(`missing promtool (Debian's prometheus package): run ${SETUP_SCRIPT} (as root) first`);
}

/** One input series of a promtool test: a selector and its values in promtool's expanding notation. */
export interface InputSeries {
    series: string;
    /** e.g. `1 0x10` (one, then ten zeros) or `0+60x30` (a counter growing 60 a step). */
    values: string;
}

/** An alert promtool must see firing: its labels (besides alertname) and annotations, exactly. */
export interface ExpectedAlert {
    exp_labels: Record<string, string>;
    exp_annotations: Record<string, string>;
}

/** One promtool test group: series, and the alerts firing (none: `[]`) at one evaluation time. */
export interface PromtoolTestGroup {
    name: string;
    interval: string;
    input_series: InputSeries[];
    alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

/** `name{a="x", ...}` for an input series. */
export function series(name: string, labels: Record<string, string>): string {
    return `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(", ")}}`;
}

/** promtool's verdict per test file of one `promtool test rules` run: `SUCCESS`, or the failure text. */
export function verdictsByFile(output: string): Map<string, string> {
    const verdicts = new Map<string, string>();
    for (const section of output.split(/^Unit Testing: +/m).slice(1)) {
        const [file, ...rest] = section.split("\n");
        verdicts.set(path.basename(file.trim()), rest.join("\n").trim());
    }
    return verdicts;
}
