/**
 * A small deterministic PRNG (mulberry32): the same seed gives the same sequence.
 * @example
 * ```ts
 * const rnd = seededRandom(42);
 * rnd(); // always the same first number in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nativeRandom = Math.random;

/**
 * Replaces `Math.random` with a seeded generator, so that the backoff jitter of noclobber
 * and of every hand-written loop draws the same sequence in every run. (Which writer
 * draws which number still depends on scheduling: the seed fixes the sequence, not the
 * interleaving.) Call {@link restoreMathRandom} to undo.
 * @example
 * ```ts
 * seedMathRandom(7);
 * ```
 */
export function seedMathRandom(seed: number): void {
  Math.random = seededRandom(seed);
}

/** Puts the native `Math.random` back. */
export function restoreMathRandom(): void {
  Math.random = nativeRandom;
}
