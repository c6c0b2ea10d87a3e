import * as assert from "node:assert/strict";
import { parse } from "yaml";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    aliasUrns,
    changedInputs,
    diffCounts,
    diffRuns,
    hasChanges,
    matchResources,
    normalizeRecordedResource,
    parseUrn,
    RecordedStackRun,
    urnOf,
} from "../../harness/diff";
import { parseDiffArguments } from "../../harness/diffCommand";
import { changeLine, DiffReport, diffExitCode, renderMarkdown, renderText } from "../../harness/diffFormat";
import { RecordedResource } from "../../harness/mockEngine";
import { evaluateRecorded } from "../../harness/policies";
import { formatPath, parsePath, pathTouches } from "../../harness/propertyPaths";
import { replacementReason, REPLACEMENT_RULES } from "../../harness/replacementRules";
import { REPO_ROOT, runStack } from "../../harness/stack";
import type { OfflineViolation } from "../../policies/offline";
import { committedStackRun } from "../support/stackRuns";

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
const K8S_PROVIDER = "urn:pulumi:s::p::pulumi:pulumi:Stack$pulumi:providers:kubernetes::k8s";

/** A recorded resource with every option at its default; `parent` defaults to the root stack. */
function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown> = {},
    extra: { parent?: string; secretPaths?: string[]; options?: Partial<RecordedResource["options"]> } = {},
): RecordedResource {
    const parent = extra.parent ?? STACK;
    const urn = urnOf("s", "p", parent, type, name);
    return normalizeRecordedResource({ type, name, urn, parent, inputs, ...extra, options: extra.options ?? {} });
}

const run = (resources: RecordedResource[], violations: readonly OfflineViolation[] = []): RecordedStackRun => ({
    resources,
    violations,
});

const statefulSet = (storage: string, replicas = 1, protect = false) =>
    resource(
        "kubernetes:apps/v1:StatefulSet",
        "store",
        {
            metadata: { name: "store", namespace: "ns" },
            spec: {
                replicas,
                serviceName: "store",
                volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage } } } }],
            },
        },
        { options: { protect, provider: `${K8S_PROVIDER}::id` } },
    );

const violation = (
    policyName: string,
    urn: string,
    level: "advisory" | "mandatory",
    message = "m",
): OfflineViolation => ({
    policyName,
    group: "other",
    enforcementLevel: level,
    urn,
    type: "kubernetes:core/v1:Namespace",
    name: "ns",
    message,
});

describe("offline diff: property paths", () => {
    it("prints and parses Pulumi property paths, with quoted keys and wildcards", () => {
        const segments = ["metadata", "labels", "app.kubernetes.io/name"];
        assert.equal(formatPath(segments), 'metadata.labels["app.kubernetes.io/name"]');
        assert.deepEqual(parsePath('metadata.labels["app.kubernetes.io/name"]'), segments);
        assert.equal(formatPath(["spec", "containers", 0, "image"]), "spec.containers[0].image");
        assert.deepEqual(parsePath("spec.containers[*].image"), ["spec", "containers", "*", "image"]);
        assert.deepEqual(parsePath(""), []);
    });

    it("a field is touched by a change at it, under it, or of an object holding it", () => {
        const pattern = parsePath("spec.volumeClaimTemplates");
        assert.ok(pathTouches(pattern, parsePath("spec.volumeClaimTemplates[0].spec.resources")));
        assert.ok(pathTouches(pattern, parsePath("spec")));
        assert.ok(!pathTouches(pattern, parsePath("spec.replicas")));
        assert.ok(pathTouches(parsePath("spec.containers[*].image"), parsePath("spec.containers[3].image")));
    });
});

