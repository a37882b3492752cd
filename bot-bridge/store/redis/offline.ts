// Offline messages in Redis (keys.ts: off): one sorted set of message JSON, scored by arrival. The
// set lives the retention after the latest message; the purge drops the older ones (lifecycle.ts).
import type { OfflineMessage, OfflineStore } from '../ports';
import type { RedisConnection } from './connection';

export function redisOffline(c: RedisConnection): OfflineStore {
  const { redis, key } = c;

  return {
    async addOfflineMessage(message: OfflineMessage): Promise<void> {
      await redis.multi().zadd(key.offline, message.receivedAt, JSON.stringify(message)).expire(key.offline, c.ttlS).exec();
    },

    async offlineMessages(since: number, limit: number): Promise<OfflineMessage[]> {
      const rows = await redis.zrangebyscore(key.offline, since, '+inf', 'LIMIT', 0, limit);
      return rows.map((json) => JSON.parse(json) as OfflineMessage);
    },
  };
}
