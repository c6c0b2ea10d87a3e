/**
 * The four backup scripts under components/backups/scripts, run for real: bash, the AWS CLI v2,
 * jq, coreutils, pg_dump/pg_restore/psql and a PostgreSQL 15 server from Debian, against local S3
 * servers (s3rver) behind a gateway that enforces the backup roles' IAM (put only, or list and
 * get under the store's prefix) and SSE-KMS on every put. Nothing is mocked; everything listens
 * on 127.0.0.1 and is stopped in `after` hooks. scripts/setup-test-tools.sh installs the tools.
 */
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PostgresServer } from "../support/postgresServer";
import { BackupRoles, backupBucketPolicy, objectStorePolicy, PolicedS3, registerAccessKey } from "../support/s3Servers";
import { CommandResult, describeRun, requireTestTools, runCommand, TestTools } from "../support/testTools";

const REPO = path.resolve(__dirname, "..", "..");
const SCRIPTS = path.join(REPO, "components", "backups", "scripts");
const RUN_TIMEOUT_MS = 90_000;

const NETWORK = "devnet";
const BUCKET = "messaging-infra-devnet-backups-123456789012";
const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000";
const TS = /^\d{8}T\d{6}Z$/;
/** A newer backup than any real one, but incomplete: no restore may pick it. */
const INCOMPLETE_TS = "20991231T235959Z";

const secret = () => randomBytes(16).toString("hex");
const KEYS = {
    store: { id: "MINIOROOTUSER", secret: secret() },
    objectStoreBackup: { id: "OBJECTSTOREBACKUPROLE", secret: secret() },
    objectStoreRestore: { id: "OBJECTSTORERESTOREROLE", secret: secret() },
    postgresBackup: { id: "POSTGRESBACKUPROLE", secret: secret() },
    postgresRestore: { id: "POSTGRESRESTOREROLE", secret: secret() },
};
for (const key of Object.values(KEYS)) registerAccessKey(key.id, key.secret);

const ROLES: BackupRoles = {
    bucket: BUCKET,
    kmsKeyArn: KMS_KEY_ARN,
    roles: {
        [KEYS.objectStoreBackup.id]: { can: "put", prefix: "object-store" },
        [KEYS.objectStoreRestore.id]: { can: "read", prefix: "object-store" },
        [KEYS.postgresBackup.id]: { can: "put", prefix: "postgres" },
        [KEYS.postgresRestore.id]: { can: "read", prefix: "postgres" },
    },
};

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One byte of `data` changed, the size kept. */
function corrupt(data: Buffer): Buffer {
    const copy = Buffer.from(data);
    copy[Math.floor(copy.length / 2)] ^= 0xff;
    return copy;
}

