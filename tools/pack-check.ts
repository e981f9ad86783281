// `npm run pack:check`: builds, packs, and checks the tarball a user would install — publint and
// are-the-types-wrong on it, then an install into a scratch project outside the repository
// that imports every subpath export (ESM `import`, CommonJS `require`, and TypeScript types),
// runs the README's shortest real example (SQLite) and the `noclobber` command. Prints one
// line per step; exits 0 when every step passed, else 1 (when the build, pack or install
// fails, the steps that need it are not attempted). The scratch project and the tarball live
// in one temp directory, removed at the end either way.
//
// Peers: the tarball has no dependencies, only optional peers; the scratch project gets the
// repository's installed copies of them (symlinked) so the check needs no network and no
// native build, while `noclobber` itself comes from the tarball through `npm install`.
import { type ExecFileSyncOptions, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkPeers, type Manifest, writeProbes } from './pack-scratch.js';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);
// The npm running this script (`npm run pack:check`), else the one on PATH.
const npmCli = process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : undefined;

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

function run(command: string, args: readonly string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).toString();
  } catch (e) {
    const { stdout, stderr, status, code } = e as {
      stdout?: Buffer | string;
      stderr?: Buffer | string;
      status?: number;
      code?: string;
    };
    if (code === 'ENOENT')
      throw new Error(`${command} is not installed: run npm install (the checks' tools are devDependencies)`);
    throw new Error(`${[command, ...args].join(' ')} exited ${status}\n${`${stdout ?? ''}${stderr ?? ''}`.trim()}`);
  }
}
const npm = (args: readonly string[], cwd: string) =>
  npmCli ? run(process.execPath, [npmCli, ...args], { cwd }) : run('npm', args, { cwd });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The packed files: what must be there, what must not. */
