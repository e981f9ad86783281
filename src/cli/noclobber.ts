#!/usr/bin/env node
import { raceCommand } from './race-command.js';
import { UsageError } from './usage-error.js';

const HELP = `noclobber — read-modify-write that loses nothing under concurrency.

Usage: noclobber <command> [flags]

Commands:
  race    run the same concurrent workload naively and through each noclobber strategy
          (noclobber race --help for its flags)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'race') return raceCommand(rest, process);
  throw new UsageError(`unknown command "${command}" (see noclobber --help)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`noclobber: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`noclobber: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
