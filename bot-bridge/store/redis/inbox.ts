// The webhook inbox in Redis (keys.ts: in:, inp:, inseq). The seen-marker outlives the pending
// entry, so a retry of a handled event is still recognised until the retention ends.
import type { InboxAdded, InboxEvent, InboxStore } from '../ports';
import { groupCommit } from '../shared';
import { lua, type RedisConnection } from './connection';

// ARGV: P, ttl, then (eventId, conversationId, json) per event.
// Returns (state, bound session) per event; state: 2 = new, 1 = seen before and still pending, 0 = seen before and done.
const INBOX_ADD = lua(`
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
    return out`);

export function redisInbox(c: RedisConnection): InboxStore {
  const { redis, P, key } = c;
  const run = c.scripts({ inboxAdd: INBOX_ADD });

  // The events arriving together are recorded by one script call.
  const add = groupCommit(async (events: InboxEvent[]): Promise<InboxAdded[]> => {
    const args = events.flatMap((event) => [event.eventId, event.conversationId, JSON.stringify(event)]);
    const flat = (await run.inboxAdd(P, c.ttlS, ...args)) as (number | string)[];
    return events.map((_, i) => ({ fresh: flat[2 * i] === 2, pending: flat[2 * i] !== 0, sessionId: (flat[2 * i + 1] as string) || null }));
  });

  return {
    inboxAdd: add,

    async inboxPending(conversationId: string): Promise<InboxEvent[]> {
      const raw = await redis.hgetall(key.inboxPending(conversationId));
      return Object.values(raw)
        .map((value) => {
          const bar = value.indexOf('|');
          return { seq: Number(value.slice(0, bar)), event: JSON.parse(value.slice(bar + 1)) as InboxEvent };
        })
        .sort((a, b) => a.event.timestamp - b.event.timestamp || a.seq - b.seq)
        .map((x) => x.event);
    },

    async inboxDone(conversationId: string, eventIds: string[]): Promise<void> {
      if (eventIds.length) await redis.hdel(key.inboxPending(conversationId), ...eventIds);
    },
  };
}
