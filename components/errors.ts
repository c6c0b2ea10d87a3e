/**
 * Problem reports, the one way this program rejects bad input. Stack config and every component's
 * arguments are checked before anything registers, every problem is collected in a
 * {@link ProblemList}, and one {@link ArgumentsError} lists them all, each with where it is, what was
 * given and what is allowed, plus what to edit, so a reader fixes them in one go.
 */

/** One thing wrong with stack config or with a component's arguments. */
export interface ArgumentProblem {
    /** Where: the config key or argument path, e.g. `edges[relay->kms-service].ports`. */
    path: string;
    /** The value given, as {@link describeValue} shows it, or a placeholder such as `[secret]`. */
    given: string;
    /** What is allowed there. */
    allowed: string;
}

/** What a component's problem report tells the reader to do when no stack file is to blame. */
export const FIX_THE_CALLER = "Fix the caller";

/**
 * A value as a problem report shows it: JSON, shortened so one bad value cannot flood it, or
 * `(missing)`. Never pass a secret here.
 */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(missing)";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * The report a reader gets: a header `Invalid <subject>: <n> problem(s):` (or `Invalid <subject>:
 * <n> problem(s). <fix>:` when there is a fix, e.g. the file to edit), then one
 * `  - <path>: got <given>; allowed: <allowed>` line per problem.
 */
export function formatProblemReport(subject: string, problems: readonly ArgumentProblem[], fix?: string): string {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    const header = fix === undefined ? `Invalid ${subject}: ${count}:` : `Invalid ${subject}: ${count}. ${fix}:`;
    return [header, ...problems.map((p) => `  - ${p.path}: got ${p.given}; allowed: ${p.allowed}`)].join("\n");
}

/** The subject of a component's report: `arguments to <type> "<name>"`. */
export function componentArguments(type: string, name: string): string {
    return `arguments to ${type} "${name}"`;
}

/** Thrown when stack config or a component's arguments are invalid; the message lists every problem. */
export class ArgumentsError extends Error {
    constructor(
        /** What was checked, e.g. `stack config`, `the traffic matrix` or `arguments to messaging:aws:IrsaRole "x"`. */
        readonly subject: string,
        readonly problems: readonly ArgumentProblem[],
        /** What the header tells the reader to do, e.g. `Edit Pulumi.devnet.yaml` or {@link FIX_THE_CALLER}. */
        readonly fix?: string,
    ) {
        super(formatProblemReport(subject, problems, fix));
        this.name = "ArgumentsError";
    }
}

/** Collects problems, describing each value given, and throws them all at once. */
export class ProblemList {
    readonly problems: ArgumentProblem[] = [];

    /** Records a problem at `path` with the value given and what is allowed. */
    add(path: string, given: unknown, allowed: string): void {
        this.problems.push({ path, given: describeValue(given), allowed });
    }

    /** Records problems already described (e.g. another check's, or one whose value must not be shown). */
    push(...problems: readonly ArgumentProblem[]): void {
        this.problems.push(...problems);
    }

    /** Throws {@link ArgumentsError} when any problem was recorded. */
    throwIfAny(subject: string, fix?: string): void {
        if (this.problems.length > 0) throw new ArgumentsError(subject, this.problems, fix);
    }
}
