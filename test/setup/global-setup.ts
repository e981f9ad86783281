import type { TestProject } from 'vitest/node';

/**
 * Starts the real servers the suites need (each service registers itself here) and
 * passes their URLs to tests with `provide` / `inject`. Stops them on teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  const services = await import('./services.js');
  for (const start of services.starters) {
    const started = await start();
    for (const [k, v] of Object.entries(started.provide)) project.provide(k as never, v as never);
    stops.push(started.stop);
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
