// When a chat's client last polled, for the idle timeout: recorded in the store at most every few
// seconds per chat and replica (the sweeper needs no more precision, and polls are frequent).
import type { Store } from '../../store';

export function pollTracker(store: Pick<Store, 'touchSession'>, chatIdleTimeoutS: number) {
  const touched = new Map<string, number>();
  const touchEvery = Math.min(10_000, (chatIdleTimeoutS * 1000) / 4);
  return {
    /** A chat just created was seen now (a new session starts as seen). */
    started(id: string): void {
      touched.set(id, Date.now());
    },
    async polled(id: string): Promise<void> {
      const now = Date.now();
      if (now - (touched.get(id) ?? 0) < touchEvery) return;
      touched.set(id, now);
      if (touched.size > 50_000) for (const [key, at] of touched) if (now - at > touchEvery) touched.delete(key);
      await store.touchSession(id, now);
    },
  };
}
