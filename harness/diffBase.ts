/**
 * The base side of the offline diff: which commit it is, and its own program run in a temporary
 * `git worktree` by its own harness, in a child process (the base's harness and program may differ
 * from the head's, so nothing of the head is loaded there). The user's working tree is never
 * touched; the worktree is removed when the run ends, also on an interrupt.
 *
 * Limits: the base must have `harness/stack.ts` (`runStack`, as every commit since the harness
 * became a library has); it runs with the head's `node_modules` (symlinked), which is exact only
 * while package-lock.json is the same (the report says when it is not).
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OfflineViolation } from "../policies/offline";
import { normalizeRecordedResource } from "./diff";
import type { RecordedResource } from "./mockEngine";

/** Bad input or an unusable repository: the command prints the message as one line and exits 1. */
export class DiffInputError extends Error {}

/** Runs git in `cwd`; throws with git's first line of stderr. */
export function git(cwd: string, args: string[]): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
        throw new Error(stderr.split("\n")[0] || `git ${args.join(" ")} failed`);
    }
}

/** Where the program lives in its repository. */
export interface Repository {
    /** The repository's top level. */
    top: string;
    /** The program's directory relative to the top level (`""` or `infra/`). */
    prefix: string;
}

/** The repository holding `programRoot`, or a {@link DiffInputError} when there is none. */
export function repositoryOf(programRoot: string): Repository {
    try {
        return {
            top: git(programRoot, ["rev-parse", "--show-toplevel"]),
            prefix: git(programRoot, ["rev-parse", "--show-prefix"]),
        };
    } catch {
        throw new DiffInputError(
            `not a git repository: ${programRoot} (the offline diff builds the base from the repository's history)`,
        );
    }
}

/** A resolved base commit. */
export interface BaseCommit {
    /** What was asked for (`--base` or how the default was found). */
    ref: string;
    commit: string;
    subject: string;
}

