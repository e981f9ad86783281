import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The editor page and its script, bundled from `page.ts` with the real `noclobber/client`
 * (not a copy) for the browser.
 * @example
 * ```ts
 * const { html, script } = await pageAssets();
 * ```
 */
export async function pageAssets(): Promise<{ html: string; script: string }> {
  const result = await build({
    entryPoints: [here('./page.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    target: 'es2022',
    alias: { 'noclobber/client': here('../../../src/client.ts') },
    logLevel: 'silent',
  });
  return { html: readFileSync(here('./index.html'), 'utf8'), script: result.outputFiles[0]?.text ?? '' };
}
