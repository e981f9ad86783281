// The scratch project of `npm run pack:check` (tools/pack-check.ts): the repository's peers
// linked in, and one probe file per check — every subpath imported from ESM, required from
// CommonJS and type-checked both ways, and the README's shortest real example with a check
// of what it left in its database.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The fields of package.json the pack check reads. */
export interface Manifest {
  readonly exports: Record<string, string | Record<string, string>>;
  readonly peerDependencies?: Record<string, string>;
  readonly bin?: Record<string, string>;
}

/** The README's "shortest real example", verbatim, so the check follows the README. */
function readmeExample(repo: string): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.split(/^## The shortest real example$/m)[1];
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('README.md has no ```ts block under "## The shortest real example"');
  return code;
}

/** What the example must have left in app.db, checked with the driver rather than the library. */
const EXAMPLE_CHECK = `
const written = db.prepare('SELECT version, status, env_vars FROM stacks WHERE slug = ?').get('web') as { version: number; status: string; env_vars: string };
const env = JSON.parse(written.env_vars) as Record<string, string>;
if (written.status !== 'active' || env.API_URL !== 'https://api' || env.DEBUG !== '1' || 'OLD' in env)
  throw new Error(\`the README example left \${JSON.stringify(written)}\`);
process.stdout.write(JSON.stringify(written));
`;

/** Every subpath the package exports, with the module specifier a user writes for it. */
function subpaths(manifest: Manifest): { subpath: string; specifier: string }[] {
  return Object.keys(manifest.exports)
    .filter((s) => s !== './package.json')
    .map((subpath) => ({ subpath, specifier: subpath === '.' ? 'noclobber' : `noclobber/${subpath.slice(2)}` }));
}

/** Symlinks the repository's installed copy of every peer (and its @types) into the scratch project. */
export function linkPeers(repo: string, scratch: string, manifest: Manifest): string[] {
  const names = Object.keys(manifest.peerDependencies ?? {});
  const typed = ['node', ...names].map((n) => `@types/${n.replace(/^@/, '').replace('/', '__')}`);
  const linked: string[] = [];
  for (const name of [...names, ...typed]) {
    const from = join(repo, 'node_modules', name);
    const to = join(scratch, 'node_modules', name);
    if (!existsSync(from) || existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(from, to, 'dir');
    linked.push(name);
  }
  return linked;
}

/** The scratch project's probes: one file per check, each importing every subpath. */
export function writeProbes(repo: string, scratch: string, manifest: Manifest): void {
  const specs = subpaths(manifest).map((s) => s.specifier);
  const each = (line: (spec: string, i: number) => string) => specs.map(line).join('\n');
  const names = specs.map((_, i) => `m${i}`).join(', ');
  const probes: Record<string, string> = {
    // ESM: every subpath loads and exports something.
    'import-all.mjs': [
      each((s, i) => `import * as m${i} from '${s}';`),
      `const empty = [${names}].filter((m) => Object.keys(m).length === 0).length;`,
      "if (empty) throw new Error(empty + ' subpaths export nothing');",
      `console.log(${specs.length});`,
    ].join('\n'),
    // CommonJS: Node 20.19+ loads the ESM package through require() (the exports' `default` condition).
    'require-all.cjs': [
      `const specs = ${JSON.stringify(specs)};`,
      "for (const s of specs) if (Object.keys(require(s)).length === 0) throw new Error(s + ' exports nothing');",
      "if (typeof require('noclobber').collection !== 'function') throw new Error('require(noclobber).collection is not a function');",
      // Store-author parts are on noclobber/store, not on the root (docs/design.md, "Public surface").
      "if (typeof require('noclobber/store').explainFailure !== 'function' || 'explainFailure' in require('noclobber')) throw new Error('explainFailure is not on noclobber/store alone');",
      'console.log(specs.length);',
    ].join('\n'),
    // Types from ESM, and from a CommonJS TypeScript file (`import x = require(…)`, TypeScript 5.8+ with nodenext).
    'types-all.ts': `${each((s, i) => `import * as m${i} from '${s}';`)}\nexport const all = [${names}];`,
    'types-require.cts': `${each((s, i) => `import m${i} = require('${s}');`)}\nexport = [${names}];`,
    'readme-example.ts': `${readmeExample(repo)}${EXAMPLE_CHECK}`,
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        strict: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['*.ts', '*.cts'],
    }),
  };
  for (const [file, text] of Object.entries(probes)) writeFileSync(join(scratch, file), `${text}\n`);
}
