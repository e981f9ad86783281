import { ProgressBar } from '../src/cli/progress-bar.js';

/**
 * The benchmark's progress on stderr: a bar over every measured step on a terminal, one
 * line per finished section otherwise (and always).
 * @example
 * ```ts
 * const progress = new BenchProgress(120);
 * progress.step('hot row · postgres · 64 writers · update');
 * progress.section('hot row', 'done in 95 s');
 * ```
 */
export class BenchProgress {
  readonly #bar = new ProgressBar(process.stderr);
  readonly #started = Date.now();
  #done = 0;
  #total: number;

  constructor(total: number) {
    this.#total = total;
  }

  /** Adds steps discovered later (a section that turned out to have more). */
  grow(steps: number): void {
    this.#total += steps;
  }

  /** Marks one step as started and redraws the bar. */
  step(label: string): void {
    this.#bar.update(`${label} ·`, this.#done, this.#total);
    this.#done = Math.min(this.#total, this.#done + 1);
  }

  /** Prints a finished section's one-line summary. */
  section(name: string, summary: string): void {
    const s = Math.round((Date.now() - this.#started) / 1000);
    this.#bar.done(name, `${summary} (${s} s so far)`);
  }
}
