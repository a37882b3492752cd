// The store as a whole: which driver, whether it answers, closing it, and forgetting old data.

export interface StoreLifecycle {
  readonly driver: 'sqlite' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Forgets what is older than `before` (now minus the retention): sessions ended before it, with
   * their transcripts, bindings and conversation counters; webhook event ids, job keys, dead jobs,
   * claims, other counters last written before it; offline messages received before it. Nothing a
   * session that has not ended needs. (Redis forgets most of it by TTL, and the purge does the rest.)
   */
  purge(before: number): Promise<void>;
}
