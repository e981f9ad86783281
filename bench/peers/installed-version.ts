import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The version of an installed package, from the package.json above its entry point ('?'
 * when it is not installed). Walks up because not every package exports its package.json.
 * @example
 * ```ts
 * installedVersion('sequelize'); // "6.37.8"
 * ```
 */
export function installedVersion(pkg: string): string {
  try {
    for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg && json.version) return json.version;
    }
  } catch {}
  return '?';
}
