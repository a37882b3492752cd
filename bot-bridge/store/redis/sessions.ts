// Sessions and transcripts in Redis (keys.ts: s:, states, seen, ended, conv:, sb:, tr:, trk:). A session's
// hash, its count by state and its place in the idle watch change together, in one script.
import type { Entry, NewEntry, Session, SessionStore } from '../ports';
import { entryAt, entryJson, isEnded, isWatched } from '../shared';
import { lua, type RedisConnection } from './connection';

// ARGV: P, id, doc, version, kind, state, now, watched (1 | 0). 0 = the id exists.
const CREATE_SESSION = lua(`
    local P, id = ARGV[1], ARGV[2]
    local k = P .. 's:' .. id
    if redis.call('EXISTS', k) == 1 then return 0 end
    redis.call('HSET', k, 'doc', ARGV[3], 'v', ARGV[4], 'kind', ARGV[5], 'state', ARGV[6], 'cursor', 0)
    redis.call('HINCRBY', P .. 'states', ARGV[6], 1)
    if ARGV[8] == '1' then redis.call('ZADD', P .. 'seen', ARGV[7], id) end
    return 1`);

// ARGV: P, id, expected version, new version, doc, state, ttl, ended (1 | 0), now. 0 = not at the expected version.
// An ended session starts its retention: it, its transcript, its bindings and its conversations'
// counters and pending events all get the TTL (`c:conv:` is ports' conversationCounters under `c:`).
const SAVE_SESSION = lua(`
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
    if ARGV[8] == '1' then
      redis.call('ZREM', P .. 'seen', id)
      redis.call('ZADD', P .. 'ended', ARGV[9], id)
      local ttl = tonumber(ARGV[7])
      local sb = P .. 'sb:' .. id
      for _, key in ipairs({ k, P .. 'tr:' .. id, P .. 'trk:' .. id, sb }) do redis.call('EXPIRE', key, ttl) end
      for _, cid in ipairs(redis.call('SMEMBERS', sb)) do
        for _, key in ipairs({ P .. 'conv:' .. cid, P .. 'c:conv:' .. cid, P .. 'inp:' .. cid }) do redis.call('EXPIRE', key, ttl) end
      end
    end
    return 1`);

// ARGV: P, conversationId, sessionId, ttl. A binding lives as long as its session: none while the
// session lives (listed in sb: so the end can find it), the retention when it is ended or gone.
const BIND = lua(`
    local P, cid, id = ARGV[1], ARGV[2], ARGV[3]
    local conv = P .. 'conv:' .. cid
    if not redis.call('SET', conv, id, 'NX') then return 0 end
    local sb = P .. 'sb:' .. id
    redis.call('SADD', sb, cid)
    if redis.call('TTL', P .. 's:' .. id) ~= -1 then
      redis.call('EXPIRE', conv, ARGV[4])
      redis.call('EXPIRE', sb, ARGV[4])
    end
    return 1`);

// ARGV: P, id, ttl, then (key or '', json) per entry. Returns (index, json) per entry, the stored one
// for a known key. Entries after the end (or for a session gone) keep the transcript on its retention.
const APPEND = lua(`
    local P, id = ARGV[1], ARGV[2]
    local tr, trk = P .. 'tr:' .. id, P .. 'trk:' .. id
    local out = {}
    for i = 4, #ARGV, 2 do
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
    if redis.call('TTL', P .. 's:' .. id) ~= -1 then
      redis.call('EXPIRE', tr, ARGV[3])
      redis.call('EXPIRE', trk, ARGV[3])
    end
    return out`);

