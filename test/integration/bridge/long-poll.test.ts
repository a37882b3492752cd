// GetMessages' long-poll on the bridge (the longPoll extension): advertised in GetChat, held until
// an entry from the asked index exists, answered empty when the wait ends, woken from the session
// machine on this replica (SQLite) and across replicas (Redis pub/sub, the agent's webhook on one
// replica and the customer's request held by the other), no wake-up lost, paged answers, held
// requests answered when the bridge closes, and a cap per address.
import { EventEmitter } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS, longPolls } from '../../../bot-bridge/customer-chat-api';
import { RedisStore, SqliteStore } from '../../../bot-bridge/store';
import { REDIS_URL, dropRedisPrefix, handOver, redisPrefix, startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { sessionFixture } from '../../support/sessions';
import { CC_ID, agentClient, chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
});
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});
afterAll(async () => {
  // The demo bot may still be retrying a reply to a bridge a test closed (its turn then waits out
  // the SDK's retries): its close is not waited for longer than a few seconds.
  const bounded = (closing: Promise<unknown> | undefined) => Promise.race([closing, new Promise((r) => setTimeout(r, 5000))]);
  await bounded(bot?.close());
  await bounded(emu?.close());
});

/** GetMessages with a wait, resolving to the HTTP answer; `settled` tells whether it has answered. */
function longPoll(base: string, id: string, index: number, waitSeconds: number | string) {
  const state = { settled: false };
  const answer = http(`${base}/api/v2/me/chat/${id}/messages?index=${index}&waitSeconds=${waitSeconds}`, { headers: { ContactCenterId: CC_ID } }).finally(() => {
    state.settled = true;
  });
  return Object.assign(answer, { state });
}

async function bridgeOn(overrides: Parameters<typeof startBridge>[0] = {}): Promise<RunningBridge> {
  const running = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, ...overrides });
  closing.push(() => running.close());
  return running;
}

/** A chat the bot has greeted; returns its id and the index after its last entry. */
async function greetedChat(base: string): Promise<{ id: string; next: number }> {
  const chat = chatClient(base);
  const id = await chat.requestChat();
  const entries = await eventually(async () => {
    const list = (await chat.messages(id, 1)).body.messages as { type: string; index: number }[];
    if (!list.some((m) => m.type === 'Text')) throw new Error('not greeted yet');
    return list;
  });
  // The greeting may come with more entries: wait until the transcript stops growing.
  await new Promise((r) => setTimeout(r, 300));
  const all = (await chat.messages(id, 1)).body.messages as { index: number }[];
  return { id, next: Math.max(...entries.map((e) => e.index), ...all.map((e) => e.index)) + 1 };
}

const tick = (ms = 200) => new Promise((r) => setTimeout(r, ms));

