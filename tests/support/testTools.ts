/**
 * The real tools the backup-script specs run, found on this machine (never mocked), and a bounded
 * way to run a command. A missing tool fails with a message naming scripts/setup-test-tools.sh,
 * which installs them all.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const SETUP_SCRIPT = "scripts/setup-test-tools.sh";
const PG_MAJOR = 15;

export interface TestTools {
    shellcheck: string;
    /** A folder holding only `aws`, a link to an AWS CLI v2 (a pip v1 may stand earlier on PATH). */
    awsBinDir: string;
    awsVersion: string;
    /** Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres). */
    pgBin: string;
    pgVersion: string;
    /** PATH for the scripts: the AWS CLI v2 first, then the client tools (pg_dump, psql, jq, ...). */
    path: string;
}

function firstLine(command: string, args: string[]): string | undefined {
    const run = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
    if (run.status !== 0) return undefined;
    return `${run.stdout}${run.stderr}`.trim().split("\n")[0];
}

function onPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir || ".", name);
        if (fs.existsSync(candidate)) return candidate;
    }
    return undefined;
}

function awsV2(): { bin: string; version: string } | undefined {
    const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin"];
    for (const dir of dirs) {
        const bin = path.join(dir || ".", "aws");
        if (!fs.existsSync(bin)) continue;
        const version = firstLine(bin, ["--version"]);
        if (version?.startsWith("aws-cli/2.")) return { bin, version };
    }
    return undefined;
}

/**
 * Finds every tool or throws one error listing what is missing. `scratch` receives the folder
 * with the `aws` link (the caller removes it with the rest of its temporary files).
 */
export function requireTestTools(scratch: string): TestTools {
    const missing: string[] = [];
    const shellcheck = onPath("shellcheck");
    if (!shellcheck) missing.push("shellcheck");
    for (const tool of ["jq", "psql", "pg_dump", "pg_restore", "sha256sum", "bash", "curl", "gzip", "basenc"]) {
        if (!onPath(tool)) missing.push(tool);
    }
    const aws = awsV2();
    if (!aws) missing.push("the AWS CLI v2");
    const pgBin = `/usr/lib/postgresql/${PG_MAJOR}/bin`;
    const pgVersion = firstLine(path.join(pgBin, "postgres"), ["--version"]);
    if (!pgVersion || !fs.existsSync(path.join(pgBin, "initdb")) || !fs.existsSync(path.join(pgBin, "pg_ctl"))) {
        missing.push(`PostgreSQL ${PG_MAJOR} server binaries in ${pgBin}`);
    }
    if (missing.length > 0 || !aws || !shellcheck || !pgVersion) {
        throw new Error(`missing ${missing.join(", ")}: run ${SETUP_SCRIPT} (as root) first`);
    }
    const awsBinDir = path.join(scratch, "aws-cli-v2");
    fs.mkdirSync(awsBinDir, { recursive: true });
    fs.symlinkSync(aws.bin, path.join(awsBinDir, "aws"));
    return {
        shellcheck,
        awsBinDir,
        awsVersion: aws.version,
        pgBin,
        pgVersion,
        path: [awsBinDir, ...(process.env.PATH ?? "").split(path.delimiter)].join(path.delimiter),
    };
}

export interface CommandResult {
    code: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/**
 * Runs a command without blocking the event loop (the in-process S3 servers must keep serving),
 * with a clean environment (only `env`), killed after `timeoutMs`.
 */
export function runCommand(
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string | Buffer },
): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const input = options.input;
        const child = spawn(command, args, {
            env: options.env,
            stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const stderr = Buffer.concat(err).toString("utf8");
            resolve({
                code,
                stdout: Buffer.concat(out).toString("utf8"),
                stderr: signal ? `${stderr}\n(killed by ${signal} after ${options.timeoutMs} ms)` : stderr,
                ms: Date.now() - started,
            });
        });
        if (input !== undefined && child.stdin) {
            child.stdin.on("error", () => undefined); // a child that exits without reading: its exit code tells
            child.stdin.end(input);
        }
    });
}

/** The result's output, for an assertion message. */
export function describeRun(what: string, run: CommandResult): string {
    return `${what} exited ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}