function verifyCommit(repo: Repository, ref: string): string | undefined {
    try {
        return git(repo.top, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
    } catch {
        return undefined;
    }
}

/**
 * The base commit: `ref` when given; else the merge base of HEAD with `origin/main`, else HEAD~1.
 * Also checks that the base can run offline (it has the harness).
 */
export function resolveBase(repo: Repository, ref: string | undefined): BaseCommit {
    let commit: string | undefined;
    let label: string;
    if (ref !== undefined) {
        if (ref.startsWith("-")) throw new DiffInputError(`unknown git ref "${ref}"`);
        commit = verifyCommit(repo, ref);
        if (!commit) throw new DiffInputError(`unknown git ref "${ref}": no such commit in ${repo.top}`);
        label = ref;
    } else if (verifyCommit(repo, "refs/remotes/origin/main")) {
        commit = git(repo.top, ["merge-base", "HEAD", "refs/remotes/origin/main"]);
        label = "merge base with origin/main";
    } else {
        commit = verifyCommit(repo, "HEAD~1");
        if (!commit)
            throw new DiffInputError(
                "no base to compare with: there is no origin/main and HEAD has no parent; pass --base <git-ref>",
            );
        label = "HEAD~1";
    }
    try {
        git(repo.top, ["cat-file", "-e", `${commit}:${repo.prefix}harness/stack.ts`]);
    } catch {
        throw new DiffInputError(
            `base ${commit.slice(0, 7)} has no ${repo.prefix}harness/stack.ts: the offline diff runs the base's own harness, ` +
                "so the base must be a commit that has it",
        );
    }
    return { ref: label, commit, subject: git(repo.top, ["log", "-1", "--format=%s", commit]) };
}

/** The head: HEAD's commit and whether the working tree has changes on top of it. */
export function headState(repo: Repository): { commit: string; dirty: boolean } {
    const commit = verifyCommit(repo, "HEAD");
    if (!commit) throw new DiffInputError(`the repository at ${repo.top} has no commit yet`);
    return { commit, dirty: git(repo.top, ["status", "--porcelain"]) !== "" };
}

/** A note when the base's package-lock.json is not the working tree's (the base runs with the head's modules). */
export function lockfileNote(repo: Repository, commit: string, programRoot: string): string | undefined {
    const lock = path.join(programRoot, "package-lock.json");
    if (!fs.existsSync(lock)) return undefined;
    let baseBlob: string | undefined;
    try {
        baseBlob = git(repo.top, ["rev-parse", `${commit}:${repo.prefix}package-lock.json`]);
    } catch {
        baseBlob = undefined;
    }
    const headBlob = git(repo.top, ["hash-object", lock]);
    return baseBlob === headBlob
        ? undefined
        : "package-lock.json differs between base and head: the base ran with the head's node_modules.";
}

/** One stack as the base's program registered it. */
export interface BaseStackRun {
    stack: string;
    /** No `Pulumi.<stack>.yaml` at base. */
    missing: boolean;
    network: string;
    resources: RecordedResource[];
    /** The base's own pack's violations; null when the base has no harness/policies.ts. */
    violations: OfflineViolation[] | null;
}

/** The base's runs, once its process has finished. */
export interface BaseRuns {
    stacks: BaseStackRun[];
}

const RUNNER = path.join(__dirname, "diffBaseRunner.ts");
const TS_NODE = require.resolve("ts-node/register/transpile-only");

/** A started base run: its result, and the cleanup (idempotent, synchronous) for interrupts. */
export interface StartedBase {
    result: Promise<BaseRuns>;
    cleanup(): void;
}

/**
 * Checks `commit` out into a temporary worktree, links the head's node_modules into it and runs
 * the base's program for `stacks` in a child process (diffBaseRunner.ts). The worktree is removed
 * when the result settles.
 */
export function startBase(repo: Repository, commit: string, stacks: readonly string[], headRoot: string): StartedBase {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "messaging-infra-diff-"));
    const worktree = path.join(dir, "base");
    let cleaned = false;
    const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        try {
            git(repo.top, ["worktree", "remove", "--force", worktree]);
        } catch {
            fs.rmSync(worktree, { recursive: true, force: true });
            try {
                git(repo.top, ["worktree", "prune"]);
            } catch {
                // Nothing left to prune.
            }
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const result = (async (): Promise<BaseRuns> => {
        try {
            git(repo.top, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
            const programRoot = path.join(worktree, repo.prefix);
            for (const modules of ["node_modules", path.join("policies", "node_modules")]) {
                const source = path.join(headRoot, modules);
                const target = path.join(programRoot, modules);
                if (fs.existsSync(source) && fs.existsSync(path.dirname(target)) && !fs.existsSync(target))
                    fs.symlinkSync(source, target, "dir");
            }
            const out = path.join(dir, "base-run.json");
            const stderr = await runChild(programRoot, [out, ...stacks]);
            const report = fs.existsSync(out)
                ? (JSON.parse(fs.readFileSync(out, "utf8")) as RunnerReport)
                : { error: { stack: "", message: lastLines(stderr) || "the base run wrote nothing" } };
            if ("error" in report) {
                const where = report.error.stack ? ` for ${report.error.stack}` : "";
                throw new DiffInputError(
                    `base ${commit.slice(0, 7)}: the program failed${where}: ${report.error.message.split("\n")[0]}`,
                );
            }
            return {
                stacks: report.stacks.map((s) => ({
                    ...s,
                    resources: (s.resources ?? []).map(normalizeRecordedResource),
                    violations: s.violations ?? null,
                })),
            };
        } finally {
            cleanup();
        }
    })();
    return { result, cleanup };
}

/** What diffBaseRunner.ts writes. */
export type RunnerReport =
    | {
          stacks: {
              stack: string;
              missing: boolean;
              network: string;
              resources?: Record<string, unknown>[];
              violations?: OfflineViolation[] | null;
          }[];
      }
    | { error: { stack: string; message: string } };

function lastLines(text: string): string {
    return text.trim().split("\n").slice(-3).join(" / ");
}

function runChild(cwd: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", TS_NODE, RUNNER, ...args], {
            cwd,
            env: { ...process.env, TS_NODE_PROJECT: path.join(cwd, "tsconfig.json") },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
            stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
        });
        child.on("error", reject);
        child.on("close", () => resolve(stderr));
    });
}
