import * as assert from "node:assert/strict";
import { OneShotJob, OneShotJobArgs } from "../../../components/k8s/oneShotJob";
import { MockRun, registeredBeforeFailure, runInMockEngine } from "../../../harness/mockEngine";
import { validTask } from "../../support/taskFixtures";
import { Json, only } from "../../support/workloadFixtures";

async function runJob(args: OneShotJobArgs): Promise<MockRun<Json>> {
    return runInMockEngine(
        () => {
            const job = new OneShotJob("buckets", args);
            return { selector: job.selector, ports: job.ports };
        },
        { project: "messaging-infra", stack: "testnet" },
    );
}

/** The error a run failed with; fails the test when the run succeeds. */
async function failureOf(args: OneShotJobArgs): Promise<unknown> {
    return runJob(args).then(
        () => assert.fail("expected OneShotJob to reject its arguments"),
        (error: unknown) => error,
    );
}

const header = (n: number) =>
    `Invalid arguments to messaging:k8s:OneShotJob "buckets": ${n} problem${n === 1 ? "" : "s"}. Fix the caller:`;

const labels = {
    "app.kubernetes.io/name": "buckets",
    "app.kubernetes.io/instance": "testnet",
    "app.kubernetes.io/component": "object-store",
    "app.kubernetes.io/part-of": "messaging-infra",
    "app.kubernetes.io/managed-by": "pulumi",
};

describe("k8s OneShotJob", () => {
    it("registers a token-less ServiceAccount and an auto-named batch/v1 Job under the component", async () => {
        const run = await runJob(validTask());
        const component = only(run.resources, "messaging:k8s:OneShotJob");
        assert.deepEqual(
            run.resources.filter((r) => r.parent === component.urn).map((r) => [r.type, r.name]),
            [
                ["kubernetes:core/v1:ServiceAccount", "buckets-service-account"],
                ["kubernetes:batch/v1:Job", "buckets-job"],
            ],
        );
        const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
        assert.deepEqual(sa, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: "buckets", namespace: "messaging-testnet", labels },
            automountServiceAccountToken: false,
        });
        const job = only(run.resources, "kubernetes:batch/v1:Job").inputs as Json;
        assert.equal(job.apiVersion, "batch/v1");
        assert.deepEqual(job.metadata, { namespace: "messaging-testnet", labels }, "no fixed name: Pulumi names it");
        assert.deepEqual(
            [job.spec.template.spec.serviceAccountName, job.spec.template.spec.automountServiceAccountToken],
            ["buckets", false],
        );
        assert.deepEqual(run.outputs, {
            selector: { "app.kubernetes.io/name": "buckets", "app.kubernetes.io/instance": "testnet" },
            ports: {},
        });
    });

    it("names the ServiceAccount after the one its IRSA role trusts, annotated, with a token", async () => {
        const arn = "arn:aws:iam::111122223333:role/messaging-infra-testnet-backup";
        const run = await runJob(
            validTask({ role: { arn, serviceAccount: { namespace: "messaging-testnet", name: "backup" } } }),
        );
        const sa = only(run.resources, "kubernetes:core/v1:ServiceAccount").inputs as Json;
        assert.deepEqual(
            [sa.metadata.name, sa.metadata.annotations, sa.automountServiceAccountToken],
            ["backup", { "eks.amazonaws.com/role-arn": arn }, true],
        );
        const pod = (only(run.resources, "kubernetes:batch/v1:Job").inputs as Json).spec.template.spec;
        assert.deepEqual([pod.serviceAccountName, pod.automountServiceAccountToken], ["backup", true]);
    });

    it("reports one bad argument and registers nothing", async () => {
        const failure = await failureOf(validTask({ image: "registry.example.org/mirror/minio-mc:latest" }));
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                header(1),
                '  - image: got "registry.example.org/mirror/minio-mc:latest"; allowed: an image pinned to a version ' +
                    "tag or a sha256 digest, e.g. registry.example.org/team/app:1.4.2 or …@sha256:<64 hex> (never " +
                    "latest or untagged)",
            ].join("\n"),
        );
    });

    it("reports every bad argument at once and registers nothing", async () => {
        const failure = await failureOf(
            validTask({ task: "Buckets", command: [], activeDeadlineSeconds: 30, backoffLimit: 20 }),
        );
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                header(4),
                "  - task: got \"Buckets\"; allowed: a DNS-1123 label: lower-case letters, digits and '-', starting " +
                    "and ending with a letter or digit, at most 63 characters",
                '  - command: got []; allowed: an entrypoint, e.g. ["mc"]',
                "  - activeDeadlineSeconds: got 30; allowed: an integer from 60 to 86400 (seconds)",
                "  - backoffLimit: got 20; allowed: an integer from 0 to 10",
            ].join("\n"),
        );
    });

    it("reports a secret in a plain env var by name only, never its value", async () => {
        const failure = await failureOf(validTask({ env: { MC_SECRET_KEY: "s3cret-value" } }));
        assert.equal(registeredBeforeFailure(failure), 0);
        assert.equal(
            (failure as Error).message,
            [
                header(1),
                '  - env: got "MC_SECRET_KEY"; allowed: a non-secret name; secrets come through secretEnv',
            ].join("\n"),
        );
    });
});
