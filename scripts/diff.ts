/**
 * `npm run diff -- <stack>... [--base <git-ref>] [--format text|markdown|json] [--expect-no-changes]`:
 * the offline diff (see harness/diffCommand.ts), as a command. Exit 0 with or without changes, 2
 * with changes under --expect-no-changes, 1 on an error (a protected resource deleted or replaced,
 * a new mandatory violation) and on bad input.
 */
import { runAsCommand } from "../harness/commandLine";
import { runDiff } from "../harness/diffCommand";

if (require.main === module) runAsCommand(runDiff);
