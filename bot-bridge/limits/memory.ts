// The limits of one replica, in its memory. Bounded: buckets that have refilled and sets whose
// members have expired are dropped as the maps grow, so a flood of addresses costs memory only
// while it lasts.
import { fullAfterMs, take, type BucketState, type Rate, type Verdict } from './rate';
import type { LimitStore } from './store';

const SWEEP_EVERY = 1000;

export function memoryLimitStore(now: () => number = Date.now): LimitStore {
  const buckets = new Map<string, BucketState & { forgetAt: number }>();
  const sets = new Map<string, Map<string, number>>();
  let writes = 0;

  const sweep = () => {
    if (++writes % SWEEP_EVERY !== 0) return;
    const t = now();
    for (const [key, bucket] of buckets) if (bucket.forgetAt <= t) buckets.delete(key);
    for (const [key, members] of sets) {
      for (const [member, until] of members) if (until <= t) members.delete(member);
      if (members.size === 0) sets.delete(key);
    }
  };

  const live = (key: string): Map<string, number> | undefined => {
    const members = sets.get(key);
    if (!members) return undefined;
    const t = now();
    for (const [member, until] of members) if (until <= t) members.delete(member);
    return members;
  };

  return {
    async take(key: string, rate: Rate): Promise<Verdict> {
      const t = now();
      const { state, verdict } = take(buckets.get(key), rate, t);
      if (verdict.ok) {
        buckets.set(key, { ...state, forgetAt: t + fullAfterMs(state.tokens, rate) });
        sweep();
      }
      return verdict;
    },
    async members(key: string): Promise<string[]> {
      return [...(live(key)?.keys() ?? [])];
    },
    async add(key: string, member: string, ttlMs: number): Promise<void> {
      const members = live(key) ?? new Map<string, number>();
      members.set(member, now() + ttlMs);
      sets.set(key, members);
      sweep();
    },
    async remove(key: string, members: string[]): Promise<void> {
      const set = sets.get(key);
      for (const member of members) set?.delete(member);
      if (set?.size === 0) sets.delete(key);
    },
    async close(): Promise<void> {
      buckets.clear();
      sets.clear();
    },
  };
}
