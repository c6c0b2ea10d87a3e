/**
 * One benchmark measurement in a fresh process, so its peak memory is its own:
 *   benchProgram.ts <stack|empty> <runs>
 * prints JSON: cold time (module loading plus the first evaluation), the median of the warm
 * evaluations, the process's peak RSS and the resource count.
 */
import { performance } from "node:perf_hooks";

const startedAt = performance.now();

async function main(): Promise<void> {
    const [target, runsText] = process.argv.slice(2);
    const runs = Number(runsText ?? "5");
    // Loaded here, not at the top, so the cold time includes loading what each program needs.
    const { runInMockEngine } = await import("../tests/harness/mockEngine");
    const { runStack } = await import("../tests/harness/stack");
    const evaluate = target === "empty" ? () => runInMockEngine(async () => ({}), { project: "messaging-infra", stack: "empty" }) : () => runStack(target);
    const first = await evaluate();
    const coldMs = performance.now() - startedAt;
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
            warmMedianMs: times[Math.floor(times.length / 2)],
            peakRssMb: process.resourceUsage().maxRSS / 1024,
        }),
    );
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
