// Runs the stack-env service: `npx tsx examples/stack-env/src/main.ts`
// Uses DATABASE_URL when set, otherwise starts an embedded PostgreSQL (from npm).
import pg from 'pg';
import { startPostgres } from '../../../tools/services/index.js';
import { createStackEnvServer } from './server.js';
import { openStacks } from './stacks.js';

const embedded = process.env.DATABASE_URL ? undefined : await startPostgres();
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? embedded?.url,
  options: '-c lock_timeout=3000',
});
pool.on('error', () => {});
const stacks = await openStacks(pool);
await stacks.create('demo', { slug: 'demo', status: 'active', env_vars: {} }).catch(() => {});
const port = Number(process.env.PORT ?? 8080);
const server = createStackEnvServer(stacks).listen(port, () => {
  console.log(
    `stack-env on http://localhost:${port}  (try: curl -X PATCH localhost:${port}/stacks/demo/env -d '{"env":{"A":"1"}}')`,
  );
});
process.on('SIGINT', async () => {
  server.close();
  await pool.end();
  await embedded?.stop();
  process.exit(0);
});
