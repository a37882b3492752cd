// Bot reply latency through the bridge, over Direct Line vs the Bot Connector channel, same run, same
// demo bot: a customer message is sent (SendMessage) and the bot's answer polled for (every 5 ms)
// on the Customer Chat API. Over the Bot Connector the bridge POSTs to the bot, which answers at
// the bridge's /v3; over Direct Line the bridge posts to the demo Direct Line service, which calls
// the bot, and the answer comes back on the conversation's WebSocket stream. Interleaved rounds, so
// the machine's noise falls on both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatClient, startEmulator } from '../support/emulator';
import { DEMO_SECRET } from '../support/directline';
import { NO_LIMITS, percentile, round, startProcess, type Bench, type Row } from './lib';

const TURNS = Number(process.env.BENCH_BOT_TURNS ?? 40);
const ROUNDS = 3;
const BENCH = 'bot-transport';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Msg = { index: number; type: string; from: { type: string } };

/** One chat, TURNS questions, the time from each send to the bot's answer on the customer's side (ms). */
async function turns(bridgeUrl: string, n: number): Promise<number[]> {
  const chat = chatClient(bridgeUrl);
  const id = await chat.requestChat({ nickname: 'Bench' });
  let seen = 0;
  const botAnswers = async () => ((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Text' && m.from.type === 'External').length;
  // The welcome first.
  for (let waited = 0; (seen = await botAnswers()) === 0; waited += 20) {
    if (waited > 20_000) throw new Error('the bot did not greet');
    await sleep(20);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const sent = await chat.send(id, 'Opening hours', `bench-${i}`);
    if (sent.body?.statusCode !== 0) throw new Error(`send failed: ${JSON.stringify(sent.body)}`);
    for (;;) {
      const now = await botAnswers();
      if (now > seen) {
        seen = now;
        break;
      }
      if (performance.now() - started > 20_000) throw new Error('no answer in 20 s');
      await sleep(5);
    }
    out.push(performance.now() - started);
  }
  return out;
}

export const bench: Bench = {
  name: BENCH,
  async run() {
    const emulator = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'bench-transport-'));
    const bot = await startProcess('demo/bot/index.ts', { BOT_PORT: '0', LOG_LEVEL: 'error' }, /bot: listening on (http:\/\/\S+?)\s/);
    const endpoint = `${bot.url}/api/messages`;
    const dl = await startProcess('demo/directline/index.ts', { DIRECTLINE_PORT: '0', LOG_LEVEL: 'error', BOT_ENDPOINT: endpoint }, /directline: listening on (http:\/\/\S+)/);
    const env = { BRIDGE_PORT: '0', GATEWAY_URL: emulator.url, LOG_LEVEL: 'error', BOT_ENDPOINT: endpoint, GATEWAY_RPS: '100', ...NO_LIMITS };
    const pattern = /bridge: listening on (http:\/\/\S+)/;
    const bridges = {
      'bot-connector': await startProcess('bot-bridge/index.ts', { ...env, BRIDGE_STORE: `sqlite:${join(dir, 'connector.db')}` }, pattern),
      directline: await startProcess(
        'bot-bridge/index.ts',
        { ...env, BRIDGE_STORE: `sqlite:${join(dir, 'directline.db')}`, BOT_TRANSPORT: 'directline', DIRECT_LINE_URL: dl.url, DIRECT_LINE_SECRET: DEMO_SECRET },
        pattern,
      ),
    };
    const latencies: Record<keyof typeof bridges, number[]> = { 'bot-connector': [], directline: [] };
    try {
      // Warm-up: code hot, connections open.
      for (const bridge of Object.values(bridges)) await turns(bridge.url, 5);
      for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(bridges) as (keyof typeof bridges)[]) latencies[name].push(...(await turns(bridges[name].url, TURNS)));
    } finally {
      await Promise.all([...Object.values(bridges).map((b) => b.stop()), dl.stop(), bot.stop()]);
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const rows: Row[] = [];
    const stats: Record<string, { p50: number; p95: number }> = {};
    for (const name of Object.keys(latencies) as (keyof typeof latencies)[]) {
      const sorted = [...latencies[name]].sort((a, b) => a - b);
      stats[name] = { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
      rows.push(
        {
          bench: BENCH,
          metric: `${name}: bot reply p50`,
          value: stats[name].p50,
          unit: 'ms',
          note: `${sorted.length} turns (${ROUNDS} interleaved rounds of ${TURNS}), polled every 5 ms`,
        },
        { bench: BENCH, metric: `${name}: bot reply p95`, value: stats[name].p95, unit: 'ms' },
      );
    }
    const ratio = stats.directline!.p95 / stats['bot-connector']!.p95;
    rows.push({
      bench: BENCH,
      metric: 'directline vs bot-connector p95',
      value: round(ratio),
      unit: '×',
      target: '≤ 3',
      ok: ratio <= 3,
      note: 'Direct Line adds a hop (the service) and the stream; the demo service is local, the real one is not',
    });
    return rows;
  },
};
