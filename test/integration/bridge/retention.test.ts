// Retention, end to end, in both drivers: real chats through the bridge (the emulator, the demo bot),
// one that ended and one still with its agent, and an offline message. Then the store itself is
// audited: in Redis every key an ended chat left behind carries a TTL no longer than the retention,
// and no key the live chat needs carries one; in SQLite the purge leaves, table by table, only what
// the live chat needs. After the purge the live chat goes on both ways.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationCounters, RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { CC_ID, agentClient, chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { REDIS_URL, handOver, redisPrefix, startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { sessionFixture } from '../../support/sessions';
import { fileTempDir } from '../../support/temp';

const RETENTION_H = 24;
const DAY_MS = 86_400_000;
const dir = fileTempDir('parley-retention-');

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
});
afterAll(async () => {
  await bot?.close();
  await emu?.close();
});

interface Scenario {
  bridge: RunningBridge;
  store: Store;
  ended: { id: string; conversationId: string };
  live: { id: string; conversationId: string };
}

/** One chat that ended after its agent, one still with its agent, one offline message; the outbox drained. */
async function playScenario(store: Store, tag: string): Promise<Scenario> {
  const bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, retentionH: RETENTION_H }, { store });
  const chat = chatClient(bridge.url);
  const agent = agentClient(emu.url);

  const ended = await handOver(chat, emu.url, `Ended Ann ${tag}`);
  await chat.send(ended.id, 'thanks, bye', `bye-${tag}`);
  await agent.say(ended.conversationId, 'bye Ann');
  await eventually(async () => expect((await chat.messages(ended.id, 1)).body.messages.map((m: { text?: string }) => m.text)).toContain('bye Ann'));
  expect((await chat.operation(ended.id, { operationName: 'Complete' })).body.statusCode).toBe(0);

  const live = await handOver(chat, emu.url, `Live Lee ${tag}`);
  await chat.send(live.id, 'still there?', `there-${tag}`);
  await agent.say(live.conversationId, 'hello Lee');
  await eventually(async () => expect((await chat.messages(live.id, 1)).body.messages.map((m: { text?: string }) => m.text)).toContain('hello Lee'));

  const offline = await http(`${bridge.url}/api/v2/offline-messages`, {
    method: 'POST',
    headers: { ContactCenterId: CC_ID },
    json: { fields: { email: 'pat@example.com', message: 'Call me' }, userData: { Page: '/cart' } },
  });
  expect(offline.body.statusCode).toBe(0);

  await eventually(
    async () => {
      expect((await store.getSession(ended.id))?.state).toBe('ended');
      expect((await agent.list()).find((i) => i.id === ended.conversationId)?.state).toBe('ended');
      expect(await store.outboxDepth()).toBe(0);
    },
    { timeoutMs: 15_000 },
  );
  return { bridge, store, ended, live };
}

/** The live chat still works both ways after the purge: nothing it needs was forgotten. */
async function liveChatGoesOn({ bridge, store, ended, live }: Scenario): Promise<void> {
  const chat = chatClient(bridge.url);
  const agent = agentClient(emu.url);
  expect(await store.getSession(ended.id)).toBeNull();
  expect((await store.countSessions()).ended ?? 0).toBe(0);
  expect((await store.getSession(live.id))?.state).toBe('agent');
  await agent.say(live.conversationId, 'still with you');
  await eventually(async () => expect((await chat.messages(live.id, 1)).body.messages.map((m: { text?: string }) => m.text)).toContain('still with you'), {
    timeoutMs: 10_000,
  });
  await chat.send(live.id, 'great, thanks', `after-purge-${randomUUID()}`);
  await eventually(async () => expect((await agent.transcript(live.conversationId)).messages.map((m: { text?: string }) => m.text)).toContain('great, thanks'), {
    timeoutMs: 10_000,
  });
  expect((await chat.messages(live.id, 1)).body.messages.filter((m: { text?: string }) => m.text === 'hello Lee')).toHaveLength(1);
}

