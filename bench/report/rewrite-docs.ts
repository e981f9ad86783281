// Regenerates docs/benchmarks.md from bench/results/results.json and bench/results/analysis.md
// without measuring again (after editing the analysis): `npm run bench:docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './bench-results.js';
import { renderMarkdown } from './render-markdown.js';

const file = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const results = JSON.parse(readFileSync(file('../results/results.json'), 'utf8')) as BenchResults;
writeFileSync(
  file('../../docs/benchmarks.md'),
  renderMarkdown(results, readFileSync(file('../results/analysis.md'), 'utf8')),
);
process.stderr.write('wrote docs/benchmarks.md from bench/results/results.json\n');
