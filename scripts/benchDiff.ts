/**
 * `npm run bench:diff [-- <stack> [rounds]]`: a whole offline diff of a stack (default mainnet)
 * against the time of two offline plans of it, each as a user runs it (`npm run plan -- <stack>`
 * twice, one after the other, vs one `npm run diff -- <stack> --base HEAD`: the base's program in
 * its worktree and the head's, both packs). Wall-clock medians over `rounds` (default 3), the
 * rounds interleaved so that load on a shared machine hits both sides alike. Target: the diff
 * under 2x the two plans.
 */
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "../harness/stackFiles";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(args: string[]): number {
    const start = process.hrtime.bigint();
    execFileSync("npm", ["run", "-s", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): void {
    const stack = process.argv[2] ?? "mainnet";
    const rounds = Number(process.argv[3] ?? 3);
    const plans: number[] = [];
    const diffs: number[] = [];
    for (let round = 0; round < rounds; round++) {
        plans.push(timed(["plan", "--", stack]) + timed(["plan", "--", stack]));
        diffs.push(timed(["diff", "--", stack, "--base", "HEAD"]));
    }
    const plan = median(plans);
    const diff = median(diffs);
    const ratio = diff / plan;
    console.log(
        `two plans of ${stack}: ${plan.toFixed(0)} ms (median of ${rounds}: ${plans.map((p) => p.toFixed(0)).join(", ")})`,
    );
    console.log(
        `one diff of ${stack}:  ${diff.toFixed(0)} ms (median of ${rounds}: ${diffs.map((d) => d.toFixed(0)).join(", ")})`,
    );
    console.log(`diff / two plans = ${ratio.toFixed(2)} (target < 2: ${ratio < 2 ? "met" : "missed"})`);
}

main();
