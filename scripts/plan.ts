/**
 * `npm run plan -- <stack> [--json] [--policies]`: the offline plan (see harness/plan.ts), as a
 * command. Exit 0 when the plan ran (and no mandatory policy failed), 1 otherwise, 2 on bad usage.
 */
import { runAsCommand } from "../harness/commandLine";
import { runPlan } from "../harness/plan";

if (require.main === module) runAsCommand(runPlan);
