/**
 * Argument checks shared by the AWS building blocks. A block validates everything it can before it
 * registers a child and reports every problem at once, in the one problem-report format that stack
 * config uses too (`path: got <value>; allowed: <what>`, from `../errors`), so an operator reads one
 * list and fixes it in one go.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProblemList } from "../errors";
import { Network, NETWORKS } from "../network";
import { intRangeAllowed, isIntInRange } from "../validators";

// Stack config is validated before any block runs, so a problem found here is in the code that
// calls the block: blocks throw with FIX_THE_CALLER.
export type { ArgumentProblem } from "../errors";
export { ArgumentsError, FIX_THE_CALLER, ProblemList } from "../errors";
export { isDnsLabel, isDnsSubdomain } from "../validators";

/** A value that is known now (a plain string), or `undefined` for an Output resolved later. */
export function known(value: pulumi.Input<string> | undefined): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** Checks `args.network` is one of the networks this program deploys. */
export function checkNetwork(problems: ProblemList, network: unknown, path = "args.network"): network is Network {
    if ((NETWORKS as readonly unknown[]).includes(network)) return true;
    problems.add(path, network, `one of ${NETWORKS.join(", ")}`);
    return false;
}

/** Checks a 12-digit AWS account id. */
export function checkAccountId(
    problems: ProblemList,
    accountId: unknown,
    path = "args.accountId",
): accountId is string {
    if (typeof accountId === "string" && /^[0-9]{12}$/.test(accountId)) return true;
    problems.add(path, accountId, "a 12-digit AWS account id");
    return false;
}

/** Checks an integer number of days within `[min, max]`. */
export function checkDays(problems: ProblemList, days: unknown, path: string, min: number, max: number): boolean {
    if (isIntInRange(days, min, max)) return true;
    problems.add(path, days, intRangeAllowed(min, max, "days"));
    return false;
}

/** Checks the owner used in tags: a non-empty string. */
export function checkOwner(problems: ProblemList, owner: unknown, path = "args.owner"): boolean {
    if (typeof owner === "string" && owner.length > 0) return true;
    problems.add(path, owner, "the owning team's name (non-empty), used in tags");
    return false;
}

/** Checks extra tags: string keys to string values. */
export function checkTags(problems: ProblemList, tags: unknown, path = "args.tags"): boolean {
    if (tags === undefined) return true;
    if (
        tags !== null &&
        typeof tags === "object" &&
        !Array.isArray(tags) &&
        Object.values(tags).every((v) => typeof v === "string")
    )
        return true;
    problems.add(path, tags, "a map of tag names to string values");
    return false;
}

/**
 * Checks an ARN that a policy names: an ARN of the expected service, without wildcards. (Offline
 * runs see ARN-shaped placeholders from the harness, so no value is exempt from the check.)
 */
export function checkNamedArn(
    problems: ProblemList,
    arn: unknown,
    path: string,
    service: "kms" | "secretsmanager" | "s3",
    example: string,
): boolean {
    const allowed = `one named ${service} ARN without wildcards, e.g. ${example}`;
    const shaped = typeof arn === "string" && new RegExp(`^arn:aws(?:-cn|-us-gov)?:${service}:[^*?\\s]+$`).test(arn);
    if (!shaped) problems.add(path, arn, allowed);
    return shaped;
}
