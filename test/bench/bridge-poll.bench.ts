// 2,000 chats handed over to agents through the bridge, each polled every 2 s as the widget does
// (GetMessages with the server's cursor) while agents write: poll latency and the bridge's memory,
// with the SQLite and the Redis driver. Emulator and bridge run in their own processes; a stub bot
// (in this process) asks for an agent at the customer's first message.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_URL, dropRedisPrefix, redisPrefix } from '../support/bridge';
import { NO_LIMITS, jsonCaller, memoryOf, percentile, round, startProcess, type Bench, type Row } from './lib';

const CHATS = Number(process.env.BENCH_BRIDGE_CHATS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const INTERVAL_MS = 2000;
const AGENT_MESSAGES_PER_S = 20;
const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
const BENCH = 'bridge-poll';

/** JSON over keep-alive node:http, answered with the status, the parsed body and the time taken. */
export const call = jsonCaller(64);

export async function parallel<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** A bot that asks for an agent as soon as the customer says anything. */
export async function startStubBot() {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      const activity = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { type?: string; serviceUrl?: string; conversation?: { id: string } };
      if (activity.type !== 'message' || !activity.serviceUrl || !activity.conversation) return;
      void call(`${activity.serviceUrl}v3/conversations/${activity.conversation.id}/activities`, 'POST', {
        type: 'event',
        name: 'handoff.initiate',
        value: { Reason: 'benchmark' },
        from: { id: 'bot', role: 'bot' },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/messages`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function sessionsIn(bridgeUrl: string, state: string): Promise<number> {
  const text = (await call(`${bridgeUrl}/metrics`)).body as string;
  return Number(new RegExp(`^parley_sessions\\{state="${state}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return (Date.now() - started) / 1000;
}

async function runDriver(driver: 'sqlite' | 'redis', botEndpoint: string): Promise<Row[]> {
  const prefix = redisPrefix();
  const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error', CHAT_IDLE_TIMEOUT_S: '3600' }, /listening on (http:\/\/\S+)/);
  const dir = driver === 'sqlite' ? mkdtempSync(join(tmpdir(), 'bench-poll-')) : null;
  const store = dir ? `sqlite:${join(dir, 'bridge.db')}` : REDIS_URL;
  const bridge = await startProcess(
    'bot-bridge/index.ts',
    {
      BRIDGE_PORT: '0',
      BRIDGE_STORE: store,
      BRIDGE_REDIS_PREFIX: prefix,
      GATEWAY_URL: emulator.url,
      BOT_ENDPOINT: botEndpoint,
      GATEWAY_RPS: '5000',
      CHAT_IDLE_TIMEOUT_S: '3600',
      OUTBOX_CONCURRENCY: '64',
      LOG_LEVEL: 'error',
      ...NO_LIMITS,
    },
    /bridge: listening on (http:\/\/\S+)/,
  );
  const label = (m: string) => `${driver}: ${m}`;
  try {
    await waitFor('the bridge to be ready', async () => (await call(`${bridge.url}/readyz`)).status === 200, 30_000);
    const headers = { ContactCenterId: CC_ID };
    const ids: string[] = [];
    const setupStarted = Date.now();
    await parallel(
      Array.from({ length: CHATS }, (_, i) => i),
      32,
      async (i) => {
        const r = await call(`${bridge.url}/api/v2/chats`, 'POST', { operationName: 'RequestChat', nickname: `Load ${i}`, userData: { n: i, 'Started by': 'Chat API' } }, headers);
        ids[i] = r.body.id;
      },
    );
    await parallel(ids, 32, async (id) => {
      await call(`${bridge.url}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: 'agent', clientMessageId: 'first' }, headers);
    });
    await waitFor(`${CHATS} queued chats`, async () => (await sessionsIn(bridge.url, 'queued')) >= CHATS, 300_000);
    const interactions = ((await call(`${emulator.url}/agent/api/interactions`)).body.interactions as { id: string; state: string }[]).filter((i) => i.state === 'queued');
    await parallel(interactions, 16, async (interaction, i) => {
      await call(`${emulator.url}/agent/api/interactions/${interaction.id}/accept`, 'POST', { agentId: `agent-${i % 50}`, agentName: `Agent ${i % 50}` });
    });
    await waitFor(`${CHATS} chats with an agent`, async () => (await sessionsIn(bridge.url, 'agent')) >= CHATS, 300_000);
    const setupS = round((Date.now() - setupStarted) / 1000, 1);
    // Read what is there, as a widget that just loaded would.
    await parallel(ids, 32, async (id) => void (await call(`${bridge.url}/api/v2/me/chat/${id}/messages`, 'GET', undefined, headers)));

    // Agents write while everyone polls.
    let writing = true;
    let agentMessages = 0;
    const writer = (async () => {
      while (writing) {
        const interaction = interactions[Math.floor(Math.random() * interactions.length)]!;
        void call(`${emulator.url}/agent/api/interactions/${interaction.id}/messages`, 'POST', { text: `Here is an update ${agentMessages}` });
        agentMessages++;
        await new Promise((r) => setTimeout(r, 1000 / AGENT_MESSAGES_PER_S));
      }
    })();

    const latencies: number[] = [];
    let errors = 0;
    let received = 0;
    const started = performance.now();
    const end = started + SECONDS * 1000;
    await Promise.all(
      ids.map(async (id, i) => {
        let next = started + (i / ids.length) * INTERVAL_MS;
        while (next < end) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const r = await call(`${bridge.url}/api/v2/me/chat/${id}/messages`, 'GET', undefined, headers);
          if (r.status !== 200) errors++;
          else received += (r.body.messages as unknown[]).length;
          latencies.push(r.ms);
          next += INTERVAL_MS;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    writing = false;
    await writer;
    latencies.sort((a, b) => a - b);
    const memory = memoryOf(bridge.child.pid!);
    const p99 = round(percentile(latencies, 99));
    return [
      {
        bench: BENCH,
        metric: label('chats with an agent'),
        value: CHATS,
        unit: 'chats',
        note: `set up in ${setupS} s; each polled every ${INTERVAL_MS / 1000} s for ${SECONDS} s; agents wrote ${agentMessages} messages`,
      },
      { bench: BENCH, metric: label('polls'), value: latencies.length, unit: 'req', note: `${round(latencies.length / elapsedS, 1)} req/s, ${received} entries delivered` },
      { bench: BENCH, metric: label('poll latency p50'), value: round(percentile(latencies, 50)), unit: 'ms' },
      { bench: BENCH, metric: label('poll latency p99'), value: p99, unit: 'ms', target: '≤ 25', ok: p99 <= 25 },
      { bench: BENCH, metric: label('poll latency max'), value: round(latencies.at(-1) ?? NaN), unit: 'ms' },
      { bench: BENCH, metric: label('poll errors'), value: errors, unit: 'req', target: '= 0', ok: errors === 0 },
      { bench: BENCH, metric: label('bridge RSS'), value: memory.rssMb, unit: 'MB', target: '≤ 300', ok: memory.rssMb <= 300, note: `peak ${memory.peakMb} MB` },
    ];
  } finally {
    await bridge.stop();
    await emulator.stop();
    if (driver === 'redis') await dropRedisPrefix(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: Bench = {
  name: BENCH,
  async run() {
    const bot = await startStubBot();
    try {
      return [...(await runDriver('sqlite', bot.endpoint)), ...(await runDriver('redis', bot.endpoint))];
    } finally {
      await bot.close();
      call.close();
    }
  },
};