describe('retention, Redis', () => {
  const prefix = redisPrefix();
  const raw = new Redis(REDIS_URL);
  const store = new RedisStore(REDIS_URL, prefix, RETENTION_H);
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await playScenario(store, 'redis');
  });
  afterAll(async () => {
    await scenario?.bridge.close();
    await store.dropAll();
    await store.close();
    await raw.quit();
  });

  async function keysUnderPrefix(): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
    return found.sort();
  }

  it('gives every key an ended chat left behind a TTL within the retention, and none to what the live chat needs', async () => {
    const { ended, live } = scenario;
    // The live chat's session, transcript, bindings (its conversation's, and the others its session lists) and counters.
    const liveBindings = [live.conversationId, ...(await raw.smembers(`${prefix}sb:${live.id}`))];
    const liveKeys = new Set([`s:${live.id}`, `tr:${live.id}`, `trk:${live.id}`, `sb:${live.id}`, ...liveBindings.flatMap((c) => [`conv:${c}`, `c:conv:${c}`])]);
    // The store's own bookkeeping: bounded, or kept by design (keys.ts), and live jobs (none here).
    const bookkeeping = (key: string) => /^(states|seen|ended|inseq|ob:seq|ob:n|ob:ready|set)$/.test(key) || /^ob:[qj]:/.test(key);

    const keys = await keysUnderPrefix();
    // Not a vacuous audit: the ended chat's session, transcript and binding, and the offline set, are there.
    for (const key of [`s:${ended.id}`, `tr:${ended.id}`, `conv:${ended.conversationId}`, 'off']) expect(keys).toContain(key);
    const wrong: string[] = [];
    for (const key of keys) {
      const ttl = await raw.pttl(prefix + key);
      if (liveKeys.has(key)) {
        if (ttl !== -1) wrong.push(`${key}: the live chat needs it, but it expires in ${ttl} ms`);
      } else if (!bookkeeping(key) && !(ttl > 0 && ttl <= RETENTION_H * 3_600_000)) {
        wrong.push(`${key}: ${ttl === -1 ? 'no TTL' : `TTL ${ttl} ms`}`);
      }
    }
    expect(wrong).toEqual([]);
    // Claims (one per handover) are keys with a TTL of their own, not fields of the settings hash.
    const settings = Object.keys(await raw.hgetall(`${prefix}set`));
    expect(settings.filter((name) => !name.startsWith('gateway:'))).toEqual([]);
  });

  it('forgets the ended chat at the purge, and the live chat goes on', async () => {
    await store.purge(Date.now() + 2 * DAY_MS);
    const { ended } = scenario;
    const keys = await keysUnderPrefix();
    // The session with its transcript, bindings and counters goes at once; job keys and event ids
    // (checked above) expire on their own TTLs.
    const sessionKeys = [`s:${ended.id}`, `tr:${ended.id}`, `trk:${ended.id}`, `sb:${ended.id}`, `conv:${ended.conversationId}`, `c:conv:${ended.conversationId}`];
    expect(keys.filter((k) => sessionKeys.includes(k))).toEqual([]);
    expect(await raw.zscore(`${prefix}ended`, ended.id)).toBeNull();
    expect(await store.offlineMessages(0, 10)).toEqual([]);
    await liveChatGoesOn(scenario);
  });
});

describe('retention, SQLite', () => {
  const file = join(dir, 'bridge.db');
  const store = new SqliteStore(file);
  let scenario: Scenario;
  let db: Database.Database;

  beforeAll(async () => {
    scenario = await playScenario(store, 'sqlite');
    db = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await scenario?.bridge.close();
    await store.close();
  });

  it('purges, table by table, everything but what the live chat needs', async () => {
    const { live } = scenario;
    const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
    // Before the purge the ended chat and the offline message are there (not a vacuous check).
    expect(rows('SELECT id FROM sessions').length).toBe(2);
    expect(rows('SELECT id FROM offline_messages').length).toBe(1);
    // Last-seen marks: the ended chat's, and one whose session is gone (written as it was purged).
    await store.touchSessions([
      [scenario.ended.id, Date.now()],
      ['a-session-purged-already', Date.now()],
    ]);
    expect(rows('SELECT id FROM session_seen').map((r) => r.id)).toEqual(expect.arrayContaining([scenario.ended.id, 'a-session-purged-already']));

    await store.purge(Date.now() + 2 * DAY_MS);

    const liveConversations = rows(`SELECT conversation_id FROM conversations WHERE session_id = '${live.id}'`).map((r) => r.conversation_id as string);
    expect(liveConversations).toContain(live.conversationId);
    const liveCounters = new Set(liveConversations.map((c) => `conv:${c}`));
    // What each table may still hold after the purge. A table not listed fails the test: say here
    // what the purge does with it.
    const allowed: Record<string, (row: Record<string, unknown>) => boolean> = {
      sessions: (r) => r.id === live.id,
      entries: (r) => r.session_id === live.id,
      conversations: (r) => r.session_id === live.id,
      session_seen: (r) => r.id === live.id,
      counters: (r) => liveCounters.has(r.key as string),
      counter_writes: (r) => liveCounters.has(r.key as string),
      inbox: () => false,
      jobs: () => false,
      job_keys: () => false,
      // A queue's origin goes with its last job; an origin's count of recent jobs after the retention at most.
      job_origins: () => false,
      origin_use: () => false,
      dead_jobs: () => false,
      claims: () => false,
      offline_messages: () => false,
      files: () => false,
      settings: (r) => String(r.key).startsWith('gateway:'),
      leases: () => true,
      rate: () => true,
    };
    const tables = rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").map((r) => r.name as string);
    const left: string[] = [];
    for (const table of tables) {
      const keep = allowed[table];
      if (!keep) {
        left.push(`${table}: a table the retention test does not know`);
        continue;
      }
      for (const row of rows(`SELECT * FROM ${table}`)) if (!keep(row)) left.push(`${table}: ${JSON.stringify(row).slice(0, 160)}`);
    }
    expect(left).toEqual([]);
    expect(rows(`SELECT idx FROM entries WHERE session_id = '${live.id}'`).length).toBeGreaterThan(3);
    await liveChatGoesOn(scenario);
  });
});

