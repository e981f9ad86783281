import { createServer } from 'node:net';

/**
 * A TCP port that is free on loopback right now. Another process may take it before the
 * server binds it, so the starters retry with a new port when a bind fails.
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a server's output says its port was taken between {@link freePort} and its bind. */
export function portTaken(output: string): boolean {
  return /address already in use|BindException|Do you already have another (mysqld|mariadbd) server running|could not create any TCP\/IP sockets/i.test(
    output,
  );
}
