/** The backoff every hand-written loop in the benchmark uses: noclobber's standard policy. */
export const HAND_BACKOFF = { attempts: 12, baseMs: 2, capMs: 200 } as const;

/** Thrown when a hand-written loop runs out of attempts: the write was not made. */
export class GaveUpError extends Error {
  constructor(readonly attempts: number) {
    super(`gave up after ${attempts} attempts`);
  }
}

/**
 * The optimistic loop people write by hand: try, and when the version moved (`tryOnce`
 * returns false) wait a full-jitter backoff (`random(0, min(cap, base·2^n))`) and try
 * again, at most `HAND_BACKOFF.attempts` times. No escalation to a lock. Returns the
 * attempts used; throws {@link GaveUpError} when they ran out.
 * @example
 * ```ts
 * const attempts = await optimisticLoop(async () => (await casUpdate()).rowCount === 1);
 * ```
 */
export async function optimisticLoop(
  tryOnce: () => Promise<boolean>,
  policy: { attempts: number; baseMs: number; capMs: number } = HAND_BACKOFF,
): Promise<number> {
  for (let n = 1; ; n++) {
    if (await tryOnce()) return n;
    if (n >= policy.attempts) throw new GaveUpError(n);
    const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
