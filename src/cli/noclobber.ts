#!/usr/bin/env node
import { raceCommand } from './race-command.js';
import { describeError, StoreUnavailableError } from './store-unavailable-error.js';
import { UsageError } from './usage-error.js';

/** Exit statuses, as documented in `--help`. */
const EXIT = { ok: 0, lostWrites: 1, usage: 2, storeUnavailable: 3, internal: 4 } as const;

const HELP = `noclobber — read-modify-write that loses nothing under concurrency.

Usage: noclobber <command> [flags] [--verbose]

Commands:
  race    run the same concurrent workload naively and through each noclobber strategy
          (noclobber race --help for its flags)

--verbose prints the stack of an error after its one-line message.

Exit status: 0 done; 1 a noclobber strategy lost or duplicated a write; 2 bad command or
flags; 3 the store cannot be used (server unreachable or refusing the login, SQLite file
that cannot be opened, driver package or Java missing, no local server to start);
4 an unexpected error (a bug: please report it with the --verbose output).`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === 'race') return raceCommand(rest, process);
  throw new UsageError(`unknown command "${command}" (see noclobber --help)`);
}

/** The stack of an error and of each `cause` under it. */
function stacks(e: unknown): string {
  const out: string[] = [];
  for (let at: unknown = e, depth = 0; at !== undefined && depth < 5; at = (at as { cause?: unknown }).cause, depth++)
    out.push(`${depth === 0 ? '' : 'caused by: '}${at instanceof Error ? (at.stack ?? at.message) : String(at)}`);
  return out.join('\n');
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');

// Ctrl-C and kill: exit through 'exit' handlers, so a server started for the race is stopped
// and its directory removed rather than left to the next run's sweep.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(`noclobber: interrupted (${signal})\n`);
    process.exit(code);
  });
}

main(args.filter((a) => a !== '--verbose')).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const [code, message] =
      e instanceof UsageError
        ? [EXIT.usage, e.message]
        : e instanceof StoreUnavailableError
          ? [EXIT.storeUnavailable, e.message]
          : [
              EXIT.internal,
              `unexpected error: ${describeError(e)}${verbose ? '' : ' (run again with --verbose for the stack)'}`,
            ];
    process.stderr.write(`noclobber: ${message}\n`);
    if (verbose && !(e instanceof UsageError)) process.stderr.write(`${stacks(e)}\n`);
    process.exitCode = code;
  },
);
