import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
/** The CLI's entry, run from source as `npm start` does. */
export const CLI = fileURLToPath(new URL('../../src/cli/noclobber.ts', import.meta.url));
/** tsx's loader, so a child node runs TypeScript. */
export const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `noclobber <args>` (from source, in a child node) and returns its exit code and output.
 * @example
 * ```ts
 * const { code, stderr } = await runCli(['race', '--store', 'sqlite:/nope/x.db']);
 * ```
 */
export async function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; entry?: string } = {},
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', TSX, options.entry ?? CLI, ...args], {
      maxBuffer: 1 << 24,
      ...(options.env ? { env: options.env } : {}),
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
