// Exactly once over Direct Line, with real processes: the emulator, the demo Direct Line service
// fronting a botbuilder bot, and bridges with BOT_TRANSPORT=directline.
// - SQLite: the bridge is killed (SIGKILL) with a customer message just accepted and the bot
//   talking on while it is dead, then restarted on the same file: the bot hears every customer
//   message once, the customer sees every bot message once, none lost.
// - Redis: the replica holding the chat's stream is killed; the other one takes the stream over
//   (its lease lapses) and resumes from the stored watermark, with the same guarantees.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatClient, eventually } from '../../support/emulator';
import { REDIS_URL, dropRedisPrefix, redisPrefix, startRoundRobin } from '../../support/bridge';
import { DEMO_SECRET, directLineApi } from '../../support/directline';
import { startBridgeProcess, startDirectLineProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';
import { fileTempDir } from '../../support/temp';

let emulator: Running;
let dl: Running;
let bot: RecordingBot;
const bridges: Running[] = [];
const prefix = redisPrefix();

beforeAll(async () => {
  bot = await startRecordingBot();
  [emulator, dl] = await Promise.all([startEmulatorProcess(), startDirectLineProcess({ BOT_ENDPOINT: bot.endpoint })]);
});
afterAll(async () => {
  await stopAll(...bridges, dl, emulator);
  await bot?.close();
  await dropRedisPrefix(prefix);
});

// Short timeouts: a dead bridge's outbox claims lapse sooner (they last three times the longest), so the test waits less.
const env = () => ({
  GATEWAY_URL: emulator.url,
  GATEWAY_RPS: '50',
  GATEWAY_TIMEOUT_MS: '3000',
  BOT_TIMEOUT_MS: '3000',
  BOT_TRANSPORT: 'directline',
  DIRECT_LINE_URL: dl.url,
  DIRECT_LINE_SECRET: DEMO_SECRET,
});

async function start(extra: Record<string, string>): Promise<Running> {
  const bridge = await startBridgeProcess({ ...env(), ...extra });
  bridges.push(bridge);
  return bridge;
}

async function kill(bridge: Running): Promise<void> {
  bridges.splice(bridges.indexOf(bridge), 1);
  bridge.child.kill('SIGKILL');
  if (bridge.child.exitCode === null && bridge.child.signalCode === null) await new Promise((resolve) => bridge.child.once('exit', resolve));
}

type Msg = { type: string; text?: string; from: { type: string } };

/** What the bot heard from this customer (by its Direct Line conversation), in order. */
const heardFrom = (conversationId: string) =>
  bot.received.filter((a) => a.type === 'message' && a.conversation?.id === conversationId && a.from?.role !== 'bot').map((a) => a.text);

/** The Direct Line conversation of the chat whose customer is `nickname` (the bot heard them join). */
const conversationOf = (nickname: string) =>
  eventually(() => {
    const joined = bot.received.find((a) => a.type === 'conversationUpdate' && a.membersAdded?.some((m) => m.name === nickname));
    if (!joined) throw new Error(`the bot has not heard ${nickname} join`);
    return joined.conversation.id;
  });

async function botTexts(chat: ReturnType<typeof chatClient>, id: string): Promise<string[]> {
  return ((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Text' && m.from.type === 'External').map((m) => m.text ?? '');
}

async function expectExactlyOnce(chat: ReturnType<typeof chatClient>, id: string, conversationId: string, customer: string[], fromBot: string[]): Promise<void> {
  const expected = [...customer.map((t) => `echo: ${t}`), ...fromBot].sort();
  await eventually(async () => expect((await botTexts(chat, id)).sort()).toEqual(expected), { timeoutMs: 60_000, intervalMs: 250 });
  await eventually(() => expect(heardFrom(conversationId)).toEqual(customer), { timeoutMs: 30_000, intervalMs: 250 });
  // And it stays that way: nothing comes twice later.
  await new Promise((r) => setTimeout(r, 1500));
  expect((await botTexts(chat, id)).sort()).toEqual(expected);
  expect(heardFrom(conversationId)).toEqual(customer);
}

describe('Direct Line: exactly once through a SIGKILL', () => {
  it('SQLite: the restarted bridge resumes from the watermark; nothing lost or repeated either way', async () => {
    const store = { BRIDGE_STORE: `sqlite:${join(fileTempDir('dl-kill-'), 'bridge.db')}` };
    let bridge = await start(store);
    const port = new URL(bridge.url).port;
    const chat = chatClient(bridge.url);
    const id = await chat.requestChat({ nickname: 'Kai' });
    const conversationId = await conversationOf('Kai');
    const customer = Array.from({ length: 8 }, (_, i) => `kai ${i}`);

    for (let i = 0; i < 4; i++) expect((await chat.send(id, customer[i]!, `kai-${i}`)).body).toEqual({ statusCode: 0 });
    await eventually(async () => expect((await botTexts(chat, id)).length).toBeGreaterThanOrEqual(2), { timeoutMs: 20_000 });
    // Killed right after taking a message (in its outbox, perhaps half-posted) ...
    expect((await chat.send(id, customer[4]!, 'kai-4')).body).toEqual({ statusCode: 0 });
    await kill(bridge);
    // ... while the bot goes on talking (Direct Line keeps it for the watermark).
    const api = directLineApi(dl.url);
    const fromBot = ['while you were away 1', 'while you were away 2'];
    for (const text of fromBot) await api.botSays(conversationId, { type: 'message', text, from: { id: 'bot', name: 'Assistant', role: 'bot' } });

    bridge = await start({ ...store, BRIDGE_PORT: port });
    for (let i = 4; i < 8; i++) expect((await chat.send(id, customer[i]!, `kai-${i}`)).body).toEqual({ statusCode: 0 });
    await expectExactlyOnce(chat, id, conversationId, customer, fromBot);
  }, 150_000);

  it('Redis: the other replica takes the stream over when its holder dies', async () => {
    const balancer = await startRoundRobin([]);
    try {
      const store = { BRIDGE_STORE: REDIS_URL, BRIDGE_REDIS_PREFIX: prefix, BRIDGE_PUBLIC_URL: balancer.url };
      // The chat starts on A alone, so A holds its stream; then B joins behind the balancer.
      const a = await start(store);
      balancer.setTargets([a.url]);
      const chat = chatClient(balancer.url);
      const id = await chat.requestChat({ nickname: 'Rio' });
      const conversationId = await conversationOf('Rio');
      const customer = Array.from({ length: 8 }, (_, i) => `rio ${i}`);
      for (let i = 0; i < 2; i++) expect((await chat.send(id, customer[i]!, `rio-${i}`)).body).toEqual({ statusCode: 0 });
      const b = await start(store);
      balancer.setTargets([a.url, b.url]);
      for (let i = 2; i < 5; i++) expect((await chat.send(id, customer[i]!, `rio-${i}`)).body).toEqual({ statusCode: 0 });

      await kill(a);
      balancer.setTargets([b.url]);
      const api = directLineApi(dl.url);
      const fromBot = ['are you still there?', 'I am still here'];
      for (const text of fromBot) await api.botSays(conversationId, { type: 'message', text, from: { id: 'bot', name: 'Assistant', role: 'bot' } });
      for (let i = 5; i < 8; i++) expect((await chat.send(id, customer[i]!, `rio-${i}`)).body).toEqual({ statusCode: 0 });
      await expectExactlyOnce(chat, id, conversationId, customer, fromBot);
    } finally {
      await balancer.close();
    }
  }, 150_000);
});
