import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, processIdentity, stopStale } from './process-identity.js';

/** What a session records about a server it started, so a later run can stop it. */
interface ServerRecord {
  readonly pid: number;
  /** Start time of the process (see `processIdentity`): a reused pid never matches. */
  readonly start: string;
  /** Signal that stops the server at once (PostgreSQL: SIGQUIT). */
  readonly signal: NodeJS.Signals;
}

/**
 * The directory every dev service and test run of this OS user keeps its state in:
 * `$NOCLOBBER_SERVICES_DIR`, or `noclobber-services-<uid>` in the temp directory. Outside
 * any checkout, so the `postgres` user can reach it whatever the checkout's permissions.
 * As root with a temp directory that other users cannot traverse (`TMPDIR` set to a 0700
 * directory), it moves to `/tmp` (or `/var/tmp`), where the `postgres` user can reach it.
 * @example
 * ```ts
 * servicesRoot(); // '/tmp/noclobber-services-0'
 * ```
 */
export function servicesRoot(): string {
  if (process.env.NOCLOBBER_SERVICES_DIR) return process.env.NOCLOBBER_SERVICES_DIR;
  const name = `noclobber-services-${process.getuid?.() ?? 'user'}`;
  if (process.getuid?.() !== 0) return join(tmpdir(), name);
  const base = [tmpdir(), '/tmp', '/var/tmp'].find(traversableByAll) ?? tmpdir();
  return join(base, name);
}

/** Whether every directory from `/` down to `dir` lets any user through (the x bit for others). */
function traversableByAll(dir: string): boolean {
  let at = '/';
  for (const part of ['', ...dir.split('/').filter(Boolean)]) {
    at = part ? join(at, part) : at;
    try {
      if ((statSync(at).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Creates the root (0755) and refuses one that another user owns or could write. */
function ensureRoot(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const st = lstatSync(root);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new Error(`${root} is not a directory (set NOCLOBBER_SERVICES_DIR to another path)`);
  if (uid !== undefined && st.uid !== uid)
    throw new Error(
      `${root} belongs to uid ${st.uid}, not to this user (set NOCLOBBER_SERVICES_DIR to a directory of your own)`,
    );
  if ((st.mode & 0o7777) !== 0o755) chmodSync(root, 0o755);
}

/**
 * One process's directory under {@link servicesRoot}: `run-<pid>-<random>/` with an
 * `owner.json` naming the process, a directory per server it started (each with a
 * `server.json`), and whatever else the process keeps there (a test run's temp dir).
 * A later process that finds the owner dead stops its servers and removes it.
 */
export interface ServiceSession {
  readonly dir: string;
  /** A new 0755 directory for one server, e.g. `postgres-ab12cd`. */
  serverDir(prefix: string): string;
  /** Notes a running server, so that a run that finds this session stale can stop it. */
  recordServer(dir: string, pid: number, signal: NodeJS.Signals): void;
  /** Removes a server's directory once it has stopped, and the session when nothing holds it any more. */
  releaseServer(dir: string): void;
  /** Keeps the session alive for something other than a server (a test run's temp dir). */
  hold(): void;
  /** Ends a {@link ServiceSession.hold}; the last release removes the session directory. */
  release(): void;
}

let current: (ServiceSession & { servers: Map<string, ServerRecord> }) | undefined;

/**
 * This process's session, created on first use (after sweeping sessions whose owner died).
 * @example
 * ```ts
 * const session = serviceSession();
 * const dir = session.serverDir('postgres');
 * ```
 */
export function serviceSession(): ServiceSession {
  if (current) return current;
  const root = servicesRoot();
  ensureRoot(root);
  const dir = mkdtempSync(join(root, `run-${process.pid}-`));
  chmodSync(dir, 0o755);
  writeFileSync(
    join(dir, 'owner.json'),
    JSON.stringify({ pid: process.pid, start: processIdentity(process.pid), argv: process.argv.slice(1, 3) }),
  );
  const servers = new Map<string, ServerRecord>();
  let holds = 0;
  const close = () => {
    if (servers.size > 0 || holds > 0) return;
    rmSync(dir, { recursive: true, force: true });
    if (current === session) current = undefined;
  };
  const session = {
    dir,
    servers,
    serverDir(prefix: string) {
      const d = mkdtempSync(join(dir, `${prefix}-`));
      chmodSync(d, 0o755);
      return d;
    },
    recordServer(d: string, pid: number, signal: NodeJS.Signals) {
      const record: ServerRecord = { pid, start: processIdentity(pid) ?? '', signal };
      servers.set(d, record);
      writeFileSync(join(d, 'server.json'), JSON.stringify(record));
    },
    releaseServer(d: string) {
      servers.delete(d);
      rmSync(d, { recursive: true, force: true });
      close();
    },
    hold() {
      holds++;
    },
    release() {
      holds = Math.max(0, holds - 1);
      close();
    },
  };
  current = session;
  process.once('exit', () => exitCleanup(session.dir, servers));
  return session;
}

/** On exit, servers nobody stopped are killed and the session removed (synchronously: the event loop is gone). */
function exitCleanup(dir: string, servers: Map<string, ServerRecord>): void {
  for (const s of servers.values()) {
    try {
      if (processIdentity(s.pid) === s.start) process.kill(s.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Removes the sessions under {@link servicesRoot} whose owner process is gone (a run killed
 * with SIGKILL, a crashed CLI): stops the servers they recorded — only processes whose
 * start time still matches, never a reused pid — and deletes their directories, data and
 * temp files included. Safe to run from several processes at once. Returns what it removed.
 * @example
 * ```ts
 * const removed = await sweepStaleSessions();
 * ```
 */
export async function sweepStaleSessions(root = servicesRoot()): Promise<string[]> {
  const entries = safeReaddir(root);
  const removed: string[] = [];
  for (const name of entries) {
    const dir = join(root, name);
    if (!name.startsWith('run-') || !isStale(dir)) continue;
    for (const record of serverRecords(dir)) await stopStale(record.pid, record.start, record.signal);
    if (remove(dir)) removed.push(name);
  }
  // Half-copied binaries from a run killed while it staged them.
  const cache = join(root, 'cache');
  for (const name of safeReaddir(cache)) {
    const partial = /\.partial-(\d+)-/.exec(name);
    if (!partial || isRunning(Number(partial[1]))) continue;
    if (remove(join(cache, name))) removed.push(`cache/${name}`);
  }
  return removed;
}

/** Removes a directory another sweeping run may be removing too; false if it could not. */
function remove(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isStale(dir: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { pid: number; start?: string };
    return !isRunning(owner.pid, owner.start);
  } catch {
    // No owner file: being created right now, or left half-made. Only old ones are stale.
    try {
      return Date.now() - statSync(dir).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}

function serverRecords(dir: string): ServerRecord[] {
  const out: ServerRecord[] = [];
  for (const name of safeReaddir(dir)) {
    try {
      out.push(JSON.parse(readFileSync(join(dir, name, 'server.json'), 'utf8')) as ServerRecord);
    } catch {
      // not a server directory
    }
  }
  return out;
}