function checkContents(files: readonly PackedFile[], manifest: Manifest): string {
  const names = new Set(files.map((f) => f.path));
  const targets = Object.values(manifest.exports).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
  const required = ['package.json', 'README.md', 'LICENSE', ...targets, ...Object.values(manifest.bin ?? {})].map((p) =>
    p.replace(/^\.\//, ''),
  );
  const missing = required.filter((p) => !names.has(p));
  if (missing.length) throw new Error(`the tarball lacks ${missing.join(', ')}`);
  const stray = [...names].filter((p) => /\.test(-d)?\.|(^|\/)(test|bench|examples|src)\//.test(p));
  if (stray.length) throw new Error(`the tarball ships test or dev files: ${stray.slice(0, 5).join(', ')}`);
  const kb = (files.reduce((a, f) => a + f.size, 0) / 1024).toFixed(0);
  return `${files.length} files, ${kb} KB unpacked`;
}

/** Source maps ship only with their sources inside (`sourcesContent`), or not at all. */
function checkSourceMaps(pkgDir: string): string {
  const maps = filesUnder(pkgDir).filter((f) => f.endsWith('.map'));
  const hollow = maps.filter((f) => {
    const map = JSON.parse(readFileSync(f, 'utf8')) as { sources?: string[]; sourcesContent?: (string | null)[] };
    return (map.sources ?? []).some((_, i) => typeof map.sourcesContent?.[i] !== 'string');
  });
  if (hollow.length)
    throw new Error(
      `${hollow.length} source maps point at sources that are not shipped, e.g. ${relative(pkgDir, hollow[0] as string)}`,
    );
  return maps.length ? `${maps.length} maps, each with its sources` : 'none shipped';
}

interface Step {
  readonly name: string;
  /** Later steps need this one: stop at its failure (the others run on, to report every problem). */
  readonly prerequisite?: boolean;
  run(): string;
}

function steps(work: string): Step[] {
  const scratch = join(work, 'scratch');
  const pkgDir = join(scratch, 'node_modules', 'noclobber');
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Manifest;
  let tarball = '';
  const inScratch = (command: string, args: readonly string[]) => run(command, args, { cwd: scratch }).trim();
  return [
    {
      name: 'build',
      prerequisite: true,
      run: () => {
        npm(['run', 'build', '--loglevel=warn'], repo);
        return 'dist/ rebuilt from src/';
      },
    },
    {
      name: 'pack',
      prerequisite: true,
      run: () => {
        const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo)) as {
          filename: string;
          files: PackedFile[];
        }[];
        if (!packed) throw new Error('npm pack reported nothing');
        tarball = join(work, packed.filename);
        return `${packed.filename}: ${checkContents(packed.files, manifest)}`;
      },
    },
    {
      name: 'install into a scratch project',
      prerequisite: true,
      run: () => {
        mkdirSync(scratch);
        writeFileSync(join(scratch, 'package.json'), '{ "name": "scratch", "private": true, "type": "module" }\n');
        npm(['install', tarball, '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=warn'], scratch);
        const linked = linkPeers(repo, scratch, manifest);
        writeProbes(repo, scratch, manifest);
        return `npm install <tarball> in ${scratch}; peers linked from the repository: ${linked.join(', ')}`;
      },
    },
    { name: 'source maps', run: () => checkSourceMaps(pkgDir) },
    {
      name: 'publint',
      run: () => run(bin('publint'), ['run', pkgDir, '--pack', 'false', '--strict']).trim().split('\n').at(-1) ?? '',
    },
    {
      // node16 resolution from ESM and from CommonJS; that CommonJS resolves to ESM is intended (require(esm)).
      name: 'are the types wrong',
      run: () => {
        run(bin('attw'), [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm']);
        return 'no problems for node16 from ESM or CommonJS';
      },
    },
    {
      name: 'import every subpath (ESM)',
      run: () => `${inScratch(process.execPath, ['import-all.mjs'])} subpaths imported`,
    },
    {
      name: 'require every subpath (CommonJS)',
      run: () => `${inScratch(process.execPath, ['require-all.cjs'])} subpaths required`,
    },
    {
      name: 'types of every subpath (import and require) and the README example',
      run: () => {
        inScratch(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
        return 'tsc --strict clean';
      },
    },
    {
      name: 'README shortest real example (SQLite)',
      run: () => `app.db row ${inScratch(bin('tsx'), ['readme-example.ts'])}`,
    },
    {
      name: 'noclobber race --store sqlite',
      run: () => {
        const rows = JSON.parse(
          inScratch(join(scratch, 'node_modules', '.bin', 'noclobber'), [
            'race',
            '--store',
            'sqlite',
            '--writers',
            '4',
            '--ops',
            '10',
            '--json',
          ]),
        ) as {
          strategy: string;
          lost: number;
        }[];
        const safe = rows.filter((r) => r.strategy !== 'naive');
        if (safe.length === 0 || safe.some((r) => r.lost !== 0))
          throw new Error(`race lost writes: ${JSON.stringify(rows)}`);
        return `exit 0; ${safe.map((r) => `${r.strategy} lost ${r.lost}`).join(', ')}`;
      },
    },
    ...(['postgres', 'dynamodb'] as const).map((store) => ({
      // The published package ships no server starters: the command must say, in one line and
      // with exit status 3 (store unusable), what to install or pass instead — never a stack trace.
      name: `noclobber race --store ${store} (no dev services installed)`,
      run: () => {
        const cli = join(scratch, 'node_modules', '.bin', 'noclobber');
        const r = spawnSync(cli, ['race', '--store', store], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
        const lines = r.stderr.trim().split('\n');
        if (r.status !== 3) throw new Error(`exit ${r.status} (expected 3)\n${r.stdout}${r.stderr}`);
        if (lines.length !== 1 || !/install/.test(lines[0] ?? '') || /\bat .+:\d+:\d+/.test(r.stderr))
          throw new Error(`expected one line saying what to install, got:\n${r.stderr}`);
        return `exit 3: ${lines[0]}`;
      },
    })),
  ];
}

const work = mkdtempSync(join(tmpdir(), 'noclobber-pack-check-'));
let failed = 0;
try {
  for (const step of steps(work)) {
    const t0 = Date.now();
    try {
      const detail = step.run();
      process.stdout.write(`pack-check: ok   ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${detail}\n`);
    } catch (e) {
      process.stdout.write(`pack-check: FAIL ${step.name}: ${e instanceof Error ? e.message : String(e)}\n`);
      failed++;
      if (step.prerequisite) break;
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(
  failed
    ? `pack-check: ${failed} step(s) failed\n`
    : 'pack-check: the packed tarball installs, imports, type-checks and runs\n',
);
process.exit(failed ? 1 : 0);
