/**
 * Runs in the base's worktree (cwd), in its own process: the base's own harness runs the base's
 * own program for each stack and, when the base has the policy adapter, its own pack; the result
 * goes to the JSON file named first on the command line.
 *
 *   node -r ts-node/register/transpile-only diffBaseRunner.ts <out.json> <stack>...
 *
 * Nothing of the head is imported here: the base's modules are required by path from the cwd.
 * It relies only on what every harness since it became a library exports: `runStack(stack)`
 * resolving to `{ resources, outputs }`, and `evaluateRecorded(resources, network)`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface BaseHarness {
    runStack(stack: string): Promise<{ resources: unknown[]; outputs?: Record<string, unknown> }>;
}

interface BasePolicies {
    evaluateRecorded(resources: unknown[], network: string): Promise<unknown[]>;
}

async function optionalModule<T>(file: string): Promise<T | undefined> {
    return fs.existsSync(`${file}.ts`) ? ((await import(file)) as T) : undefined;
}

async function main(out: string, stacks: string[]): Promise<void> {
    const root = process.cwd();
    // The program may print; keep stdout for nothing and the report in its file.
    console.log = console.error;
    const harness = (await import(path.join(root, "harness", "stack"))) as BaseHarness;
    const policies = await optionalModule<BasePolicies>(path.join(root, "harness", "policies"));
    const runs = [];
    for (const stack of stacks) {
        if (!fs.existsSync(path.join(root, `Pulumi.${stack}.yaml`))) {
            runs.push({ stack, missing: true, network: stack, resources: [], violations: [] });
            continue;
        }
        try {
            const run = await harness.runStack(stack);
            const network = String(run.outputs?.network ?? stack);
            const violations = policies ? await policies.evaluateRecorded(run.resources, network) : null;
            runs.push({ stack, missing: false, network, resources: run.resources, violations });
        } catch (error) {
            fs.writeFileSync(
                out,
                JSON.stringify({ error: { stack, message: (error as Error).message ?? String(error) } }),
            );
            return;
        }
    }
    fs.writeFileSync(out, JSON.stringify({ stacks: runs }));
}

const [out, ...stacks] = process.argv.slice(2);
// A failing program rejects runStack and, through the SDK's stack resource, once more unhandled.
process.on("unhandledRejection", () => undefined);
main(out, stacks).then(
    () => process.exit(0),
    (error) => {
        fs.writeFileSync(
            out,
            JSON.stringify({ error: { stack: "", message: (error as Error).stack ?? String(error) } }),
        );
        process.exit(1);
    },
);
