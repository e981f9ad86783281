import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

/** What a `test/setup/service-*.ts` module's `start()` returns. */
export interface StartedService {
  /** Values handed to tests with `inject(name)`; a service that could not start provides `<name>_unavailable` with the reason. */
  readonly provide: Record<string, string>;
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Starts every real server the suites need: each `test/setup/service-*.ts` exports
 * `start()`. URLs reach tests through `provide` / `inject`; everything stops on teardown.
 * `STORES=postgres,sqlite` limits which services start (names match the file suffix).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = process.env.STORES?.split(',').map((s) => s.trim());
  const files = readdirSync(here).filter((f) => /^service-[a-z0-9-]+\.ts$/.test(f));
  const started = await Promise.all(
    files
      .filter((f) => !wanted || wanted.includes(f.slice('service-'.length, -3)))
      .map(async (f) => {
        const mod = (await import(/* @vite-ignore */ pathToFileURL(join(here, f)).href)) as { start(): Promise<StartedService> };
        return mod.start();
      }),
  );
  for (const s of started) for (const [k, v] of Object.entries(s.provide)) project.provide(k as never, v as never);
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
}
