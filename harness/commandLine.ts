/**
 * How the commands in scripts/ run: a `(argv, io) => exit code` function as the process, with
 * results on stdout, problems on stderr, and an unexpected crash as exit 1.
 */

/** Where a command writes: stdout for results, stderr for problems. */
export interface CommandOutput {
    out(text: string): void;
    err(text: string): void;
}

/** Runs `command` with the process's arguments and exits with its code. */
export function runAsCommand(command: (argv: string[], io: CommandOutput) => Promise<number>): void {
    command(process.argv.slice(2), {
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