describe('the bridge on SQLite', () => {
  it('advertises longPoll in GetChat with the configured wait, and nothing when LONG_POLL_MAX_WAIT_S is 0', async () => {
    const on = await bridgeOn({ longPoll: { maxWaitS: 20 } });
    const off = await bridgeOn({ longPoll: { maxWaitS: 0 } });
    const id = await chatClient(on.url).requestChat();
    expect((await chatClient(on.url).chat(id)).body.chat.extensions.longPoll).toEqual({ maxWaitSeconds: 20 });
    const other = await chatClient(off.url).requestChat();
    expect((await chatClient(off.url).chat(other)).body.chat.extensions?.longPoll).toBeUndefined();
    // Off: the parameter is taken and ignored (the answer comes at once, as from the vendor's servers).
    const answer = await longPoll(off.url, other, 999, 20);
    expect(answer.body).toEqual({ messages: [], statusCode: 0 });
    // The bridge does not hold it: a held request (20 s on the other bridge) would run past this test's timeout.
  }, 15_000);

  it('holds GetMessages until the customer’s message is appended, then answers it', async () => {
    const running = await bridgeOn({ longPoll: { maxWaitS: 25 } });
    const { id, next } = await greetedChat(running.url);
    const held = longPoll(running.url, id, next, 25);
    await tick(500);
    expect(held.state.settled).toBe(false);
    expect(running.bridge.deps.store.watchedSessions()).toBe(1);
    await chatClient(running.url).send(id, 'hello there', 'lp-1');
    const answer = await held;
    expect(answer.status).toBe(200);
    expect(answer.body.messages[0]).toMatchObject({ index: next, type: 'Text', text: 'hello there' });
    expect(answer.body.more).toBeUndefined();
    expect(running.bridge.deps.store.watchedSessions()).toBe(0);
  });

  it('answers at once when entries exist from the index, and an empty list when the wait ends', async () => {
    const running = await bridgeOn();
    const { id, next } = await greetedChat(running.url);
    expect((await longPoll(running.url, id, 1, 25)).body.messages.length).toBeGreaterThan(0);
    const ended = await longPoll(running.url, id, next + 50, 1);
    expect(ended.body).toEqual({ messages: [], statusCode: 0 });
  });

  it('refuses a malformed waitSeconds with statusCode 1', async () => {
    const running = await bridgeOn();
    const id = await chatClient(running.url).requestChat();
    for (const bad of ['-1', 'soon', '1.5', '99999']) {
      const r = await longPoll(running.url, id, 1, bad);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(/waitSeconds/) });
    }
  });

  it('pages a long transcript: at most LIMITS.pageEntries per answer, with more: true, and the rest from the next index', async () => {
    const running = await bridgeOn();
    const { id, next } = await greetedChat(running.url);
    const store = running.bridge.deps.store;
    const extra = Array.from({ length: LIMITS.pageEntries + 20 }, (_, i) => ({
      type: 'Notice' as const,
      text: `n${i}`,
      from: { nickname: 'x', participantId: 'x', type: 'External' as const },
      timestamp: Date.now(),
    }));
    await store.append(id, extra as never);
    const chat = chatClient(running.url);
    const first = (await chat.messages(id, 1)).body;
    expect(first.messages).toHaveLength(LIMITS.pageEntries);
    expect(first.more).toBe(true);
    const last = first.messages.at(-1).index;
    const second = (await chat.messages(id, last + 1)).body;
    expect(second.more).toBeUndefined();
    expect(second.messages.map((m: { index: number }) => m.index)).toEqual(Array.from({ length: next - 1 + extra.length - last }, (_, i) => last + 1 + i));
    // Without an index the cursor pages the same way.
    const fresh = await chat.requestChat();
    await store.append(fresh, extra as never);
    const paged = [(await chat.messages(fresh)).body, (await chat.messages(fresh)).body];
    expect(paged[0].more).toBe(true);
    expect(paged[0].messages[0].index).toBe(1);
    expect(paged[1].messages[0].index).toBe(LIMITS.pageEntries + 1);
  });

  it('answers held requests when the bridge closes, so closing does not wait for them', async () => {
    const running = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, longPoll: { maxWaitS: 60 }, chatIdleTimeoutS: 300 });
    const { id, next } = await greetedChat(running.url);
    const held = [longPoll(running.url, id, next, 60), longPoll(running.url, id, next, 60)];
    await tick(500);
    expect(held.every((h) => !h.state.settled)).toBe(true);
    // A hang here would run into the test's timeout (the waits are 60 s).
    await running.close();
    for (const answer of await Promise.all(held)) expect(answer.body).toEqual({ messages: [], statusCode: 0 });
  });

  it('holds at most LONG_POLL_MAX_PER_ADDRESS requests per address: the next is answered at once', async () => {
    const running = await bridgeOn({ longPoll: { maxWaitS: 25, maxPerAddress: 1 } });
    const { id, next } = await greetedChat(running.url);
    const first = longPoll(running.url, id, next, 25);
    await tick(300);
    expect((await longPoll(running.url, id, next, 25)).body).toEqual({ messages: [], statusCode: 0 });
    expect(first.state.settled).toBe(false);
    await chatClient(running.url).send(id, 'wake', 'lp-cap');
    expect((await first).body.messages[0].text).toBe('wake');
  });

  it('does not hold the request of an ended chat', async () => {
    const running = await bridgeOn();
    const chat = chatClient(running.url);
    const id = await chat.requestChat();
    await chat.operation(id, { operationName: 'Complete' });
    await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Idle'));
    expect((await longPoll(running.url, id, 9999, 25)).body).toEqual({ messages: [], statusCode: 0 });
  });
});

