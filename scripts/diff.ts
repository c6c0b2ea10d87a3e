/**
 * `npm run diff -- <stack>... [--base <git-ref>] [--format text|markdown|json] [--expect-no-changes]`:
 * the offline diff (see harness/diffCommand.ts), as a command. Exit 0 with or without changes, 2
 * with changes under --expect-no-changes, 1 on an error (a protected resource deleted or replaced,
 * a new mandatory violation) and on bad input.
 */
import { runDiff } from "../harness/diffCommand";

if (require.main === module) {
    runDiff(process.argv.slice(2), {
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
