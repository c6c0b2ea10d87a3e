/**
 * One run of each stack with its committed config, shared by the specs that only read it.
 * Specs that change config or transform resources call `runStack` themselves. (The harness
 * itself never caches: this memo lives on the test side, keyed by stack.)
 */
import { MockRun } from "../../harness/mockEngine";
import { runStack, StackOutputs } from "../../harness/stack";

const runs = new Map<string, Promise<MockRun<StackOutputs>>>();

/** The committed stack's run, computed once per mocha process. */
export function committedStackRun(stack: string): Promise<MockRun<StackOutputs>> {
    let run = runs.get(stack);
    if (!run) {
        run = runStack(stack);
        runs.set(stack, run);
    }
    return run;
}
