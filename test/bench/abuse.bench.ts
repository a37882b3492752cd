// A real customer's bot greeting and "queued" notice while 300 hostile clients flood the bridge's
// anonymous Customer Chat API, against the same customer with no flood, in one run; and the share
// of hostile requests the limits refused. Loopback only: emulator, demo bot and bridge in their own
// processes (SQLite store, the default limits, TRUST_PROXY=loopback so each client's
// X-Forwarded-For is its address). Every hostile client runs a bounded loop: it starts chats, says
// "agent" in its first one, and sends 4 KB messages and typing notifications as fast as it can.
// The flood runs in a child process (abuse-flood.ts): in this one, 300 loops would delay the
// customer's own clock and requests, and the bench would measure itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, floodProcess, headersFor } from './abuse-flood';
import { percentile, round, startProcess, type Bench, type Row } from './lib';

const BENCH = 'abuse';
const HOSTILE = Number(process.env.BENCH_ABUSE_CLIENTS ?? 300);
/** The flood lasts until the flooded customers are done, and at most this long. */
const FLOOD_MAX_S = Number(process.env.BENCH_ABUSE_MAX_SECONDS ?? 120);
const PROBES = Number(process.env.BENCH_ABUSE_PROBES ?? 8);
const PROBE_TIMEOUT_MS = 120_000;

interface Probe {
  /** From the first RequestChat to the chat's id (refusals waited out). */
  startMs: number;
  /** From the chat's id to the bot's greeting. */
  greetingMs: number;
  queuedMs: number;
  /** Requests of this customer refused (RequestChat, SendMessage), each waited out. */
  refused: number;
}

