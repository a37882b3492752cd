// The bridge holding many waiting visitors at once (a long-poll each, re-asked as soon as it is
// answered) while agents write to some of them: the bridge's memory, the time from an agent's message
// to the customer's answer, and errors; with SQLite (one bridge) and with Redis (two replicas, the
// visitors split between them and every webhook landing on the first). A bounded load generator on
// loopback, in child processes (test/bench/fixtures/long-poll-visitors.ts) whose visitors arrive
// spread over one wait, as on a running site. 20,000 visitors on Redis, 19,000 on SQLite (see
// VISITORS_OF; BENCH_LP_VISITORS sets both). The bridges run as production runs them, from the
// bundle `npm run build:bridge` makes; one more row gives an idle bridge's memory both ways.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBridge } from '../../bot-bridge/bundle';
import { REDIS_URL, dropRedisPrefix, redisPrefix } from '../support/bridge';
import { call, parallel, sessionsIn, startStubBot, waitFor } from './bridge-poll.bench';
import { wallClock, type FromVisitors, type ToVisitors, type Visitor } from './fixtures/long-poll-visitors';
import { NO_LIMITS, memoryOf, percentile, round, startProcess, type Bench, type Row } from './lib';

/**
 * 20,000 on Redis (10,000 per replica). One SQLite bridge is one process, and a process here may
 * hold 20,000 descriptors at most (the hard limit, which root cannot raise in this machine): it
 * holds 19,000 visitors and keeps the rest for its own files and calls.
 */
const VISITORS_OF = { sqlite: 19_000, redis: 20_000 };
const visitorsOf = (driver: 'sqlite' | 'redis') => Number(process.env.BENCH_LP_VISITORS ?? VISITORS_OF[driver]);
const AGENT_CHATS = Number(process.env.BENCH_LP_AGENT_CHATS ?? 100);
const MESSAGES = Number(process.env.BENCH_LP_MESSAGES ?? 300);
const MESSAGES_PER_S = 20;
const WAIT_S = 25;
const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
const BENCH = 'long-poll-load';
/** Visitors per load-generator process: well under the open-file limit (20,000 per process here). */
const PER_PROCESS = 7_000;
const VISITORS_SCRIPT = fileURLToPath(new URL('./fixtures/long-poll-visitors.ts', import.meta.url));

/** The bridge's JS heap in use (MB), from its /metrics (open on loopback). */
async function heapOf(base: string): Promise<number> {
  const r = await call(`${base}/metrics`);
  const used = /^parley_bridge_nodejs_heap_size_used_bytes (\S+)/m.exec(String(r.body))?.[1];
  return used ? round(Number(used) / 2 ** 20, 0) : NaN;
}

