// The shared driver: several bridge replicas on one Redis (standalone or Sentinel; not Cluster,
// because the scripts touch keys they compute). Every multi-key step is one Lua script, so it is
// atomic across replicas. Old data expires by TTL instead of a purge.
import { Redis } from 'ioredis';
import type { Entry, InboxAdded, InboxEvent, Job, NewEntry, NewJob, OfflineMessage, Session, Store } from './ports';

const LUA = {
  createSession: `
    local P, id = ARGV[1], ARGV[2]
    local k = P .. 's:' .. id
    if redis.call('EXISTS', k) == 1 then return 0 end
    redis.call('HSET', k, 'doc', ARGV[3], 'v', ARGV[4], 'kind', ARGV[5], 'state', ARGV[6], 'cursor', 0)
    redis.call('HINCRBY', P .. 'states', ARGV[6], 1)
    if ARGV[5] == 'widget' and ARGV[6] ~= 'ended' then redis.call('ZADD', P .. 'seen', ARGV[7], id) end
    return 1`,
  saveSession: `
    local P, id = ARGV[1], ARGV[2]
    local k = P .. 's:' .. id
    if redis.call('HGET', k, 'v') ~= ARGV[3] then return 0 end
    local old = redis.call('HGET', k, 'state')
    local new = ARGV[6]
    redis.call('HSET', k, 'doc', ARGV[5], 'v', ARGV[4], 'state', new)
    if old ~= new then
      redis.call('HINCRBY', P .. 'states', old, -1)
      redis.call('HINCRBY', P .. 'states', new, 1)
    end
    if new == 'ended' then
      redis.call('ZREM', P .. 'seen', id)
      local ttl = tonumber(ARGV[7])
      for _, key in ipairs({ k, P .. 'tr:' .. id, P .. 'trk:' .. id }) do redis.call('EXPIRE', key, ttl) end
    end
    return 1`,
  append: `
    local P, id = ARGV[1], ARGV[2]
    local tr, trk = P .. 'tr:' .. id, P .. 'trk:' .. id
    local out = {}
    for i = 3, #ARGV, 2 do
      local key, json = ARGV[i], ARGV[i + 1]
      local idx = false
      if key ~= '' then idx = redis.call('HGET', trk, key) end
      if idx then
        table.insert(out, tonumber(idx))
        table.insert(out, redis.call('LINDEX', tr, tonumber(idx) - 1))
      else
        local n = redis.call('RPUSH', tr, json)
        if key ~= '' then redis.call('HSET', trk, key, n) end
        table.insert(out, n)
        table.insert(out, json)
      end
    end
    return out`,
  readEntries: `
    local P, id = ARGV[1], ARGV[2]
    local k, tr = P .. 's:' .. id, P .. 'tr:' .. id
    local cursor = tonumber(redis.call('HGET', k, 'cursor') or '0')
    local start = tonumber(ARGV[3])
    if start == nil then start = cursor + 1 end
    if start < 1 then start = 1 end
    local rows = redis.call('LRANGE', tr, start - 1, -1)
    local last = start - 1 + #rows
    if #rows > 0 and last > cursor and redis.call('EXISTS', k) == 1 then redis.call('HSET', k, 'cursor', last) end
    table.insert(rows, 1, start)
    return rows`,
  // ARGV: P, ttl, then (eventId, conversationId, json) per event.
  // Returns (state, bound session) per event; state: 2 = new, 1 = seen before and still pending, 0 = seen before and done.
  inboxAdd: `
    local P, ttl = ARGV[1], ARGV[2]
    local out = {}
    for i = 3, #ARGV, 3 do
      local eid, cid = ARGV[i], ARGV[i + 1]
      local bound = redis.call('GET', P .. 'conv:' .. cid) or ''
      local pending = P .. 'inp:' .. cid
      if redis.call('SET', P .. 'in:' .. eid, 1, 'NX', 'EX', ttl) then
        local seq = redis.call('INCR', P .. 'inseq')
        redis.call('HSET', pending, eid, seq .. '|' .. ARGV[i + 2])
        redis.call('EXPIRE', pending, ttl)
        table.insert(out, 2)
      else
        table.insert(out, redis.call('HEXISTS', pending, eid))
      end
      table.insert(out, bound)
    end
    return out`,
  enqueue: `
    local P, now, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
    local queue, key, nb = ARGV[4], ARGV[7], tonumber(ARGV[8])
    if key ~= '' then
      if not redis.call('SET', P .. 'ob:k:' .. key, 1, 'NX', 'EX', ttl) then return 0 end
    end
    local id = redis.call('INCR', P .. 'ob:seq')
    local j = P .. 'ob:j:' .. id
    redis.call('HSET', j, 'id', id, 'queue', queue, 'kind', ARGV[5], 'data', ARGV[6], 'key', key, 'state', 'pending',
      'nb', nb, 'lease', 0, 'attempts', 0, 'created', now, 'token', '', 'owner', '', 'err', '')
    local q = P .. 'ob:q:' .. queue
    redis.call('ZADD', q, id, id)
    redis.call('INCR', P .. 'ob:n')
    local head = redis.call('ZRANGE', q, 0, 0)[1]
    if head == tostring(id) then redis.call('ZADD', P .. 'ob:ready', nb, queue) end
    return 1`,
  claim: `
    local P, now, owner, leaseMs, limit = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
    local ready = P .. 'ob:ready'
    local out = {}
    local queues = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, limit * 4)
    for _, queue in ipairs(queues) do
      if #out >= limit then break end
      local head = redis.call('ZRANGE', P .. 'ob:q:' .. queue, 0, 0)[1]
      if not head then
        redis.call('ZREM', ready, queue)
      else
        local j = P .. 'ob:j:' .. head
        local f = redis.call('HMGET', j, 'state', 'nb', 'lease')
        local due = (f[1] == 'pending' and tonumber(f[2]) <= now) or (f[1] == 'inflight' and tonumber(f[3]) <= now)
        if due then
          local attempts = redis.call('HINCRBY', j, 'attempts', 1)
          local token = owner .. ':' .. head .. ':' .. attempts .. ':' .. now
          redis.call('HSET', j, 'state', 'inflight', 'owner', owner, 'token', token, 'lease', now + leaseMs)
          redis.call('ZADD', ready, now + leaseMs, queue)
          local h = redis.call('HGETALL', j)
          local t = {}
          for i = 1, #h, 2 do t[h[i]] = h[i + 1] end
          table.insert(out, cjson.encode(t))
        elseif f[1] == 'pending' then
          redis.call('ZADD', ready, f[2], queue)
        else
          redis.call('ZADD', ready, f[3], queue)
        end
      end
    end
    return out`,
  // ARGV: P, id, token, mode ('complete' | 'bury'), deadJson
  finish: `
    local P, id, token = ARGV[1], ARGV[2], ARGV[3]
    local j = P .. 'ob:j:' .. id
    if redis.call('HGET', j, 'token') ~= token then return 0 end
    local queue = redis.call('HGET', j, 'queue')
    if ARGV[4] == 'bury' then
      redis.call('LPUSH', P .. 'ob:dead', ARGV[5])
      redis.call('LTRIM', P .. 'ob:dead', 0, 999)
    end
    redis.call('DEL', j)
    local q = P .. 'ob:q:' .. queue
    redis.call('ZREM', q, id)
    redis.call('DECR', P .. 'ob:n')
    local head = redis.call('ZRANGE', q, 0, 0)[1]
    if head then
      redis.call('ZADD', P .. 'ob:ready', redis.call('HGET', P .. 'ob:j:' .. head, 'nb'), queue)
    else
      redis.call('ZREM', P .. 'ob:ready', queue)
    end
    return 1`,
  // ARGV: P, id, token, nb, data, err, attempts
  reschedule: `
    local P, id, token = ARGV[1], ARGV[2], ARGV[3]
    local j = P .. 'ob:j:' .. id
    if redis.call('HGET', j, 'token') ~= token then return 0 end
    redis.call('HSET', j, 'state', 'pending', 'owner', '', 'token', '', 'lease', 0, 'nb', ARGV[4], 'data', ARGV[5], 'err', ARGV[6], 'attempts', ARGV[7])
    redis.call('ZADD', P .. 'ob:ready', ARGV[4], redis.call('HGET', j, 'queue'))
    return 1`,
  saveJobData: `
    local j = ARGV[1] .. 'ob:j:' .. ARGV[2]
    if redis.call('HGET', j, 'token') ~= ARGV[3] then return 0 end
    redis.call('HSET', j, 'data', ARGV[4])
    return 1`,
  release: `
    local P, owner, now = ARGV[1], ARGV[2], ARGV[3]
    local ready = P .. 'ob:ready'
    for _, queue in ipairs(redis.call('ZRANGE', ready, 0, -1)) do
      local head = redis.call('ZRANGE', P .. 'ob:q:' .. queue, 0, 0)[1]
      if head then
        local j = P .. 'ob:j:' .. head
        local f = redis.call('HMGET', j, 'state', 'owner')
        if f[1] == 'inflight' and f[2] == owner then
          redis.call('HSET', j, 'state', 'pending', 'owner', '', 'token', '', 'lease', 0, 'nb', now)
          redis.call('HINCRBY', j, 'attempts', -1)
          redis.call('ZADD', ready, now, queue)
        end
      end
    end
    return 1`,
  incr: `
    local k = ARGV[1]
    if ARGV[4] ~= '' and redis.call('HSETNX', k, 'once:' .. ARGV[4], 1) == 0 then
      return tonumber(redis.call('HGET', k, ARGV[2]) or '0')
    end
    local v = redis.call('HINCRBY', k, ARGV[2], ARGV[3])
    redis.call('EXPIRE', k, ARGV[5])
    return v`,
  lease: `
    local cur = redis.call('GET', KEYS[1])
    if (not cur) or cur == ARGV[1] then
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
    end
    return 0`,
  unlease: `
    if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
    return 1`,
  // Redis's clock, not the replica's: every replica reserves against the same time line.
  reserveSlot: `
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
} as const;

type Scripts = { [K in keyof typeof LUA]: (...args: (string | number)[]) => Promise<unknown> };

interface RawJob {
  id: string;
  queue: string;
  kind: string;
  data: string;
  key: string;
  nb: string;
  attempts: string;
  created: string;
  token: string;
  err: string;
}

const toJob = (raw: RawJob): Job => ({
  id: String(raw.id),
  queue: raw.queue,
  kind: raw.kind,
  data: JSON.parse(raw.data) as Record<string, unknown>,
  key: raw.key || null,
  notBefore: Number(raw.nb),
  attempts: Number(raw.attempts),
  createdAt: Number(raw.created),
  token: raw.token,
  lastError: raw.err || null,
});

function entryJson(entry: NewEntry): string {
  const { key: _key, ...rest } = entry;
  return JSON.stringify(rest);
}

export class RedisStore implements Store {
  readonly driver = 'redis' as const;
  private readonly redis: Redis;
  private readonly lua: Scripts;
  private readonly ttlS: number;

  constructor(
    url: string,
    private readonly P: string,
    retentionH: number,
  ) {
    // Auto-pipelining sends the commands of one event-loop turn together: many concurrent requests,
    // few round trips.
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
    // Without a listener ioredis prints every reconnect attempt; /readyz reports the state instead.
    this.redis.on('error', () => undefined);
    this.ttlS = retentionH * 3600;
    for (const [name, script] of Object.entries(LUA)) {
      this.redis.defineCommand(name, { numberOfKeys: name === 'lease' || name === 'unlease' || name === 'reserveSlot' ? 1 : 0, lua: script });
    }
    this.lua = this.redis as unknown as Scripts;
  }

  private k(...parts: string[]): string {
    return this.P + parts.join('');
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async getSetting(key: string): Promise<string | null> {
    return this.redis.hget(this.k('set'), key);
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.redis.hset(this.k('set'), key, value);
  }

  async claimSetting(key: string, value: string): Promise<string> {
    await this.redis.hsetnx(this.k('set'), key, value);
    return (await this.redis.hget(this.k('set'), key))!;
  }

  async createSession(session: Session): Promise<boolean> {
    const created = await this.lua.createSession(this.P, session.id, JSON.stringify(session), session.version, session.kind, session.state, Date.now());
    return created === 1;
  }

  async getSession(id: string): Promise<Session | null> {
    const doc = await this.redis.hget(this.k('s:', id), 'doc');
    return doc ? (JSON.parse(doc) as Session) : null;
  }

  async saveSession(session: Session, expected: number): Promise<boolean> {
    const next = { ...session, version: expected + 1 };
    const ok = (await this.lua.saveSession(this.P, session.id, expected, next.version, JSON.stringify(next), next.state, this.ttlS)) === 1;
    if (ok) session.version = next.version;
    return ok;
  }

  async touchSession(id: string, at: number): Promise<void> {
    // XX: only sessions still watched (not ended); GT: never move back in time.
    await this.redis.zadd(this.k('seen'), 'XX', 'GT', at, id);
  }

  async idleSessions(before: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k('seen'), '-inf', `(${before}`, 'LIMIT', 0, limit);
  }

  async countSessions(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.k('states'));
    return Object.fromEntries(
      Object.entries(raw)
        .map(([state, n]) => [state, Number(n)])
        .filter(([, n]) => (n as number) > 0),
    );
  }

  async bindConversation(conversationId: string, sessionId: string): Promise<void> {
    await this.redis.set(this.k('conv:', conversationId), sessionId, 'EX', this.ttlS, 'NX');
  }

  async sessionByConversation(conversationId: string): Promise<string | null> {
    return this.redis.get(this.k('conv:', conversationId));
  }

  async append(sessionId: string, entries: NewEntry[]): Promise<Entry[]> {
    if (entries.length === 0) return [];
    const args: string[] = [];
    for (const entry of entries) args.push(entry.key ?? '', entryJson(entry));
    const flat = (await this.lua.append(this.P, sessionId, ...args)) as (number | string)[];
    const out: Entry[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ ...(JSON.parse(flat[i + 1] as string) as Omit<Entry, 'index'>), index: Number(flat[i]) });
    return out;
  }

  async findEntry(sessionId: string, key: string): Promise<Entry | null> {
    const idx = await this.redis.hget(this.k('trk:', sessionId), key);
    if (idx === null) return null;
    const json = await this.redis.lindex(this.k('tr:', sessionId), Number(idx) - 1);
    return json ? { ...(JSON.parse(json) as Omit<Entry, 'index'>), index: Number(idx) } : null;
  }

  async readEntries(sessionId: string, from: number | null): Promise<Entry[]> {
    const [start, ...rows] = (await this.lua.readEntries(this.P, sessionId, from === null ? '' : from)) as [number, ...string[]];
    return rows.map((json, i) => ({ ...(JSON.parse(json) as Omit<Entry, 'index'>), index: Number(start) + i }));
  }

  /** Events arriving together (one I/O turn) are recorded by one script call, each answered after it. */
  inboxAdd(event: InboxEvent): Promise<InboxAdded> {
    return new Promise((resolve, reject) => {
      this.inboxBatch.push({ event, resolve, reject });
      if (this.inboxBatch.length === 1) setImmediate(() => void this.flushInbox());
    });
  }

  private readonly inboxBatch: { event: InboxEvent; resolve: (r: InboxAdded) => void; reject: (e: unknown) => void }[] = [];

  private async flushInbox(): Promise<void> {
    const batch = this.inboxBatch.splice(0);
    try {
      const args = batch.flatMap(({ event }) => [event.eventId, event.conversationId, JSON.stringify(event)]);
      const flat = (await this.lua.inboxAdd(this.P, this.ttlS, ...args)) as (number | string)[];
      batch.forEach(({ resolve }, i) => resolve({ fresh: flat[2 * i] === 2, pending: flat[2 * i] !== 0, sessionId: (flat[2 * i + 1] as string) || null }));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  async inboxPending(conversationId: string): Promise<InboxEvent[]> {
    const raw = await this.redis.hgetall(this.k('inp:', conversationId));
    return Object.values(raw)
      .map((value) => {
        const bar = value.indexOf('|');
        return { seq: Number(value.slice(0, bar)), event: JSON.parse(value.slice(bar + 1)) as InboxEvent };
      })
      .sort((a, b) => a.event.timestamp - b.event.timestamp || a.seq - b.seq)
      .map((x) => x.event);
  }

  async inboxDone(conversationId: string, eventIds: string[]): Promise<void> {
    if (eventIds.length) await this.redis.hdel(this.k('inp:', conversationId), ...eventIds);
  }

  async enqueue(jobs: NewJob[]): Promise<number> {
    const now = Date.now();
    let added = 0;
    for (const job of jobs) {
      const result = await this.lua.enqueue(this.P, now, this.ttlS, job.queue, job.kind, JSON.stringify(job.data), job.key ?? '', job.notBefore ?? now);
      added += Number(result);
    }
    return added;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
    const rows = (await this.lua.claim(this.P, Date.now(), owner, leaseMs, limit)) as string[];
    return rows.map((json) => toJob(JSON.parse(json) as RawJob));
  }

  async complete(job: Job): Promise<boolean> {
    return (await this.lua.finish(this.P, job.id, job.token, 'complete', '')) === 1;
  }

  async reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean> {
    const lastError = patch.lastError === undefined ? job.lastError : patch.lastError;
    const result = await this.lua.reschedule(this.P, job.id, job.token, notBefore, JSON.stringify(patch.data ?? job.data), lastError ?? '', patch.attempts ?? job.attempts);
    return result === 1;
  }

  async saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean> {
    const ok = (await this.lua.saveJobData(this.P, job.id, job.token, JSON.stringify(data))) === 1;
    if (ok) job.data = data;
    return ok;
  }

  async bury(job: Job, error: string): Promise<boolean> {
    const dead = JSON.stringify({ ...job, token: '', error, diedAt: Date.now() });
    return (await this.lua.finish(this.P, job.id, job.token, 'bury', dead)) === 1;
  }

  async releaseClaims(owner: string): Promise<void> {
    await this.lua.release(this.P, owner, Date.now());
  }

  async outboxDepth(): Promise<number> {
    return Number((await this.redis.get(this.k('ob:n'))) ?? 0);
  }

  async nextDue(): Promise<number | null> {
    // The ready set scores each queue by when its head is due (or its lease ends).
    const [, score] = await this.redis.zrange(this.k('ob:ready'), 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  async deadJobs(limit: number): Promise<(Job & { error: string })[]> {
    return (await this.redis.lrange(this.k('ob:dead'), 0, limit - 1)).map((json) => JSON.parse(json) as Job & { error: string });
  }

  async incrCounter(key: string, field: string, by = 1, onceId?: string): Promise<number> {
    return Number(await this.lua.incr(this.k('c:', key), field, by, onceId ?? '', this.ttlS));
  }

  async counted(key: string, onceId: string): Promise<boolean> {
    return (await this.redis.hexists(this.k('c:', key), `once:${onceId}`)) === 1;
  }

  async getCounter(key: string, field: string): Promise<number> {
    return Number((await this.redis.hget(this.k('c:', key), field)) ?? 0);
  }

  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await (this.redis as unknown as Scripts).lease(this.k('l:', name), owner, ttlMs)) === 1;
  }

  async unlease(name: string, owner: string): Promise<void> {
    await (this.redis as unknown as Scripts).unlease(this.k('l:', name), owner);
  }

  async reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number> {
    return Math.max(0, Number(await (this.redis as unknown as Scripts).reserveSlot(this.k('rl:', key), intervalMs, maxWaitMs)));
  }

  async addOfflineMessage(message: OfflineMessage): Promise<void> {
    await this.redis.zadd(this.k('off'), message.receivedAt, JSON.stringify(message));
  }

  async offlineMessages(since: number, limit: number): Promise<OfflineMessage[]> {
    const rows = await this.redis.zrangebyscore(this.k('off'), since, '+inf', 'LIMIT', 0, limit);
    return rows.map((json) => JSON.parse(json) as OfflineMessage);
  }

  async purge(): Promise<void> {
    // Redis forgets by TTL (set when a session ends, on bindings, inbox entries and job keys).
  }

  /** Tests: every key under this store's prefix. */
  async dropAll(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.P}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await this.redis.del(...keys);
    } while (cursor !== '0');
  }
}
