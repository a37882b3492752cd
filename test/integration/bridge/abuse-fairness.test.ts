// Fairness under a flood, on both store drivers, read from the order and count of what is served
// (never from elapsed time): the outbox serves its queues (one per chat) round-robin, so one chat's
// backlog cannot hold back a chat that has one job; it serves origins (client addresses) by their
// recent use, so one address's many chats cannot hold back another address's one; and bulk
// gateway calls (typing) can fill only their part of GATEWAY_RPS, so handovers and messages still
// find slots while they flood.
import { describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../bot-bridge/gateway';
import { RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';

const drivers: [string, () => Store][] = [
  ['sqlite', () => new SqliteStore(':memory:')],
  ['redis', () => new RedisStore(REDIS_URL, redisPrefix(), 1)],
];

async function using(open: () => Store, test: (store: Store) => Promise<void>): Promise<void> {
  const store = open();
  try {
    await test(store);
  } finally {
    if (store instanceof RedisStore) await store.dropAll();
    await store.close();
  }
}

describe.each(drivers)('outbox fairness: %s', (_name, open) => {
  it('serves a flooding chat one job per round: the chats queued behind it come next, not after its backlog', () =>
    using(open, async (store) => {
      const now = Date.now();
      // The flood was queued first (its jobs are the oldest), then two chats with one job each.
      await store.enqueue(Array.from({ length: 50 }, (_, i) => ({ queue: 'flood', kind: 'bot.message', data: { i }, notBefore: now - 3000 })));
      await store.enqueue([{ queue: 'greeting', kind: 'bot.message', data: {}, notBefore: now - 2000 }]);
      await store.enqueue([{ queue: 'handover', kind: 'gateway.create', data: {}, notBefore: now - 1000 }]);
      const served: string[] = [];
      for (let round = 0; round < 6; round++) {
        const [job] = await store.claim('w', 1, 30_000);
        served.push(job!.queue);
        expect(await store.complete(job!)).toBe(true);
      }
      expect(served).toEqual(['flood', 'greeting', 'handover', 'flood', 'flood', 'flood']);
    }));

  it('puts a chat behind the others after a buried job too', () =>
    using(open, async (store) => {
      const now = Date.now();
      await store.enqueue(Array.from({ length: 3 }, () => ({ queue: 'bad', kind: 'gateway.message', data: {}, notBefore: now - 2000 })));
      await store.enqueue([{ queue: 'good', kind: 'gateway.message', data: {}, notBefore: now - 1000 }]);
      const [first] = await store.claim('w', 1, 30_000);
      expect(first!.queue).toBe('bad');
      await store.bury(first!, 'given up');
      const [second] = await store.claim('w', 1, 30_000);
      expect(second!.queue).toBe('good');
    }));
});

describe.each(drivers)('outbox fairness by origin: %s', (_name, open) => {
  // One address's flood: 8 chats with 5 jobs each, all queued before the other address's one job.
  const flood = (now: number) =>
    Array.from({ length: 8 }, (_, chat) =>
      Array.from({ length: 5 }, (_, i) => ({ queue: `bot:flood-${chat}`, kind: 'bot.send', data: { i }, origin: 'a:flood', notBefore: now - 5000 + chat })),
    ).flat();

  it('serves an address with one job after one job of the address with many, not after one job of each of its chats', () =>
    using(open, async (store) => {
      const now = Date.now();
      await store.enqueue(flood(now));
      await store.enqueue([{ queue: 'bot:customer', kind: 'bot.send', data: {}, origin: 'a:customer', notBefore: now - 1000 }]);
      const served: string[] = [];
      for (let round = 0; round < 4; round++) {
        const [job] = await store.claim('w', 1, 30_000);
        served.push(job!.origin);
        expect(await store.complete(job!)).toBe(true);
      }
      // Round-robin by chat alone would serve the flood's 8 chats first.
      expect(served).toEqual(['a:flood', 'a:customer', 'a:flood', 'a:flood']);
    }));

  it('gives the quiet address a place in a claim of many, however many queues the busy one has due', () =>
    using(open, async (store) => {
      const now = Date.now();
      await store.enqueue(flood(now));
      await store.enqueue([{ queue: 'bot:customer', kind: 'bot.send', data: {}, origin: 'a:customer', notBefore: now - 1000 }]);
      const claimed = await store.claim('w', 4, 30_000);
      expect(claimed.map((j) => j.origin).sort()).toEqual(['a:customer', 'a:flood', 'a:flood', 'a:flood']);
    }));

  it("keeps a queue's origin for its later jobs, and a job with none is its queue's own", () =>
    using(open, async (store) => {
      const now = Date.now();
      await store.enqueue([{ queue: 'gw:x', kind: 'gateway.message', data: {}, origin: 'a:x', notBefore: now - 100 }]);
      await store.enqueue([{ queue: 'gw:x', kind: 'gateway.message', data: {}, notBefore: now - 100 }]);
      await store.enqueue([{ queue: 'in:y', kind: 'inbox.apply', data: {}, notBefore: now - 50 }]);
      const first = await store.claim('w', 2, 30_000);
      expect(first.map((j) => [j.queue, j.origin])).toEqual([
        ['gw:x', 'a:x'],
        ['in:y', 'in:y'],
      ]);
      await store.complete(first[0]!);
      const [second] = await store.claim('w', 1, 30_000);
      expect([second!.queue, second!.origin]).toEqual(['gw:x', 'a:x']);
    }));
});

describe.each(drivers)('reserved gateway budget: %s', (_name, open) => {
  // One call per 10 s on the shared line; bulk calls may use 70% of it (one per 14.3 s). Calls take
  // their slots at once (sleep is instant), so what counts is which slots each kind was given
  // within the 60 s a call may wait: seven on the shared line.
  const client = (store: Store, reservedShare: number) =>
    new GatewayClient({
      url: 'http://127.0.0.1:9',
      apiKey: `fair-${Math.random()}`,
      tenant: null,
      rps: 0.1,
      timeoutMs: 100,
      store,
      maxWaitMs: 60_000,
      reservedShare,
      sleep: async () => {},
    });

  const flood = async (gateway: GatewayClient) => {
    const typing = await Promise.all(Array.from({ length: 20 }, () => gateway.typing('c1')));
    const messages = await Promise.all(Array.from({ length: 5 }, () => gateway.sendMessage('c2', 'hello')));
    const got = (outcomes: { kind: string; message?: string }[]) => outcomes.filter((o) => !(o.kind === 'retry' && /rate limit/.test(o.message ?? ''))).length;
    return { typing: got(typing), messages: got(messages) };
  };

  it('leaves the reserved part of GATEWAY_RPS to messages and handovers while typing floods', () =>
    using(open, async (store) => {
      // 5 bulk slots fit in 60 s on the bulk line (0, 14.3 … 57.1 s), so 2 of the 7 shared ones stay.
      expect(await flood(client(store, 0.3))).toEqual({ typing: 5, messages: 2 });
    }));

  it('(without a reserved part, typing takes every slot and the customer’s messages none)', () =>
    using(open, async (store) => {
      expect(await flood(client(store, 0))).toEqual({ typing: 7, messages: 0 });
    }));
});
