/**
 * Argument checks shared by the AWS building blocks. A block validates everything it can before it
 * registers a child and reports every problem at once, in the one problem-report format that stack
 * config uses too (`path: got <value>; allowed: <what>`, from `../errors`), so an operator reads one
 * list and fixes it in one go.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProblemList as SharedProblemList } from "../errors";
import { Network, NETWORKS } from "../network";

export type { ArgumentProblem } from "../errors";
export { ArgumentsError } from "../errors";

/**
 * Collects problems with an AWS block's arguments and throws them all at once as an
 * {@link ArgumentsError}. Stack config is validated before any block runs, so a problem here is in
 * the code that calls the block, and the report says so.
 */
export class ProblemList extends SharedProblemList {
    constructor() {
        super("Fix the caller");
    }
}

/** A value that is known now (a plain string), or `undefined` for an Output resolved later. */
export function known(value: pulumi.Input<string> | undefined): string | undefined {
    return typeof value === "string" ? value : undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes DNS-1123 label (namespace names): lower-case alphanumerics and '-', at most 63. */
export function isDnsLabel(value: unknown): value is string {
    return typeof value === "string" && value.length <= 63 && DNS_LABEL.test(value);
}

/** A Kubernetes DNS-1123 subdomain (service-account names): labels joined by '.', at most 253. */
export function isDnsSubdomain(value: unknown): value is string {
    return typeof value === "string" && value.length <= 253 && DNS_SUBDOMAIN.test(value);
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
    if (typeof days === "number" && Number.isInteger(days) && days >= min && days <= max) return true;
    problems.add(path, days, `an integer from ${min} to ${max} (days)`);
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
 * Checks an ARN that a policy names: non-empty, no wildcard, and (when it is a real ARN rather than
 * a placeholder the mock engine computes) of the expected service. Returns true when acceptable.
 */
export function checkNamedArn(
    problems: ProblemList,
    arn: unknown,
    path: string,
    service: "kms" | "secretsmanager" | "s3",
    example: string,
): boolean {
    const allowed = `one named ${service} ARN without wildcards, e.g. ${example}`;
    if (typeof arn !== "string" || arn.length === 0 || /[*?]/.test(arn)) {
        problems.add(path, arn, allowed);
        return false;
    }
    if (arn.startsWith("arn:") && !new RegExp(`^arn:aws(?:-cn|-us-gov)?:${service}:`).test(arn)) {
        problems.add(path, arn, allowed);
        return false;
    }
    return true;
}
