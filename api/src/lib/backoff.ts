// When failed work runs again (webhook processing, email sends): exponential backoff with full jitter, capped.

/** Longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * The wait before the attempt after `failedAttempt` (1 = the first attempt failed): a uniform random
 * value in [0, min(cap, base · 2^(failedAttempt-1))). `random` is injectable for tests.
 */
export function retryDelayMs(failedAttempt: number, baseMs: number, random: () => number = Math.random, capMs = MAX_RETRY_DELAY_MS): number {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) throw new RangeError('failedAttempt must be a positive integer');
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failedAttempt - 1, 40));
  return Math.floor(random() * ceiling);
}
