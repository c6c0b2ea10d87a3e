/**
 * Problem reports, the one way this program rejects bad input: stack config (`StackConfigError`
 * in `config.ts`), Kubernetes component arguments (`k8s/argsProblems.ts`) and AWS building-block
 * arguments (`aws/arguments.ts`) all list every problem at once, each with where it is, what was
 * given and what is allowed, so a reader fixes them in one go.
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

/** A value as a problem report shows it: JSON, shortened so one bad value cannot flood it, or `(missing)`. Never pass a secret here. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(missing)";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * The report a reader gets: a header `<title>: <n> problem(s):` (or `<title>: <n> problem(s).
 * <instruction>:` when there is an instruction, e.g. the file to edit), then one
 * `  - <path>: got <given>; allowed: <allowed>` line per problem.
 */
export function formatProblemReport(title: string, problems: readonly ArgumentProblem[], instruction?: string): string {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    const header = instruction === undefined ? `${title}: ${count}:` : `${title}: ${count}. ${instruction}:`;
    return [header, ...problems.map((p) => `  - ${p.path}: got ${p.given}; allowed: ${p.allowed}`)].join("\n");
}

/** Thrown when a component's arguments are invalid; the message lists every problem. */
export class ArgumentsError extends Error {
    constructor(
        /** What was being built or checked, e.g. `the traffic matrix` or `messaging:aws:IrsaRole "platform-relay"`. */
        readonly subject: string,
        readonly problems: ArgumentProblem[],
        /** What the header tells the reader to do, e.g. `Fix the caller`; none by default. */
        instruction?: string,
    ) {
        super(formatProblemReport(`Invalid arguments to ${subject}`, problems, instruction));
        this.name = "ArgumentsError";
    }
}

/** Throws {@link ArgumentsError} when `problems` is not empty. */
export function throwIfProblems(subject: string, problems: ArgumentProblem[], instruction?: string): void {
    if (problems.length > 0) throw new ArgumentsError(subject, problems, instruction);
}

/** Collects problems, describing each value given, and throws them all at once. */
export class ProblemList {
    readonly problems: ArgumentProblem[] = [];

    /** `instruction`: what the header of a thrown {@link ArgumentsError} tells the reader to do. */
    constructor(private readonly instruction?: string) {}

    /** Records a problem at `path` with the value given and what is allowed. */
    add(path: string, given: unknown, allowed: string): void {
        this.problems.push({ path, given: describeValue(given), allowed });
    }

    /** Throws {@link ArgumentsError} when any problem was recorded. */
    throwIfAny(subject: string): void {
        throwIfProblems(subject, this.problems, this.instruction);
    }
}
