// A bot's reply through the bridge, with the demo bot: from the customer's SendMessage to the reply
// in the customer's hands, polling every 2 s as the widget does without the extension, and
// long-polling, in the same run on the same bridge. Emulator, bot and bridge in their own processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, waitFor } from './bridge-poll.bench';
import { NO_LIMITS, percentile, round, startProcess, type Bench, type Row } from './lib';

const SAMPLES = Number(process.env.BENCH_LP_BOT_SAMPLES ?? 30);
const INTERVAL_MS = 2000;
const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
const BENCH = 'long-poll-bot';
const headers = { ContactCenterId: CC_ID };

type Entry = { index: number; type: string; text?: string; from: { type: string } };

/** The customer's client: GetMessages from `next`, held (long-poll) or every 2 s; calls `seen` per entry. */
function reader(base: string, id: string, mode: 'plain' | 'long-poll', seen: (entry: Entry) => void) {
  let next = 1;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const r = await call(`${base}/api/v2/me/chat/${id}/messages?index=${next}${mode === 'long-poll' ? '&waitSeconds=25' : ''}`, 'GET', undefined, headers);
      for (const entry of (r.body?.messages ?? []) as Entry[]) {
        seen(entry);
        next = entry.index + 1;
      }
      if (mode === 'plain') await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - (performance.now() - started))));
      else if (r.status !== 200) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function sample(base: string, mode: 'plain' | 'long-poll'): Promise<number> {
  const id = (await call(`${base}/api/v2/chats`, 'POST', { operationName: 'RequestChat', nickname: 'Bench' }, headers)).body.id as string;
  let greeted = false;
  let sentAt = 0;
  let repliedAt = 0;
  let customerIndex = Infinity;
  const read = reader(base, id, mode, (entry) => {
    if (entry.type === 'Text' && entry.from.type === 'External' && !sentAt) greeted = true;
    if (entry.type === 'Text' && entry.from.type === 'Customer') customerIndex = entry.index;
    if (sentAt && !repliedAt && entry.type === 'Text' && entry.from.type === 'External' && entry.index > customerIndex) repliedAt = performance.now();
  });
  try {
    await waitFor('the greeting', async () => greeted, 30_000);
    // The customer writes at any moment of the poller's interval, not right after a poll.
    await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_MS));
    sentAt = performance.now();
    await call(`${base}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: 'opening hours', clientMessageId: 'q1' }, headers);
    await waitFor('the reply', async () => repliedAt > 0, 30_000);
    return repliedAt - sentAt;
  } finally {
    // Stopped first, then ended: the end's entries answer a held request at once.
    const stopped = read.stop();
    await call(`${base}/api/v2/chats/${id}`, 'POST', { operationName: 'Complete' }, headers);
    await stopped;
  }
}

export const bench: Bench = {
  name: BENCH,
  async run() {
    const emulator = await startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error' }, /listening on (http:\/\/\S+)/);
    const bot = await startProcess('demo/bot/index.ts', { BOT_PORT: '0', LOG_LEVEL: 'error' }, /bot: listening on (http:\/\/\S+)/);
    const dir = mkdtempSync(join(tmpdir(), 'bench-lp-bot-'));
    const bridge = await startProcess(
      'bot-bridge/index.ts',
      { BRIDGE_PORT: '0', BRIDGE_STORE: `sqlite:${join(dir, 'bridge.db')}`, GATEWAY_URL: emulator.url, BOT_ENDPOINT: `${bot.url}/api/messages`, LOG_LEVEL: 'error', ...NO_LIMITS },
      /bridge: listening on (http:\/\/\S+)/,
    );
    try {
      await waitFor('the bridge to be ready', async () => (await call(`${bridge.url}/readyz`)).status === 200, 60_000);
      const rows: Row[] = [];
      for (const mode of ['plain', 'long-poll'] as const) {
        const latencies: number[] = [];
        for (let i = 0; i < SAMPLES; i++) latencies.push(await sample(bridge.url, mode));
        latencies.sort((a, b) => a - b);
        const p95 = percentile(latencies, 95);
        rows.push(
          { bench: BENCH, metric: `${mode}: bot reply p50 (${SAMPLES} replies)`, value: round(percentile(latencies, 50) / 1000, 3), unit: 's' },
          {
            bench: BENCH,
            metric: `${mode}: bot reply p95 (${SAMPLES} replies)`,
            value: round(p95 / 1000, 3),
            unit: 's',
            ...(mode === 'long-poll' ? { target: '≤ 0.3', ok: p95 <= 300 } : {}),
          },
        );
      }
      return rows;
    } finally {
      await bridge.stop();
      await bot.stop();
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
