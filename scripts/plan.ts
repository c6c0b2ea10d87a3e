/**
 * `npm run plan -- <stack> [--json] [--policies]`: the offline plan (see harness/plan.ts), as a
 * command. Exit 0 when the plan ran (and no mandatory policy failed), 1 otherwise, 2 on bad usage.
 */
import { runPlan } from "../harness/plan";

if (require.main === module) {
    runPlan(process.argv.slice(2), {
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
    }).then(
        (code) => process.exit(code),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}