describe('retention in the store, write by write', () => {
  const text = (t: string, key?: string) => ({
    type: 'Text' as const,
    from: { nickname: 'Chris', participantId: '1', type: 'Customer' as const },
    text: t,
    utcTime: 1,
    ...(key ? { key } : {}),
  });

  it('redis: writes after the end, claims, counters, dead jobs and offline messages all expire; nothing of a live chat does', async () => {
    const prefix = redisPrefix();
    const store = new RedisStore(REDIS_URL, prefix, 1);
    const raw = new Redis(REDIS_URL);
    const ttl = (key: string) => raw.pttl(prefix + key);
    try {
      const s = sessionFixture();
      const conversationId = randomUUID();
      await store.createSession(s);
      await store.append(s.id, [text('hi')]);
      await store.bindConversation(conversationId, s.id);
      await store.incrCounter(conversationCounters(conversationId), 'sent', 1, 'job-1');
      // Live: nothing expires.
      for (const key of [`s:${s.id}`, `tr:${s.id}`, `sb:${s.id}`, `conv:${conversationId}`, `c:conv:${conversationId}`]) expect(await ttl(key)).toBe(-1);

      s.state = 'ended';
      expect(await store.saveSession(s, 1)).toBe(true);
      // After the end: an entry with a key (the first one: trk: did not exist), a binding, a counter.
      await store.append(s.id, [text('late', 'late-1')]);
      const late = randomUUID();
      await store.bindConversation(late, s.id);
      await store.incrCounter(conversationCounters(conversationId), 'echo', 1);
      for (const key of [`s:${s.id}`, `tr:${s.id}`, `trk:${s.id}`, `sb:${s.id}`, `conv:${conversationId}`, `conv:${late}`, `c:conv:${conversationId}`]) {
        expect(await ttl(key), key).toBeGreaterThan(3_500_000);
        expect(await ttl(key), key).toBeLessThanOrEqual(3_600_000);
      }

      expect(await store.claimSetting('created:ref-1', 'conv-1')).toBe('conv-1');
      expect(await store.claimSetting('created:ref-1', 'conv-2')).toBe('conv-1');
      expect(await store.getSetting('created:ref-1')).toBe('conv-1');
      await store.incrCounter('open-handover:someone', 'generation', 1);
      await store.addOfflineMessage({ id: randomUUID(), contactCenterId: 'cc', receivedAt: Date.now(), fields: { message: 'hi' }, userData: {} });
      await store.enqueue([{ queue: 'q', kind: 'k', data: {} }]);
      const [job] = await store.claim('w', 1, 10_000);
      await store.bury(job!, 'gave up');
      for (const key of ['cl:created:ref-1', 'c:open-handover:someone', 'off', 'ob:dead']) expect(await ttl(key), key).toBeGreaterThan(3_500_000);

      // The purge drops list and set members past the retention, and the ended session's count.
      expect((await store.countSessions()).ended).toBe(1);
      await store.purge(Date.now() + 60_000);
      expect(await store.deadJobs(10)).toEqual([]);
      expect(await store.offlineMessages(0, 10)).toEqual([]);
      expect((await store.countSessions()).ended ?? 0).toBe(0);
      expect(await store.getSession(s.id)).toBeNull();
    } finally {
      await store.dropAll();
      await store.close();
      await raw.quit();
    }
  });

  it('sqlite: the purge forgets old claims, counters and offline messages, and keeps a live conversation’s counters', async () => {
    const store = new SqliteStore(':memory:');
    try {
      const live = sessionFixture();
      const conversationId = randomUUID();
      await store.createSession(live);
      await store.bindConversation(conversationId, live.id);
      await store.incrCounter(conversationCounters(conversationId), 'sent');
      await store.claimSetting('created:ref-1', 'conv-1');
      await store.setSetting('gateway:x:webhookId', 'wh-1');
      await store.incrCounter('open-handover:someone', 'generation', 1);
      await store.addOfflineMessage({ id: randomUUID(), contactCenterId: 'cc', receivedAt: Date.now(), fields: { message: 'hi' }, userData: {} });

      await store.purge(Date.now() - 60_000);
      expect(await store.getSetting('created:ref-1')).toBe('conv-1');
      expect(await store.getCounter('open-handover:someone', 'generation')).toBe(1);
      expect(await store.offlineMessages(0, 10)).toHaveLength(1);

      await store.purge(Date.now() + 60_000);
      expect(await store.getSetting('created:ref-1')).toBeNull();
      expect(await store.getCounter('open-handover:someone', 'generation')).toBe(0);
      expect(await store.offlineMessages(0, 10)).toEqual([]);
      // Settings are kept for good; a live conversation's counters until its session ends.
      expect(await store.getSetting('gateway:x:webhookId')).toBe('wh-1');
      expect(await store.getCounter(conversationCounters(conversationId), 'sent')).toBe(1);
      // A forgotten claim can be made again.
      expect(await store.claimSetting('created:ref-1', 'conv-2')).toBe('conv-2');
    } finally {
      await store.close();
    }
  });
});
