import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTables, type DatabaseKind, openSameDatabase, type TableNames } from '../http/same-database.js';
import { service } from '../setup/services.js';

// Found in review: "Idempotency-Key: completing the key and writing the record are two writes, so a
// crash between them leaves the key 'in flight' and a retry after expiry can apply twice."
// A real server process is killed with SIGKILL at that point; its replacement gets the retry.

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const worker = fileURLToPath(new URL('./idempotency-server.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nc-idem-crash-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Server {
  readonly url: string;
  /** Resolves with the point a fault stopped the server at. */
  readonly stopped: Promise<string>;
  kill(): Promise<void>;
}

/** Starts the worker server; resolves once it listens. */
function startServer(args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, ['--import', tsx, worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => void (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let onStop: (at: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (onStop = resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      for (;;) {
        const nl = out.indexOf('\n');
        if (nl < 0) break;
        const line = JSON.parse(out.slice(0, nl)) as { listening?: string; at?: string };
        out = out.slice(nl + 1);
        if (line.at) onStop(line.at);
        if (line.listening)
          resolve({
            url: line.listening,
            stopped,
            kill: async () => {
              child.kill('SIGKILL');
              await exited;
              children.delete(child);
            },
          });
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`the server exited (${code}) before listening: ${stderr.slice(-2000)}`)),
    );
  });
}

/** The request every attempt sends: an increment, unconditioned (`If-Match: *`), so only the key keeps it from applying twice. */
const send = (url: string) =>
  fetch(`${url}/docs/d`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/vnd.noclobber.ops+json', 'if-match': '*', 'idempotency-key': '"order-1"' },
    body: JSON.stringify([{ op: 'inc', path: 'n', by: 1 }]),
  });

const [postgres, dynamodb] = await Promise.all([service('postgres'), service('dynamodb')]);
const targets: [DatabaseKind, string | undefined][] = [
  ['sqlite', join(dir, 'idem.db')],
  ['postgres', postgres],
  ['dynamodb', dynamodb],
];

let seq = 0;
for (const [kind, target] of targets) {
  describe.skipIf(!target)(
    `Idempotency-Key on ${kind}: a server killed mid-request never applies the write twice`,
    () => {
      const setup = async (): Promise<{ names: TableNames; n(): Promise<unknown>; close(): Promise<void> }> => {
        const suffix = `${process.pid}_${++seq}`;
        const names = { docs: `ic_docs_${suffix}`, audit: `ic_audit_${suffix}`, keys: `ic_keys_${suffix}` };
        await createTables(kind, target as string, names);
        const db = await openSameDatabase(kind, target as string, names);
        await db.docs.create('d', { id: 'd', status: 'active', n: 0 });
        return { names, n: async () => (await db.docs.get('d'))?.value.n, close: () => db.close() };
      };
      const server = (names: TableNames, fault: string, ttlMs: number) =>
        startServer([kind, target as string, JSON.stringify(names), fault, String(ttlMs)]);

      it('killed between the write and the key’s completion: nothing of it stays; the retry applies it once, then replays its stored answer', async () => {
        const db = await setup();
        // The first server's claim lives 1.5 s: after that, a retry may run the request again.
        const first = await server(db.names, 'between', 1500);
        const pending = send(first.url).catch((e: unknown) => e);
        expect(await first.stopped).toBe('between');
        await first.kill();
        expect(await pending).toBeInstanceOf(Error); // the connection died with the process
        const second = await server(db.names, 'none', 60_000);
        try {
          // While the dead request's claim lives, retries are told it is in flight (409); then one runs.
          let answer = await send(second.url);
          const deadline = Date.now() + 30_000;
          while (answer.status === 409 && Date.now() < deadline) {
            expect(await answer.json()).toMatchObject({ code: 'idempotency', retryable: true });
            await new Promise((r) => setTimeout(r, 200));
            answer = await send(second.url);
          }
          expect(answer.status).toBe(200);
          const body = await answer.json();
          expect(body).toMatchObject({ n: 1 });
          expect(await db.n()).toBe(1);
          const replay = await send(second.url);
          expect(replay.status).toBe(200);
          expect(replay.headers.get('idempotent-replayed')).toBe('true');
          expect(replay.headers.get('etag')).toBe(answer.headers.get('etag'));
          expect(await replay.json()).toEqual(body);
          expect(await db.n()).toBe(1);
        } finally {
          await second.kill();
          await db.close();
        }
      });

      it('killed after the commit, before answering: the retry gets the stored answer, applied once', async () => {
        const db = await setup();
        const first = await server(db.names, 'answered', 60_000);
        const pending = send(first.url).catch((e: unknown) => e);
        expect(await first.stopped).toBe('answered');
        await first.kill();
        expect(await pending).toBeInstanceOf(Error);
        expect(await db.n()).toBe(1);
        const second = await server(db.names, 'none', 60_000);
        try {
          const retry = await send(second.url);
          expect(retry.status).toBe(200);
          expect(retry.headers.get('idempotent-replayed')).toBe('true');
          expect(await retry.json()).toMatchObject({ n: 1 });
          expect(await db.n()).toBe(1);
        } finally {
          await second.kill();
          await db.close();
        }
      });
    },
  );
}
