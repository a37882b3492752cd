// The Redis connection as a whole: whether it answers, and closing it. No purge: Redis forgets by
// TTL, set when a session ends and on bindings, inbox entries, job keys and counters (keys.ts).
import type { StoreLifecycle } from '../ports';
import type { RedisConnection } from './connection';

export function redisLifecycle({ redis }: RedisConnection): Omit<StoreLifecycle, 'driver'> {
  return {
    async ping(): Promise<void> {
      await redis.ping();
    },

    async close(): Promise<void> {
      await redis.quit().catch(() => redis.disconnect());
    },

    async purge(): Promise<void> {},
  };
}