describe('the wait', () => {
  const fakeExchange = () => {
    const raw = Object.assign(new EventEmitter(), { writableEnded: false });
    return { request: { ip: '203.0.113.9' } as FastifyRequest, reply: { raw } as unknown as FastifyReply, raw };
  };

  it('loses no wake-up that comes while it reads: it reads again instead of sleeping', async () => {
    let wake = () => {};
    const waits = longPolls({ watch: async (_id, w) => ((wake = w), () => undefined) });
    let reads = 0;
    const { request, reply } = fakeExchange();
    // The first read misses an entry appended (and announced) while it ran; the second finds it.
    const read = async () => {
      reads++;
      if (reads === 1) {
        wake();
        return [];
      }
      return ['entry'];
    };
    // A lost wake-up would sleep the whole 300 s (past the test's timeout).
    expect(await waits.hold('chat', 300, request, reply, read)).toEqual(['entry']);
    expect(reads).toBe(2);
  });

  it('watches before its first read, and stops watching when the client goes away', async () => {
    const order: string[] = [];
    let unwatched = false;
    const waits = longPolls({
      watch: async () => {
        order.push('watch');
        return () => (unwatched = true);
      },
    });
    const { request, reply, raw } = fakeExchange();
    const held = waits.hold('chat', 300, request, reply, async () => (order.push('read'), []));
    await tick(50);
    expect(order).toEqual(['watch', 'read']);
    expect(waits.held()).toBe(1);
    raw.emit('close');
    expect(await held).toEqual([]);
    expect(unwatched).toBe(true);
    expect(waits.held()).toBe(0);
  });

  it('ends an empty wait at a random point in its last fifth, so visitors who waited together do not ask again together', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const ends: number[] = [];
      for (const r of [0, 0.5, 0.999]) {
        const waits = longPolls({ watch: async () => () => undefined, random: () => r });
        const { request, reply } = fakeExchange();
        const started = Date.now();
        let endedAt = 0;
        const held = waits.hold('chat', 10, request, reply, async () => []).then(() => (endedAt = Date.now()));
        // Never before 8 s of a 10 s wait, never after 10 s.
        await vi.advanceTimersByTimeAsync(7_990);
        expect(endedAt).toBe(0);
        await vi.advanceTimersByTimeAsync(2_010);
        await held;
        ends.push(endedAt - started);
      }
      expect(ends[0]).toBeGreaterThanOrEqual(10_000);
      expect(ends[1]).toBeGreaterThanOrEqual(9_000);
      expect(ends[1]).toBeLessThan(10_000);
      expect(ends[2]).toBeLessThan(8_100);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads once for a wait that runs out with no wake, and again for one woken, even spuriously', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let wake = () => {};
      const waits = longPolls({ watch: async (_id, w) => ((wake = w), () => undefined), random: () => 0 });
      let reads = 0;
      const read = async () => (reads++, [] as string[]);
      const quiet = fakeExchange();
      const held = waits.hold('chat', 10, quiet.request, quiet.reply, read);
      await vi.advanceTimersByTimeAsync(10_001);
      expect(await held).toEqual([]);
      // Thousands of visitors wait at once: one that nobody wrote to costs one read, not two.
      expect(reads).toBe(1);
      reads = 0;
      const woken = fakeExchange();
      const second = waits.hold('chat', 10, woken.request, woken.reply, read);
      await vi.advanceTimersByTimeAsync(1_000);
      wake();
      await vi.advanceTimersByTimeAsync(9_001);
      expect(await second).toEqual([]);
      expect(reads).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers at once when it cannot watch (the channel between replicas is down)', async () => {
    const waits = longPolls({ watch: async () => null });
    const { request, reply } = fakeExchange();
    expect(await waits.hold('chat', 300, request, reply, async () => [])).toEqual([]);
  });
});

