/** How often a message is tried, and how long it waits between tries. */
export interface RetryPolicy {
  /** The wait after the first failed attempt; it doubles with each attempt after. */
  baseMs: number
  /** The longest wait. */
  capMs: number
  /** After this many attempts the message is dead. */
  maxAttempts: number
}

/** About 30 s, 1, 2, 4, 8, 16 and 32 minutes: a message is given up after about an hour. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 60 * 60_000, maxAttempts: 8 }

/**
 * The wait before the next attempt, after `attempts` failed ones: exponential, capped,
 * and anywhere in its upper half, so messages that failed together (an SMTP server that
 * was down) are not all retried at the same moment.
 */
export function retryDelay(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const full = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(full / 2 + (random() * full) / 2)
}

/** When the next attempt is due, or null when none is left. */
export function nextAttempt(
  now: number,
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.maxAttempts) return null
  return now + retryDelay(attempts, policy, random)
}
