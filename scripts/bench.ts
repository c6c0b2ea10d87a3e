/**
 * `npm run bench`: program evaluation under the mock engine for every stack, against the floor
 * (an empty Pulumi program evaluated the same way), and the policy pack over synthetic resources.
 * Each stack runs in its own process so peak memory is per stack. Absolute times on shared
 * machines are noisy: read the ratios.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { knownStacks, REPO_ROOT } from "../tests/harness/stack";

interface ProgramFigures {
    target: string;
    resources: number;
    coldMs: number;
    warmMedianMs: number;
    peakRssMb: number;
}

const RUNS = 7;

function measure(target: string): ProgramFigures {
    const output = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "benchProgram.ts"), target, String(RUNS)], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(output) as ProgramFigures;
}

async function main(): Promise<void> {
    const floor = measure("empty");
    const rows = knownStacks().map(measure);
    const fmt = (n: number) => n.toFixed(1).padStart(8);
    console.log(`Program evaluation under the mock engine (warm: median of ${RUNS} runs in one process; cold: process start to first result)`);
    console.log("target     resources   cold ms  x floor   warm ms  x floor   peak RSS MB");
    for (const row of [floor, ...rows]) {
        console.log(
            `${row.target.padEnd(10)} ${String(row.resources).padStart(9)} ${fmt(row.coldMs)} ${fmt(row.coldMs / floor.coldMs)} ${fmt(row.warmMedianMs)} ${fmt(row.warmMedianMs / floor.warmMedianMs)} ${fmt(row.peakRssMb)}`,
        );
    }
    const verdicts = rows.map((row) => `${row.target}: cold ${(row.coldMs / floor.coldMs).toFixed(2)}x floor (target <= 2x) ${row.coldMs / floor.coldMs <= 2 ? "ok" : "OVER"}, ${row.peakRssMb.toFixed(0)} MB (target < 300) ${row.peakRssMb < 300 ? "ok" : "OVER"}`);
    verdicts.forEach((v) => console.log(v));

    const policyBench = path.join(__dirname, "benchPolicies.ts");
    if (fs.existsSync(policyBench)) {
        const { benchPolicyPack } = (await import(policyBench)) as { benchPolicyPack(count?: number): Promise<Record<string, number>> };
        const figures = await benchPolicyPack(10_000);
        console.log("");
        console.log(`Policy pack over ${figures.resources} synthetic resources: ${figures.totalMs.toFixed(0)} ms total, ${figures.msPer1000.toFixed(1)} ms per 1,000, peak RSS ${figures.peakRssMb.toFixed(0)} MB, ${figures.violations} violations (target < 1000 ms)`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