describe("offline diff: changed inputs", () => {
    it("reports each changed leaf with old and new values, arrays by index", () => {
        const changes = changedInputs(
            { spec: { replicas: 2, ports: [80, 443], gone: true } },
            { spec: { replicas: 3, ports: [80, 8443, 9090], added: "x" } },
        ).map((c) => c.change);
        assert.deepEqual(changes, [
            { path: "spec.added", kind: "added", secret: false, new: "x" },
            { path: "spec.gone", kind: "removed", secret: false, old: true },
            { path: "spec.ports[1]", kind: "changed", secret: false, old: 443, new: 8443 },
            { path: "spec.ports[2]", kind: "added", secret: false, new: 9090 },
            { path: "spec.replicas", kind: "changed", secret: false, old: 2, new: 3 },
        ]);
    });

    it("follows named elements (env, containers, ports) by name across an insertion, and reports a new order", () => {
        const env = (...names: string[]) => ({
            containers: [{ name: "app", env: names.map((n) => ({ name: n, value: n.toLowerCase() })) }],
        });
        const inserted = changedInputs(env("A", "B"), env("NEW", "A", "B")).map((c) => c.change);
        assert.deepEqual(inserted, [
            {
                path: "containers[name=app].env[name=NEW]",
                kind: "added",
                secret: false,
                new: { name: "NEW", value: "new" },
            },
        ]);
        const reordered = changedInputs(env("A", "B"), env("B", "A")).map((c) => c.change);
        assert.deepEqual(reordered, [
            {
                path: "containers[name=app].env",
                kind: "changed",
                order: "name",
                secret: false,
                old: ["A", "B"],
                new: ["B", "A"],
            },
        ]);
        assert.equal(changeLine(reordered[0]), 'containers[name=app].env (order of names): ["A","B"] -> ["B","A"]');
        // Without a unique name on every element, arrays go by index.
        assert.deepEqual(
            changedInputs({ args: [{ v: 1 }, { v: 2 }] }, { args: [{ v: 1 }, { v: 3 }] }).map((c) => c.change.path),
            ["args[1].v"],
        );
    });

    it("compares a JSON document in a string (an IAM policy) inside the document", () => {
        const policy = (resources: string[]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: resources }],
            });
        const changes = changedInputs({ policy: policy(["arn:a"]) }, { policy: policy(["arn:a", "arn:b"]) });
        assert.deepEqual(
            changes.map((c) => c.change),
            [{ path: "policy", jsonPath: "Statement[0].Resource[1]", kind: "added", secret: false, new: "arn:b" }],
        );
        assert.equal(changeLine(changes[0].change), 'policy (JSON) Statement[0].Resource[1]: (none) -> "arn:b"');
    });

    it("never carries a secret's value: changed, added or inside a changed object", () => {
        const changes = changedInputs(
            { stringData: { password: "old-secret" }, type: "Opaque" },
            { stringData: { password: "new-secret" }, type: "Opaque", extra: { token: "t0ken" } },
            ["stringData", "extra.token"],
        ).map((c) => c.change);
        assert.deepEqual(changes, [
            { path: "extra", kind: "added", secret: true },
            { path: "stringData", kind: "changed", secret: true },
        ]);
        const printed = changes.map(changeLine).join("\n");
        assert.equal(printed, "extra: (none) -> [secret]\nstringData: [secret] -> [secret]");
        assert.ok(!/t0ken|old-secret|new-secret/.test(JSON.stringify(changes)));
    });
});

