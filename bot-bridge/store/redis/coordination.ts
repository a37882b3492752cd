// Settings, claims, counters, leases and the shared rate limit in Redis (keys.ts: set, cl:, c:, l:,
// rl:). Each step is one command or one script, so it is atomic across replicas. Settings are kept
// for good; a claim (one per handover, per idempotency key…) expires after the retention.
import type { CoordinationStore } from '../ports';
import { lua, type RedisConnection } from './connection';

// ARGV: P, counter, field, by, onceId or '', ttl. Returns the field's value. A counter expires the
// retention after its last write, except a live conversation's (`conv:<id>`, bound with no TTL):
// those are kept until its session ends, which gives them the TTL (sessions.ts).
const INCR = lua(`
    local P, counter = ARGV[1], ARGV[2]
    local k = P .. 'c:' .. counter
    if ARGV[5] ~= '' and redis.call('HSETNX', k, 'once:' .. ARGV[5], 1) == 0 then
      return tonumber(redis.call('HGET', k, ARGV[3]) or '0')
    end
    local v = redis.call('HINCRBY', k, ARGV[3], ARGV[4])
    if string.sub(counter, 1, 5) == 'conv:' and redis.call('TTL', P .. 'conv:' .. string.sub(counter, 6)) == -1 then
      redis.call('PERSIST', k)
    else
      redis.call('EXPIRE', k, ARGV[6])
    end
    return v`);

// ARGV: P, key, value, ttl. Returns the value that holds. A claim made before claims had keys of
// their own (in the settings hash) still holds.
const CLAIM_SETTING = lua(`
    local P, key = ARGV[1], ARGV[2]
    local old = redis.call('HGET', P .. 'set', key)
    if old then return old end
    local k = P .. 'cl:' .. key
    redis.call('SET', k, ARGV[3], 'NX', 'EX', ARGV[4])
    return redis.call('GET', k)`);

// KEYS: the lease. ARGV: owner, ttlMs. 1 = the owner holds it now.
const LEASE = lua(
  `
    local cur = redis.call('GET', KEYS[1])
    if (not cur) or cur == ARGV[1] then
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
    end
    return 0`,
  1,
);

// KEYS: the lease. ARGV: owner.
const UNLEASE = lua(
  `
    if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
    return 1`,
  1,
);

// KEYS: the limit's next free slot. ARGV: intervalMs, maxWaitMs. Returns the wait (ms).
// Redis's clock, not the replica's: every replica reserves against the same time line.
const RESERVE_SLOT = lua(
  `
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
    local start = math.max(tat, now)
    local interval = tonumber(ARGV[1])
    local wait = math.ceil(start - now)
    -- A refused caller makes no call: moving the line on for it would push every later caller out too.
    if wait > tonumber(ARGV[2]) then return wait end
    redis.call('SET', KEYS[1], tostring(start + interval), 'PX', math.ceil(start + interval - now) + 1000)
    return wait`,
  1,
);

export function redisCoordination(c: RedisConnection): CoordinationStore {
  const { redis, P, key } = c;
  const run = c.scripts({ incr: INCR, claimSetting: CLAIM_SETTING, lease: LEASE, unlease: UNLEASE, reserveSlot: RESERVE_SLOT });

  return {
    async getSetting(name: string): Promise<string | null> {
      return (await redis.hget(key.settings, name)) ?? (await redis.get(key.claim(name)));
    },

    async setSetting(name: string, value: string): Promise<void> {
      await redis.hset(key.settings, name, value);
    },

    async claimSetting(name: string, value: string): Promise<string> {
      return String(await run.claimSetting(P, name, value, c.ttlS));
    },

    async incrCounter(counter: string, field: string, by = 1, onceId?: string): Promise<number> {
      return Number(await run.incr(P, counter, field, by, onceId ?? '', c.ttlS));
    },

    async counted(counter: string, onceId: string): Promise<boolean> {
      return (await redis.hexists(key.counters(counter), `once:${onceId}`)) === 1;
    },

    async getCounter(counter: string, field: string): Promise<number> {
      return Number((await redis.hget(key.counters(counter), field)) ?? 0);
    },

    async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
      return (await run.lease(key.lease(name), owner, ttlMs)) === 1;
    },

    async unlease(name: string, owner: string): Promise<void> {
      await run.unlease(key.lease(name), owner);
    },

    async reserveSlot(limit: string, intervalMs: number, maxWaitMs: number): Promise<number> {
      return Math.max(0, Number(await run.reserveSlot(key.rate(limit), intervalMs, maxWaitMs)));
    },
  };
}