async function runDriver(driver: 'sqlite' | 'redis', botEndpoint: string, entry: string): Promise<Row[]> {
  const VISITORS = visitorsOf(driver);
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
    ...NO_LIMITS,
  };
  const bridges: Awaited<ReturnType<typeof startProcess>>[] = [];
  const label = (m: string) => `${driver}${driver === 'redis' ? ' (2 replicas)' : ''}: ${m}`;
  let stopGenerators = () => {};
  try {
    bridges.push(await startProcess(entry, env, /bridge: listening on (http:\/\/\S+)/));
    // The second replica's public URL is the first's: the gateway's webhooks all land on the first.
    if (driver === 'redis') bridges.push(await startProcess(entry, { ...env, BRIDGE_PUBLIC_URL: bridges[0]!.url }, /bridge: listening on (http:\/\/\S+)/));
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
        if (r.status !== 200) throw new Error(`RequestChat: ${r.status} ${JSON.stringify(r.body)}`);
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

    // Every visitor waits, and asks again as soon as it is answered: in VISITOR_PROCESSES child
    // processes (sockets per process are limited, and the bench's own event loop must stay free).
    const sentAt = new Map<string, number>();
    /** The agent API calls and SendMessages that did not answer 200 (status 0: no answer): a message not delivered may be one. */
    const refusedSends: string[] = [];
    const latencies: number[] = [];
    const generators = Array.from({ length: Math.max(1, Math.ceil(VISITORS / PER_PROCESS)) }, () =>
      fork(VISITORS_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const asked = new Map<ChildProcess, (s: Extract<FromVisitors, { type: 'stats' }>) => void>();
    for (const g of generators)
      g.on('message', (m: FromVisitors) => {
        if (m.type === 'stats') asked.get(g)?.(m);
        else
          for (const text of m.texts) {
            const at = sentAt.get(text);
            if (at !== undefined) (latencies.push(m.at - at), sentAt.delete(text));
          }
      });
    stopGenerators = () => {
      for (const g of generators) if (g.connected) g.send({ type: 'stop' } satisfies ToVisitors);
    };
    /** The generators' counts, summed. */
    const total = async () => {
      const all = await Promise.all(
        generators.map(
          (g) =>
            new Promise<Extract<FromVisitors, { type: 'stats' }>>((resolve) => {
              asked.set(g, resolve);
              g.send({ type: 'stats' } satisfies ToVisitors);
            }),
        ),
      );
      const sum = (key: 'inFlight' | 'answers' | 'early' | 'errors') => all.reduce((n, s) => n + s[key], 0);
      const statuses: Record<string, number> = {};
      for (const s of all) for (const [status, n] of Object.entries(s.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
      return { inFlight: sum('inFlight'), answers: sum('answers'), early: sum('early'), errors: sum('errors'), statuses };
    };
    generators.forEach((g, p) => {
      const visitors: Visitor[] = [];
      for (let i = p; i < ids.length; i += generators.length) visitors.push({ base: bridges[i % bridges.length]!.url, id: ids[i]!, next: next.get(ids[i]!)! });
      g.send({ type: 'start', visitors, waitS: WAIT_S, ccId: CC_ID, spreadMs: WAIT_S * 1000 } satisfies ToVisitors);
    });
    await waitFor(`${VISITORS} held requests`, async () => (await total()).inFlight >= VISITORS, 300_000);
    // A whole wait more: the first answers have come and been asked again, as on a running site.
    await new Promise((r) => setTimeout(r, WAIT_S * 1000));
    const heldMemory = bridges.map((b) => memoryOf(b.child.pid!));
    const heldHeap = await Promise.all(bridges.map((b) => heapOf(b.url)));

    // Agents write to the chats they have, one message at a time across them.
    const agentChats = agentIds.map((id, i) => ({ id, interaction: interactionOf.get(`Wait ${i}`)! })).filter((c) => c.interaction);
    for (let n = 0; n < MESSAGES; n++) {
      const chat = agentChats[n % agentChats.length]!;
      const text = `update ${n} for ${chat.id.slice(0, 8)}`;
      sentAt.set(text, wallClock());
      void call(`${emulator.url}/agent/api/interactions/${chat.interaction}/messages`, 'POST', { text }).then((r) => r.status === 200 || refusedSends.push(`agent ${r.status}`));
      await new Promise((r) => setTimeout(r, 1000 / MESSAGES_PER_S));
    }
    await waitFor('every agent message at its customer', async () => sentAt.size === 0, 60_000).catch(() => undefined);
    const lostAgent = sentAt.size;
    sentAt.clear();
    const agentLatencies = latencies.splice(0).sort((a, b) => a - b);
    const sendMs: number[] = [];

    // The wake alone: a customer's message is appended by the replica that takes the SendMessage (the
    // first), and its echo answers the customer's request held there or on the other replica.
    for (let n = 0; n < MESSAGES; n++) {
      const chat = agentChats[n % agentChats.length]!;
      const text = `echo ${n}`;
      sentAt.set(text, wallClock());
      void call(`${main}/api/v2/chats/${chat.id}`, 'POST', { operationName: 'SendMessage', text, clientMessageId: `echo-${n}` }, headers).then((r) => {
        sendMs.push(r.ms);
        if (r.status !== 200) refusedSends.push(`SendMessage ${r.status}`);
      });
      await new Promise((r) => setTimeout(r, 1000 / MESSAGES_PER_S));
    }
    await waitFor('every echo at its customer', async () => sentAt.size === 0, 60_000).catch(() => undefined);
    const lostEcho = sentAt.size;
    const lost = lostAgent + lostEcho;
    const memory = bridges.map((b) => memoryOf(b.child.pid!));
    const { answers, early, errors, statuses } = await total();
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
        note: memory
          .map((m, i) => `replica ${i + 1}: ${heldMemory[i]!.rssMb} MB held (JS heap ${heldHeap[i]} MB used), ${m.rssMb} MB after the messages, peak ${m.peakMb} MB`)
          .join('; '),
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
        note: `${errors} failed long-polls${errors ? ` (by status, 0 = no answer: ${JSON.stringify(statuses)})` : ''}, ${lostAgent} agent messages and ${lostEcho} customer messages not at their customer within 60 s${refusedSends.length ? ` (sends not answered 200: ${refusedSends.join(', ')})` : ''}`,
      },
    ];
  } finally {
    stopGenerators();
    for (const b of bridges) await b.stop();
    await emulator.stop();
    if (driver === 'redis') await dropRedisPrefix(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A bridge's memory once it is ready and idle: the production bundle against the sources run by tsx. */
async function idleMemory(botEndpoint: string, entry: string): Promise<Row> {
  const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error' }, /listening on (http:\/\/\S+)/);
  const dir = mkdtempSync(join(tmpdir(), 'bench-lp-idle-'));
  try {
    const rss: number[] = [];
    for (const [i, file] of [entry, 'bot-bridge/index.ts'].entries()) {
      const env = { BRIDGE_PORT: '0', BRIDGE_STORE: `sqlite:${join(dir, `idle-${i}.db`)}`, GATEWAY_URL: emulator.url, BOT_ENDPOINT: botEndpoint, LOG_LEVEL: 'error' };
      const bridge = await startProcess(file, env, /bridge: listening on (http:\/\/\S+)/);
      try {
        await waitFor('the bridge to be ready', async () => (await call(`${bridge.url}/readyz`)).status === 200, 60_000);
        await new Promise((r) => setTimeout(r, 3000));
        rss.push(memoryOf(bridge.child.pid!).rssMb);
      } finally {
        await bridge.stop();
      }
    }
    return {
      bench: BENCH,
      metric: 'bridge RSS, ready and idle: production bundle',
      value: rss[0]!,
      unit: 'MB',
      note: `npm run bridge (the sources through tsx): ${rss[1]} MB; the rows above run the bundle (npm run build:bridge), as production does`,
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: Bench = {
  name: BENCH,
  async run() {
    const bot = await startStubBot();
    try {
      // What production runs: the bridge compiled into one file.
      const entry = await bundleBridge();
      const drivers = (process.env.BENCH_LP_DRIVERS ?? 'sqlite,redis').split(',') as ('sqlite' | 'redis')[];
      const rows: Row[] = [];
      for (const driver of drivers) rows.push(...(await runDriver(driver, bot.endpoint, entry)));
      rows.push(await idleMemory(bot.endpoint, entry));
      return rows;
    } finally {
      await bot.close();
    }
  },
};
