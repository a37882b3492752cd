// One contract, two drivers: every promise the Store interface makes, port by port, checked against
// SQLite and against the real Redis on 127.0.0.1:6379 (keys under a random prefix, dropped at the end).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationCounters, RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';
import { sessionFixture } from '../../support/sessions';

const opened: Store[] = [];

function track<S extends Store>(store: S): S {
  opened.push(store);
  return store;
}

const drivers: [string, () => Store][] = [
  ['sqlite', () => new SqliteStore(':memory:')],
  ['redis', () => new RedisStore(REDIS_URL, redisPrefix(), 1)],
];

afterAll(async () => {
  for (const store of opened) {
    if (store instanceof RedisStore) await store.dropAll();
    await store.close();
  }
});

const session = sessionFixture;

const text = (t: string, key?: string) => ({
  type: 'Text' as const,
  from: { nickname: 'Chris', participantId: '1', type: 'Customer' as const },
  text: t,
  utcTime: 1,
  ...(key ? { key } : {}),
});

/** The store of the running test: a new one for each test, of the driver its describe is for. */
let store: Store;

/** One describe per port, run against each driver; `open` gives the test a further store of that driver. */
function forEachDriver(port: string, tests: (open: () => Store) => void): void {
  describe(`store contract: ${port}`, () => {
    describe.each(drivers)('%s', (_name, open) => {
      beforeEach(() => {
        store = track(open());
      });
      tests(() => track(open()));
    });
  });
}

forEachDriver('lifecycle', () => {
  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('purges nothing that is still in use', async () => {
    const live = session();
    const conversationId = randomUUID();
    await store.createSession(live);
    await store.append(live.id, [text('still here')]);
    await store.bindConversation(conversationId, live.id);
    await store.incrCounter(conversationCounters(conversationId), 'sent');
    await store.purge(Date.now() + 60_000);
    expect(await store.getSession(live.id)).toEqual(live);
    expect((await store.readEntries(live.id, 1)).map((e) => e.text)).toEqual(['still here']);
    expect(await store.sessionByConversation(conversationId)).toBe(live.id);
    expect(await store.getCounter(conversationCounters(conversationId), 'sent')).toBe(1);
  });
});

