import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { apiReport, lineDiff, REPORT_PATH } from './api-report.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'nc-api-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `tools/api-report.ts --check` against `report`: its exit code and output. */
function check(report: string): Promise<{ code: number; out: string }> {
  const tsx = join(repo, 'node_modules/tsx/dist/cli.mjs');
  return new Promise((done) => {
    execFile(
      process.execPath,
      [tsx, join(repo, 'tools/api-report.ts'), '--check', '--report', report],
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe('lineDiff', () => {
  const text = fc
    .array(fc.constantFrom('a', 'b', 'c', 'function f(): void;', ''), { maxLength: 12 })
    .map((lines) => lines.join('\n'));

  it('is empty exactly when the texts are equal, and its lines come from the side they are marked with', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = lineDiff(a, b);
        expect(diff === '').toBe(a === b);
        const lines = diff === '' ? [] : diff.split('\n').filter((l) => l !== '…');
        for (const l of lines.filter((x) => x.startsWith('- '))) expect(a.split('\n')).toContain(l.slice(2));
        for (const l of lines.filter((x) => x.startsWith('+ '))) expect(b.split('\n')).toContain(l.slice(2));
        // As many lines removed and added as it takes to turn a's line count into b's.
        const removed = lines.filter((x) => x.startsWith('- ')).length;
        const added = lines.filter((x) => x.startsWith('+ ')).length;
        expect(added - removed).toBe(b.split('\n').length - a.split('\n').length);
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});

describe('api:check', () => {
  it('the report is a pure function of the sources (two runs agree) and names every subpath', () => {
    const report = apiReport(repo);
    expect(lineDiff(report, apiReport(repo))).toBe('');
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    for (const subpath of Object.keys(manifest.exports).filter((s) => s !== './package.json'))
      expect(report).toContain(`## \`${subpath === '.' ? 'noclobber' : `noclobber/${subpath.slice(2)}`}\``);
    expect(report).not.toContain(repo); // no absolute paths: the same text in every checkout
    writeFileSync(join(work, 'current.md'), report);
  }, 120_000);

  it('passes on the current report and fails, printing the difference, when one export changed', async () => {
    const current = readFileSync(join(work, 'current.md'), 'utf8');
    const line =
      'function collection<T extends object = Row>(store: Store<T>, options?: CollectionOptions): Collection<T>;';
    expect(current).toContain(line);
    writeFileSync(join(work, 'changed.md'), current.replace(line, line.replace('options?:', 'options:')));
    const [same, changed] = await Promise.all([check(join(work, 'current.md')), check(join(work, 'changed.md'))]);
    expect(same).toEqual({ code: 0, out: expect.stringContaining('matches the sources') });
    expect(changed.code).toBe(1);
    expect(changed.out).toContain(`- ${line.replace('options?:', 'options:')}`);
    expect(changed.out).toContain(`+ ${line}`);
  }, 120_000);

  it(`the checked-in ${REPORT_PATH} exists`, () => {
    expect(readFileSync(join(repo, REPORT_PATH), 'utf8')).toMatch(/^# Public API report/);
  });
});
