// Signed webhook intake (verify the JWS over the raw body, dedupe on the event id, persist to the
// inbox) against a bare Fastify hello-world, both in their own process, same client, same run.
// Every delivery is a new event of a conversation the bridge does not serve, so it is verified,
// recorded and acknowledged, and nothing else happens.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../support/emulator';
import { REDIS_URL, dropRedisPrefix, redisPrefix, signedDelivery } from '../support/bridge';
import { blast, percentile, round, startProcess, type Bench, type Row } from './lib';

const EVENTS = Number(process.env.BENCH_WEBHOOKS ?? 6000);
const CONCURRENCY = 32;
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

      // The baseline is measured before and after the bridges, and the better run counts: a warmer
      // client must not make the bridge look better than it is.
      const helloRun = async () => {
        const hello = await startProcess('test/bench/fixtures/hello-fastify.ts', {}, /listening on (http:\/\/\S+)/);
        try {
          const deliveries = make();
          await blast(2000, CONCURRENCY, post(`${hello.url}/webhooks/chat-gateway`, deliveries)); // warm-up
          return await blast(EVENTS, CONCURRENCY, post(`${hello.url}/webhooks/chat-gateway`, deliveries));
        } finally {
          await hello.stop();
        }
      };
      const baselines = [await helloRun()];
      const intake: { driver: string; result: Awaited<ReturnType<typeof blast>>; replay: Awaited<ReturnType<typeof blast>> }[] = [];

      for (const driver of ['sqlite', 'redis'] as const) {
        const prefix = redisPrefix();
        const store = driver === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-intake-')), 'bridge.db')}` : REDIS_URL;
        const bridge = await startProcess(
          'bot-bridge/index.ts',
          { BRIDGE_PORT: '0', BRIDGE_STORE: store, BRIDGE_REDIS_PREFIX: prefix, GATEWAY_URL: emulator.url, LOG_LEVEL: 'error', BOT_ENDPOINT: 'http://127.0.0.1:1/api/messages' },
          /bridge: listening on (http:\/\/\S+)/,
        );
        try {
          const url = `${bridge.url}/webhooks/chat-gateway`;
          await blast(2000, CONCURRENCY, post(url, make().slice(0, 2000))); // warm-up: JWK fetched, code hot
          const deliveries = make();
          const result = await blast(EVENTS, CONCURRENCY, post(url, deliveries));
          // A second pass of the same deliveries: all duplicates, acknowledged and ignored.
          const replay = await blast(EVENTS, CONCURRENCY, post(url, deliveries));
          intake.push({ driver, result, replay });
        } finally {
          await bridge.stop();
          if (driver === 'redis') await dropRedisPrefix(prefix);
        }
      }
      baselines.push(await helloRun());
      const baseline = baselines.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      rows.push(
        { bench: BENCH, metric: 'bare Fastify hello-world', value: baseline.perSecond, unit: 'req/s', note: `best of ${baselines.map((b) => b.perSecond).join(' / ')}; ${EVENTS} POSTs, ${CONCURRENCY} at a time` },
        { bench: BENCH, metric: 'bare Fastify latency p99', value: round(percentile(baseline.latencies, 99)), unit: 'ms' },
      );
      for (const { driver, result, replay } of intake) {
        const ratio = result.perSecond / baseline.perSecond;
        rows.push(
          { bench: BENCH, metric: `${driver}: signed intake`, value: result.perSecond, unit: 'req/s', note: 'verify + dedupe + persist, new event ids' },
          { bench: BENCH, metric: `${driver}: intake vs hello-world`, value: round(ratio), unit: '×', target: '≥ 0.3', ok: ratio >= 0.3 },
          { bench: BENCH, metric: `${driver}: intake latency p99`, value: round(percentile(result.latencies, 99)), unit: 'ms' },
          { bench: BENCH, metric: `${driver}: intake errors`, value: result.errors, unit: 'req', target: '= 0', ok: result.errors === 0 },
          { bench: BENCH, metric: `${driver}: replayed (duplicates)`, value: replay.perSecond, unit: 'req/s', note: `errors ${replay.errors}` },
        );
      }
    } finally {
      await emulator.close();
    }
    return rows;
  },
};