// ARGV: P, id, from ('' = after the cursor), limit ('' = all). Returns the first index, then the entries' JSON.
const READ_ENTRIES = lua(`
    local P, id = ARGV[1], ARGV[2]
    local k, tr = P .. 's:' .. id, P .. 'tr:' .. id
    local cursor = tonumber(redis.call('HGET', k, 'cursor') or '0')
    local start = tonumber(ARGV[3])
    if start == nil then start = cursor + 1 end
    if start < 1 then start = 1 end
    local limit = tonumber(ARGV[4])
    local rows = {}
    if limit == nil then rows = redis.call('LRANGE', tr, start - 1, -1)
    elseif limit > 0 then rows = redis.call('LRANGE', tr, start - 1, start - 2 + limit) end
    local last = start - 1 + #rows
    if #rows > 0 and last > cursor and redis.call('EXISTS', k) == 1 then redis.call('HSET', k, 'cursor', last) end
    table.insert(rows, 1, start)
    return rows`);

export function redisSessions(c: RedisConnection): SessionStore {
  const { redis, P, key } = c;
  const run = c.scripts({ createSession: CREATE_SESSION, saveSession: SAVE_SESSION, bind: BIND, append: APPEND, readEntries: READ_ENTRIES });
  const flag = (yes: boolean) => (yes ? 1 : 0);

  return {
    async createSession(session: Session): Promise<boolean> {
      const created = await run.createSession(P, session.id, JSON.stringify(session), session.version, session.kind, session.state, Date.now(), flag(isWatched(session)));
      return created === 1;
    },

    async getSession(id: string): Promise<Session | null> {
      const doc = await redis.hget(key.session(id), 'doc');
      return doc ? (JSON.parse(doc) as Session) : null;
    },

    async saveSession(session: Session, expected: number): Promise<boolean> {
      const next = { ...session, version: expected + 1 };
      const ok = (await run.saveSession(P, session.id, expected, next.version, JSON.stringify(next), next.state, c.ttlS, flag(isEnded(next)), Date.now())) === 1;
      if (ok) session.version = next.version;
      return ok;
    },

    async touchSessions(touches: readonly (readonly [string, number])[]): Promise<void> {
      // XX: only sessions still watched (not ended); GT: never move back in time.
      if (touches.length) await redis.zadd(key.seen, 'XX', 'GT', ...touches.flatMap(([id, at]) => [at, id]));
    },

    async idleSessions(before: number, limit: number): Promise<string[]> {
      return redis.zrangebyscore(key.seen, '-inf', `(${before}`, 'LIMIT', 0, limit);
    },

    async countSessions(): Promise<Record<string, number>> {
      const raw = await redis.hgetall(key.states);
      return Object.fromEntries(
        Object.entries(raw)
          .map(([state, n]) => [state, Number(n)])
          .filter(([, n]) => (n as number) > 0),
      );
    },

    async bindConversation(conversationId: string, sessionId: string): Promise<void> {
      await run.bind(P, conversationId, sessionId, c.ttlS);
    },

    async sessionByConversation(conversationId: string): Promise<string | null> {
      return redis.get(key.conversation(conversationId));
    },

    async append(sessionId: string, entries: NewEntry[]): Promise<Entry[]> {
      if (entries.length === 0) return [];
      const args: string[] = [];
      for (const entry of entries) args.push(entry.key ?? '', entryJson(entry));
      const flat = (await run.append(P, sessionId, c.ttlS, ...args)) as (number | string)[];
      const out: Entry[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push(entryAt(flat[i + 1] as string, Number(flat[i])));
      return out;
    },

    async findEntry(sessionId: string, entryKey: string): Promise<Entry | null> {
      const idx = await redis.hget(key.transcriptKeys(sessionId), entryKey);
      if (idx === null) return null;
      const json = await redis.lindex(key.transcript(sessionId), Number(idx) - 1);
      return json ? entryAt(json, Number(idx)) : null;
    },

    async readEntries(sessionId: string, from: number | null, limit?: number): Promise<Entry[]> {
      const [start, ...rows] = (await run.readEntries(P, sessionId, from === null ? '' : from, limit ?? '')) as [number, ...string[]];
      return rows.map((json, i) => entryAt(json, Number(start) + i));
    },
  };
}
