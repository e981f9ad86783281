// Regenerates docs/benchmarks.md from bench/results.json and bench/analysis.md without
// measuring again (after editing the analysis): `npx tsx bench/rewrite-docs.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './bench-results.js';
import { renderMarkdown } from './render-markdown.js';

const file = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const results = JSON.parse(readFileSync(file('./results.json'), 'utf8')) as BenchResults;
writeFileSync(file('../docs/benchmarks.md'), renderMarkdown(results, readFileSync(file('./analysis.md'), 'utf8')));
process.stderr.write('wrote docs/benchmarks.md from bench/results.json\n');
