// When a chat's client last polled, for the idle timeout: recorded in the store at most every few
// seconds per chat and replica (the sweeper needs no more precision, and polls are frequent), and
// written in batches, once a second, in one store write (20,000 long-polling visitors ask again
// about 900 times a second; one write each was the SQLite bridge's largest cost after idling).
import type { Store } from '../../store';

/** How long a poll's mark waits to be written with others. */
const FLUSH_MS = 1000;

export function pollTracker(store: Pick<Store, 'touchSessions'>, chatIdleTimeoutS: number) {
  const touched = new Map<string, number>();
  const pending = new Map<string, number>();
  const touchEvery = Math.min(10_000, (chatIdleTimeoutS * 1000) / 4);
  let timer: NodeJS.Timeout | null = null;

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending.size) return;
    const batch = [...pending];
    pending.clear();
    try {
      await store.touchSessions(batch);
    } catch {
      // The store is away: these chats are marked again at their next poll.
      for (const [id] of batch) touched.delete(id);
    }
  };

  return {
    /** A chat just created was seen now (a new session starts as seen). */
    started(id: string): void {
      touched.set(id, Date.now());
    },
    polled(id: string): void {
      const now = Date.now();
      if (now - (touched.get(id) ?? 0) < touchEvery) return;
      touched.set(id, now);
      if (touched.size > 50_000) for (const [key, at] of touched) if (now - at > touchEvery) touched.delete(key);
      pending.set(id, now);
      timer ??= setTimeout(() => void flush(), FLUSH_MS).unref();
    },
    /** Writes the marks not written yet (the server is closing). */
    flush,
  };
}
