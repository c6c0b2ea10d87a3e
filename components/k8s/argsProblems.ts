/**
 * Reporting bad component arguments the way the config loader reports bad stack config: every
 * problem at once, each as the argument path, the value given and what is allowed (the same
 * {@link ConfigProblem} shape and line format as `components/config.ts`).
 */
import { ConfigProblem } from "../config";

export { ConfigProblem } from "../config";

/** The value given, JSON-encoded and shortened, or `(missing)`. Never pass a secret here. */
export function describeGiven(value: unknown): string {
    if (value === undefined) return "(missing)";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/**
 * The report a component's caller reads: a header naming the component and, when known, the stack
 * config the arguments came from, then one `  - path: got X; allowed: Y` line per problem.
 */
export function formatArgsProblems(component: string, resourceName: string, problems: readonly ConfigProblem[], configSource?: string): string {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    const fix = configSource === undefined ? "Fix the component's arguments" : `Edit ${configSource}`;
    const lines = problems.map((p) => `  - ${p.path}: got ${p.given}; allowed: ${p.allowed}`);
    return [`Invalid ${component} "${resourceName}" arguments: ${count}. ${fix}:`, ...lines].join("\n");
}

/** Thrown by a component's constructor, before it registers anything, when its arguments are bad. */
export class ComponentArgsError extends Error {
    constructor(
        readonly component: string,
        readonly resourceName: string,
        readonly problems: readonly ConfigProblem[],
        readonly configSource?: string,
    ) {
        super(formatArgsProblems(component, resourceName, problems, configSource));
        this.name = "ComponentArgsError";
    }
}
