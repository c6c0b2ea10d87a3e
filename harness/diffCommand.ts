/**
 * `npm run diff -- <stack>... [--base <git-ref>] [--format text|markdown|json] [--expect-no-changes]`:
 * what the working tree changes in each stack compared with a base commit, offline.
 *
 * The base (default: the merge base with origin/main, else HEAD~1) runs its own program in a
 * temporary worktree in a child process while the head runs here; both packs run on their own
 * resources; harness/diff.ts compares, harness/diffFormat.ts prints.
 *
 * Exit codes: 0 with or without changes; 2 with changes under --expect-no-changes; 1 on a
 * protected resource deleted or replaced, on a new mandatory policy violation, and on bad input
 * (usage, unknown stack or ref, not a repository, a program that fails), which prints one line.
 */
import type { OfflineViolation } from "../policies/offline";
import { diffRuns } from "./diff";
import {
    BaseStackRun,
    DiffInputError,
    headState,
    lockfileNote,
    repositoryOf,
    resolveBase,
    startBase,
} from "./diffBase";
import type { CommandOutput } from "./commandLine";
import { DiffReport, diffExitCode, renderMarkdown, renderText, StackReport } from "./diffFormat";
import type { RecordedResource } from "./mockEngine";
import { knownStacks, REPO_ROOT } from "./stackFiles";

/** Parsed command line. */
export interface DiffArguments {
    stacks: string[];
    base?: string;
    format: "text" | "markdown" | "json";
    expectNoChanges: boolean;
}

const USAGE =
    "usage: npm run diff -- <stack>... [--base <git-ref>] [--format text|markdown|json] [--expect-no-changes]";

const FORMATS = ["text", "markdown", "json"] as const;

/** Parses the command line; throws a {@link DiffInputError} with the usage line on anything else. */
export function parseDiffArguments(argv: readonly string[]): DiffArguments {
    const args: DiffArguments = { stacks: [], format: "text", expectNoChanges: false };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new DiffInputError(`${flag} needs a value; ${USAGE}`);
            return v;
        };
        if (flag === "--base") args.base = value();
        else if (flag === "--format") {
            const format = value();
            if (!(FORMATS as readonly string[]).includes(format))
                throw new DiffInputError(`unknown format "${format}" (text, markdown or json); ${USAGE}`);
            args.format = format as DiffArguments["format"];
        } else if (flag === "--expect-no-changes" && inline === undefined) args.expectNoChanges = true;
        else if (flag.startsWith("-")) throw new DiffInputError(`unknown option ${argv[i]}; ${USAGE}`);
        else args.stacks.push(flag);
    }
    if (args.stacks.length === 0) throw new DiffInputError(USAGE);
    return args;
}

interface HeadRun {
    network: string;
    resources: RecordedResource[];
    violations: OfflineViolation[];
}

function firstLine(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** Runs the working tree's program and pack for each stack, in this process. */
async function runHead(stacks: readonly string[]): Promise<Map<string, HeadRun>> {
    // Loaded only now: the base process is already running, and bad input never pays for the program.
    const { runStack } = await import("./stack");
    const { evaluateRecorded } = await import("./policies");
    const runs = new Map<string, HeadRun>();
    for (const stack of stacks) {
        let run;
        try {
            run = await runStack(stack);
        } catch (error) {
            throw new DiffInputError(`working tree: the program failed for ${stack}: ${firstLine(error)}`);
        }
        const network = String(run.outputs.network);
        runs.set(stack, {
            network,
            resources: run.resources,
            violations: await evaluateRecorded(run.resources, network),
        });
    }
    return runs;
}

/** The base's violations; a base without the policy adapter is checked with the head's pack. */
async function baseViolations(base: BaseStackRun, notes: string[]): Promise<OfflineViolation[]> {
    if (base.violations) return base.violations;
    const { evaluateRecorded } = await import("./policies");
    const note = "the base has no harness/policies.ts: its resources were checked with the head's pack.";
    if (!notes.includes(note)) notes.push(note);
    return evaluateRecorded(base.resources, base.network);
}

/** Runs the diff for a command line; returns the exit code. */
export async function runDiff(argv: readonly string[], io: CommandOutput): Promise<number> {
    const root = REPO_ROOT;
    const log = console.log;
    const ignore = () => undefined;
    const interrupted = () => process.exit(130);
    let cleanup = () => undefined as void;
    const onSignal = () => {
        cleanup();
        interrupted();
    };
    try {
        const args = parseDiffArguments(argv);
        const known = knownStacks(root);
        for (const stack of args.stacks)
            if (!known.includes(stack))
                throw new DiffInputError(
                    `unknown stack "${stack}": there is no Pulumi.${stack}.yaml (known stacks: ${known.join(", ")})`,
                );
        const repo = repositoryOf(root);
        const base = resolveBase(repo, args.base);
        const head = headState(repo);
        const notes: string[] = [];
        const lock = lockfileNote(repo, base.commit, root);
        if (lock) notes.push(lock);

        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        const started = startBase(repo, base.commit, args.stacks, root);
        cleanup = started.cleanup;
        // Program output goes to stderr so the report stays alone on stdout; a failing program
        // also rejects once more, unhandled, through the SDK's stack resource.
        console.log = console.error;
        process.on("unhandledRejection", ignore);
        let headRuns: Map<string, HeadRun>;
        try {
            headRuns = await runHead(args.stacks);
        } finally {
            // Whatever the head did, wait for the base so that its worktree is gone before we return.
            await started.result.catch(() => undefined);
        }
        const baseRuns = await started.result;
        const stacks: StackReport[] = [];
        for (const stack of args.stacks) {
            const h = headRuns.get(stack)!;
            const b = baseRuns.stacks.find((s) => s.stack === stack)!;
            const diff = diffRuns(
                { resources: b.resources, violations: await baseViolations(b, notes) },
                { resources: h.resources, violations: h.violations },
            );
            stacks.push({ stack, newAtBase: b.missing, diff });
        }
        const report: DiffReport = { base, head, notes, stacks };
        if (args.format === "json") io.out(JSON.stringify(report, null, 2));
        else if (args.format === "markdown") io.out(renderMarkdown(report));
        else renderText(report).forEach((line) => io.out(line));
        if (args.format !== "text")
            for (const s of stacks) for (const e of s.diff.errors) io.err(`error: ${s.stack}: ${e}`);
        return diffExitCode(report, args.expectNoChanges);
    } catch (error) {
        if (error instanceof DiffInputError) {
            io.err(error.message);
            return 1;
        }
        throw error;
    } finally {
        console.log = log;
        process.off("unhandledRejection", ignore);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        cleanup();
    }
}