describe("offline diff: replacement rules", () => {
    const context = (r: RecordedResource, providerInputs: Record<string, unknown> = {}) => ({
        resource: r,
        providerInputs,
    });
    const reason = (r: RecordedResource, path: string, providerInputs?: Record<string, unknown>) =>
        replacementReason(parsePath(path), context(r, providerInputs));

    it("Kubernetes: immutable fields per kind, names of every object, data of Secrets and ConfigMaps", () => {
        const cases: [string, string, boolean][] = [
            ["kubernetes:apps/v1:StatefulSet", "spec.volumeClaimTemplates[0].spec.resources.requests.storage", true],
            ["kubernetes:apps/v1:StatefulSet", "spec.serviceName", true],
            ["kubernetes:apps/v1:StatefulSet", "spec.podManagementPolicy", true],
            ["kubernetes:apps/v1:StatefulSet", "spec.selector.matchLabels.app", true],
            ["kubernetes:apps/v1:StatefulSet", "spec.replicas", false],
            ["kubernetes:apps/v1:StatefulSet", "spec.template.spec.containers[0].image", false],
            ["kubernetes:apps/v1:Deployment", "spec.selector.matchLabels.app", true],
            ["kubernetes:apps/v1:Deployment", "spec.template.spec.containers[0].image", false],
            ["kubernetes:apps/v1:DaemonSet", "spec.selector", true],
            ["kubernetes:apps/v1:ReplicaSet", "spec.selector", true],
            ["kubernetes:batch/v1:Job", "spec.template.spec.containers[0].args[1]", true],
            ["kubernetes:batch/v1:CronJob", "spec.jobTemplate.spec.template.spec.containers[0].image", false],
            ["kubernetes:core/v1:PersistentVolumeClaim", "spec.storageClassName", true],
            ["kubernetes:core/v1:Service", "spec.clusterIP", true],
            ["kubernetes:core/v1:Service", "spec.ports[0].port", false],
            ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "metadata.name", true],
            ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "metadata.namespace", true],
            ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "metadata.labels.app", false],
        ];
        for (const [type, path, replaces] of cases)
            assert.equal(reason(resource(type, "r"), path) !== undefined, replaces, `${type} ${path}`);
        assert.equal(
            reason(resource("kubernetes:apps/v1:StatefulSet", "r"), "spec.volumeClaimTemplates[0]"),
            "pulumi-kubernetes forceNew: StatefulSet spec.volumeClaimTemplates",
        );
        // Secret and ConfigMap data replace unless the provider makes them mutable and they are not immutable.
        const secret = resource("kubernetes:core/v1:Secret", "s", { immutable: false });
        assert.equal(
            reason(secret, "stringData"),
            "pulumi-kubernetes forceNew: Secret stringData (the provider does not set enableSecretMutable)",
        );
        assert.equal(reason(secret, "stringData", { enableSecretMutable: "true" }), undefined);
        assert.ok(
            reason(resource("kubernetes:core/v1:Secret", "s", { immutable: true }), "data", {
                enableSecretMutable: "true",
            }),
        );
        const configMap = resource("kubernetes:core/v1:ConfigMap", "c", { immutable: true });
        assert.ok(reason(configMap, "data.KEY", { enableConfigMapMutable: true }));
        assert.equal(
            reason(resource("kubernetes:core/v1:ConfigMap", "c"), "data.KEY", { enableConfigMapMutable: true }),
            undefined,
        );
    });

    it("AWS: the provider's ForceNew fields of the types this program uses, and nothing else", () => {
        const cases: [string, string, boolean][] = [
            ["aws:kms/key:Key", "customerMasterKeySpec", true],
            ["aws:kms/key:Key", "keyUsage", true],
            ["aws:kms/key:Key", "deletionWindowInDays", false],
            ["aws:kms/key:Key", "policy", false],
            ["aws:kms/alias:Alias", "name", true],
            ["aws:kms/alias:Alias", "targetKeyId", false],
            ["aws:secretsmanager/secret:Secret", "name", true],
            ["aws:secretsmanager/secret:Secret", "kmsKeyId", false],
            ["aws:secretsmanager/secretVersion:SecretVersion", "secretString", true],
            ["aws:secretsmanager/secretVersion:SecretVersion", "secretId", true],
            ["aws:s3/bucket:Bucket", "bucket", true],
            ["aws:s3/bucket:Bucket", "tags.owner", false],
            ["aws:s3/bucketVersioning:BucketVersioning", "bucket", true],
            ["aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status", false],
            ["aws:s3/bucketPolicy:BucketPolicy", "policy", false],
            ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket", true],
            ["aws:iam/role:Role", "name", true],
            ["aws:iam/role:Role", "path", true],
            ["aws:iam/role:Role", "assumeRolePolicy", false],
            ["aws:iam/rolePolicy:RolePolicy", "role", true],
            ["aws:iam/rolePolicy:RolePolicy", "policy", false],
            ["random:index/randomPassword:RandomPassword", "length", true],
            ["random:index/randomPassword:RandomPassword", "keepers.rotation", true],
            ["random:index/randomBytes:RandomBytes", "length", true],
        ];
        for (const [type, path, replaces] of cases)
            assert.equal(reason(resource(type, "r"), path) !== undefined, replaces, `${type} ${path}`);
        assert.ok(REPLACEMENT_RULES.every((r) => r.source.length > 0 && r.paths.length > 0));
    });

    it("the program's own replaceOnChanges replaces too", () => {
        const r = resource(
            "kubernetes:core/v1:Service",
            "svc",
            {},
            { options: { replaceOnChanges: ["spec.ports[*].port"] } },
        );
        assert.equal(reason(r, "spec.ports[1].port"), "replaceOnChanges: spec.ports[*].port");
        assert.equal(reason(r, "spec.ports[1].name"), undefined);
    });
});

