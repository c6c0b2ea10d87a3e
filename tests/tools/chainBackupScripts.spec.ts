/**
 * devnet's chain export and its restore check, run for real: bash, curl, jq, gzip, coreutils and the
 * AWS CLI v2 against a local JSON-RPC server that serves a chain the way besu does (eth_chainId,
 * eth_blockNumber, eth_getBlockByNumber, batched debug_getRawBlock) and a local S3 server behind the
 * gateway that enforces the chain jobs' roles (put only, or list and get, under `chain/`) and SSE-KMS.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { backupBucketPolicy, PolicedS3, registerAccessKey } from "../support/s3Servers";
import { CommandResult, describeRun, requireTestTools, runCommand, TestTools } from "../support/testTools";

const SCRIPTS = path.resolve(__dirname, "..", "..", "components", "backups", "scripts");
const BUCKET = "messaging-infra-devnet-backups-123456789012";
const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000";
const KEYS = {
    backup: { id: "CHAINBACKUPROLE", secret: createHash("sha256").update("backup").digest("hex").slice(0, 32) },
    restore: { id: "CHAINRESTOREROLE", secret: createHash("sha256").update("restore").digest("hex").slice(0, 32) },
};
for (const key of Object.values(KEYS)) registerAccessKey(key.id, key.secret);

/** Block n's raw RLP: a deterministic byte string whose length varies with n. */
const rawBlock = (n: number) =>
    Buffer.concat([
        Buffer.from([0xf9, n % 256]),
        createHash("sha256")
            .update(`block ${n}`)
            .digest()
            .subarray(0, 8 + (n % 20)),
    ]);

/** A JSON-RPC server serving a chain of `head + 1` blocks, optionally failing one block or claiming another chain. */
class FakeChain {
    head = 40;
    chainId = 1337;
    failBlock: number | undefined;
    private constructor(
        private readonly server: http.Server,
        readonly url: string,
    ) {}