forEachDriver('sessions and transcript', () => {
  it('creates a session once and saves it only at the expected version', async () => {
    const s = session();
    expect(await store.createSession(s)).toBe(true);
    expect(await store.createSession(s)).toBe(false);
    const a = (await store.getSession(s.id))!;
    const b = (await store.getSession(s.id))!;
    expect(a).toEqual(s);
    a.state = 'handover';
    expect(await store.saveSession(a, 1)).toBe(true);
    expect(a.version).toBe(2);
    b.state = 'ended';
    expect(await store.saveSession(b, 1)).toBe(false);
    expect((await store.getSession(s.id))!.state).toBe('handover');
    expect(await store.getSession('nope')).toBeNull();
  });

  it('counts sessions by state as they move', async () => {
    const before = await store.countSessions();
    const s = session();
    await store.createSession(s);
    s.state = 'queued';
    await store.saveSession(s, 1);
    const after = await store.countSessions();
    expect((after.queued ?? 0) - (before.queued ?? 0)).toBe(1);
    expect((after.bot ?? 0) - (before.bot ?? 0)).toBe(0);
  });

  it('finds idle widget sessions, not touched ones, not ended ones, not API ones', async () => {
    const idle = session();
    const fresh = session();
    const ended = session();
    const api = session({ kind: 'api', contactCenterId: null });
    for (const s of [idle, fresh, ended, api]) await store.createSession(s);
    const cut = Date.now() + 1000;
    await store.touchSessions([[fresh.id, cut + 5000]]);
    ended.state = 'ended';
    await store.saveSession(ended, 1);
    const found = await store.idleSessions(cut, 1000);
    expect(found).toContain(idle.id);
    expect(found).not.toContain(fresh.id);
    expect(found).not.toContain(ended.id);
    expect(found).not.toContain(api.id);
  });

  it('touches many sessions in one write, and never moves a session back in time', async () => {
    const [a, b, c] = [session(), session(), session()];
    for (const s of [a, b, c]) await store.createSession(s);
    const cut = Date.now() + 1000;
    await store.touchSessions([
      [a.id, cut + 5000],
      [b.id, cut + 5000],
    ]);
    // An older mark for a (a slower replica's) does not make it look idle again.
    await store.touchSessions([[a.id, cut - 500]]);
    await store.touchSessions([]);
    const found = await store.idleSessions(cut, 1000);
    expect(found).toContain(c.id);
    expect(found).not.toContain(a.id);
    expect(found).not.toContain(b.id);
  });

  it('takes a session seen since for idle once that mark is older than the cut, however often it is asked', async () => {
    const s = session();
    await store.createSession(s);
    const seenAt = Date.now() + 5000;
    await store.touchSessions([[s.id, seenAt]]);
    // A cut in the past (the sweeper's) and one in the future (a listing of every watched chat).
    expect(await store.idleSessions(Date.now(), 1000)).not.toContain(s.id);
    expect(await store.idleSessions(Date.now(), 1000)).not.toContain(s.id);
    expect(await store.idleSessions(seenAt - 1000, 1000)).not.toContain(s.id);
    expect(await store.idleSessions(seenAt + 1, 1000)).toContain(s.id);
    // Seen again later: not idle at the earlier cut any more.
    await store.touchSessions([[s.id, seenAt + 5000]]);
    expect(await store.idleSessions(seenAt + 1, 1000)).not.toContain(s.id);
    expect(await store.idleSessions(seenAt + 5001, 1000)).toContain(s.id);
  });

  it('binds a conversation to a session', async () => {
    const id = randomUUID();
    expect(await store.sessionByConversation(id)).toBeNull();
    await store.bindConversation(id, 's1');
    expect(await store.sessionByConversation(id)).toBe('s1');
  });

  it('appends entries with consecutive indexes from 1, once per key', async () => {
    const s = session();
    await store.createSession(s);
    const first = await store.append(s.id, [text('a'), text('b', 'k1')]);
    expect(first.map((e) => [e.index, e.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(first[1]).not.toHaveProperty('key');
    const again = await store.append(s.id, [text('b again', 'k1'), text('c', 'k2')]);
    expect(again.map((e) => [e.index, e.text])).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);
    expect((await store.readEntries(s.id, 1)).map((e) => e.text)).toEqual(['a', 'b', 'c']);
    expect(await store.findEntry(s.id, 'k2')).toMatchObject({ index: 3, text: 'c' });
    expect(await store.findEntry(s.id, 'nope')).toBeNull();
  });

  it('reads from an index, or from the cursor that any read advances', async () => {
    const s = session();
    await store.createSession(s);
    await store.append(s.id, [text('1'), text('2')]);
    expect((await store.readEntries(s.id, null)).map((e) => e.index)).toEqual([1, 2]);
    expect(await store.readEntries(s.id, null)).toEqual([]);
    await store.append(s.id, [text('3')]);
    expect((await store.readEntries(s.id, null)).map((e) => e.index)).toEqual([3]);
    expect((await store.readEntries(s.id, 2)).map((e) => e.index)).toEqual([2, 3]);
    expect((await store.readEntries(s.id, 0)).map((e) => e.index)).toEqual([1, 2, 3]);
    expect(await store.readEntries(s.id, 99)).toEqual([]);
    await store.append(s.id, [text('4')]);
    expect((await store.readEntries(s.id, null)).map((e) => e.index)).toEqual([4]);
  });
});

forEachDriver('inbox', () => {
  it('records a webhook event once, and hands pending ones back in timestamp order', async () => {
    const conversationId = randomUUID();
    const event = (eventId: string, timestamp: number) => ({ eventId, conversationId, timestamp, receivedAt: Date.now(), body: { eventType: 'MESSAGE', n: eventId } });
    expect(await store.inboxAdd(event('e2', 200))).toEqual({ fresh: true, pending: true, sessionId: null });
    // Several at once (one group commit in SQLite), a duplicate among them: seen, and still pending.
    expect(await Promise.all([store.inboxAdd(event('e1', 100)), store.inboxAdd(event('e3', 200)), store.inboxAdd(event('e1', 100))])).toEqual([
      { fresh: true, pending: true, sessionId: null },
      { fresh: true, pending: true, sessionId: null },
      { fresh: false, pending: true, sessionId: null },
    ]);
    const pending = await store.inboxPending(conversationId);
    expect(pending.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(pending[0]!.body).toEqual({ eventType: 'MESSAGE', n: 'e1' });
    await store.inboxDone(conversationId, ['e1', 'e2']);
    expect((await store.inboxPending(conversationId)).map((e) => e.eventId)).toEqual(['e3']);
    // Done is not forgotten: a retry of a handled event is still a duplicate, and no longer pending;
    // a retry of one not handled yet says so (its application may never have been queued).
    expect(await store.inboxAdd(event('e1', 100))).toEqual({ fresh: false, pending: false, sessionId: null });
    expect(await store.inboxAdd(event('e3', 200))).toEqual({ fresh: false, pending: true, sessionId: null });
    // And the answer names the session once the conversation is bound.
    await store.bindConversation(conversationId, 'session-9');
    expect(await store.inboxAdd(event('e4', 300))).toEqual({ fresh: true, pending: true, sessionId: 'session-9' });
    expect(await store.inboxAdd(event('e3', 200))).toEqual({ fresh: false, pending: true, sessionId: 'session-9' });
  });
});

forEachDriver('outbox', (open) => {
  const q = () => `q-${randomUUID()}`;

  it('enqueues a key once', async () => {
    const queue = q();
    const key = randomUUID();
    expect(await store.enqueue([{ queue, kind: 'k', data: { n: 1 }, key }])).toBe(1);
    expect(await store.enqueue([{ queue, kind: 'k', data: { n: 2 }, key }])).toBe(0);
    const jobs = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue);
    expect(jobs.map((j) => j.data)).toEqual([{ n: 1 }]);
  });

  it('hands out one job per queue at a time, in order', async () => {
    const a = q();
    const b = q();
    await store.enqueue([
      { queue: a, kind: 'k', data: { n: 1 } },
      { queue: a, kind: 'k', data: { n: 2 } },
      { queue: b, kind: 'k', data: { n: 3 } },
    ]);
    const first = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === a || j.queue === b);
    expect(first.map((j) => j.data.n).sort()).toEqual([1, 3]);
    expect((await store.claim('w2', 100, 10_000)).filter((j) => j.queue === a)).toEqual([]);
    const one = first.find((j) => j.data.n === 1)!;
    expect(one.attempts).toBe(1);
    expect(await store.complete(one)).toBe(true);
    const next = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === a);
    expect(next.map((j) => j.data.n)).toEqual([2]);
  });

  it('keeps a rescheduled job at the head until it is due, with its new data', async () => {
    const queue = q();
    await store.enqueue([
      { queue, kind: 'k', data: { n: 1 } },
      { queue, kind: 'k', data: { n: 2 } },
    ]);
    const [job] = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue);
    expect(await store.reschedule(job!, Date.now() + 150, { data: { n: 1, tried: true }, lastError: 'boom' })).toBe(true);
    expect((await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    const [again] = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue);
    expect(again).toMatchObject({ data: { n: 1, tried: true }, lastError: 'boom', attempts: 2 });
  });

  it('lets another worker take a job whose lease ran out, and fences off the first', async () => {
    const queue = q();
    await store.enqueue([{ queue, kind: 'k', data: {} }]);
    const [mine] = (await store.claim('w1', 100, 50)).filter((j) => j.queue === queue);
    await new Promise((r) => setTimeout(r, 80));
    const [theirs] = (await store.claim('w2', 100, 10_000)).filter((j) => j.queue === queue);
    expect(theirs!.id).toBe(mine!.id);
    expect(await store.saveJobData(mine!, { stale: true })).toBe(false);
    expect(await store.complete(mine!)).toBe(false);
    expect(await store.saveJobData(theirs!, { sending: 1 })).toBe(true);
    expect(await store.complete(theirs!)).toBe(true);
  });

  it('keeps saved progress for the next owner after a crash', async () => {
    const queue = q();
    await store.enqueue([{ queue, kind: 'k', data: { text: 'hi' } }]);
    const [job] = (await store.claim('w1', 100, 50)).filter((j) => j.queue === queue);
    await store.saveJobData(job!, { text: 'hi', sendingSince: 123 });
    await new Promise((r) => setTimeout(r, 80));
    const [next] = (await store.claim('w2', 100, 10_000)).filter((j) => j.queue === queue);
    expect(next!.data).toEqual({ text: 'hi', sendingSince: 123 });
  });

  it('buries a job: the queue goes on and the dead list has it', async () => {
    const queue = q();
    await store.enqueue([
      { queue, kind: 'k', data: { n: 1 } },
      { queue, kind: 'k', data: { n: 2 } },
    ]);
    const [job] = (await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue);
    expect(await store.bury(job!, 'gave up')).toBe(true);
    expect((await store.claim('w', 100, 10_000)).filter((j) => j.queue === queue).map((j) => j.data.n)).toEqual([2]);
    expect((await store.deadJobs(10)).find((d) => d.id === job!.id)).toMatchObject({ error: 'gave up', data: { n: 1 } });
  });

  it('releases the claims of a stopping worker', async () => {
    const queue = q();
    await store.enqueue([{ queue, kind: 'k', data: {} }]);
    expect((await store.claim('w1', 100, 60_000)).filter((j) => j.queue === queue)).toHaveLength(1);
    await store.releaseClaims('w1');
    const [job] = (await store.claim('w2', 100, 60_000)).filter((j) => j.queue === queue);
    expect(job!.attempts).toBe(1);
  });

  it('does not hand out a job before notBefore, counts the depth, and tells when the next is due', async () => {
    const queue = q();
    const depth = await store.outboxDepth();
    const at = Date.now() + 60_000;
    await store.enqueue([{ queue, kind: 'k', data: {}, notBefore: at }]);
    expect(await store.outboxDepth()).toBe(depth + 1);
    expect((await store.claim('w', 100, 1000)).filter((j) => j.queue === queue)).toEqual([]);
    expect(await store.nextDue()).not.toBeNull();
    expect(await store.nextDue()).toBeLessThanOrEqual(at);
  });

  it('has no next due time when the outbox is empty', async () => {
    const empty = open();
    expect(await empty.nextDue()).toBeNull();
    await empty.enqueue([{ queue: q(), kind: 'k', data: {}, notBefore: 5 }]);
    expect(await empty.nextDue()).toBe(5);
  });
});

