/**
 * The offline plan: what a stack would register, with no cloud, no cluster and no Pulumi CLI.
 *
 *   npm run plan -- <stack>            resource tree (type, name) and counts by type
 *   npm run plan -- <stack> --json     every resource (type, name, urn, parent, inputs, outputs, options) as JSON, nothing else on stdout
 *   npm run plan -- <stack> --policies also evaluates the policy pack with policies/config/<network>.json,
 *                                      prints every violation and exits 1 when one is mandatory
 *
 * Exits 1 with the config problem list when the stack is unknown or its config is invalid.
 */
import { OfflineViolation } from "../policies/offline";
import { RecordedResource } from "./mockEngine";
import { evaluateRecorded } from "./policies";
import { runStack } from "./stack";

/** Parsed command line. */
export interface PlanArguments {
    stack: string;
    json: boolean;
    policies: boolean;
}

const USAGE = "usage: npm run plan -- <stack> [--json] [--policies]";

/** Parses `<stack> [--json] [--policies]`; throws with the usage line on anything else. */
export function parsePlanArguments(argv: string[]): PlanArguments {
    const flags = argv.filter((a) => a.startsWith("--"));
    const positional = argv.filter((a) => !a.startsWith("--"));
    const unknown = flags.filter((f) => f !== "--json" && f !== "--policies");
    if (positional.length !== 1 || unknown.length > 0) throw new Error(USAGE);
    return { stack: positional[0], json: flags.includes("--json"), policies: flags.includes("--policies") };
}

/** One line per violation: level, policy, resource, message. */
export function renderViolations(violations: readonly OfflineViolation[]): string[] {
    return violations.map(
        (v) =>
            `${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policyName}  ${v.type}  ${v.name}\n          ${v.message}`,
    );
}

/** The resource tree, children indented under their parent, in registration order. */
export function renderTree(resources: RecordedResource[]): string[] {
    const byParent = new Map<string, RecordedResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    const roots: RecordedResource[] = [];
    for (const resource of resources) {
        if (urns.has(resource.parent))
            byParent.set(resource.parent, [...(byParent.get(resource.parent) ?? []), resource]);
        else roots.push(resource);
    }
    const lines: string[] = [];
    const visit = (resource: RecordedResource, depth: number) => {
        lines.push(
            `${"  ".repeat(depth)}${resource.type}  ${resource.name}${resource.options.protect ? "  [protected]" : ""}`,
        );
        for (const child of byParent.get(resource.urn) ?? []) visit(child, depth + 1);
    };
    for (const root of roots) visit(root, 0);
    return lines;
}

/** Resource counts by type, most frequent first, then by type. */
export function countByType(resources: RecordedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Where the plan writes: stdout for results, stderr for problems. */
export interface PlanOutput {
    out(text: string): void;
    err(text: string): void;
}

/** Runs the plan for a command line; returns the exit code. */
export async function runPlan(argv: string[], io: PlanOutput): Promise<number> {
    let args: PlanArguments;
    try {
        args = parsePlanArguments(argv);
    } catch (error) {
        io.err((error as Error).message);
        return 2;
    }
    // Anything the SDK prints while the program runs goes to stderr, so --json output stays pure.
    const log = console.log;
    console.log = console.error;
    let resources: RecordedResource[];
    let network: string;
    try {
        const run = await runStack(args.stack);
        resources = run.resources;
        network = String(run.outputs.network);
    } catch (error) {
        io.err((error as Error).message);
        return 1;
    } finally {
        console.log = log;
    }
    const violations = args.policies ? await evaluateRecorded(resources, network) : [];
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (args.json) {
        io.out(JSON.stringify(args.policies ? { resources, violations } : resources, null, 2));
        return mandatory > 0 ? 1 : 0;
    }
    const out = (line: string) => io.out(line);
    out(
        `Stack ${args.stack}: ${resources.length} resources (offline plan under the mock engine; computed values are placeholders)`,
    );
    out("");
    renderTree(resources).forEach(out);
    out("");
    out("Counts by type:");
    for (const [type, count] of countByType(resources)) out(`  ${String(count).padStart(4)}  ${type}`);
    if (!args.policies) return 0;
    out("");
    out(
        `Policy pack with policies/config/${network}.json: ${violations.length} violation${violations.length === 1 ? "" : "s"}, ${mandatory} mandatory`,
    );
    renderViolations(violations).forEach(out);
    return mandatory > 0 ? 1 : 0;
}
