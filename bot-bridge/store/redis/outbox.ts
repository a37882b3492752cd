// The outbox in Redis (keys.ts: ob:*). A job is a hash, each queue a sorted set of job ids, and
// ob:ready scores each queue by when its head is due, so a claim looks only at queues that are.
// Fairness: each job names its queue's origin, and ob:u:<origin> counts that origin's recent jobs
// (a level that drains one per ORIGIN_DRAIN_MS, and expires once drained).
import { ORIGIN_DRAIN_MS, type Job, type NewJob, type OutboxStore } from '../ports';
import { lua, type RedisConnection } from './connection';

/** How many of the longest-due queues a claim ranks by origin (at least; 8 per job asked for). */
const WINDOW = 512;

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
  origin?: string;
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
  origin: raw.origin || raw.queue,
});

// ARGV: P, now, ttl, queue, kind, data, key or '', notBefore, origin. 0 = the key was used. The
// queue's origin is its first job's: a later job of a queue with jobs takes that one's.
const ENQUEUE = lua(`
    local P, now, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
    local queue, key, nb, origin = ARGV[4], ARGV[7], tonumber(ARGV[8]), ARGV[9]
    if key ~= '' then
      if not redis.call('SET', P .. 'ob:k:' .. key, 1, 'NX', 'EX', ttl) then return 0 end
    end
    local id = redis.call('INCR', P .. 'ob:seq')
    local j = P .. 'ob:j:' .. id
    local q = P .. 'ob:q:' .. queue
    local first = redis.call('ZRANGE', q, 0, 0)[1]
    if first then origin = redis.call('HGET', P .. 'ob:j:' .. first, 'origin') or origin end
    if origin == '' then origin = queue end
    redis.call('HSET', j, 'id', id, 'queue', queue, 'kind', ARGV[5], 'data', ARGV[6], 'key', key, 'state', 'pending',
      'nb', nb, 'lease', 0, 'attempts', 0, 'created', now, 'token', '', 'owner', '', 'err', '', 'origin', origin)
    redis.call('ZADD', q, id, id)
    redis.call('INCR', P .. 'ob:n')
    local head = redis.call('ZRANGE', q, 0, 0)[1]
    if head == tostring(id) then redis.call('ZADD', P .. 'ob:ready', nb, queue) end
    return 1`);

// ARGV: P, now, owner, leaseMs, limit, drainMs. Returns the claimed jobs' hashes as JSON. Looks at
// the longest-due queues (a window of WINDOW), and takes from them those of the least used origins
// first (store/shared/fair.ts, the same rule as SQLite), counting each pick as it is made.
const CLAIM = lua(`
    local P, now, owner, leaseMs, limit, drain = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
    local ready = P .. 'ob:ready'
    local out = {}
    local due = {}
    local used = {}
    local queues = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, math.max(limit * 8, ${WINDOW}))
    for _, queue in ipairs(queues) do
      local head = redis.call('ZRANGE', P .. 'ob:q:' .. queue, 0, 0)[1]
      if not head then
        redis.call('ZREM', ready, queue)
      else
        local j = P .. 'ob:j:' .. head
        local f = redis.call('HMGET', j, 'state', 'nb', 'lease', 'origin')
        if (f[1] == 'pending' and tonumber(f[2]) <= now) or (f[1] == 'inflight' and tonumber(f[3]) <= now) then
          local origin = f[4]
          if not origin or origin == '' then origin = queue end
          if used[origin] == nil then
            local u = redis.call('HMGET', P .. 'ob:u:' .. origin, 'level', 'at')
            used[origin] = math.max(0, (tonumber(u[1]) or 0) - (now - (tonumber(u[2]) or now)) / drain)
          end
          table.insert(due, { queue = queue, head = head, origin = origin })
        elseif f[1] == 'pending' then
          redis.call('ZADD', ready, f[2], queue)
        else
          redis.call('ZADD', ready, f[3], queue)
        end
      end
    end
    local picks = {}
    while #out < limit and #due > 0 do
      local best, bestUse = 1, math.huge
      for i, c in ipairs(due) do
        local use = used[c.origin]
        if use < bestUse then best, bestUse = i, use end
      end
      local c = table.remove(due, best)
      used[c.origin] = used[c.origin] + 1
      picks[c.origin] = (picks[c.origin] or 0) + 1
      local j = P .. 'ob:j:' .. c.head
      local attempts = redis.call('HINCRBY', j, 'attempts', 1)
      local token = owner .. ':' .. c.head .. ':' .. attempts .. ':' .. now
      redis.call('HSET', j, 'state', 'inflight', 'owner', owner, 'token', token, 'lease', now + leaseMs)
      redis.call('ZADD', ready, now + leaseMs, c.queue)
      local h = redis.call('HGETALL', j)
      local t = {}
      for i = 1, #h, 2 do t[h[i]] = h[i + 1] end
      table.insert(out, cjson.encode(t))
    end
    for origin, n in pairs(picks) do
      local u = P .. 'ob:u:' .. origin
      redis.call('HSET', u, 'level', tostring(used[origin]), 'at', now)
      redis.call('PEXPIRE', u, math.ceil(used[origin] * drain) + 1000)
    end
    return out`);