/** One real customer from its own address: starts a chat, waits for the bot's greeting, asks for an agent, waits for the queue notice. */
async function probe(bridge: string, address: string): Promise<Probe> {
  const headers = headersFor(address);
  const started = performance.now();
  let id: string | undefined;
  let refused = 0;
  // A real widget waits out a refusal by its Retry-After; so does this customer.
  while (!id) {
    const r = await call(`${bridge}/api/v2/chats`, 'POST', { operationName: 'RequestChat', nickname: 'Real customer', userData: {} }, headers);
    if (r.status === 200) id = r.body.id as string;
    else if (r.status === 429) refused++;
    if (id) break;
    if (performance.now() - started > PROBE_TIMEOUT_MS) throw new Error(`RequestChat: ${r.status}`);
    await new Promise((res) => setTimeout(res, 1000));
  }
  let index = 1;
  const waitFor = async (what: (m: any) => boolean): Promise<number> => {
    for (;;) {
      const r = await call(`${bridge}/api/v2/me/chat/${id}/messages?index=${index}`, 'GET', undefined, headers);
      const messages = (r.body?.messages ?? []) as any[];
      if (messages.length) index = messages.at(-1).index + 1;
      if (messages.some(what)) return performance.now();
      if (performance.now() - started > PROBE_TIMEOUT_MS) return NaN;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const accepted = performance.now();
  const greeted = await waitFor((m) => m.type === 'Text' && m.from?.type === 'External');
  const asked = performance.now();
  for (;;) {
    const r = await call(`${bridge}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: 'agent', clientMessageId: 'agent' }, headers);
    if (r.status === 429) refused++;
    if (r.status === 200 || performance.now() - asked > PROBE_TIMEOUT_MS) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  const queued = await waitFor((m) => m.type === 'Notice' && m.notice?.event === 'queued');
  await call(`${bridge}/api/v2/chats/${id}`, 'POST', { operationName: 'Complete' }, headers);
  return { startMs: accepted - started, greetingMs: greeted - accepted, queuedMs: queued - asked, refused };
}

/** Samples the bridge's /metrics every 2 s until stopped: the peak outbox depth and event-loop lag (p99). */
function sampler(bridge: string): { stop(): { depth: number; lagMs: number } } {
  let depth = 0;
  let lagMs = 0;
  const metric = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const timer = setInterval(() => {
    void call(`${bridge}/metrics`).then((r) => {
      if (typeof r.body !== 'string') return;
      depth = Math.max(depth, metric(r.body, 'parley_outbox_depth') || 0);
      lagMs = Math.max(lagMs, (metric(r.body, 'parley_bridge_nodejs_eventloop_lag_p99_seconds') || 0) * 1000);
    });
  }, 2000);
  return {
    stop: () => {
      clearInterval(timer);
      return { depth, lagMs: round(lagMs, 0) };
    },
  };
}

async function probes(bridge: string, label: string, n: number, until?: () => boolean): Promise<Probe[]> {
  const out: Probe[] = [];
  for (let i = 0; i < n && (until === undefined || until()); i++) out.push(await probe(bridge, `192.0.2.${label === 'flood' ? 100 + i : 1 + i}`));
  return out;
}

const p95 = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length < values.length ? NaN : percentile(sorted, 95);
};

export const bench: Bench = {
  name: BENCH,
  async run(): Promise<Row[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-abuse-'));
    const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error', CHAT_IDLE_TIMEOUT_S: '3600' }, /listening on (http:\/\/\S+)/);
    const bot = await startProcess('demo/bot/index.ts', { BOT_PORT: '0', LOG_LEVEL: 'error' }, /bot: listening on (http:\/\/\S+)/);
    const bridge = await startProcess(
      'bot-bridge/index.ts',
      {
        BRIDGE_PORT: '0',
        BRIDGE_STORE: `sqlite:${join(dir, 'bridge.db')}`,
        GATEWAY_URL: emulator.url,
        BOT_ENDPOINT: `${bot.url}/api/messages`,
        TRUST_PROXY: 'loopback',
        GATEWAY_RPS: '50',
        LOG_LEVEL: 'error',
      },
      /bridge: listening on (http:\/\/\S+)/,
    );
    try {
      for (const started = Date.now(); (await call(`${bridge.url}/readyz`)).status !== 200;) {
        if (Date.now() - started > 30_000) throw new Error('the bridge did not get ready');
        await new Promise((r) => setTimeout(r, 200));
      }
      // Warm up (first requests compile code paths), then the customers with no flood.
      await probes(bridge.url, 'warm', 2);
      const calm = await probes(bridge.url, 'calm', PROBES);

      const deadline = Date.now() + FLOOD_MAX_S * 1000;
      const floodStarted = Date.now();
      const flood = await floodProcess(bridge.url, HOSTILE, FLOOD_MAX_S);
      const sampling = sampler(bridge.url);
      // Let the flood build up before the first customer comes.
      await new Promise((r) => setTimeout(r, 2000));
      const flooded = await probes(bridge.url, 'flood', PROBES, () => Date.now() < deadline);
      const count = await flood.stop();
      const peak = sampling.stop();
      const floodS = round((Date.now() - floodStarted) / 1000, 0);

      const calmStart = p95(calm.map((p) => p.startMs));
      const floodStart = p95(flooded.map((p) => p.startMs));
      const calmGreeting = p95(calm.map((p) => p.greetingMs));
      const calmQueued = p95(calm.map((p) => p.queuedMs));
      const floodGreeting = p95(flooded.map((p) => p.greetingMs));
      const floodQueued = p95(flooded.map((p) => p.queuedMs));
      const within = (flood: number, calm: number) => Number.isFinite(flood) && flood <= 2 * Math.max(calm, 50);
      const refusedOfCustomers = flooded.reduce((n, p) => n + p.refused, 0);
      const note = `${flooded.length} customers during ${floodS} s of ${HOSTILE} hostile clients (${count.requests} requests, ${count.chats} chats started; the flood in its own process); ${refusedOfCustomers} of the customers' requests refused; bridge peaks: outbox depth ${peak.depth}, event-loop lag p99 ${peak.lagMs} ms; ${calm.length} with no flood`;
      return [
        { bench: BENCH, metric: 'chat start p95 (RequestChat until accepted), no flood', value: round(calmStart, 0), unit: 'ms', note: `${calm.length} customers` },
        {
          bench: BENCH,
          metric: 'chat start p95 (RequestChat until accepted), flooded',
          value: round(floodStart, 0),
          unit: 'ms',
          note: 'refusals by the contact center ceiling, waited out 1 s at a time',
        },
        { bench: BENCH, metric: 'greeting p95, no flood', value: round(calmGreeting, 0), unit: 'ms', note: `${calm.length} customers` },
        { bench: BENCH, metric: 'greeting p95, flooded', value: round(floodGreeting, 0), unit: 'ms', target: '≤ 2× no flood', ok: within(floodGreeting, calmGreeting), note },
        { bench: BENCH, metric: 'queued notice p95, no flood', value: round(calmQueued, 0), unit: 'ms', note: `${calm.length} customers` },
        { bench: BENCH, metric: 'queued notice p95, flooded', value: round(floodQueued, 0), unit: 'ms', target: '≤ 2× no flood', ok: within(floodQueued, calmQueued), note },
        {
          bench: BENCH,
          metric: 'hostile requests refused',
          value: round((100 * count.refused) / Math.max(1, count.requests), 1),
          unit: '%',
          note: `${count.refused} of ${count.requests} answered 429; ${count.accepted} accepted`,
        },
      ];
    } finally {
      await bridge.stop();
      await bot.stop();
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
