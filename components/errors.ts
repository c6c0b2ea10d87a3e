/**
 * Construction errors of building blocks: like stack config problems, every problem is listed at
 * once with where it is, what was given and what is allowed.
 */

/** One thing wrong with a component's arguments. */
export interface ArgumentProblem {
    /** Where: the argument path, e.g. `edges[relay->kms-service].ports`. */
    path: string;
    /** The value given, JSON-encoded, or `(missing)`. */
    given: string;
    /** What is allowed there. */
    allowed: string;
}

/** JSON for a problem report, shortened so one bad value cannot flood it. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(missing)";
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** Thrown when a component's arguments are invalid; the message lists every problem. */
export class ArgumentsError extends Error {
    constructor(
        readonly component: string,
        readonly problems: ArgumentProblem[],
    ) {
        super(
            [
                `Invalid arguments to ${component}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
                ...problems.map((p) => `  - ${p.path}: got ${p.given}; allowed: ${p.allowed}`),
            ].join("\n"),
        );
        this.name = "ArgumentsError";
    }
}

/** Throws {@link ArgumentsError} when `problems` is not empty. */
export function throwIfProblems(component: string, problems: ArgumentProblem[]): void {
    if (problems.length > 0) throw new ArgumentsError(component, problems);
}
