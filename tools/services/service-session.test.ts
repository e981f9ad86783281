import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { selectedByStores } from '../../test/setup/service-broker.js';
import { isRunning, processIdentity } from './process-identity.js';
import { servicesRoot, sweepStaleSessions } from './service-session.js';

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/start-service.ts', import.meta.url));
const selected = selectedByStores('postgres');
if (!selected)
  console.warn(
    `\n*** SKIPPING THE KILLED-RUN TEST *** it needs PostgreSQL, not selected by STORES=${process.env.STORES}\n`,
  );

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('service sessions', () => {
  it.skipIf(!selected)(
    'a run killed with SIGKILL leaves a running server behind; the next sweep stops it and removes its directory',
    async () => {
      const child = spawn(process.execPath, ['--import', tsx, fixture, 'postgres'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the starter exited with ${code}`)));
      });
      const { url, session } = JSON.parse(line) as { url: string; session: string };
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // What a killed run leaves: its server still answering, its data on disk.
      expect(await answers(url)).toBe(true);
      expect(existsSync(session)).toBe(true);
      const removed = await sweepStaleSessions();
      expect(removed).toContain(session.split('/').pop());
      expect(existsSync(session)).toBe(false);
      expect(await answers(url)).toBe(false);
    },
    180_000,
  );

  it('a sweep leaves live sessions alone, and removes one whose owner pid was reused by another process', async () => {
    const root = servicesRoot();
    const live = join(root, `run-${process.pid}-livetest`);
    const reused = join(root, `run-${process.pid}-reusedtest`);
    for (const [dir, start] of [
      [live, processIdentity(process.pid)],
      [reused, 'a start time that is not this process'],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, start }));
    }
    try {
      const removed = await sweepStaleSessions();
      expect(removed).toContain(`run-${process.pid}-reusedtest`);
      expect(removed).not.toContain(`run-${process.pid}-livetest`);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(reused)).toBe(false);
    } finally {
      rmSync(live, { recursive: true, force: true });
      rmSync(reused, { recursive: true, force: true });
    }
  });

  it('tells a running process from a gone one', () => {
    expect(isRunning(process.pid, processIdentity(process.pid))).toBe(true);
    expect(isRunning(process.pid, 'another start time')).toBe(false);
    expect(isRunning(2 ** 22 + 1)).toBe(false); // above Linux's pid_max
  });
});

describe('services root', () => {
  it.runIf(process.getuid?.() === 0)(
    'as root, a temp directory the postgres user cannot traverse is not used for service data',
    () => {
      const saved = { dir: process.env.NOCLOBBER_SERVICES_DIR, tmp: process.env.TMPDIR };
      const privateTmp = mkdtempSync('/tmp/nc-private-tmp-'); // 0700, in a directory everyone can traverse
      try {
        delete process.env.NOCLOBBER_SERVICES_DIR;
        process.env.TMPDIR = privateTmp;
        expect(servicesRoot()).toBe('/tmp/noclobber-services-0');
        chmodSync(privateTmp, 0o755);
        expect(servicesRoot()).toBe(join(privateTmp, 'noclobber-services-0'));
      } finally {
        process.env.NOCLOBBER_SERVICES_DIR = saved.dir;
        process.env.TMPDIR = saved.tmp;
        rmSync(privateTmp, { recursive: true, force: true });
      }
    },
  );
});