forEachDriver('coordination', () => {
  it('keeps settings, and claimSetting lets the first writer win', async () => {
    expect(await store.getSetting('a')).toBeNull();
    await store.setSetting('a', '1');
    await store.setSetting('a', '2');
    expect(await store.getSetting('a')).toBe('2');
    expect(await store.claimSetting('b', 'first')).toBe('first');
    expect(await store.claimSetting('b', 'second')).toBe('first');
  });

  it('counts', async () => {
    const key = randomUUID();
    expect(await store.getCounter(key, 'x')).toBe(0);
    expect(await store.incrCounter(key, 'x')).toBe(1);
    expect(await store.incrCounter(key, 'x', 2)).toBe(3);
    expect(await store.getCounter(key, 'x')).toBe(3);
  });

  it('counts an increment with a onceId only once', async () => {
    const key = randomUUID();
    expect(await store.counted(key, 'job-1')).toBe(false);
    expect(await store.incrCounter(key, 'sent', 1, 'job-1')).toBe(1);
    expect(await store.incrCounter(key, 'sent', 1, 'job-1')).toBe(1);
    expect(await store.counted(key, 'job-1')).toBe(true);
    expect(await store.incrCounter(key, 'sent', 1, 'job-2')).toBe(2);
    expect(await store.getCounter(key, 'sent')).toBe(2);
  });

  it('gives a lease to one owner at a time, until it lapses or is given back', async () => {
    const name = randomUUID();
    // Long leases where the test needs them held (a loaded machine may pause between two calls).
    expect(await store.lease(name, 'a', 60_000)).toBe(true);
    expect(await store.lease(name, 'b', 60_000)).toBe(false);
    expect(await store.lease(name, 'a', 60_000)).toBe(true);
    await store.unlease(name, 'a');
    expect(await store.lease(name, 'b', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.lease(name, 'a', 100)).toBe(true);
  });

  it('spaces rate-limited slots one interval apart', async () => {
    const key = randomUUID();
    // Callers at once (as under load): one after the other, a busy machine's pause between two calls
    // would eat into the interval the test measures.
    const waits = await Promise.all(Array.from({ length: 5 }, () => store.reserveSlot(key, 100, 10_000)));
    expect(waits[0]).toBe(0);
    for (let i = 1; i < 5; i++) expect(waits[i]! - waits[i - 1]!).toBeGreaterThanOrEqual(90);
    expect(waits[4]).toBeGreaterThanOrEqual(380);
  });

  it('does not take a slot further out than the maximum wait, so refused callers use up no budget', async () => {
    const key = randomUUID();
    // Slots at 0, 1, 2, 3 s fit a 3.5 s maximum wait; the next (4 s) does not.
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await store.reserveSlot(key, 1000, 3500));
    expect(taken.at(-1)).toBeLessThanOrEqual(3500);
    // Refused many times over, the next free slot stays where it was (4 s out), instead of moving
    // a second further out with every refusal.
    const refused = [];
    for (let i = 0; i < 20; i++) refused.push(await store.reserveSlot(key, 1000, 3500));
    for (const wait of refused) expect(wait).toBeGreaterThan(3500);
    expect(Math.max(...refused)).toBeLessThanOrEqual(4000);
    // And a caller allowed to wait that long gets that very slot.
    const next = await store.reserveSlot(key, 1000, 10_000);
    expect(next).toBeGreaterThan(3000);
    expect(next).toBeLessThanOrEqual(4000);
  });
});

