// The benchmark's own dependencies (the ORM peers and what they pull in) are not part of a
// plain `npm install` at the root: the root .npmrc sets `workspaces=false`, so only the
// library's, tests' and examples' dependencies are installed. `npm run bench` runs this
// first: when one of bench/package.json's dependencies is missing it installs the workspace
// once (`npm install --workspaces --include-workspace-root`, same lock file), else it says nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = dirname(bench);
const manifest = JSON.parse(readFileSync(join(bench, 'package.json'), 'utf8')) as Record<
  string,
  Record<string, string> | undefined
>;
const wanted = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });

/** Installed where Node would find it from bench/ (bench/node_modules, then the root's). */
const installed = (name: string) =>
  [bench, root].some((dir) => existsSync(join(dir, 'node_modules', name, 'package.json')));

const missing = wanted.filter((name) => !installed(name));
if (missing.length > 0) {
  process.stderr.write(`bench: installing the benchmark's own dependencies once (missing: ${missing.join(', ')})\n`);
  const args = ['install', '--workspaces', '--include-workspace-root', '--no-audit', '--no-fund', '--loglevel=warn'];
  // The npm running this script when there is one (`npm run bench`), else the one on PATH.
  const npm = process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : undefined;
  const r = npm
    ? spawnSync(process.execPath, [npm, ...args], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(
      `bench: npm install --workspaces failed (exit ${r.status ?? r.signal}); run it yourself at the repository root to see why\n`,
    );
    process.exit(1);
  }
}
