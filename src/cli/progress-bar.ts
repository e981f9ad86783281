/** Where progress goes: a stream with `write` and, when it is a terminal, `isTTY`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * A progress bar on a terminal (redrawn in place), or one line per finished task when the
 * stream is not a terminal (so logs stay readable). It never writes to stdout.
 * @example
 * ```ts
 * const bar = new ProgressBar(process.stderr);
 * bar.update('update', 120, 400);
 * bar.done('update', '400 writes, 0 lost');
 * ```
 */
export class ProgressBar {
  readonly #out: ProgressStream;
  #last = 0;

  constructor(out: ProgressStream) {
    this.#out = out;
  }

  update(label: string, done: number, total: number): void {
    if (!this.#out.isTTY) return;
    const now = Date.now();
    if (done < total && now - this.#last < 50) return;
    this.#last = now;
    const width = Math.max(10, Math.min(40, (this.#out.columns ?? 80) - 40));
    const filled = total === 0 ? width : Math.round((done / total) * width);
    this.#out.write(`\r${label.padEnd(9)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}\x1b[K`);
  }

  done(label: string, summary: string): void {
    this.#out.write(`${this.#out.isTTY ? '\r\x1b[K' : ''}${label.padEnd(9)} done: ${summary}\n`);
  }
}