forEachDriver('offline messages', () => {
  it('keeps offline messages', async () => {
    const since = Date.now();
    const message = { id: randomUUID(), contactCenterId: 'cc', receivedAt: since + 1, fields: { email: 'a@b.c', message: 'hi' }, userData: { n: 1 } };
    await store.addOfflineMessage(message);
    expect(await store.offlineMessages(since, 100)).toContainEqual(message);
  });
});

// Retention is the one promise the drivers keep differently: SQLite purges, Redis lets keys expire.
describe('store contract: lifecycle, retention by driver', () => {
  it('sqlite: purges ended sessions with their transcript, binding and counters, and old event ids, job keys and dead jobs', async () => {
    const sqlite = track(new SqliteStore(':memory:'));
    const ended = session();
    const conversationId = randomUUID();
    const counters = conversationCounters(conversationId);
    await sqlite.createSession(ended);
    await sqlite.append(ended.id, [text('bye')]);
    await sqlite.bindConversation(conversationId, ended.id);
    await sqlite.incrCounter(counters, 'sent');
    ended.state = 'ended';
    await sqlite.saveSession(ended, 1);
    const event = { eventId: randomUUID(), conversationId, timestamp: 1, receivedAt: Date.now(), body: {} };
    await sqlite.inboxAdd(event);
    const key = randomUUID();
    await sqlite.enqueue([{ queue: 'q', kind: 'k', data: {}, key }]);
    const [job] = await sqlite.claim('w', 1, 10_000);
    await sqlite.bury(job!, 'gave up');

    await sqlite.purge(Date.now() - 60_000);
    expect(await sqlite.getSession(ended.id)).not.toBeNull();
    expect(await sqlite.getCounter(counters, 'sent')).toBe(1);

    await sqlite.purge(Date.now() + 60_000);
    expect(await sqlite.getSession(ended.id)).toBeNull();
    expect((await sqlite.countSessions()).ended ?? 0).toBe(0);
    expect(await sqlite.readEntries(ended.id, 1)).toEqual([]);
    expect(await sqlite.sessionByConversation(conversationId)).toBeNull();
    expect(await sqlite.getCounter(counters, 'sent')).toBe(0);
    expect(await sqlite.deadJobs(10)).toEqual([]);
    // Forgotten event ids and job keys count as new again.
    expect(await sqlite.inboxAdd(event)).toMatchObject({ fresh: true });
    expect(await sqlite.enqueue([{ queue: 'q', kind: 'k', data: {}, key }])).toBe(1);
  });

  it('redis: an ended session, its transcript and its binding expire after the retention', async () => {
    const prefix = redisPrefix();
    const redis = track(new RedisStore(REDIS_URL, prefix, 1));
    const raw = new Redis(REDIS_URL);
    try {
      const s = session();
      const conversationId = randomUUID();
      await redis.createSession(s);
      await redis.append(s.id, [text('bye', 'k1')]);
      await redis.bindConversation(conversationId, s.id);
      const ttls = () => Promise.all([`s:${s.id}`, `tr:${s.id}`, `trk:${s.id}`].map((key) => raw.ttl(prefix + key)));
      expect(await ttls()).toEqual([-1, -1, -1]);
      s.state = 'ended';
      await redis.saveSession(s, 1);
      for (const ttl of [...(await ttls()), await raw.ttl(`${prefix}conv:${conversationId}`)]) {
        expect(ttl).toBeGreaterThan(3500);
        expect(ttl).toBeLessThanOrEqual(3600);
      }
    } finally {
      await raw.quit();
    }
  });
});
