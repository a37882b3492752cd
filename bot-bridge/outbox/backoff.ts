// Retry delays: exponential from a base, capped, with "equal jitter" (half fixed, half random) so
// replicas retrying the same outage do not march in step.
export function backoff(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The next attempt time: after the server's Retry-After when it gave one (never sooner), else backoff. */
export function nextAttempt(attempt: number, retryAfterMs: number | null, opts: { baseMs: number; capMs: number; now?: number; random?: () => number }): number {
  const now = opts.now ?? Date.now();
  const random = opts.random ?? Math.random;
  if (retryAfterMs !== null) return now + retryAfterMs + Math.round(random() * Math.min(1000, retryAfterMs / 10));
  return now + backoff(attempt, opts.baseMs, opts.capMs, random);
}
