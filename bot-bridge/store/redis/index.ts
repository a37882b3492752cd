// What leaves the redis folder: RedisStore, the shared driver. Several bridge replicas on one
// Redis (standalone or Sentinel; not Cluster, because the scripts touch keys they compute). Every
// multi-key step is one Lua script, kept beside the method that runs it, so it is atomic across
// replicas. Old data expires by TTL instead of a purge. Each port lives in its own file, all on one
// connection (connection.ts) and one key layout (keys.ts).
import type { Store } from '../ports';
import { assembled, type Driver } from '../shared';
import { connectRedis, type RedisConnection } from './connection';
import { redisCoordination } from './coordination';
import { redisInbox } from './inbox';
import { redisLifecycle } from './lifecycle';
import { redisNotices } from './notices';
import { redisFiles } from './files';
import { redisOffline } from './offline';
import { redisOutbox } from './outbox';
import { redisSessions } from './sessions';

const ports: Driver<RedisConnection> = {
  sessions: redisSessions,
  inbox: redisInbox,
  outbox: redisOutbox,
  coordination: redisCoordination,
  offline: redisOffline,
  files: redisFiles,
  lifecycle: redisLifecycle,
  notices: redisNotices,
};

export class RedisStore extends assembled(ports) implements Store {
  readonly driver = 'redis' as const;
  private readonly c: RedisConnection;

  constructor(url: string, prefix: string, retentionH: number) {
    const c = connectRedis(url, prefix, retentionH);
    super(c);
    this.c = c;
  }

  /** Tests: every key under this store's prefix. */
  async dropAll(): Promise<void> {
    const { redis, P } = this.c;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${P}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
}
