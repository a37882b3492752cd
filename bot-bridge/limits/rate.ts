// A rate as deployers write it ("30/min": a bucket of 30 tokens that refills 30 a minute, so a
// burst of 30 then one every 2 s) and the token-bucket step both stores run: pure, so the memory
// store and the Redis script agree and the arithmetic is tested without a clock.

export interface Rate {
  /** The bucket's size: how many may come at once. */
  burst: number;
  /** Tokens added per millisecond. */
  perMs: number;
  /** As written (for logs and docs). */
  text: string;
}

const PERIODS: Record<string, number> = { s: 1000, sec: 1000, min: 60_000, h: 3_600_000 };

/** "30/min", "5/s", "100/h"; "off" = no limit (null). Throws with a readable message otherwise. */
export function parseRate(raw: string): Rate | null {
  const text = raw.trim().toLowerCase();
  if (text === 'off') return null;
  const match = /^(\d{1,7})\/(s|sec|min|h)$/.exec(text);
  if (!match || Number(match[1]) < 1) throw new Error(`must be like 30/min, 5/s or 100/h (at least 1), or off; got "${raw}"`);
  const count = Number(match[1]);
  return { burst: count, perMs: count / PERIODS[match[2]!]!, text };
}

export interface BucketState {
  tokens: number;
  at: number;
}

/** `left`: the tokens the bucket holds after the take (whole ones). */
export type Verdict = { ok: true; left: number } | { ok: false; retryAfterMs: number };

/**
 * One take from a bucket at `now`: the new state (unchanged when refused: a refusal costs the
 * caller nothing, so waiting as told always works) and the verdict. A missing state is a full bucket.
 */
export function take(state: BucketState | undefined, rate: Rate, now: number, cost = 1): { state: BucketState; verdict: Verdict } {
  const before = state ?? { tokens: rate.burst, at: now };
  const tokens = Math.min(rate.burst, before.tokens + Math.max(0, now - before.at) * rate.perMs);
  if (tokens >= cost) return { state: { tokens: tokens - cost, at: now }, verdict: { ok: true, left: Math.floor(tokens - cost) } };
  return { state: before, verdict: { ok: false, retryAfterMs: Math.ceil((cost - tokens) / rate.perMs) } };
}

/** How long until a bucket left at `tokens` is full again: after that its state can be forgotten. */
export const fullAfterMs = (tokens: number, rate: Rate): number => Math.ceil((rate.burst - tokens) / rate.perMs);

/**
 * A rate split in two: the reserved part `share` (0–1) of its burst (whole tokens) and of its
 * refill, and the rest. Null when the burst is too small to keep a whole token aside.
 */
export function split(rate: Rate, share: number): { rest: Rate; reserved: Rate } | null {
  const burst = Math.floor(rate.burst * share);
  if (burst < 1 || burst >= rate.burst) return null;
  const pct = Math.round(share * 100);
  return {
    rest: { burst: rate.burst - burst, perMs: rate.perMs * (1 - share), text: `${100 - pct}% of ${rate.text}` },
    reserved: { burst, perMs: rate.perMs * share, text: `${pct}% of ${rate.text}` },
  };
}
