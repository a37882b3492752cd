// 1,000 chats, each polled once a second for 30 s, against the emulator in its own process; the same
// load against a bare node:http server that answers a fixed JSON body is the baseline of the run.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { percentile, round, startProcess, type Bench, type Row } from './lib';

const CHATS = Number(process.env.BENCH_CHATS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';

interface LoadResult {
  latencies: number[];
  errors: number;
  requests: number;
  elapsedS: number;
}

/** Each target URL is fetched once a second, spread evenly over the second, for `seconds`. */
async function pollLoad(urls: string[], seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const headers = { ContactCenterId: CC_ID };
  await Promise.all(
    urls.map(async (url, i) => {
      let next = started + (i / urls.length) * 1000;
      while (next < end) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        try {
          const response = await fetch(url, { headers });
          await response.arrayBuffer();
          if (response.status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
        next += 1000;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, errors, requests: latencies.length, elapsedS: (performance.now() - started) / 1000 };
}

function rows(bench: string, label: string, r: LoadResult): Row[] {
  return [
    { bench, metric: `${label} requests`, value: r.requests, unit: 'req' },
    { bench, metric: `${label} throughput`, value: round(r.requests / r.elapsedS, 1), unit: 'req/s' },
    { bench, metric: `${label} errors`, value: r.errors, unit: 'req', target: '= 0', ok: r.errors === 0 },
    { bench, metric: `${label} latency p50`, value: round(percentile(r.latencies, 50)), unit: 'ms' },
    { bench, metric: `${label} latency p99`, value: round(percentile(r.latencies, 99)), unit: 'ms' },
  ];
}

export const bench: Bench = {
  name: 'emulator-load',
  async run() {
    // Baseline: the cheapest possible server on the same machine, same client, same schedule.
    const bare = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"messages":[],"statusCode":0}');
    });
    bare.listen(0, '127.0.0.1');
    await once(bare, 'listening');
    const barePort = (bare.address() as { port: number }).port;
    const bareUrls = Array.from({ length: CHATS }, (_, i) => `http://127.0.0.1:${barePort}/chat/${i}`);
    await pollLoad(bareUrls, 2); // warm-up, not measured
    const baseline = await pollLoad(bareUrls, Math.min(SECONDS, 10));
    bare.close();

    const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', EMULATOR_CHATS_PER_ADDRESS: 'off' }, /listening on (http:\/\/\S+)/);
    try {
      const ids: string[] = [];
      for (let i = 0; i < CHATS; i++) {
        const response = await fetch(`${emulator.url}/api/v2/chats`, {
          method: 'POST',
          headers: { ContactCenterId: CC_ID, 'content-type': 'application/json' },
          body: JSON.stringify({ operationName: 'RequestChat', nickname: `Load ${i}`, userData: { n: i } }),
        });
        ids.push(((await response.json()) as { id: string }).id);
      }
      const urls = ids.map((id) => `${emulator.url}/api/v2/me/chat/${id}/messages`);
      await pollLoad(urls, 2); // warm-up, not measured
      const load = await pollLoad(urls, SECONDS);
      const p99Ratio = round(percentile(load.latencies, 99) / percentile(baseline.latencies, 99));
      return [
        { bench: 'emulator-load', metric: 'chats', value: CHATS, unit: 'chats', note: `each polled once a second for ${SECONDS} s` },
        ...rows('emulator-load', 'emulator', load),
        ...rows('emulator-load', 'bare node:http (baseline)', baseline),
        { bench: 'emulator-load', metric: 'p99 latency vs baseline', value: p99Ratio, unit: '×' },
      ];
    } finally {
      await emulator.stop();
    }
  },
};
