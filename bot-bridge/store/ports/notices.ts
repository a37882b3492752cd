// Entry notices: word that a session's transcript grew, for the customer's long-poll held open on
// this replica or another. A notice carries no entry and may come twice or (when the channel
// between replicas broke) late: whoever hears one reads the store again, and the store is the truth.

export interface EntryNotices {
  /** Every replica's watchers of this session are told that entries were appended (best effort). */
  announceEntries(sessionId: string): void;
  /**
   * Calls `wake` on each announcement for the session until the returned function is called.
   * Resolves once an announcement made from now on is sure to be heard, so a caller that watches,
   * then reads the store, then waits, misses none. null = announcements cannot be heard now (the
   * channel between replicas is down): the caller answers without waiting.
   */
  watchEntries(sessionId: string, wake: () => void): Promise<(() => void) | null>;
  /** Sessions with a watcher on this replica (for metrics and tests). */
  watchedSessions(): number;
}
