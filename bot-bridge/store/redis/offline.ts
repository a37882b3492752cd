// Offline messages in Redis (keys.ts: off): one sorted set of message JSON, scored by arrival.
import type { OfflineMessage, OfflineStore } from '../ports';
import type { RedisConnection } from './connection';

export function redisOffline(c: RedisConnection): OfflineStore {
  const { redis, key } = c;

  return {
    async addOfflineMessage(message: OfflineMessage): Promise<void> {
      await redis.zadd(key.offline, message.receivedAt, JSON.stringify(message));
    },

    async offlineMessages(since: number, limit: number): Promise<OfflineMessage[]> {
      const rows = await redis.zrangebyscore(key.offline, since, '+inf', 'LIMIT', 0, limit);
      return rows.map((json) => JSON.parse(json) as OfflineMessage);
    },
  };
}