describe("offline diff: two recorded runs", () => {
    it("sorts resources into created, deleted, updated and unchanged", () => {
        const kept = resource("kubernetes:core/v1:ServiceAccount", "sa", { metadata: { name: "sa" } });
        const diff = diffRuns(
            run([kept, statefulSet("10Gi", 1), resource("kubernetes:core/v1:ConfigMap", "old")]),
            run([kept, statefulSet("10Gi", 2), resource("kubernetes:core/v1:ConfigMap", "new")]),
        );
        assert.deepEqual(
            diff.created.map((r) => r.name),
            ["new"],
        );
        assert.deepEqual(
            diff.deleted.map((r) => r.name),
            ["old"],
        );
        assert.equal(diff.updated.length, 1);
        assert.equal(diff.updated[0].action, "update");
        assert.deepEqual(diff.updated[0].changes, [
            { path: "spec.replicas", kind: "changed", secret: false, old: 1, new: 2 },
        ]);
        assert.equal(diff.unchanged, 1);
        assert.deepEqual(diffCounts(diff), {
            create: 1,
            update: 1,
            replace: 0,
            delete: 1,
            unchanged: 1,
            newViolations: 0,
            newMandatory: 0,
        });
        assert.deepEqual(diff.errors, []);
    });

    it("a claim template change replaces the StatefulSet, deleting first (it keeps its name); protected, it is an error", () => {
        const open = diffRuns(run([statefulSet("10Gi")]), run([statefulSet("20Gi")]));
        assert.equal(open.updated[0].action, "replace");
        assert.equal(open.updated[0].deleteBeforeReplace, true);
        assert.deepEqual(open.errors, []);
        const guarded = diffRuns(run([statefulSet("10Gi", 1, true)]), run([statefulSet("20Gi", 1, true)]));
        assert.deepEqual(guarded.errors, [
            "protected resource kubernetes:apps/v1:StatefulSet store would be replaced " +
                "(spec.volumeClaimTemplates[0].spec.resources.requests.storage)",
        ]);
        const deleted = diffRuns(run([statefulSet("10Gi", 1, true)]), run([]));
        assert.deepEqual(deleted.errors, ["protected resource kubernetes:apps/v1:StatefulSet store would be deleted"]);
    });

    it("follows aliases: a renamed resource with an alias is an update, not a delete and a create", () => {
        const before = resource("aws:s3/bucket:Bucket", "backups", { bucket: "b" });
        const after = resource(
            "aws:s3/bucket:Bucket",
            "backup-bucket",
            { bucket: "b" },
            { options: { aliases: [{ name: "backups" }] } },
        );
        assert.deepEqual(aliasUrns(after), [before.urn]);
        const diff = diffRuns(run([before]), run([after]));
        assert.deepEqual([diff.created.length, diff.deleted.length], [0, 0]);
        assert.equal(diff.updated[0].renamedFrom, before.urn);
        // Without the alias it is a delete and a create.
        const plain = diffRuns(
            run([before]),
            run([resource("aws:s3/bucket:Bucket", "backup-bucket", { bucket: "b" })]),
        );
        assert.deepEqual([plain.created.length, plain.deleted.length, plain.updated.length], [1, 1, 0]);
    });

    it("a renamed parent passes its alias to its children, as the engine does", () => {
        const oldParent = resource("messaging:aws:BackupBucket", "backups");
        const oldChild = resource("aws:s3/bucket:Bucket", "backups-bucket", {}, { parent: oldParent.urn });
        const newParent = resource(
            "messaging:aws:BackupBucket",
            "archive",
            {},
            { options: { aliases: [{ name: "backups" }] } },
        );
        const newChild = resource("aws:s3/bucket:Bucket", "archive-bucket", {}, { parent: newParent.urn });
        const pairs = matchResources([oldParent, oldChild], [newParent, newChild]);
        assert.equal(pairs.get(newChild.urn), oldChild.urn);
    });

    it("ignoreChanges keeps the old value; protect and retainOnDelete removed are flagged", () => {
        const base = resource(
            "aws:kms/key:Key",
            "key",
            { description: "a" },
            { options: { protect: true, retainOnDelete: true } },
        );
        const head = resource(
            "aws:kms/key:Key",
            "key",
            { description: "b" },
            { options: { ignoreChanges: ["description"] } },
        );
        const diff = diffRuns(run([base]), run([head]));
        assert.equal(diff.updated[0].changes[0].ignored, true);
        assert.deepEqual(
            diff.protectionRemoved.map((p) => p.option),
            ["protect", "retainOnDelete"],
        );
        assert.deepEqual(
            diff.updated[0].optionChanges.map((o) => o.option),
            ["protect", "retainOnDelete", "ignoreChanges"],
        );
        const onlyIgnored = diffRuns(run([{ ...base, options: head.options }]), run([head]));
        assert.equal(onlyIgnored.unchanged, 1);
    });

    it("reports violations the head adds or resolves; a new mandatory one is an error, an advisory one is not", () => {
        const ns = resource("kubernetes:core/v1:Namespace", "ns");
        const diff = diffRuns(
            run([ns], [violation("kept", ns.urn, "mandatory"), violation("fixed", ns.urn, "advisory")]),
            run(
                [ns],
                [
                    violation("kept", ns.urn, "mandatory"),
                    violation("deny", ns.urn, "mandatory"),
                    violation("hint", ns.urn, "advisory"),
                ],
            ),
        );
        assert.deepEqual(
            diff.newViolations.map((v) => v.policyName),
            ["deny", "hint"],
        );
        assert.deepEqual(
            diff.resolvedViolations.map((v) => v.policyName),
            ["fixed"],
        );
        assert.deepEqual(diff.errors, ["new mandatory policy violation deny on kubernetes:core/v1:Namespace ns: m"]);
        assert.ok(hasChanges(diff));
    });

    it("reads a base recorded by an older harness (fields it lacks take their defaults)", () => {
        const r = normalizeRecordedResource({
            type: "t",
            name: "n",
            urn: "urn:pulumi:s::p::t::n",
            inputs: { a: 1 },
            options: {},
        });
        assert.deepEqual(r.secretPaths, []);
        assert.equal(r.options.protect, false);
        assert.deepEqual(r.options.ignoreChanges, []);
    });
});

