// The shared gateway rate limiter under more callers than it can serve: two "replicas" (clients on
// one store) with 64 callers between them, each retrying when told to. Calls must keep flowing at
// GATEWAY_RPS for as long as the crowd lasts, never faster, on both store drivers. (Refused callers
// used to move the shared next-slot time on anyway, until every call was refused.)
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../bot-bridge/gateway';
import { RedisStore, SqliteStore, type Store } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';

const RPS = 20;
const MAX_WAIT_MS = 500;
const CALLERS = 64;
const RUN_MS = 3000;

let server: Server;
let url: string;
const hits: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(Date.now());
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
  it(`keeps calls flowing at ${RPS}/s, and no faster, while ${CALLERS} callers compete`, async () => {
    const store = open();
    try {
      const client = () => new GatewayClient({ url, apiKey: 'rate-limit-test', tenant: null, rps: RPS, timeoutMs: 2000, store, maxWaitMs: MAX_WAIT_MS });
      const replicas = [client(), client()];
      hits.length = 0;
      const start = Date.now();
      const deadline = start + RUN_MS;
      const caller = async (gateway: GatewayClient) => {
        while (Date.now() < deadline) {
          const outcome = await gateway.call('GET', '/ping', '/ping');
          if (outcome.kind === 'retry') {
            expect(outcome.message).toMatch(/rate limit/);
            await new Promise((r) => setTimeout(r, Math.max(1, Math.min(outcome.retryAfterMs ?? 50, deadline - Date.now()))));
          } else expect(outcome.kind).toBe('ok');
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, (_, i) => caller(replicas[i % 2]!)));

      const during = hits.filter((t) => t < deadline).map((t) => t - start);
      const lastSecond = during.filter((t) => t >= RUN_MS - 1000).length;
      // Still flowing at the end, not only in the first MAX_WAIT_MS.
      expect(lastSecond).toBeGreaterThanOrEqual(RPS * 0.75);
      expect(during.length).toBeGreaterThanOrEqual((RUN_MS / 1000) * RPS * 0.8);
      // Never faster than the rate (one slot of slack for the first call at 0).
      expect(during.length).toBeLessThanOrEqual((RUN_MS / 1000) * RPS + 1);
      for (let s = 0; s + 1000 <= RUN_MS; s += 250) expect(during.filter((t) => t >= s && t < s + 1000).length).toBeLessThanOrEqual(RPS + 1);
    } finally {
      if (store instanceof RedisStore) await store.dropAll();
      await store.close();
    }
  }, 15_000);
});
