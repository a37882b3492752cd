// The bridge holding many waiting visitors at once (a long-poll each, re-asked as soon as it is
// answered) while agents write to some of them: the bridge's memory, the time from an agent's message
// to the customer's answer, and errors; with SQLite (one bridge) and with Redis (two replicas, the
// visitors split between them and every webhook landing on the first). A bounded load generator on
// loopback, in this process. The default is 15,000 visitors: the machine's open-file limit (hard
// limit 20,000 per process) leaves no room for 20,000 sockets in one process, and one SQLite bridge
// holding 19,000 ran out of descriptors for its own calls (BENCH_LP_VISITORS).
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_URL, dropRedisPrefix, redisPrefix } from '../support/bridge';
import { call, parallel, sessionsIn, startStubBot, waitFor } from './bridge-poll.bench';
import { memoryOf, percentile, round, startProcess, type Bench, type Row } from './lib';

const VISITORS = Number(process.env.BENCH_LP_VISITORS ?? 15_000);
const AGENT_CHATS = Number(process.env.BENCH_LP_AGENT_CHATS ?? 100);
const MESSAGES = Number(process.env.BENCH_LP_MESSAGES ?? 300);
const MESSAGES_PER_S = 20;
const WAIT_S = 25;
const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
const BENCH = 'long-poll-load';

/** Held requests need a socket each: no pool limit. */
const held = new Agent({ keepAlive: true, maxSockets: Infinity });

function longPoll(base: string, id: string, index: number): Promise<{ status: number; messages: { index: number; text?: string }[] }> {
  return new Promise((resolve) => {
    const u = new URL(`${base}/api/v2/me/chat/${id}/messages?index=${index}&waitSeconds=${WAIT_S}`);
    const req = httpRequest({ agent: held, host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { ContactCenterId: CC_ID } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, messages: (JSON.parse(Buffer.concat(chunks).toString()) as { messages?: [] }).messages ?? [] });
        } catch {
          resolve({ status: 0, messages: [] });
        }
      });
    });
    req.on('error', () => resolve({ status: 0, messages: [] }));
    req.end();
  });
}

