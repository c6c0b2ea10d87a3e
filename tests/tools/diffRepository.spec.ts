/**
 * `npm run diff` end to end, on a real git repository made here: the repository's own files
 * copied into a temporary folder (node_modules linked), a base commit, and two commits on top of
 * it. Each full diff runs the program twice (the base's in a child process), so this suite runs
 * on its own: `npm run test:diff` (.ci/run runs it after npm test).
 */
import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repositoryOf, resolveBase } from "../../harness/diffBase";
import type { DiffReport } from "../../harness/diffFormat";
import { REPO_ROOT } from "../../harness/stackFiles";

const TS_NODE = require.resolve("ts-node/register/transpile-only");
const IDENTITY = {
    GIT_AUTHOR_NAME: "diff spec",
    GIT_AUTHOR_EMAIL: "diff-spec@example.org",
    GIT_COMMITTER_NAME: "diff spec",
    GIT_COMMITTER_EMAIL: "diff-spec@example.org",
};

function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...IDENTITY } }).trim();
}

interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the diff command in `cwd`: `npm run -s diff`, or the script under node directly. */
function diff(cwd: string, args: string[], options: { npm?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
    const [command, argv] = options.npm
        ? ["npm", ["run", "-s", "diff", "--", ...args]]
        : [process.execPath, ["-r", TS_NODE, "scripts/diff.ts", ...args]];
    return new Promise((resolve) => {
        execFile(
            command,
            argv,
            { cwd, encoding: "utf8", env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}

/** Replaces `find` (which must occur exactly once) in a file of the repository. */
function edit(repo: string, file: string, find: string | RegExp, replace: string): void {
    const full = path.join(repo, file);
    const text = fs.readFileSync(full, "utf8");
    const count =
        typeof find === "string" ? text.split(find).length - 1 : (text.match(new RegExp(find, "g")) ?? []).length;
    assert.equal(count, 1, `${file}: expected exactly one ${String(find)}`);
    fs.writeFileSync(full, text.replace(find, replace));
}

const DEFAULT_DENY = `        {
            name: "default-deny",
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            why: "deny all traffic the matrix does not allow",
        },
`;

describe("offline diff on real git repositories", function () {
    this.timeout(180_000);
    let repo: string;
    let base: string;
    let changes: string;
    let noDeny: string;

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "messaging-infra-diff-spec-"));
        const files = git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .split("\0")
            .filter((f) => f !== "" && fs.existsSync(path.join(REPO_ROOT, f)));
        for (const file of files) {
            fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, file), path.join(repo, file));
        }
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "base");
        base = git(repo, "rev-parse", "HEAD");

        // One commit: a replica count (mainnet), the object store's volume claim (devnet), a renamed policy.
        git(repo, "checkout", "-q", "-b", "changes");
        edit(repo, "Pulumi.mainnet.yaml", /(kmsService:\n(?: {6}.*\n)*? {6}replicas: )2/, "$13");
        edit(repo, "Pulumi.devnet.yaml", /(objectStore:\n(?: {6}.*\n)*? {6}volumeSize: )10Gi/, "$112Gi");
        edit(repo, "components/k8s/networkPolicies.ts", 'name: "allow-dns",', 'name: "dns-egress",');
        git(repo, "commit", "-q", "-am", "changes");
        changes = git(repo, "rev-parse", "HEAD");

        // Another, on the base: the namespace loses its default deny.
        git(repo, "checkout", "-q", "-b", "no-deny", base);
        edit(repo, "components/k8s/networkPolicies.ts", DEFAULT_DENY, "");
        git(repo, "commit", "-q", "-am", "no default deny");
        noDeny = git(repo, "rev-parse", "HEAD");
    });

    after(() => {
        if (repo) fs.rmSync(repo, { recursive: true, force: true });
    });

    it("bad input exits 1 with one line: not a repository, an unknown ref, an unknown stack", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "not-a-repo-"));
        try {
            const notRepo = await diff(repo, ["devnet"], { env: { GIT_DIR: empty } });
            assert.deepEqual([notRepo.code, notRepo.stdout], [1, ""]);
            assert.equal(
                notRepo.stderr.trim(),
                `not a git repository: ${repo} (the offline diff builds the base from the repository's history)`,
            );
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
        const ref = await diff(repo, ["devnet", "--base", "no-such-branch"]);
        assert.deepEqual(
            [ref.code, ref.stdout, ref.stderr.trim()],
            [1, "", `unknown git ref "no-such-branch": no such commit in ${repo}`],
        );
        const stack = await diff(repo, ["staging"]);
        assert.deepEqual(
            [stack.code, stack.stderr.trim()],
            [1, 'unknown stack "staging": there is no Pulumi.staging.yaml (known stacks: devnet, mainnet, testnet)'],
        );
    });

    it("the default base is the merge base with origin/main, else HEAD~1; a base without the harness is refused", () => {
        // Two commits on the base: HEAD~1 is the first of them.
        git(repo, "checkout", "-q", "--detach", changes);
        git(repo, "commit", "-q", "--allow-empty", "-m", "one more");
        const repository = repositoryOf(repo);
        assert.deepEqual(resolveBase(repository, undefined), { ref: "HEAD~1", commit: changes, subject: "changes" });
        // With origin/main (one commit ahead of the base, elsewhere): the merge base with it, the base.
        const clone = fs.mkdtempSync(path.join(os.tmpdir(), "messaging-infra-diff-origin-"));
        try {
            git(clone, "clone", "-q", "--branch", "no-deny", repo, ".");
            git(clone, "checkout", "-q", "-B", "main", "no-deny");
            git(repo, "remote", "add", "origin", clone);
            git(repo, "fetch", "-q", "origin", "main");
            assert.deepEqual(resolveBase(repository, undefined), {
                ref: "merge base with origin/main",
                commit: base,
                subject: "base",
            });
        } finally {
            git(repo, "remote", "remove", "origin");
            fs.rmSync(clone, { recursive: true, force: true });
        }
        const bare = git(repo, "commit-tree", git(repo, "mktree"), "-m", "no harness");
        assert.throws(
            () => resolveBase(repository, bare),
            new RegExp(
                `^Error: base ${bare.slice(0, 7)} has no harness/stack.ts: the offline diff runs the base's own harness`,
            ),
        );
    });

    it("a replica count is an update of exactly that path; a renamed resource is a delete and a create; a claim template change is a replacement", async () => {
        git(repo, "checkout", "-q", changes);
        const result = await diff(repo, [
            "mainnet",
            "devnet",
            "--base",
            base,
            "--format",
            "json",
            "--expect-no-changes",
        ]);
        assert.equal(result.code, 2, result.stderr);
        const report = JSON.parse(result.stdout) as DiffReport;
        assert.deepEqual([report.base.commit, report.head.commit, report.head.dirty], [base, changes, false]);
        const [mainnet, devnet] = report.stacks.map((s) => s.diff);

        assert.deepEqual(
            mainnet.updated.map((u) => [u.name, u.action, u.changes]),
            [
                [
                    "messaging-mainnet-kms-service-workload-deployment",
                    "update",
                    [{ path: "spec.replicas", kind: "changed", secret: false, old: 2, new: 3 }],
                ],
            ],
        );
        for (const [stack, d] of [
            ["mainnet", mainnet],
            ["devnet", devnet],
        ] as const) {
            assert.deepEqual(
                d.deleted.map((r) => r.name),
                [`messaging-${stack}-traffic-allow-dns`],
            );
            assert.deepEqual(
                d.created.map((r) => r.name),
                [`messaging-${stack}-traffic-dns-egress`],
            );
        }

        const store = devnet.updated.find((u) => u.name === "messaging-devnet-object-store-workload-statefulset");
        assert.ok(store, "the object store's StatefulSet changes");
        assert.equal(store.action, "replace");
        assert.deepEqual(
            store.changes.filter((c) => c.replaces).map((c) => [c.path, c.old, c.new, c.replaces]),
            [
                [
                    "spec.volumeClaimTemplates[0].spec.resources.requests.storage",
                    "10Gi",
                    "12Gi",
                    "pulumi-kubernetes forceNew: StatefulSet spec.volumeClaimTemplates",
                ],
            ],
        );
        assert.deepEqual([mainnet.errors, devnet.errors], [[], []], "devnet does not protect its store");
    });

    it("removing the default deny is a new mandatory violation on mainnet: exit 1 (default base HEAD~1)", async () => {
        git(repo, "checkout", "-q", noDeny);
        const result = await diff(repo, ["mainnet"], { npm: true });
        assert.equal(result.code, 1, result.stderr);
        const lines = result.stdout.split("\n");
        assert.match(
            lines[0],
            new RegExp(
                `^Offline diff: base ${base.slice(0, 7)} \\(HEAD~1: base\\) -> working tree at ${noDeny.slice(0, 7)}$`,
            ),
        );
        assert.ok(
            lines.includes(
                "  -  delete   kubernetes:networking.k8s.io/v1:NetworkPolicy  messaging-mainnet-traffic-default-deny",
            ),
        );
        assert.ok(
            lines.some((l) =>
                /^ {2}ERROR new mandatory policy violation namespace-default-deny on kubernetes:core\/v1:Namespace /.test(
                    l,
                ),
            ),
            result.stdout,
        );
        // The user's tree is as it was, and the base's worktree is gone.
        assert.equal(git(repo, "status", "--porcelain"), "");
        assert.equal(git(repo, "worktree", "list", "--porcelain").match(/^worktree /gm)?.length, 1);
    });
});
