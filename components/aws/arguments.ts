/**
 * Argument checks shared by the AWS building blocks. A block validates everything it can before it
 * registers a child and reports every problem at once, in the same format as a stack-config error
 * (`path: got <value>; allowed: <what>`), so an operator reads one list and fixes it in one go.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network, NETWORKS } from "../validators";

/** One thing wrong with a component's arguments; the same shape as config's `ConfigProblem`. */
export interface ArgumentProblem {
    /** The argument path, e.g. `args.grants[1].secretArns`. */
    path: string;
    /** The value given, JSON-encoded, or `(missing)`. */
    given: string;
    /** What is allowed there. */
    allowed: string;
}

/** Thrown when a building block's arguments are invalid; lists every problem. */
export class ArgumentsError extends Error {
    constructor(
        /** What was being built, e.g. `messaging:aws:IrsaRole "platform-relay"`. */
        readonly subject: string,
        readonly problems: ArgumentProblem[],
    ) {
        super(formatArgumentProblems(subject, problems));
        this.name = "ArgumentsError";
    }
}

/**
 * The report a caller reads: one line per problem, in the stack-config error format. Stack config
 * is validated before any block runs, so a problem here is in the code that calls the block.
 */
export function formatArgumentProblems(subject: string, problems: ArgumentProblem[]): string {
    const lines = problems.map((p) => `  - ${p.path}: got ${p.given}; allowed: ${p.allowed}`);
    return [`Invalid arguments to ${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}. Fix the caller:`, ...lines].join("\n");
}

/** A value as a problem report shows it: JSON, truncated, or `(missing)`. */
export function describeGiven(value: unknown): string {
    if (value === undefined) return "(missing)";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** Collects problems under a subject and throws them all at once. */
export class ProblemList {
    readonly problems: ArgumentProblem[] = [];

    /** Records a problem at `path` with the value given and what is allowed. */
    add(path: string, given: unknown, allowed: string): void {
        this.problems.push({ path, given: describeGiven(given), allowed });
    }

    /** Throws {@link ArgumentsError} when any problem was recorded. */
    throwIfAny(subject: string): void {
        if (this.problems.length > 0) throw new ArgumentsError(subject, this.problems);
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
export function checkAccountId(problems: ProblemList, accountId: unknown, path = "args.accountId"): accountId is string {
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
    if (tags !== null && typeof tags === "object" && !Array.isArray(tags) && Object.values(tags).every((v) => typeof v === "string")) return true;
    problems.add(path, tags, "a map of tag names to string values");
    return false;
}

/**
 * Checks an ARN that a policy names: non-empty, no wildcard, and (when it is a real ARN rather than
 * a placeholder the mock engine computes) of the expected service. Returns true when acceptable.
 */
export function checkNamedArn(problems: ProblemList, arn: unknown, path: string, service: "kms" | "secretsmanager" | "s3", example: string): boolean {
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
