import type { BlobStore } from './blob-store.js';
import type { Shop, ShopTx, StagedUploadRow } from './shop.js';

/** Settings of the ledger. */
export interface LedgerOptions {
  /** How long an upload may take before its file is swept if no product has claimed it. Default 15 min. */
  readonly uploadTtlMs?: number;
  /** First retry delay of a failed delete; doubles per attempt. Default 1 s. */
  readonly retryBaseMs?: number;
  /** Largest retry delay. Default 10 min. */
  readonly retryCapMs?: number;
  readonly now?: () => number;
  /** Where the sweeper reports what it could not delete (and what it kept). Default `console.warn`. */
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

/** What one sweep did, by key. */
export interface SweepReport {
  readonly deleted: string[];
  readonly failed: string[];
  /** Files some image references: never deleted, their ledger rows dropped. */
  readonly kept: string[];
}

/**
 * The staged-upload ledger (seed 001): a table of files that no product references — an
 * upload in flight, or an image a product no longer has — outside the product row, keyed
 * by the file's key, with a due time. At every instant a file is referenced by an image
 * or listed here, never neither:
 * - `stage` lists a new upload's key (due after the TTL) BEFORE the upload starts;
 * - `claim`, in the transaction that writes the product, removes the keys it references —
 *   only while they are not yet due and untouched by the sweeper, so a claimed file is never
 *   swept and a swept file is never claimed;
 * - `discard`, in the same transaction, lists the files the product stops referencing, due now;
 * - `sweep` deletes the files of due rows, taking each row first (attempts + 1, next try
 *   pushed back with exponential backoff), and never a file an image references.
 * A lost write, a failed write, a deleted product or a failed post-commit step leaves rows
 * here, never an orphan; the scheduled sweeper (`start`) deletes them.
 *
 * @example
 * ```ts
 * const ledger = new UploadLedger(prisma, blobs, { uploadTtlMs: 15 * 60_000 });
 * const sweeper = ledger.start(60_000);
 * ```
 */
export class UploadLedger {
  readonly #prisma: Shop;
  readonly #blobs: BlobStore;
  readonly #ttl: number;
  readonly #base: number;
  readonly #cap: number;
  readonly #now: () => number;
  readonly #log: (message: string, detail: Record<string, unknown>) => void;

  constructor(prisma: Shop, blobs: BlobStore, options: LedgerOptions = {}) {
    this.#prisma = prisma;
    this.#blobs = blobs;
    this.#ttl = options.uploadTtlMs ?? 15 * 60_000;
    this.#base = options.retryBaseMs ?? 1000;
    this.#cap = options.retryCapMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((message, detail) => console.warn(`upload ledger: ${message}`, detail));
  }

  /** Lists new upload keys, due after the TTL, before anything is uploaded. */
  async stage(productId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const dueAt = new Date(this.#now() + this.#ttl);
    await this.#prisma.stagedUpload.createMany({ data: keys.map((key) => ({ key, productId, dueAt })) });
  }

  /** In the product's transaction: takes the keys off the ledger. False when any of them expired or is being swept. */
  async claim(tx: ShopTx, keys: readonly string[]): Promise<boolean> {
    if (keys.length === 0) return true;
    const { count } = await tx.stagedUpload.deleteMany({
      where: { key: { in: [...keys] }, attempts: 0, dueAt: { gt: new Date(this.#now()) } },
    });
    return count === keys.length;
  }

  /** In the transaction that stops referencing files: lists them, due now. */
  async discard(tx: ShopTx, productId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const dueAt = new Date(this.#now());
    await tx.stagedUpload.createMany({ data: keys.map((key) => ({ key, productId, dueAt })), skipDuplicates: true });
  }

  /**
   * Lists the uploads of a request that failed as due now — again, if the sweeper already
   * took their rows (an upload that outlived its TTL may have been written after the
   * sweeper deleted it) — so they go at the next sweep, not after the TTL. Safe even if
   * the outcome of the request's commit is unknown: a referenced file is never deleted.
   */
  async release(productId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const dueAt = new Date(this.#now());
    await this.#prisma.stagedUpload.createMany({
      data: keys.map((key) => ({ key, productId, dueAt })),
      skipDuplicates: true,
    });
    await this.#prisma.stagedUpload.updateMany({ where: { key: { in: [...keys] }, attempts: 0 }, data: { dueAt } });
  }

  #delay(attempt: number): number {
    return Math.min(this.#cap, this.#base * 2 ** (attempt - 1));
  }

  async #sweepOne(row: StagedUploadRow, report: SweepReport): Promise<void> {
    const now = this.#now();
    const attempt = row.attempts + 1;
    // Take the row: conditioned on it being due and on the attempts read, so one sweeper
    // works on a row at a time, and a claim (attempts = 0) can no longer take it.
    const { count } = await this.#prisma.stagedUpload.updateMany({
      where: { key: row.key, attempts: row.attempts, dueAt: { lte: new Date(now) } },
      data: { attempts: attempt, dueAt: new Date(now + this.#delay(attempt)) },
    });
    if (count !== 1) return;
    if ((await this.#prisma.image.count({ where: { key: row.key } })) > 0) {
      // Cannot happen through claim/discard; a referenced file is kept whatever the ledger says.
      await this.#prisma.stagedUpload.deleteMany({ where: { key: row.key, attempts: attempt } });
      this.#log('kept a file an image references', { key: row.key });
      report.kept.push(row.key);
      return;
    }
    try {
      await this.#blobs.delete(row.key);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      await this.#prisma.stagedUpload.updateMany({
        where: { key: row.key, attempts: attempt },
        data: { lastError: error },
      });
      this.#log('could not delete a file; will retry', {
        key: row.key,
        attempts: attempt,
        retryInMs: this.#delay(attempt),
        error,
      });
      report.failed.push(row.key);
      return;
    }
    await this.#prisma.stagedUpload.deleteMany({ where: { key: row.key, attempts: attempt } });
    report.deleted.push(row.key);
  }

  /**
   * Deletes the files of due rows (all of them, or only `keys`). Never throws for one
   * file: a failure is logged and retried later with backoff.
   */
  async sweep(keys?: readonly string[], limit = 100): Promise<SweepReport> {
    const report: SweepReport = { deleted: [], failed: [], kept: [] };
    const due = await this.#prisma.stagedUpload.findMany({
      where: { dueAt: { lte: new Date(this.#now()) }, ...(keys ? { key: { in: [...keys] } } : {}) },
      orderBy: { dueAt: 'asc' },
      take: limit,
    });
    for (const row of due) await this.#sweepOne(row, report);
    return report;
  }

  /** How many files the ledger still lists. */
  pending(): Promise<number> {
    return this.#prisma.stagedUpload.count();
  }

  /**
   * Sweeps every `everyMs` until stopped; a sweep that fails as a whole (the database is
   * down) is logged and tried again at the next tick.
   */
  start(everyMs: number): { stop(): Promise<void> } {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(() =>
        this.sweep().catch((e: unknown) =>
          this.#log('a sweep failed; next tick retries', { error: e instanceof Error ? e.message : String(e) }),
        ),
      );
    }, everyMs);
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }
}
