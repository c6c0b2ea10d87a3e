/**
 * OneShotJob: a task the program runs once per change, such as creating a store's buckets with
 * an idempotent command (`mc mb --ignore-existing`), so nothing is set up by hand. A ServiceAccount
 * (no token unless it has an IRSA role) and a batch/v1 Job whose pod is the hardened task pod of
 * taskSpec.ts.
 *
 * The Job's name is left to Pulumi (`<task>-<random suffix>`): a Job's pod template is immutable, so
 * a changed command or image replaces the Job, and an auto-named Job can be created before the old
 * one is deleted. The Pulumi Kubernetes provider waits for the Job to complete, so `pulumi up`
 * fails when the task does.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentsError, componentArguments, FIX_THE_CALLER } from "../errors";
import { selectorLabels, serviceLabels } from "../network";
import { TaskArgs, taskJobSpec, taskProblems, taskServiceAccount } from "./taskSpec";

/** Arguments of {@link OneShotJob}. */
export type OneShotJobArgs = TaskArgs;

/** A task run once per change. */
export class OneShotJob extends pulumi.ComponentResource {
    /** The labels that select its pods (network policies select it by exactly these). */
    public readonly selector: Readonly<Record<string, string>>;
    /** Its container ports by name: none, a task serves nothing. */
    public readonly ports: Readonly<Record<string, number>> = {};
    /** The Job's generated name. */
    public readonly jobName: pulumi.Output<string>;

    constructor(name: string, args: OneShotJobArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = taskProblems(args);
        if (problems.length > 0) {
            throw new ArgumentsError(componentArguments("messaging:k8s:OneShotJob", name), problems, FIX_THE_CALLER);
        }
        super("messaging:k8s:OneShotJob", name, {}, opts);
        this.selector = selectorLabels(args.task, args.network);
        const labels = serviceLabels(args.task, args.network, args.component);
        const serviceAccount = taskServiceAccount(name, args, labels, this);
        const job = new k8s.batch.v1.Job(
            `${name}-job`,
            {
                metadata: { namespace: args.namespace, labels },
                spec: taskJobSpec(args, labels, serviceAccount.metadata.name),
            },
            { parent: this },
        );
        this.jobName = job.metadata.name;
        this.registerOutputs({ selector: this.selector, jobName: this.jobName });
    }
}
