/**
 * One benchmark measurement in a fresh process, so its peak memory is its own:
 *   benchProgram.ts <stack|empty> <warm runs>
 * prints JSON: cold time (module loading plus the first evaluation), the process's peak RSS after
 * that first evaluation, the median of `<warm runs>` further evaluations, and the resource count.
 */
import { performance } from "node:perf_hooks";

const startedAt = performance.now();

async function main(): Promise<void> {
    const [target, runsText] = process.argv.slice(2);
    const runs = Number(runsText ?? "0");
    // Loaded here, not at the top, so the cold time includes loading what each program needs.
    const { runInMockEngine } = await import("../harness/mockEngine");
    const { runStack } = await import("../harness/stack");
    const evaluate =
        target === "empty"
            ? () => runInMockEngine(async () => ({}), { project: "messaging-infra", stack: "empty" })
            : () => runStack(target);
    const first = await evaluate();
    const coldMs = performance.now() - startedAt;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await evaluate();
        times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(
        JSON.stringify({
            target,
            resources: first.resources.length,
            coldMs,
            peakRssMb,
            warmMedianMs: runs > 0 ? times[Math.floor(times.length / 2)] : undefined,
        }),
    );
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
