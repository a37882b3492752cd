// Signed webhook intake (verify the JWS over the raw body, dedupe on the event id, persist to the
// inbox) against a bare Fastify hello-world, both in their own process, same client, same run.
// Every delivery is a new event of a conversation the bridge does not serve, so it is verified,
// recorded and acknowledged, and nothing else happens.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../support/emulator';
import { REDIS_URL, dropRedisPrefix, redisPrefix, signedDelivery } from '../support/bridge';
import { blast, percentile, round, startProcess, type Bench, type Row } from './lib';

const EVENTS = Number(process.env.BENCH_WEBHOOKS ?? 6000);
const CONCURRENCY = 32;
const ROUNDS = 3;
const BENCH = 'bridge-webhook-intake';

export const bench: Bench = {
  name: BENCH,
  async run() {
    const emulator = await startEmulator();
    const rows: Row[] = [];
    try {
      // Signed up front: the client must not be what limits the rate.
      const make = () =>
        Array.from({ length: EVENTS }, (_, i) =>
          signedDelivery(emulator.signer, {
            eventType: 'MESSAGE',
            conversationId: `bench-${randomBytes(8).toString('hex')}`,
            timestamp: Date.now(),
            data: { isEcho: false, sender: { id: 'agent-1', type: 'agent' }, text: `message ${i} with some text in it, like a real one` },
          }),
        );
      const post = (url: string, deliveries: ReturnType<typeof make>) => (i: number) => ({ url, headers: deliveries[i]!.headers, body: deliveries[i]!.raw });

      // The machine is shared and noisy: each target is measured in ROUNDS interleaved rounds and
      // its best round counts, the baseline's too (a slow baseline must not flatter the bridge).
      const hello = await startProcess('test/bench/fixtures/hello-fastify.ts', {}, /listening on (http:\/\/\S+)/);
      const prefix = redisPrefix();
      const env = { BRIDGE_PORT: '0', BRIDGE_REDIS_PREFIX: prefix, GATEWAY_URL: emulator.url, LOG_LEVEL: 'error', BOT_ENDPOINT: 'http://127.0.0.1:1/api/messages' };
      const pattern = /bridge: listening on (http:\/\/\S+)/;
      const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
      const bridges = {
        sqlite: await startProcess('bot-bridge/index.ts', { ...env, BRIDGE_STORE: `sqlite:${join(dir, 'bridge.db')}` }, pattern),
        redis: await startProcess('bot-bridge/index.ts', { ...env, BRIDGE_STORE: REDIS_URL }, pattern),
      };
      const targets = { hello: `${hello.url}/webhooks/chat-gateway`, sqlite: `${bridges.sqlite.url}/webhooks/chat-gateway`, redis: `${bridges.redis.url}/webhooks/chat-gateway` };
      type Result = Awaited<ReturnType<typeof blast>>;
      const best: Record<keyof typeof targets, Result[]> = { hello: [], sqlite: [], redis: [] };
      const replays: Partial<Record<'sqlite' | 'redis', Result>> = {};
      try {
        // Warm-up: JWK fetched, code hot, connections open.
        for (const url of Object.values(targets)) await blast(2000, CONCURRENCY, post(url, make().slice(0, 2000)));
        for (let round = 0; round < ROUNDS; round++) {
          for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
            const deliveries = make();
            best[name].push(await blast(EVENTS, CONCURRENCY, post(targets[name], deliveries)));
            // A second pass of the same deliveries: all duplicates, acknowledged and ignored.
            if (name !== 'hello' && round === 0) replays[name] = await blast(EVENTS, CONCURRENCY, post(targets[name], deliveries));
          }
        }
      } finally {
        await Promise.all([hello.stop(), bridges.sqlite.stop(), bridges.redis.stop()]);
        await dropRedisPrefix(prefix);
        rmSync(dir, { recursive: true, force: true });
      }
      const top = (list: Result[]) => list.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      const baseline = top(best.hello);
      rows.push(
        {
          bench: BENCH,
          metric: 'bare Fastify hello-world',
          value: baseline.perSecond,
          unit: 'req/s',
          note: `best of ${best.hello.map((b) => b.perSecond).join(' / ')}; ${EVENTS} POSTs, ${CONCURRENCY} at a time`,
        },
        { bench: BENCH, metric: 'bare Fastify latency p99', value: round(percentile(baseline.latencies, 99)), unit: 'ms' },
      );
      for (const driver of ['sqlite', 'redis'] as const) {
        const result = top(best[driver]);
        const ratio = result.perSecond / baseline.perSecond;
        rows.push(
          {
            bench: BENCH,
            metric: `${driver}: signed intake`,
            value: result.perSecond,
            unit: 'req/s',
            note: `verify + dedupe + persist, new event ids; best of ${best[driver].map((b) => b.perSecond).join(' / ')}`,
          },
          { bench: BENCH, metric: `${driver}: intake vs hello-world`, value: round(ratio), unit: '×', target: '≥ 0.3', ok: ratio >= 0.3 },
          { bench: BENCH, metric: `${driver}: intake latency p99`, value: round(percentile(result.latencies, 99)), unit: 'ms' },
          {
            bench: BENCH,
            metric: `${driver}: intake errors`,
            value: best[driver].reduce((n, r) => n + r.errors, 0),
            unit: 'req',
            target: '= 0',
            ok: best[driver].every((r) => r.errors === 0),
          },
          { bench: BENCH, metric: `${driver}: replayed (duplicates)`, value: replays[driver]!.perSecond, unit: 'req/s', note: `errors ${replays[driver]!.errors}` },
        );
      }
    } finally {
      await emulator.close();
    }
    return rows;
  },
};
