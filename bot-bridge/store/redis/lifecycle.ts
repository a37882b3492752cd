// The Redis connection as a whole: whether it answers, closing it, and the purge. Redis forgets most
// old data by TTL (keys.ts says which key gets which); the purge does what a TTL cannot: it drops
// the members of the offline set and the dead list older than the retention, and forgets ended
// sessions past it (their keys are expiring anyway) so that the `states` count of ended sessions
// does not grow for ever.
import type { StoreLifecycle } from '../ports';
import { ENDED } from '../shared';
import { lua, type RedisConnection } from './connection';

/** Ended sessions forgotten per script call: each call is short, so Redis never blocks for long. */
const BATCH = 500;

// ARGV: P, before (ms), the ended state, batch. Returns how many ended sessions it forgot.
const PURGE = lua(`
    local P, before, batch = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4])
    redis.call('ZREMRANGEBYSCORE', P .. 'off', '-inf', '(' .. before)
    local dead = P .. 'ob:dead'
    for _ = 1, 1000 do
      local last = redis.call('LINDEX', dead, -1)
      if not last then break end
      local ok, job = pcall(cjson.decode, last)
      local diedAt = ok and type(job) == 'table' and tonumber(job.diedAt) or nil
      if diedAt == nil or diedAt >= before then break end
      redis.call('RPOP', dead)
    end
    local ids = redis.call('ZRANGEBYSCORE', P .. 'ended', '-inf', '(' .. before, 'LIMIT', 0, batch)
    for _, id in ipairs(ids) do
      local sb = P .. 'sb:' .. id
      for _, cid in ipairs(redis.call('SMEMBERS', sb)) do
        redis.call('DEL', P .. 'conv:' .. cid, P .. 'c:conv:' .. cid, P .. 'inp:' .. cid)
      end
      redis.call('DEL', P .. 's:' .. id, P .. 'tr:' .. id, P .. 'trk:' .. id, sb)
      redis.call('ZREM', P .. 'ended', id)
    end
    if #ids > 0 then redis.call('HINCRBY', P .. 'states', ARGV[3], -#ids) end
    return #ids`);

export function redisLifecycle(c: RedisConnection): Omit<StoreLifecycle, 'driver'> {
  const { redis, P } = c;
  const run = c.scripts({ purge: PURGE });

  return {
    async ping(): Promise<void> {
      await redis.ping();
    },

    async close(): Promise<void> {
      for (const close of c.closing.splice(0)) await close();
      await redis.quit().catch(() => redis.disconnect());
    },

    async purge(before: number): Promise<void> {
      let forgotten = BATCH;
      while (forgotten === BATCH) forgotten = Number(await run.purge(P, before, ENDED, BATCH));
    },
  };
}
