/**
 * `npm run bench`: program evaluation under the mock engine for every stack, against the floor
 * (an empty Pulumi program evaluated the same way), then the policy pack over 10,000 synthetic
 * resources.
 *
 * Each figure comes from fresh processes: "cold" is process start to the first evaluation's
 * result (loading the SDKs and the program included: what one `pulumi preview` pays), median of
 * several processes; "peak RSS" is that process's maximum resident memory; "warm" is the median
 * of repeated evaluations in one process. Two modes: ts-node (how the tests and `pulumi up` with
 * `typescript: true` run the program) and compiled (the same code compiled by tsc first).
 * Absolute times on shared machines are noisy: read the ratios, which come from one run.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { benchPolicyPack } from "./benchPolicies";
import { knownStacks, REPO_ROOT } from "../harness/stack";

interface Figures {
    target: string;
    resources: number;
    coldMs: number;
    peakRssMb: number;
    warmMedianMs: number;
}

const COLD_PROCESSES = 5;
const WARM_RUNS = 7;
const COMPILED_DIR = path.join(REPO_ROOT, "bin", "bench");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function once(
    mode: "ts-node" | "compiled",
    target: string,
    warmRuns: number,
): Omit<Figures, "warmMedianMs"> & { warmMedianMs?: number } {
    const args =
        mode === "ts-node"
            ? ["-r", "ts-node/register/transpile-only", path.join(__dirname, "benchProgram.ts")]
            : [path.join(COMPILED_DIR, "scripts", "benchProgram.js")];
    const output = execFileSync(process.execPath, [...args, target, String(warmRuns)], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(output);
}

function measure(mode: "ts-node" | "compiled", target: string): Figures {
    const cold = Array.from({ length: COLD_PROCESSES }, () => once(mode, target, 0));
    const warm = once(mode, target, WARM_RUNS);
    return {
        target,
        resources: cold[0].resources,
        coldMs: median(cold.map((c) => c.coldMs)),
        peakRssMb: Math.max(...cold.map((c) => c.peakRssMb)),
        warmMedianMs: warm.warmMedianMs ?? NaN,
    };
}

function compile(): void {
    fs.rmSync(COMPILED_DIR, { recursive: true, force: true });
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit", "false", "--outDir", COMPILED_DIR],
        { cwd: REPO_ROOT, stdio: "inherit" },
    );
    // The harness finds stack files next to index.js, as it finds them next to index.ts.
    for (const file of fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f)))
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(COMPILED_DIR, file));
    // The backup scripts are read at run time next to the compiled module, as next to the source.
    fs.cpSync(path.join(REPO_ROOT, "components", "backups"), path.join(COMPILED_DIR, "components", "backups"), {
        recursive: true,
    });
}

function report(mode: "ts-node" | "compiled"): string[] {
    const floor = measure(mode, "empty");
    const rows = knownStacks().map((stack) => measure(mode, stack));
    const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(8);
    const lines = [
        `${mode}: cold = median of ${COLD_PROCESSES} processes, warm = median of ${WARM_RUNS} evaluations in one process`,
        "target     resources   cold ms  x floor   peak RSS MB   warm ms",
    ];
    for (const row of [floor, ...rows]) {
        lines.push(
            `${row.target.padEnd(10)} ${String(row.resources).padStart(9)} ${fmt(row.coldMs)} ${fmt(row.coldMs / floor.coldMs, 2)} ` +
                `${fmt(row.peakRssMb)}      ${fmt(row.warmMedianMs, 1)}`,
        );
    }
    for (const row of rows) {
        const ratio = row.coldMs / floor.coldMs;
        lines.push(
            `  ${row.target}: ${ratio.toFixed(2)}x the floor (target <= 2x: ` +
                `${ratio <= 2 ? "met" : "missed"}), ${row.peakRssMb.toFixed(0)} MB (target < 300: ` +
                `${row.peakRssMb < 300 ? "met" : "missed"})`,
        );
    }
    return lines;
}

async function main(): Promise<void> {
    for (const line of report("ts-node")) console.log(line);
    console.log("");
    compile();
    for (const line of report("compiled")) console.log(line);
    console.log("");
    const pack = await benchPolicyPack(10_000);
    console.log(
        `policy pack over ${pack.resources} synthetic resources (mainnet config, every resource and stack policy): ${pack.totalMs.toFixed(0)} ms, ` +
            `${pack.msPer1000.toFixed(1)} ms per 1,000, peak RSS ${pack.peakRssMb.toFixed(0)} MB, ${pack.violations} ` +
            `violations (target < 1000 ms: ${pack.totalMs < 1000 ? "met" : "missed"})`,
    );
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
