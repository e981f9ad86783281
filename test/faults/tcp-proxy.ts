import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../tools/services/index.js';

/** A TCP proxy the fault suite can take down (connections cut, new ones refused) and bring back. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly endpoint: string;
  /** Cuts every open connection (requests in flight lose their answers) and refuses new ones for `downMs`. */
  outage(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Forwards a local port to `target` (`http://host:port`). An outage is what a client sees when
 * the server or the network goes away: in-flight requests get ECONNRESET (whether the server
 * applied them is unknown to the client), new connections ECONNREFUSED.
 */
export async function startProxy(target: string): Promise<TcpProxy> {
  const upstream = new URL(target);
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const remote = connect(Number(upstream.port), upstream.hostname);
    for (const s of [client, remote]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(remote);
    remote.pipe(client);
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const down = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.resetAndDestroy();
    });
  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async outage(downMs) {
      await down();
      await new Promise((r) => setTimeout(r, downMs));
      await listen();
    },
    close: down,
  };
}