describe("backup scripts, run with the real tools", function () {
    this.timeout(180_000);
    let tmp: string;
    let tools: TestTools;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mi-backup-scripts-"));
        tools = requireTestTools(tmp);
        fs.mkdirSync(path.join(tmp, "home"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** A fresh scratch folder for one run. */
    const scratch = () => fs.mkdtempSync(path.join(tmp, "scratch-"));

    /** The environment of a script: the contract's variables, the role's keys as the default chain. */
    function scriptEnv(role: { id: string; secret: string }, vars: Record<string, string>): NodeJS.ProcessEnv {
        return {
            PATH: tools.path,
            HOME: path.join(tmp, "home"),
            AWS_ACCESS_KEY_ID: role.id,
            AWS_SECRET_ACCESS_KEY: role.secret,
            AWS_REGION: "us-east-1",
            AWS_EC2_METADATA_DISABLED: "true",
            NETWORK,
            BACKUP_BUCKET: BUCKET,
            KMS_KEY_ARN,
            ...vars,
        };
    }

    const runScript = (name: string, env: NodeJS.ProcessEnv): Promise<CommandResult> =>
        runCommand("bash", [path.join(SCRIPTS, name)], { env, timeoutMs: RUN_TIMEOUT_MS });

    it("shellcheck passes on every script under components/backups/scripts and scripts/", async () => {
        const backupScripts = fs.readdirSync(SCRIPTS).filter((f) => f.endsWith(".sh"));
        assert.deepEqual(backupScripts.sort(), [
            "chain-backup.sh",
            "chain-restore.sh",
            "object-store-backup.sh",
            "object-store-restore.sh",
            "postgres-backup.sh",
            "postgres-restore.sh",
        ]);
        const toolScripts = fs.readdirSync(path.join(REPO, "scripts")).filter((f) => f.endsWith(".sh"));
        assert.ok(toolScripts.includes("setup-test-tools.sh"));
        const files = [
            ...backupScripts.map((f) => path.join(SCRIPTS, f)),
            ...toolScripts.map((f) => path.join(REPO, "scripts", f)),
        ];
        const run = await runCommand(tools.shellcheck, files, { env: { PATH: tools.path }, timeoutMs: RUN_TIMEOUT_MS });
        assert.equal(run.code, 0, describeRun("shellcheck", run));
    });

    it("keeps the parts the scripts share as identical copies (each script is mounted and run on its own)", () => {
        const shared = (file: string) => {
            const text = fs.readFileSync(path.join(SCRIPTS, file), "utf8");
            const blocks = new Map<string, string>();
            for (const m of text.matchAll(/^# >>> shared: ([a-z ]+)\.[^\n]*\n([\s\S]*?)^# <<< shared: \1$/gm))
                blocks.set(m[1], m[2]);
            return blocks;
        };
        const copies = (name: string, files: string[]) => {
            const texts = files.map((f) => shared(f).get(name));
            assert.ok(texts[0], `${files[0]} has a shared ${name} part`);
            texts.forEach((t, i) =>
                assert.equal(t, texts[0], `${files[i]}'s shared ${name} part differs from ${files[0]}'s`),
            );
        };
        copies("common", [
            "chain-backup.sh",
            "chain-restore.sh",
            "object-store-backup.sh",
            "object-store-restore.sh",
            "postgres-backup.sh",
            "postgres-restore.sh",
        ]);
        copies("object store", ["object-store-backup.sh", "object-store-restore.sh"]);
    });

    describe("object store", () => {
        let store: PolicedS3;
        let backups: PolicedS3;
        /** The live bucket's objects, as seeded. */
        const voice = new Map<string, Buffer>([
            ["2026/11/03/alice/voice-note.ogg", randomBytes(300_000)],
            ["2026/11/03/alice/transcript.txt", Buffer.from("héllo ✓\nsecond line\n")],
            ["attachments/deep/a/b/c/report final.pdf", randomBytes(5_000)],
            ["attachments/résumé ✓ (1).txt", Buffer.from("unicode key\n")],
            ["empty-marker", Buffer.alloc(0)],
            ["README", Buffer.from("voice bucket\n")],
        ]);
        const binaryKey = "2026/11/03/alice/voice-note.ogg";
        let timestamp = "";
        let backupMs = 0;

        before(async () => {
            store = await PolicedS3.start(
                path.join(tmp, "minio"),
                ["voice", "exports"],
                objectStorePolicy(KEYS.store.id),
            );
            backups = await PolicedS3.start(path.join(tmp, "aws-s3"), [BUCKET], backupBucketPolicy(ROLES));
            for (const [key, body] of voice) await store.put("voice", key, body);
        });
        after(async () => {
            await store?.close();
            await backups?.close();
        });

        const backupEnv = (dir: string) =>
            scriptEnv(KEYS.objectStoreBackup, {
                BACKUP_PREFIX: "object-store",
                BACKUP_S3_ENDPOINT: backups.endpoint,
                SCRATCH_DIR: dir,
                SOURCE_ENDPOINT: store.endpoint,
                SOURCE_ACCESS_KEY_ID: KEYS.store.id,
                SOURCE_SECRET_ACCESS_KEY: KEYS.store.secret,
            });
        const restoreEnv = (dir: string, vars: Record<string, string> = {}) =>
            scriptEnv(KEYS.objectStoreRestore, {
                BACKUP_PREFIX: "object-store",
                BACKUP_S3_ENDPOINT: backups.endpoint,
                SCRATCH_DIR: dir,
                TARGET_ENDPOINT: store.endpoint,
                TARGET_ACCESS_KEY_ID: KEYS.store.id,
                TARGET_SECRET_ACCESS_KEY: KEYS.store.secret,
                ...vars,
            });

        it("backs up every bucket to <prefix>/<ts>/<bucket>/ with metadata.json last, only putting, under SSE-KMS", async () => {
            const fromBackups = backups.requests.length;
            const fromStore = store.requests.length;
            const dir = scratch();
            const run = await runScript("object-store-backup.sh", backupEnv(dir));
            assert.equal(run.code, 0, describeRun("object-store-backup.sh", run));
            backupMs = run.ms;

            const objects = await backups.objects(BUCKET);
            const metadataKey = [...objects.keys()].find((k) => k.endsWith("/metadata.json")) ?? "";
            timestamp = metadataKey.split("/")[1] ?? "";
            assert.match(timestamp, TS, `no metadata.json among ${[...objects.keys()].join(", ")}`);
            const expectedKeys = [...voice.keys()].map((k) => `object-store/${timestamp}/voice/${k}`);
            assert.deepEqual([...objects.keys()].sort(), [...expectedKeys, metadataKey].sort());
            for (const [key, body] of voice) {
                const copy = await backups.get(BUCKET, `object-store/${timestamp}/voice/${key}`);
                assert.ok(copy.equals(body), `object-store/${timestamp}/voice/${key} differs from the source`);
            }

            const metadata = JSON.parse((await backups.get(BUCKET, metadataKey)).toString("utf8"));
            const files = [...voice]
                .map(([key, body]) => ({ key, bytes: body.length, sha256: sha256(body) }))
                .sort((a, b) => (a.key < b.key ? -1 : 1));
            assert.deepEqual(metadata, {
                timestamp,
                network: NETWORK,
                buckets: {
                    exports: { objects: 0, bytes: 0, files: [] },
                    voice: { objects: voice.size, bytes: files.reduce((n, f) => n + f.bytes, 0), files },
                },
            });

            // The gateway denied nothing (it would have: a list, a get, a put without SSE-KMS).
            const toBackups = backups.since(fromBackups);
            assert.deepEqual(
                toBackups.filter((r) => r.denied),
                [],
            );
            assert.ok(toBackups.every((r) => r.accessKeyId === KEYS.objectStoreBackup.id));
            assert.deepEqual([...new Set(toBackups.map((r) => r.method))], ["PUT"]);
            assert.equal(toBackups[toBackups.length - 1].key, metadataKey, "metadata.json is written last");
            // The store was read with its own keys only (the AWS_* variables hold the backup role's) and never changed.
            const toStore = store.since(fromStore);
            assert.deepEqual(
                toStore.filter((r) => r.denied),
                [],
            );
            assert.ok(
                toStore.every((r) => r.method === "GET" || r.method === "HEAD"),
                "the backup only reads the store",
            );
            assert.deepEqual(fs.readdirSync(dir), [], "the scratch folder (credentials included) is emptied");
        });

        it("restores the latest complete backup into restore-* buckets, byte for byte", async () => {
            assert.match(timestamp, TS, "the backup ran");
            // An interrupted backup: objects, no metadata.json. (s3rver 3.7.1 lists <ts>/ as a common prefix only when
            // an object lies directly below it, as S3 would list it anyway: hence the stray object beside voice/.)
            await backups.put(BUCKET, `object-store/${INCOMPLETE_TS}/voice/stray.txt`, Buffer.from("no metadata.json"));
            await backups.put(BUCKET, `object-store/${INCOMPLETE_TS}/stray.txt`, Buffer.from("no metadata.json"));
            const fromBackups = backups.requests.length;
            const fromStore = store.requests.length;
            const run = await runScript("object-store-restore.sh", restoreEnv(scratch()));
            assert.equal(run.code, 0, describeRun("object-store-restore.sh", run));
            assert.match(run.stdout, new RegExp(`skipping ${INCOMPLETE_TS}: it has no metadata.json`));
            assert.match(run.stdout, new RegExp(`restore complete: backup ${timestamp} into 2 bucket`));

            assert.deepEqual(await store.buckets(), ["exports", "restore-exports", "restore-voice", "voice"]);
            assert.deepEqual((await store.objects("restore-exports")).size, 0);
            const restored = await store.objects("restore-voice");
            assert.deepEqual([...restored.keys()], [...voice.keys()].sort());
            for (const [key, body] of voice) {
                assert.ok(
                    (await store.get("restore-voice", key)).equals(body),
                    `restore-voice/${key} differs from the original`,
                );
            }
            console.log(
                `      object store round trip (${voice.size} objects): backup ${seconds(backupMs)} + restore ${seconds(run.ms)}` +
                    ` = ${seconds(backupMs + run.ms)}`,
            );

            const toBackups = backups.since(fromBackups);
            assert.deepEqual(
                toBackups.filter((r) => r.denied),
                [],
            );
            assert.ok(toBackups.every((r) => r.accessKeyId === KEYS.objectStoreRestore.id));
            assert.ok(toBackups.every((r) => r.method === "GET" || r.method === "HEAD"));
            const toStore = store.since(fromStore);
            assert.deepEqual(
                toStore.filter((r) => r.denied),
                [],
            );
            assert.ok(toStore.every((r) => r.method !== "DELETE"));
            assert.ok(
                toStore.every((r) => r.method === "GET" || r.bucket?.startsWith("restore-")),
                "only restore-* buckets are written",
            );
        });

        it("restores into the live buckets with RESTORE_INTO_LIVE=yes, leaving newer objects in place", async () => {
            assert.match(timestamp, TS, "the backup ran");
            await store.put("voice", "README", Buffer.from("changed after the backup\n"));
            await store.put("voice", "2026/12/01/bob/newer.txt", Buffer.from("written after the backup\n"));
            const run = await runScript(
                "object-store-restore.sh",
                restoreEnv(scratch(), {
                    BACKUP_TIMESTAMP: timestamp,
                    RESTORE_BUCKET_PREFIX: "",
                    RESTORE_INTO_LIVE: "yes",
                }),
            );
            assert.equal(run.code, 0, describeRun("object-store-restore.sh", run));
            for (const [key, body] of voice) {
                assert.ok((await store.get("voice", key)).equals(body), `voice/${key} is not the backed-up object`);
            }
            assert.equal(
                (await store.get("voice", "2026/12/01/bob/newer.txt")).toString(),
                "written after the backup\n",
            );
        });

        it("refuses a corrupted backup before creating or uploading anything, naming the file", async () => {
            assert.match(timestamp, TS, "the backup ran");
            const key = `object-store/${timestamp}/voice/${binaryKey}`;
            await backups.put(BUCKET, key, corrupt(await backups.get(BUCKET, key)));
            const bucketsBefore = await store.buckets();
            const fromStore = store.requests.length;
            const run = await runScript(
                "object-store-restore.sh",
                restoreEnv(scratch(), { BACKUP_TIMESTAMP: timestamp, RESTORE_BUCKET_PREFIX: "check-" }),
            );
            assert.notEqual(run.code, 0, describeRun("object-store-restore.sh", run));
            const stderr = run.stderr.trim().split("\n");
            assert.equal(stderr.length, 1, `one line on stderr:\n${run.stderr}`);
            assert.match(
                stderr[0],
                /^object-store-restore: error: backup \S+ does not match its metadata.json, nothing was restored/,
            );
            assert.ok(stderr[0].includes(`voice/${binaryKey}: sha256 `), stderr[0]);
            assert.deepEqual(store.since(fromStore), [], "the target store was not even contacted");
            assert.deepEqual(await store.buckets(), bucketsBefore);
        });

        it("refuses to restore into the live buckets unless RESTORE_INTO_LIVE=yes", async () => {
            const fromStore = store.requests.length;
            const fromBackups = backups.requests.length;
            const run = await runScript(
                "object-store-restore.sh",
                restoreEnv(scratch(), { RESTORE_BUCKET_PREFIX: "" }),
            );
            assert.equal(run.code, 1, describeRun("object-store-restore.sh", run));
            assert.match(run.stderr, /live buckets: set RESTORE_INTO_LIVE=yes/);
            assert.equal(store.requests.length + backups.requests.length, fromStore + fromBackups);
        });
    });

    describe("postgres", () => {
        let pg: PostgresServer;
        let backups: PolicedS3;
        const readerPassword = secret();
        let timestamp = "";
        let backupMs = 0;

        const pgEnv = (vars: Record<string, string> = {}): Record<string, string> => ({
            PGHOST: "127.0.0.1",
            PGPORT: String(pg.port),
            PGDATABASE: "messaging",
            PGUSER: pg.superuser,
            PGPASSWORD: pg.password,
            PGSSLMODE: "disable",
            ...vars,
        });
        async function psql(database: string, sql: string): Promise<string> {
            const run = await runCommand(
                "psql",
                ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "-At", "-d", database, "-c", sql],
                {
                    env: { PATH: tools.path, ...pgEnv() },
                    timeoutMs: RUN_TIMEOUT_MS,
                },
            );
            assert.equal(run.code, 0, describeRun(`psql ${sql}`, run));
            return run.stdout;
        }
        const connections = () => (pg.log().match(/connection authorized/g) ?? []).length;
        const backupEnv = (vars: Record<string, string> = {}) =>
            scriptEnv(KEYS.postgresBackup, {
                BACKUP_PREFIX: "postgres",
                BACKUP_S3_ENDPOINT: backups.endpoint,
                SCRATCH_DIR: scratch(),
                ...pgEnv(vars),
            });
        const restoreEnv = (vars: Record<string, string> = {}) =>
            scriptEnv(KEYS.postgresRestore, {
                BACKUP_PREFIX: "postgres",
                BACKUP_S3_ENDPOINT: backups.endpoint,
                SCRATCH_DIR: scratch(),
                ...pgEnv(),
                ...vars,
            });
        const dumps = async () => [...(await backups.objects(BUCKET, "postgres/")).keys()];
        const tableRows = (database: string) =>
            psql(
                database,
                "SELECT id, sender, body, sent_at, encode(payload, 'hex') FROM messages ORDER BY id; " +
                    "SELECT last_value FROM messages_id_seq; SELECT indexname FROM pg_indexes WHERE tablename = 'messages' ORDER BY 1",
            );

        before(async () => {
            pg = await PostgresServer.start(tools.pgBin, ["log_connections = on"]);
            backups = await PolicedS3.start(path.join(tmp, "aws-s3-postgres"), [BUCKET], backupBucketPolicy(ROLES));
            await psql("postgres", "CREATE DATABASE messaging");
            await psql(
                "messaging",
                [
                    "CREATE TABLE messages (id bigserial PRIMARY KEY, sender text NOT NULL, body text, sent_at timestamptz NOT NULL, payload bytea)",
                    "INSERT INTO messages (sender, body, sent_at, payload) SELECT 'user-' || (g % 17)," +
                        " CASE WHEN g % 10 = 0 THEN NULL ELSE 'héllo ✓ message ' || g END," +
                        " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', decode(md5(g::text), 'hex')" +
                        " FROM generate_series(1, 2000) g",
                    "CREATE INDEX messages_sender ON messages (sender)",
                    "CREATE TABLE operator_notes (id int PRIMARY KEY, note text)",
                    `CREATE ROLE reader LOGIN PASSWORD '${readerPassword}'`,
                ].join("; "),
            );
        });
        after(async () => {
            await pg?.stop();
            await backups?.close();
        });

        it("fails, writing no .sha256, when pg_dump fails inside the upload pipe (pipefail)", async () => {
            // reader may connect (the size check passes) but not read operator_notes: pg_dump fails.
            const run = await runScript(
                "postgres-backup.sh",
                backupEnv({ PGUSER: "reader", PGPASSWORD: readerPassword }),
            );
            assert.notEqual(run.code, 0, describeRun("postgres-backup.sh", run));
            assert.match(run.stderr, /permission denied for table/);
            assert.match(
                run.stderr.trim().split("\n").pop() ?? "",
                /^postgres-backup: error: dumping messaging to s3:\/\/\S+ failed \(exit 1\); .* no restore picks it$/,
            );
            assert.deepEqual(
                (await dumps()).filter((k) => k.endsWith(".sha256")),
                [],
            );
        });

        it("streams a custom-format dump to <prefix>/<ts>.dump with its sha256 beside it, only putting, under SSE-KMS", async () => {
            const from = backups.requests.length;
            const run = await runScript("postgres-backup.sh", backupEnv());
            assert.equal(run.code, 0, describeRun("postgres-backup.sh", run));
            backupMs = run.ms;
            const checksums = (await dumps()).filter((k) => k.endsWith(".dump.sha256"));
            assert.equal(checksums.length, 1, (await dumps()).join(", "));
            timestamp = checksums[0].slice("postgres/".length, -".dump.sha256".length);
            assert.match(timestamp, TS);
            const dump = await backups.get(BUCKET, `postgres/${timestamp}.dump`);
            assert.equal(dump.subarray(0, 5).toString("latin1"), "PGDMP", "a pg_dump custom-format archive");
            assert.equal(
                (await backups.get(BUCKET, checksums[0])).toString("utf8"),
                `${sha256(dump)}  ${timestamp}.dump\n`,
            );
            const requests = backups.since(from);
            assert.deepEqual(
                requests.filter((r) => r.denied),
                [],
            );
            assert.ok(requests.every((r) => r.accessKeyId === KEYS.postgresBackup.id && r.method === "PUT"));
            assert.equal(requests[requests.length - 1].key, checksums[0], "the .sha256 is written last");
        });

        it("restores the latest complete dump into <db>_restore_check, row for row", async () => {
            assert.match(timestamp, TS, "the backup ran");
            await backups.put(BUCKET, `postgres/${INCOMPLETE_TS}.dump`, Buffer.from("an interrupted upload"));
            const from = backups.requests.length;
            const run = await runScript("postgres-restore.sh", restoreEnv());
            assert.equal(run.code, 0, describeRun("postgres-restore.sh", run));
            assert.match(
                run.stdout,
                new RegExp(`restore complete: dump ${timestamp} into database messaging_restore_check`),
            );
            const original = await tableRows("messaging");
            assert.equal(original.trimEnd().split("\n").length, 2000 + 1 + 2, "2000 rows, the sequence, 2 indexes");
            assert.equal(await tableRows("messaging_restore_check"), original);
            console.log(
                `      postgres round trip (2000 rows): backup ${seconds(backupMs)} + restore ${seconds(run.ms)}` +
                    ` = ${seconds(backupMs + run.ms)}`,
            );
            const requests = backups.since(from);
            assert.deepEqual(
                requests.filter((r) => r.denied),
                [],
            );
            assert.ok(requests.every((r) => r.accessKeyId === KEYS.postgresRestore.id));
        });

        it("refuses a corrupted dump before touching any database", async () => {
            assert.match(timestamp, TS, "the backup ran");
            const key = `postgres/${timestamp}.dump`;
            await backups.put(BUCKET, key, corrupt(await backups.get(BUCKET, key)));
            const before = connections();
            const run = await runScript(
                "postgres-restore.sh",
                restoreEnv({ BACKUP_TIMESTAMP: timestamp, RESTORE_DATABASE: "messaging_corrupt_check" }),
            );
            assert.notEqual(run.code, 0, describeRun("postgres-restore.sh", run));
            const stderr = run.stderr.trim().split("\n");
            assert.equal(stderr.length, 1, `one line on stderr:\n${run.stderr}`);
            assert.match(
                stderr[0],
                /^postgres-restore: error: sha256 mismatch for s3:\/\/.*\.dump: .*no database was touched$/,
            );
            assert.equal(connections(), before, "the restore never connected to the server");
            assert.equal(
                await psql("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'messaging_corrupt_check'"),
                "0\n",
            );
        });

        it("refuses to restore over the live database unless RESTORE_INTO_LIVE=yes", async () => {
            const from = backups.requests.length;
            const before = connections();
            const run = await runScript("postgres-restore.sh", restoreEnv({ RESTORE_DATABASE: "messaging" }));
            assert.equal(run.code, 1, describeRun("postgres-restore.sh", run));
            assert.match(run.stderr, /live database messaging: set RESTORE_INTO_LIVE=yes/);
            assert.equal(backups.requests.length, from);
            assert.equal(connections(), before);
        });
    });
});