async function runDriver(driver: 'sqlite' | 'redis', botEndpoint: string): Promise<Row[]> {
  const prefix = redisPrefix();
  const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error', CHAT_IDLE_TIMEOUT_S: '3600' }, /listening on (http:\/\/\S+)/);
  const dir = driver === 'sqlite' ? mkdtempSync(join(tmpdir(), 'bench-lp-')) : null;
  const env = {
    BRIDGE_PORT: '0',
    BRIDGE_STORE: dir ? `sqlite:${join(dir, 'bridge.db')}` : REDIS_URL,
    BRIDGE_REDIS_PREFIX: prefix,
    GATEWAY_URL: emulator.url,
    BOT_ENDPOINT: botEndpoint,
    GATEWAY_RPS: '5000',
    CHAT_IDLE_TIMEOUT_S: '3600',
    OUTBOX_CONCURRENCY: '64',
    // The agent's messages are applied as they come (no wait for earlier-stamped events).
    WEBHOOK_REORDER_MS: '0',
    LONG_POLL_MAX_WAIT_S: String(WAIT_S),
    // Every visitor comes from 127.0.0.1 here.
    LONG_POLL_MAX_PER_ADDRESS: '0',
    LOG_LEVEL: 'error',
  };
  const bridges = [await startProcess('bot-bridge/index.ts', env, /bridge: listening on (http:\/\/\S+)/)];
  // The second replica's public URL is the first's: the gateway's webhooks all land on the first.
  if (driver === 'redis') bridges.push(await startProcess('bot-bridge/index.ts', { ...env, BRIDGE_PUBLIC_URL: bridges[0]!.url }, /bridge: listening on (http:\/\/\S+)/));
  const label = (m: string) => `${driver}${driver === 'redis' ? ' (2 replicas)' : ''}: ${m}`;
  let running = true;
  try {
    for (const b of bridges) await waitFor('the bridge to be ready', async () => (await call(`${b.url}/readyz`)).status === 200, 60_000);
    const main = bridges[0]!.url;
    const headers = { ContactCenterId: CC_ID };
    const setupStarted = Date.now();
    const ids: string[] = [];
    await parallel(
      Array.from({ length: VISITORS }, (_, i) => i),
      32,
      async (i) => {
        const r = await call(`${bridges[i % bridges.length]!.url}/api/v2/chats`, 'POST', { operationName: 'RequestChat', nickname: `Wait ${i}` }, headers);
        ids[i] = r.body.id;
      },
    );
    // The first AGENT_CHATS go to agents (the stub bot hands over at the first message).
    const agentIds = ids.slice(0, AGENT_CHATS);
    await parallel(
      agentIds,
      16,
      async (id) => void (await call(`${main}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: 'agent', clientMessageId: 'first' }, headers)),
    );
    await waitFor(`${AGENT_CHATS} queued chats`, async () => (await sessionsIn(main, 'queued')) >= AGENT_CHATS, 600_000);
    const interactions = ((await call(`${emulator.url}/agent/api/interactions`)).body.interactions as { id: string; state: string; customer: { name: string } }[]).filter(
      (i) => i.state === 'queued',
    );
    await parallel(
      interactions,
      16,
      async (interaction, i) => void (await call(`${emulator.url}/agent/api/interactions/${interaction.id}/accept`, 'POST', { agentId: `agent-${i}`, agentName: `Agent ${i}` })),
    );
    await waitFor(`${AGENT_CHATS} chats with an agent`, async () => (await sessionsIn(main, 'agent')) >= AGENT_CHATS, 600_000);
    const interactionOf = new Map(interactions.map((i) => [i.customer.name, i.id]));
    const next = new Map<string, number>();
    await parallel(ids, 32, async (id) => {
      const r = await call(`${main}/api/v2/me/chat/${id}/messages?index=1`, 'GET', undefined, headers);
      next.set(id, Math.max(0, ...((r.body.messages ?? []) as { index: number }[]).map((m) => m.index)) + 1);
    });
    await new Promise((r) => setTimeout(r, 3000));
    const setupS = round((Date.now() - setupStarted) / 1000, 1);

    // Every visitor waits, and asks again as soon as it is answered.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let errors = 0;
    let answers = 0;
    /** Empty answers that came at once (the request was not held). */
    let early = 0;
    let inFlight = 0;
    const loops = ids.map(async (id, i) => {
      const base = bridges[i % bridges.length]!.url;
      while (running) {
        inFlight++;
        const asked = performance.now();
        const r = await longPoll(base, id, next.get(id)!);
        inFlight--;
        if (!running) break;
        if (r.status !== 200) {
          errors++;
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        answers++;
        const now = performance.now();
        for (const m of r.messages) {
          const at = m.text ? sentAt.get(m.text) : undefined;
          if (at !== undefined) (latencies.push(now - at), sentAt.delete(m.text!));
        }
        if (r.messages.length) next.set(id, r.messages.at(-1)!.index + 1);
        // As the widget does: an empty answer that came at once (not held) is followed at the plain cadence.
        else if (performance.now() - asked < 2000) (early++, await new Promise((resolve) => setTimeout(resolve, 2000 - (performance.now() - asked))));
      }
    });
    // They end when the bridges stop (finally below).
    void Promise.all(loops);
    await waitFor(`${VISITORS} held requests`, async () => inFlight >= VISITORS, 300_000);
    await new Promise((r) => setTimeout(r, 5000));
    const heldMemory = bridges.map((b) => memoryOf(b.child.pid!));

    // Agents write to the chats they have, one message at a time across them.
    const agentChats = agentIds.map((id, i) => ({ id, interaction: interactionOf.get(`Wait ${i}`)! })).filter((c) => c.interaction);
    for (let n = 0; n < MESSAGES; n++) {
      const chat = agentChats[n % agentChats.length]!;
      const text = `update ${n} for ${chat.id.slice(0, 8)}`;
      sentAt.set(text, performance.now());
      void call(`${emulator.url}/agent/api/interactions/${chat.interaction}/messages`, 'POST', { text });
      await new Promise((r) => setTimeout(r, 1000 / MESSAGES_PER_S));
    }
    await waitFor('every agent message at its customer', async () => sentAt.size === 0, 60_000).catch(() => undefined);
    let lost = sentAt.size;
    sentAt.clear();
    const agentLatencies = latencies.splice(0).sort((a, b) => a - b);
    const sendMs: number[] = [];

    // The wake alone: a customer's message is appended by the replica that takes the SendMessage (the
    // first), and its echo answers the customer's request held there or on the other replica.
    for (let n = 0; n < MESSAGES; n++) {
      const chat = agentChats[n % agentChats.length]!;
      const text = `echo ${n}`;
      sentAt.set(text, performance.now());
      void call(`${main}/api/v2/chats/${chat.id}`, 'POST', { operationName: 'SendMessage', text, clientMessageId: `echo-${n}` }, headers).then((r) => sendMs.push(r.ms));
      await new Promise((r) => setTimeout(r, 1000 / MESSAGES_PER_S));
    }
    await waitFor('every echo at its customer', async () => sentAt.size === 0, 60_000).catch(() => undefined);
    lost += sentAt.size;
    const memory = bridges.map((b) => memoryOf(b.child.pid!));
    running = false;
    latencies.sort((a, b) => a - b);
    const p99 = round(percentile(agentLatencies, 99));
    const wakeP99 = round(percentile(latencies, 99));
    const rss = Math.max(...memory.map((m) => m.rssMb));
    return [
      {
        bench: BENCH,
        metric: label('visitors waiting'),
        value: VISITORS,
        unit: 'visitors',
        note: `set up in ${setupS} s; ${AGENT_CHATS} of them with an agent; ${answers} long-polls answered, ${early} of them empty at once (not held)`,
      },
      {
        bench: BENCH,
        metric: label('bridge RSS, all waiting'),
        value: rss,
        unit: 'MB',
        target: '≤ 500',
        ok: rss <= 500,
        note: memory.map((m, i) => `replica ${i + 1}: ${heldMemory[i]!.rssMb} MB held, ${m.rssMb} MB after the messages, peak ${m.peakMb} MB`).join('; '),
      },
      { bench: BENCH, metric: label(`agent message → customer's answer p50 (${agentLatencies.length} messages)`), value: round(percentile(agentLatencies, 50)), unit: 'ms' },
      {
        bench: BENCH,
        metric: label(`agent message → customer's answer p99 (${agentLatencies.length} messages)`),
        value: p99,
        unit: 'ms',
        note: 'from the agent API call: includes the emulator’s webhook delivery, the reorder hold (WEBHOOK_REORDER_MS=0 here) and the confirmation job that reads the gateway’s message list',
      },
      { bench: BENCH, metric: label(`append → held answer p50 (${latencies.length} customer messages)`), value: round(percentile(latencies, 50)), unit: 'ms' },
      {
        bench: BENCH,
        metric: label(`append → held answer p99 (${latencies.length} customer messages)`),
        value: wakeP99,
        unit: 'ms',
        target: '≤ 50',
        ok: wakeP99 <= 50,
        note: `SendMessage itself: p50 ${round(
          percentile(
            sendMs.sort((a, b) => a - b),
            50,
          ),
        )} ms; from the customer's SendMessage (appended by ${driver === 'redis' ? 'replica 1, half of them held on replica 2' : 'the bridge'}) to the echo in the held request's answer`,
      },
      {
        bench: BENCH,
        metric: label('errors'),
        value: errors + lost,
        unit: 'req',
        target: '= 0',
        ok: errors + lost === 0,
        note: `${errors} failed long-polls, ${lost} agent messages not delivered`,
      },
    ];
  } finally {
    running = false;
    held.destroy();
    for (const b of bridges) await b.stop();
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
      const drivers = (process.env.BENCH_LP_DRIVERS ?? 'sqlite,redis').split(',') as ('sqlite' | 'redis')[];
      const rows: Row[] = [];
      for (const driver of drivers) rows.push(...(await runDriver(driver, bot.endpoint)));
      return rows;
    } finally {
      await bot.close();
    }
  },
};
