// The watchers of entry notices on this replica, by session: what both drivers' notices wake
// (SQLite's directly, Redis's also when another replica announces).

export interface LocalWatchers {
  watch(sessionId: string, wake: () => void): () => void;
  wake(sessionId: string): void;
  /** Every watcher: announcements may have been missed (the channel between replicas was down). */
  wakeAll(): void;
  sessions(): number;
}

export function localWatchers(): LocalWatchers {
  const bySession = new Map<string, Set<() => void>>();
  const call = (wakes: Iterable<() => void>) => {
    for (const wake of [...wakes]) {
      try {
        wake();
      } catch {
        // One watcher's failure is its own; the others are still told.
      }
    }
  };
  return {
    watch(sessionId, wake) {
      let set = bySession.get(sessionId);
      if (!set) bySession.set(sessionId, (set = new Set()));
      // A function of its own per watch: the same callback watched twice is two watchers.
      const entry = () => wake();
      set.add(entry);
      return () => {
        const current = bySession.get(sessionId);
        if (!current?.delete(entry)) return;
        if (!current.size) bySession.delete(sessionId);
      };
    },
    wake(sessionId) {
      const set = bySession.get(sessionId);
      if (set) call(set);
    },
    wakeAll() {
      for (const set of [...bySession.values()]) call(set);
    },
    sessions: () => bySession.size,
  };
}
