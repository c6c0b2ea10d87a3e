/**
 * A throwaway PostgreSQL server from Debian's binaries for the backup-script specs: a temporary
 * data directory, TCP on 127.0.0.1 only (no Unix socket), password (SCRAM) authentication. initdb
 * refuses to run as root, so under root the server runs as a system user made for this run and
 * removed by `stop`.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describeRun, runCommand } from "./testTools";

const TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

export class PostgresServer {
    private constructor(
        private readonly pgBin: string,
        private readonly dir: string,
        private readonly user: string | undefined,
        readonly port: number,
        readonly password: string,
    ) {}

    private stopped = false;

    /** The superuser, for the libpq variables. */
    readonly superuser = "postgres";

    private get dataDir(): string {
        return path.join(this.dir, "data");
    }

    /** Runs a server binary as the server's user. */
    private async asServerUser(binary: string, args: string[]): Promise<void> {
        const command = this.user ? "runuser" : path.join(this.pgBin, binary);
        const argv = this.user ? ["-u", this.user, "--", path.join(this.pgBin, binary), ...args] : args;
        const run = await runCommand(command, argv, {
            env: { PATH: process.env.PATH, LC_ALL: "C" },
            timeoutMs: TIMEOUT_MS,
        });
        if (run.code !== 0) throw new Error(describeRun(`${binary} ${args.join(" ")}`, run));
    }

    /** Starts a server; `settings` are extra postgresql.conf lines. */
    static async start(pgBin: string, settings: string[] = []): Promise<PostgresServer> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mi-postgres-"));
        let user: string | undefined;
        if (process.getuid?.() === 0) {
            user = `mi-pg-${randomBytes(4).toString("hex")}`;
            const add = await runCommand(
                "useradd",
                ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user],
                { env: { PATH: process.env.PATH }, timeoutMs: TIMEOUT_MS },
            );
            if (add.code !== 0) {
                fs.rmSync(dir, { recursive: true, force: true });
                throw new Error(describeRun(`useradd ${user} (initdb refuses root, so the server needs a user)`, add));
            }
            const { uid, gid } = idsOf(user);
            fs.chownSync(dir, uid, gid);
        }
        const server = new PostgresServer(pgBin, dir, user, await freePort(), randomBytes(12).toString("hex"));
        try {
            const pwfile = path.join(dir, "pwfile");
            fs.writeFileSync(pwfile, `${server.password}\n`, { mode: 0o600 });
            if (user) fs.chownSync(pwfile, idsOf(user).uid, idsOf(user).gid);
            await server.asServerUser("initdb", [
                "--pgdata",
                server.dataDir,
                "--username",
                server.superuser,
                "--pwfile",
                pwfile,
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]);
            fs.appendFileSync(
                path.join(server.dataDir, "postgresql.conf"),
                [
                    "listen_addresses = '127.0.0.1'",
                    `port = ${server.port}`,
                    "unix_socket_directories = ''",
                    "fsync = off",
                    "synchronous_commit = off",
                    "full_page_writes = off",
                    ...settings,
                    "",
                ].join("\n"),
            );
            await server.asServerUser("pg_ctl", [
                "--pgdata",
                server.dataDir,
                "--log",
                path.join(dir, "server.log"),
                "--wait",
                "--timeout",
                "30",
                "start",
            ]);
        } catch (error) {
            await server.stop();
            throw error;
        }
        return server;
    }

    /** The server's log, for a failure message. */
    log(): string {
        const file = path.join(this.dir, "server.log");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    }

    /** Stops the server (immediately), removes its data and its user. Safe to call twice. */
    async stop(): Promise<void> {
        if (this.stopped) return;
        this.stopped = true;
        try {
            if (fs.existsSync(path.join(this.dataDir, "postmaster.pid"))) {
                await this.asServerUser("pg_ctl", ["--pgdata", this.dataDir, "--mode", "immediate", "--wait", "stop"]);
            }
        } finally {
            fs.rmSync(this.dir, { recursive: true, force: true });
            if (this.user) {
                await runCommand("userdel", [this.user], { env: { PATH: process.env.PATH }, timeoutMs: TIMEOUT_MS });
            }
        }
    }
}

function idsOf(user: string): { uid: number; gid: number } {
    const line = fs
        .readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${user}:`));
    if (!line) throw new Error(`no user ${user} in /etc/passwd`);
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
}
