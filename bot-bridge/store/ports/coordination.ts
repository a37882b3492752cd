// What replicas use to agree with each other, whoever they are and whatever they coordinate:
// settings (a shared value, or the first writer's), counters (counted once per step), leases (one
// holder at a time) and the shared rate limit (one time line for every replica). Each is one atomic
// step on one key; none knows what its keys mean to the caller.

export interface CoordinationStore {
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /**
   * A first writer's claim: sets the value only if the key is free; returns the value that holds
   * (ours or the earlier one). getSetting reads it too. Unlike a setting, a claim is forgotten after
   * the retention (claims are per handover or per request: idempotency keys, references).
   */
  claimSetting(key: string, value: string): Promise<string>;

  /**
   * Adds `by` to a counter. With `onceId`, the increment happens at most once per id (a retried
   * step after a crash does not count twice); the current value is returned either way. A counter
   * is forgotten after the retention from its last write, except a bound conversation's (see
   * conversationCounters), which is kept until its session has ended and waited out the retention.
   */
  incrCounter(key: string, field: string, by?: number, onceId?: string): Promise<number>;
  /** Whether an increment with this onceId has happened. */
  counted(key: string, onceId: string): Promise<boolean>;
  getCounter(key: string, field: string): Promise<number>;

  /** Takes or renews a named lease; true when `owner` holds it now. */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlease(name: string, owner: string): Promise<void>;

  /**
   * Reserves the next slot of a rate limit shared by every replica: one call per `intervalMs`.
   * Returns how long to wait (ms) before using the slot; 0 = now. A slot more than `maxWaitMs`
   * away is not reserved (the budget stays for callers that will use it): the answer, above
   * `maxWaitMs`, then only says how far out the next free slot is.
   */
  reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number>;
}

/**
 * The counter key of a gateway conversation. Counters under it are forgotten with the conversation
 * (both drivers keep them while its session lives, then for the retention), so a count that belongs
 * to one conversation goes under this key. The Redis scripts know this `conv:` prefix too.
 */
export const conversationCounters = (conversationId: string): string => `conv:${conversationId}`;
