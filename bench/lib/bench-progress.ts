/**
 * The benchmark's progress on stderr: a bar over every measured step, redrawn in place on a
 * terminal, and one line per finished section (always, so logs stay readable). Never stdout.
 * @example
 * ```ts
 * const progress = new BenchProgress(120);
 * progress.step('hot row · postgres · 64 writers · update');
 * progress.section('hot row', 'done in 95 s');
 * ```
 */
export class BenchProgress {
  readonly #out = process.stderr;
  readonly #started = Date.now();
  #done = 0;
  #total: number;
  #drawn = 0;

  constructor(total: number) {
    this.#total = total;
  }

  /** Adds steps discovered later (a section that turned out to have more). */
  grow(steps: number): void {
    this.#total += steps;
  }

  /** Marks one step as started and redraws the bar. */
  step(label: string): void {
    this.#draw(`${label} ·`);
    this.#done = Math.min(this.#total, this.#done + 1);
  }

  /** Prints a finished section's one-line summary. */
  section(name: string, summary: string): void {
    const s = Math.round((Date.now() - this.#started) / 1000);
    this.#out.write(`${this.#out.isTTY ? '\r\x1b[K' : ''}${name.padEnd(9)} done: ${summary} (${s} s so far)\n`);
  }

  /** The bar, at most every 50 ms (and only on a terminal). */
  #draw(label: string): void {
    if (!this.#out.isTTY) return;
    const now = Date.now();
    if (this.#done < this.#total && now - this.#drawn < 50) return;
    this.#drawn = now;
    const width = Math.max(10, Math.min(40, (this.#out.columns ?? 80) - 40));
    const filled = this.#total === 0 ? width : Math.round((this.#done / this.#total) * width);
    this.#out.write(
      `\r${label.padEnd(9)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.#done}/${this.#total}\x1b[K`,
    );
  }
}