describe("offline diff: on the real program", () => {
    it("the mock engine's URNs are the parent's type, the type and the name", async () => {
        for (const r of (await committedStackRun("mainnet")).resources) {
            const urn = parseUrn(r.urn)!;
            const parent = r.type === "pulumi:pulumi:Stack" ? undefined : r.parent;
            assert.equal(urnOf(urn.stack, urn.project, parent, r.type, r.name), r.urn);
        }
    });

    it("a run against itself is unchanged; one more kms-service replica is exactly spec.replicas", async () => {
        const base = await committedStackRun("mainnet");
        const baseSide = run(base.resources, await evaluateRecorded(base.resources, "mainnet"));
        const same = diffRuns(baseSide, run(structuredClone(base.resources), baseSide.violations));
        assert.ok(!hasChanges(same));
        assert.equal(same.unchanged, base.resources.length);

        const services = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.mainnet.yaml"), "utf8")).config[
            "messaging-infra:services"
        ];
        services.kmsService.replicas += 1;
        const head = await runStack("mainnet", {
            configOverrides: { "messaging-infra:services": JSON.stringify(services) },
        });
        const diff = diffRuns(baseSide, run(head.resources, await evaluateRecorded(head.resources, "mainnet")));
        assert.deepEqual(
            diff.updated.map((u) => [u.name, u.action, u.changes.map((c) => `${c.path}: ${c.old} -> ${c.new}`)]),
            [["messaging-mainnet-kms-service-workload-deployment", "update", ["spec.replicas: 2 -> 3"]]],
        );
        assert.deepEqual([diff.created, diff.deleted, diff.errors, diff.newViolations], [[], [], [], []]);
    });
});