// complete and bury. ARGV: P, id, token, mode ('complete' | 'bury'), deadJson, ttl, now. 0 = not the claim's holder.
// The dead list lives the retention after its latest job; the purge drops the older ones (diedAt).
// Round-robin: the queue's next head is ranked no earlier than now, behind every queue already
// waiting, so one chat's backlog is served one job per round (its not-before stays as it was).
const FINISH = lua(`
    local P, id, token = ARGV[1], ARGV[2], ARGV[3]
    local j = P .. 'ob:j:' .. id
    if redis.call('HGET', j, 'token') ~= token then return 0 end
    local queue = redis.call('HGET', j, 'queue')
    if ARGV[4] == 'bury' then
      redis.call('LPUSH', P .. 'ob:dead', ARGV[5])
      redis.call('LTRIM', P .. 'ob:dead', 0, 999)
      redis.call('EXPIRE', P .. 'ob:dead', ARGV[6])
    end
    redis.call('DEL', j)
    local q = P .. 'ob:q:' .. queue
    redis.call('ZREM', q, id)
    redis.call('DECR', P .. 'ob:n')
    local head = redis.call('ZRANGE', q, 0, 0)[1]
    if head then
      local nb = tonumber(redis.call('HGET', P .. 'ob:j:' .. head, 'nb'))
      redis.call('ZADD', P .. 'ob:ready', math.max(nb, tonumber(ARGV[7])), queue)
    else
      redis.call('ZREM', P .. 'ob:ready', queue)
    end
    return 1`);

// ARGV: P, id, token, nb, data, err, attempts. 0 = not the claim's holder.
const RESCHEDULE = lua(`
    local P, id, token = ARGV[1], ARGV[2], ARGV[3]
    local j = P .. 'ob:j:' .. id
    if redis.call('HGET', j, 'token') ~= token then return 0 end
    redis.call('HSET', j, 'state', 'pending', 'owner', '', 'token', '', 'lease', 0, 'nb', ARGV[4], 'data', ARGV[5], 'err', ARGV[6], 'attempts', ARGV[7])
    redis.call('ZADD', P .. 'ob:ready', ARGV[4], redis.call('HGET', j, 'queue'))
    return 1`);

// ARGV: P, id, token, data. 0 = not the claim's holder.
const SAVE_JOB_DATA = lua(`
    local j = ARGV[1] .. 'ob:j:' .. ARGV[2]
    if redis.call('HGET', j, 'token') ~= ARGV[3] then return 0 end
    redis.call('HSET', j, 'data', ARGV[4])
    return 1`);

// ARGV: P, owner, now.
const RELEASE = lua(`
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
    return 1`);

export function redisOutbox(c: RedisConnection): OutboxStore {
  const { redis, P, key } = c;
  const run = c.scripts({ enqueue: ENQUEUE, claim: CLAIM, finish: FINISH, reschedule: RESCHEDULE, saveJobData: SAVE_JOB_DATA, release: RELEASE });

  return {
    async enqueue(jobs: NewJob[]): Promise<number> {
      const now = Date.now();
      let added = 0;
      for (const job of jobs) {
        const result = await run.enqueue(P, now, c.ttlS, job.queue, job.kind, JSON.stringify(job.data), job.key ?? '', job.notBefore ?? now, job.origin ?? '');
        added += Number(result);
      }
      return added;
    },

    async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
      const rows = (await run.claim(P, Date.now(), owner, leaseMs, limit, ORIGIN_DRAIN_MS)) as string[];
      return rows.map((json) => toJob(JSON.parse(json) as RawJob));
    },

    async complete(job: Job): Promise<boolean> {
      return (await run.finish(P, job.id, job.token, 'complete', '', c.ttlS, Date.now())) === 1;
    },

    async reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean> {
      const lastError = patch.lastError === undefined ? job.lastError : patch.lastError;
      const result = await run.reschedule(P, job.id, job.token, notBefore, JSON.stringify(patch.data ?? job.data), lastError ?? '', patch.attempts ?? job.attempts);
      return result === 1;
    },

    async saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean> {
      const ok = (await run.saveJobData(P, job.id, job.token, JSON.stringify(data))) === 1;
      if (ok) job.data = data;
      return ok;
    },

    async bury(job: Job, error: string): Promise<boolean> {
      const dead = JSON.stringify({ ...job, token: '', error, diedAt: Date.now() });
      return (await run.finish(P, job.id, job.token, 'bury', dead, c.ttlS, Date.now())) === 1;
    },

    async releaseClaims(owner: string): Promise<void> {
      await run.release(P, owner, Date.now());
    },

    async outboxDepth(): Promise<number> {
      return Number((await redis.get(key.depth)) ?? 0);
    },

    async nextDue(): Promise<number | null> {
      // The ready set scores each queue by when its head is due (or its lease ends).
      const [, score] = await redis.zrange(key.ready, 0, 0, 'WITHSCORES');
      return score === undefined ? null : Number(score);
    },

    async deadJobs(limit: number): Promise<(Job & { error: string })[]> {
      return (await redis.lrange(key.dead, 0, limit - 1)).map((json) => JSON.parse(json) as Job & { error: string });
    },
  };
}
