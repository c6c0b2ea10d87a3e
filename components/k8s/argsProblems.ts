/**
 * Reporting bad component arguments the way the config loader reports bad stack config: every
 * problem at once, each as the argument path, the value given and what is allowed (the shared
 * {@link ArgumentProblem} and report format of `components/errors.ts`).
 */
import { ArgumentProblem, formatProblemReport } from "../errors";

/**
 * Thrown by a component's constructor, before it registers anything, when its arguments are bad.
 * The header names the component and, when known, the stack config the arguments came from.
 */
export class ComponentArgsError extends Error {
    constructor(
        readonly component: string,
        readonly resourceName: string,
        readonly problems: readonly ArgumentProblem[],
        readonly configSource?: string,
    ) {
        const fix = configSource === undefined ? "Fix the component's arguments" : `Edit ${configSource}`;
        super(formatProblemReport(`Invalid ${component} "${resourceName}" arguments`, problems, fix));
        this.name = "ComponentArgsError";
    }
}