    static async start(): Promise<FakeChain> {
        const ref: { chain?: FakeChain } = {};
        const server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                const answer = Array.isArray(body) ? body.map((r) => ref.chain?.answer(r)) : ref.chain?.answer(body);
                res.writeHead(200, { "content-type": "application/json" });
                res.end(JSON.stringify(answer));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        ref.chain = new FakeChain(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        return ref.chain;
    }

    answer(request: { id: number; method: string; params: string[] }) {
        const reply = (result: unknown) => ({ jsonrpc: "2.0", id: request.id, result });
        switch (request.method) {
            case "eth_chainId":
                return reply(`0x${this.chainId.toString(16)}`);
            case "eth_blockNumber":
                return reply(`0x${this.head.toString(16)}`);
            case "eth_getBlockByNumber":
                return reply({ hash: `0x${"ab".repeat(32)}`, number: request.params[0] });
            case "debug_getRawBlock": {
                const n = parseInt(request.params[0], 16);
                if (n === this.failBlock)
                    return { jsonrpc: "2.0", id: request.id, error: { code: -32000, message: "gone" } };
                return reply(`0x${rawBlock(n).toString("hex")}`);
            }
            default:
                return { jsonrpc: "2.0", id: request.id, error: { code: -32601, message: "no such method" } };
        }
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

describe("chain backup scripts, run with the real tools", function () {
    this.timeout(180_000);
    let tmp: string;
    let tools: TestTools;
    let chain: FakeChain;
    let backups: PolicedS3;

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mi-chain-scripts-"));
        tools = requireTestTools(tmp);
        fs.mkdirSync(path.join(tmp, "home"));
        chain = await FakeChain.start();
        backups = await PolicedS3.start(
            path.join(tmp, "s3"),
            [BUCKET],
            backupBucketPolicy({
                bucket: BUCKET,
                kmsKeyArn: KMS_KEY_ARN,
                roles: {
                    [KEYS.backup.id]: { can: "put", prefix: "chain" },
                    [KEYS.restore.id]: { can: "read", prefix: "chain" },
                },
            }),
        );
    });
    after(async () => {
        await chain?.close();
        await backups?.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const run = (script: string, role: { id: string; secret: string }, vars: Record<string, string> = {}) => {
        const scratch = fs.mkdtempSync(path.join(tmp, "scratch-"));
        const env: NodeJS.ProcessEnv = {
            PATH: tools.path,
            HOME: path.join(tmp, "home"),
            AWS_ACCESS_KEY_ID: role.id,
            AWS_SECRET_ACCESS_KEY: role.secret,
            AWS_REGION: "us-east-1",
            AWS_EC2_METADATA_DISABLED: "true",
            NETWORK: "devnet",
            BACKUP_BUCKET: BUCKET,
            BACKUP_PREFIX: "chain",
            BACKUP_S3_ENDPOINT: backups.endpoint,
            KMS_KEY_ARN,
            CHAIN_ID: "1337",
            RPC_URL: chain.url,
            BATCH_SIZE: "7",
            SCRATCH_DIR: scratch,
            ...vars,
        };
        return runCommand("bash", [path.join(SCRIPTS, script)], { env, timeoutMs: 90_000 }).then(
            (result: CommandResult) => ({ result, scratch }),
        );
    };
    const exports = async () => [...(await backups.objects(BUCKET, "chain/")).keys()].sort();
    let first = "";

    it("exports every block from genesis to the head, in batches, through the put-only role with SSE-KMS", async () => {
        const from = backups.requests.length;
        const { result } = await run("chain-backup.sh", KEYS.backup);
        assert.equal(result.code, 0, describeRun("chain-backup.sh", result));
        const keys = await exports();
        first = keys[0].split("/")[1];
        assert.match(first, /^\d{8}T\d{6}Z$/);
        assert.deepEqual(
            keys,
            ["blocks.hex.gz", "blocks.hex.gz.sha256", "metadata.json"].map((f) => `chain/${first}/${f}`),
        );
        const seen = backups.since(from);
        assert.ok(
            seen.every((r) => r.denied === undefined && r.method === "PUT"),
            JSON.stringify(seen),
        );
        assert.equal(seen.at(-1)?.key, `chain/${first}/metadata.json`, "metadata.json is written last");
        const metadata = JSON.parse((await backups.get(BUCKET, `chain/${first}/metadata.json`)).toString("utf8"));
        assert.deepEqual(metadata, {
            network: "devnet",
            chainId: 1337,
            blocks: 41,
            headHash: `0x${"ab".repeat(32)}`,
            timestamp: first,
        });
    });

    it("proves the latest complete export restorable: the RLP file is exactly the chain's blocks, in order", async () => {
        const { result, scratch } = await run("chain-restore.sh", KEYS.restore);
        assert.equal(result.code, 0, describeRun("chain-restore.sh", result));
        const rlp = fs.readFileSync(path.join(scratch, "chain-restore", "blocks.rlp"));
        assert.deepEqual(rlp, Buffer.concat(Array.from({ length: 41 }, (_, n) => rawBlock(n))));
        assert.match(result.stdout, /restore check complete: \d{8}T\d{6}Z holds 41 blocks of chain 1337/);
    });

    it("fails, writing no metadata.json, when a block cannot be read; the restore keeps the complete export", async () => {
        await new Promise((resolve) => setTimeout(resolve, 1100)); // a new timestamp
        chain.failBlock = 23;
        const { result } = await run("chain-backup.sh", KEYS.backup);
        chain.failBlock = undefined;
        assert.notEqual(result.code, 0, describeRun("chain-backup.sh", result));
        assert.match(result.stderr, /missing or malformed blocks/);
        assert.deepEqual(
            (await exports()).filter((k) => k.endsWith("metadata.json")),
            [`chain/${first}/metadata.json`],
        );
        const restore = await run("chain-restore.sh", KEYS.restore);
        assert.match(restore.result.stdout, new RegExp(`verifying .*chain/${first}/`));
    });

    it("refuses an RPC of another chain before it exports anything", async () => {
        const before = (await exports()).length;
        const { result } = await run("chain-backup.sh", KEYS.backup, { CHAIN_ID: "59144" });
        assert.equal(result.code, 1, describeRun("chain-backup.sh", result));
        assert.match(result.stderr, /the RPC serves chain 1337, not 59144/);
        assert.equal((await exports()).length, before);
    });

    it("refuses a corrupted export and an export of another chain", async () => {
        const key = `chain/${first}/blocks.hex.gz`;
        const good = await backups.get(BUCKET, key);
        const bad = Buffer.from(good);
        bad[Math.floor(bad.length / 2)] ^= 0xff;
        await backups.put(BUCKET, key, bad);
        const corrupted = await run("chain-restore.sh", KEYS.restore, { BACKUP_TIMESTAMP: first });
        assert.equal(corrupted.result.code, 1, describeRun("chain-restore.sh", corrupted.result));
        assert.match(corrupted.result.stderr, /sha256 mismatch/);
        await backups.put(BUCKET, key, good);
        const other = await run("chain-restore.sh", KEYS.restore, { BACKUP_TIMESTAMP: first, CHAIN_ID: "59144" });
        assert.equal(other.result.code, 1);
        assert.match(other.result.stderr, /is an export of chain 1337, not 59144/);
    });
});