describe("offline diff: report and command line", () => {
    const report = (
        diff = diffRuns(run([statefulSet("10Gi", 1, true)]), run([statefulSet("20Gi", 1, true)])),
    ): DiffReport => ({
        base: { ref: "HEAD~1", commit: "0123456789abcdef", subject: "a subject" },
        head: { commit: "fedcba9876543210", dirty: false },
        notes: [],
        stacks: [{ stack: "mainnet", newAtBase: false, diff }],
    });

    it("exit codes: 1 on an error, 2 for changes under --expect-no-changes, else 0", () => {
        assert.equal(diffExitCode(report(), false), 1);
        const changes = report(diffRuns(run([statefulSet("10Gi", 1)]), run([statefulSet("10Gi", 2)])));
        assert.equal(diffExitCode(changes, false), 0);
        assert.equal(diffExitCode(changes, true), 2);
        const none = report(diffRuns(run([statefulSet("10Gi")]), run([statefulSet("10Gi")])));
        assert.equal(diffExitCode(none, true), 0);
    });

    it("text: each change under its resource, the counts and the errors", () => {
        const lines = renderText(report());
        assert.ok(lines.includes("Stack mainnet:"));
        assert.ok(
            lines.includes(
                "  +- replace  kubernetes:apps/v1:StatefulSet  store  [protected]  [deleted before the replacement]",
            ),
        );
        assert.ok(
            lines.includes(
                '         spec.volumeClaimTemplates[0].spec.resources.requests.storage: "10Gi" -> "20Gi"' +
                    "  [replaces: pulumi-kubernetes forceNew: StatefulSet spec.volumeClaimTemplates]",
            ),
        );
        assert.ok(lines.includes("  1 to replace, 0 unchanged"));
        assert.ok(lines.some((l) => l.startsWith("  ERROR protected resource kubernetes:apps/v1:StatefulSet store")));
    });

    it("markdown: a summary row per stack, errors in view, details folded", () => {
        const md = renderMarkdown(report());
        assert.match(md, /^### Offline diff: `0123456`/);
        assert.match(md, /\| mainnet \| 0 \| 0 \| 1 \| 0 \| 0 \| 0 \| :x: 1 error \|/);
        assert.match(md, /- :x: \*\*mainnet\*\*: protected resource/);
        assert.match(
            md,
            /<details>\n<summary><b>mainnet<\/b>: 1 to replace, 0 unchanged<\/summary>\n\n```diff\n\+- replace/,
        );
    });

    it("parses <stack>... [--base <ref>] [--format ...] [--expect-no-changes] and nothing else", () => {
        assert.deepEqual(parseDiffArguments(["mainnet"]), {
            stacks: ["mainnet"],
            format: "text",
            expectNoChanges: false,
        });
        assert.deepEqual(
            parseDiffArguments(["devnet", "mainnet", "--base=main", "--format", "markdown", "--expect-no-changes"]),
            {
                stacks: ["devnet", "mainnet"],
                base: "main",
                format: "markdown",
                expectNoChanges: true,
            },
        );
        assert.throws(() => parseDiffArguments([]), /^Error: usage: npm run diff -- <stack>\.\.\./);
        assert.throws(() => parseDiffArguments(["devnet", "--format", "yaml"]), /unknown format "yaml"/);
        assert.throws(() => parseDiffArguments(["devnet", "--base"]), /--base needs a value/);
        assert.throws(() => parseDiffArguments(["devnet", "--json"]), /unknown option --json/);
    });
});
