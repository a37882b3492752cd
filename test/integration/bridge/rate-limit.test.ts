// The shared gateway rate limiter under more callers than it can serve: 64 callers at once on two
// "replicas" (clients on one store). It must hand out distinct slots one interval apart up to the
// longest wait and no further, and a refused caller must not move the line on (refused callers
// used to push the next free slot out until every call was refused), on both store drivers.
// The interval is a minute, so what the machine's load adds (milliseconds) cannot change a count:
// the test reads the reservations, never elapsed time.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../bot-bridge/gateway';
import { RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';

const INTERVAL_MS = 60_000;
const MAX_WAIT_MS = 5 * INTERVAL_MS;
const CALLERS = 64;
/** Slack for the time the 64 reservations themselves take (ms): far below one interval. */
const SLACK_MS = 5_000;

let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const drivers: [string, () => Store][] = [
  ['sqlite', () => new SqliteStore(':memory:')],
  ['redis', () => new RedisStore(REDIS_URL, redisPrefix(), 1)],
];

describe.each(drivers)('gateway rate limit with many callers: %s', (_name, open) => {
  it(`gives ${CALLERS} callers distinct slots one interval apart, up to the longest wait, and refuses the rest without moving the line`, async () => {
    const store = open();
    try {
      const key = `gateway:test-${Math.random().toString(36).slice(2)}`;
      const waits = await Promise.all(Array.from({ length: CALLERS }, () => store.reserveSlot(key, INTERVAL_MS, MAX_WAIT_MS)));
      const taken = waits.filter((w) => w <= MAX_WAIT_MS).sort((a, b) => a - b);
      const refused = waits.filter((w) => w > MAX_WAIT_MS);
      // Slots at 0, 1, 2 … 5 intervals: six calls may go, never two in one interval.
      expect(taken).toHaveLength(MAX_WAIT_MS / INTERVAL_MS + 1);
      expect(taken[0]!).toBeLessThanOrEqual(SLACK_MS);
      for (let i = 1; i < taken.length; i++) expect(Math.abs(taken[i]! - taken[i - 1]! - INTERVAL_MS)).toBeLessThanOrEqual(SLACK_MS);
      // Every refused caller is told the same next free slot: refusals did not push it out.
      expect(refused).toHaveLength(CALLERS - taken.length);
      for (const w of refused) expect(Math.abs(w - (taken.at(-1)! + INTERVAL_MS))).toBeLessThanOrEqual(SLACK_MS);
      const later = await store.reserveSlot(key, INTERVAL_MS, MAX_WAIT_MS);
      expect(Math.abs(later - (taken.at(-1)! + INTERVAL_MS))).toBeLessThanOrEqual(SLACK_MS);
    } finally {
      if (store instanceof RedisStore) await store.dropAll();
      await store.close();
    }
  });

  it('makes the gateway client call at once with a free slot, and answer "retry" with the wait (not calling) when the line is too long', async () => {
    const store = open();
    try {
      const client = () => new GatewayClient({ url, apiKey: `rate-limit-${Math.random()}`, tenant: null, rps: 1 / 60, timeoutMs: 2000, store, maxWaitMs: 1000 });
      const replicas = [client(), client()];
      hits = 0;
      const outcomes = await Promise.all(Array.from({ length: CALLERS }, (_, i) => replicas[i % 2]!.call('GET', '/ping', '/ping')));
      // Both replicas share one API key's line only when their keys match: these two do not, so each has its own slot.
      expect(outcomes.filter((o) => o.kind === 'ok')).toHaveLength(2);
      expect(hits).toBe(2);
      for (const o of outcomes.filter((o) => o.kind === 'retry')) {
        expect(o).toMatchObject({ kind: 'retry', ambiguous: false, message: expect.stringMatching(/rate limit/) });
        expect((o as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(1000);
      }
      const shared = new GatewayClient({ url, apiKey: 'one-key', tenant: null, rps: 1 / 60, timeoutMs: 2000, store, maxWaitMs: 1000 });
      const sharedToo = new GatewayClient({ url, apiKey: 'one-key', tenant: null, rps: 1 / 60, timeoutMs: 2000, store, maxWaitMs: 1000 });
      hits = 0;
      const pair = await Promise.all([shared.call('GET', '/ping', '/ping'), sharedToo.call('GET', '/ping', '/ping')]);
      expect(pair.map((o) => o.kind).sort()).toEqual(['ok', 'retry']);
      expect(hits).toBe(1);
    } finally {
      if (store instanceof RedisStore) await store.dropAll();
      await store.close();
    }
  });
});
