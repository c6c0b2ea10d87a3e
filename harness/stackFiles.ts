/**
 * Where the stacks live: the repository root and its `Pulumi.<stack>.yaml` files. Kept apart from
 * stack.ts so that a command can check a stack name without loading the program.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root (where Pulumi.yaml lives). */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** The stacks that have a `Pulumi.<stack>.yaml` in the repository (or in `root`). */
export function knownStacks(root: string = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((file) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}