describe('entry notices', () => {
  it('SQLite: a watcher hears an announcement at once, and no more once it stops watching', async () => {
    const store = new SqliteStore(':memory:');
    closing.push(() => store.close());
    let heard = 0;
    const stop = await store.watchEntries('s1', () => heard++);
    store.announceEntries('s1');
    store.announceEntries('s2');
    expect(heard).toBe(1);
    stop!();
    store.announceEntries('s1');
    expect(heard).toBe(1);
    expect(store.watchedSessions()).toBe(0);
  });

  it('Redis: an announcement made right after the watch resolves is heard by the other replica', async () => {
    const prefix = redisPrefix();
    const a = new RedisStore(REDIS_URL, prefix, 1);
    const b = new RedisStore(REDIS_URL, prefix, 1);
    const other = new RedisStore(REDIS_URL, redisPrefix(), 1);
    closing.push(() => Promise.all([a.close(), b.close(), other.close()]));
    for (let round = 0; round < 5; round++) {
      let heard = 0;
      const stop = await b.watchEntries(`s${round}`, () => heard++);
      expect(stop).not.toBeNull();
      // At once: a wake that races the start of the wait is not lost.
      a.announceEntries(`s${round}`);
      other.announceEntries(`s${round}`);
      await eventually(() => expect(heard).toBe(1));
      stop!();
    }
    // The announcing replica hears itself at once, and not twice (its echo is ignored).
    let own = 0;
    const stop = await a.watchEntries('mine', () => own++);
    a.announceEntries('mine');
    expect(own).toBe(1);
    await tick(200);
    expect(own).toBe(1);
    stop!();
  });
});

describe.each([
  ['sqlite', () => new SqliteStore(':memory:')],
  ['redis', () => new RedisStore(REDIS_URL, redisPrefix(), 1)],
] as const)('paged reads (%s)', (_name, open) => {
  it('reads at most `limit` entries and moves the cursor to the last one read', async () => {
    const store = open();
    closing.push(async () => {
      if (store instanceof RedisStore) await store.dropAll();
      await store.close();
    });
    const id = '9d0c0e64-8a5f-4c1e-9d43-0f6a2c1b7e11';
    await store.createSession(sessionFixture({ id }));
    const from = { nickname: 'x', participantId: 'x', type: 'External' as const };
    await store.append(id, Array.from({ length: 5 }, (_, i) => ({ type: 'Notice' as const, text: `n${i}`, from, timestamp: 1 })) as never);
    expect((await store.readEntries(id, null, 3)).map((e) => e.index)).toEqual([1, 2, 3]);
    expect((await store.readEntries(id, null, 3)).map((e) => e.index)).toEqual([4, 5]);
    expect((await store.readEntries(id, 2, 2)).map((e) => e.index)).toEqual([2, 3]);
    expect(await store.readEntries(id, 1, 0)).toEqual([]);
    expect((await store.readEntries(id, 4)).map((e) => e.index)).toEqual([4, 5]);
  });
});

describe('two bridges on one Redis', () => {
  it('wake the customer’s request held by one replica when the agent’s webhook lands on the other', async () => {
    const prefix = redisPrefix();
    closing.push(() => dropRedisPrefix(prefix));
    const common = { store: REDIS_URL, redisPrefix: prefix, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } };
    const a = await bridgeOn(common);
    // Both replicas' public URL is a's: the gateway's webhooks (and the bot) reach a only, and the
    // customer's long-poll goes to b.
    const b = await bridgeOn({ ...common, publicUrl: a.url });
    const { id, conversationId } = await handOver(chatClient(a.url), emu.url, 'Rhea', { agent: { id: 'agent-lp', name: 'Lena' } });
    await tick(500);
    const all = (await chatClient(b.url).messages(id, 1)).body.messages as { index: number }[];
    const next = Math.max(...all.map((e) => e.index)) + 1;
    const held = longPoll(b.url, id, next, 25);
    await tick(500);
    expect(held.state.settled).toBe(false);
    expect(b.bridge.deps.store.watchedSessions()).toBe(1);
    await agentClient(emu.url).say(conversationId, 'from the other replica');
    const answer = await held;
    expect(answer.body.messages.map((m: { text?: string }) => m.text)).toContain('from the other replica');
  });
});
