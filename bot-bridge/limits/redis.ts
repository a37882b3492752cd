// The limits shared by every replica, in Redis: one script per bucket take (read, refill, take,
// write and expire in one atomic step, on Redis's clock so replicas' clocks need not agree), and a
// sorted set per capped group scored by expiry. Every key has a TTL: a bucket lives until it would
// be full again, a set until its last member expires.
import { Redis } from 'ioredis';
import type { Rate, Verdict } from './rate';
import type { LimitStore } from './store';

// KEYS[1] = bucket; ARGV = burst, tokens per ms. Returns { 1, tokens left } when taken, { 0, retryAfterMs } when refused.
// The same arithmetic as rate.ts take(): a refusal writes nothing.
const TAKE = `
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local burst, perMs = tonumber(ARGV[1]), tonumber(ARGV[2])
  local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
  local tokens = tonumber(v[1]) or burst
  local at = tonumber(v[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
  if tokens < 1 then return { 0, math.ceil((1 - tokens) / perMs) } end
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
  return { 1, math.floor(tokens) }`;

// KEYS[1] = set; ARGV = member, ttlMs, now. The key lives as long as its longest-lived member.
const ADD = `
  local expires = tonumber(ARGV[3]) + tonumber(ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
  redis.call('ZADD', KEYS[1], expires, ARGV[1])
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(tonumber(last[2]) - tonumber(ARGV[3]))))
  return 1`;

export function redisLimitStore(url: string, prefix: string): LimitStore {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  // Reconnects are reported by the store's own connection (/readyz); a limit that cannot be
  // checked lets the request through (see limiter.ts), so errors need no listener output here.
  redis.on('error', () => undefined);
  redis.defineCommand('parleyLimitTake', { numberOfKeys: 1, lua: TAKE });
  redis.defineCommand('parleyLimitAdd', { numberOfKeys: 1, lua: ADD });
  const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;

  return {
    async take(key: string, rate: Rate): Promise<Verdict> {
      const [ok, n] = (await commands.parleyLimitTake!(prefix + key, rate.burst, rate.perMs)) as [number, number];
      return ok === 1 ? { ok: true, left: Number(n) } : { ok: false, retryAfterMs: Number(n) };
    },
    async members(key: string): Promise<string[]> {
      return redis.zrangebyscore(prefix + key, `(${Date.now()}`, '+inf');
    },
    async add(key: string, member: string, ttlMs: number): Promise<void> {
      await commands.parleyLimitAdd!(prefix + key, member, ttlMs, Date.now());
    },
    async remove(key: string, members: string[]): Promise<void> {
      if (members.length) await redis.zrem(prefix + key, ...members);
    },
    async close(): Promise<void> {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
