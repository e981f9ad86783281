import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { selectedByStores } from '../../test/setup/service-broker.js';
import { inCi } from '../../test/setup/services.js';
import { ServiceUnavailableError, startMariaDb } from './index.js';

const exec = promisify(execFile);
const selected = selectedByStores('mariadb');
if (!selected) console.warn(`\n*** SKIPPING MARIADB STARTER TESTS *** not selected by STORES=${process.env.STORES}\n`);

describe.skipIf(!selected)('MariaDB starter', () => {
  it('starts a throwaway server whose noclobber account works over TCP, and removes it on stop', async (ctx) => {
    const db = await startMariaDb().catch((e: unknown) => {
      if (e instanceof ServiceUnavailableError && !inCi()) return e;
      throw e;
    });
    if (db instanceof ServiceUnavailableError) {
      console.warn(`\n*** SKIPPING MARIADB STARTER TESTS *** ${db.message}\n`);
      return ctx.skip();
    }
    try {
      expect(db.url).toMatch(/^mysql:\/\/noclobber:noclobber@127\.0\.0\.1:\d+\/noclobber$/);
      const { stdout } = await exec('mariadb', [
        '--protocol=TCP',
        '-h127.0.0.1',
        `-P${db.port}`,
        '-unoclobber',
        '-pnoclobber',
        '-N',
        '-e',
        'SELECT DATABASE(), CURRENT_USER()',
        'noclobber',
      ]);
      expect(stdout.trim().split('\t')).toEqual(['noclobber', 'noclobber@127.0.0.1']);
      expect(existsSync(db.socket)).toBe(true);
    } finally {
      await db.stop();
    }
    expect(existsSync(db.socket)).toBe(false);
  }, 120_000);
});
