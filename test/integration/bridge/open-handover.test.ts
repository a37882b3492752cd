// The open-handover id behind POST /v1/handovers without an Idempotency-Key, on both store drivers:
// concurrent requests agree on one id while it is open, and on one new id once it has ended.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openHandoverId, openHandoverKey } from '../../../bot-bridge/fronts';
import { RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';
import { sessionFixture } from '../../support/sessions';

const opened: Store[] = [];
afterAll(async () => {
  for (const store of opened) {
    if (store instanceof RedisStore) await store.dropAll();
    await store.close();
  }
});

const drivers: [string, () => Store][] = [
  ['sqlite', () => new SqliteStore(':memory:')],
  ['redis', () => new RedisStore(REDIS_URL, redisPrefix(), 1)],
];

describe('openHandoverKey', () => {
  it('names the customer by userId, user.id or email, with the callback URL; nothing without a customer', () => {
    const key = (user: object, extra: object = {}, url = 'https://bot/cb') => openHandoverKey('k'.repeat(16), user, extra as Record<string, string>, url);
    expect(key({ userId: 'u1' })).toBe(key({ userId: 'u1', name: 'Other name' }));
    expect(key({ userId: 'u1' })).not.toBe(key({ userId: 'u2' }));
    expect(key({ userId: 'u1' })).not.toBe(key({ userId: 'u1' }, {}, 'https://bot/cb2'));
    expect(key({}, { id: 42 })).toBe(key({}, { id: '42' }));
    expect(key({ email: 'Jo@Example.com' })).toBe(key({ email: 'jo@example.com' }));
    expect(key({ name: 'Jo' })).toBeNull();
  });
});

describe.each(drivers)('openHandoverId: %s', (_name, open) => {
  it('gives concurrent requests one id while it is open, and one new id after it ended', async () => {
    const store = open();
    opened.push(store);
    const key = randomUUID();
    const first = await Promise.all(Array.from({ length: 8 }, () => openHandoverId(store, key)));
    expect(new Set(first).size).toBe(1);
    const session = sessionFixture({ id: first[0]!, kind: 'api', state: 'queued' });
    await store.createSession(session);
    expect(await openHandoverId(store, key)).toBe(first[0]);

    session.state = 'ended';
    await store.saveSession(session, session.version);
    const next = await Promise.all(Array.from({ length: 8 }, () => openHandoverId(store, key)));
    expect(new Set(next).size).toBe(1);
    expect(next[0]).not.toBe(first[0]);
  });

  it('does not bring back an id claimed long ago that has no session (refused, or purged)', async () => {
    const store = open();
    opened.push(store);
    const key = randomUUID();
    const old = randomUUID();
    await store.claimSetting(`open-handover:${key}:0`, `${old} ${Date.now() - 10 * 60_000}`);
    const id = await openHandoverId(store, key);
    expect(id).not.toBe(old);
    expect(await openHandoverId(store, key)).toBe(id);
  });
});
