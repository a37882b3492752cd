// The gateway failing: 500 and 429 bursts, dropped connections, and the worst case, a call the
// gateway carried out but answered with an error (or not at all). Every customer message reaches the
// agent once, in order; every handover makes one conversation; the rate limit holds.
import { createServer, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient, chatClient, control, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { handOver, startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { SqliteStore } from '../../../bot-bridge/store';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
const agent = () => agentClient(emu.url);

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
  chat = chatClient(bridge.url);
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
  await emu?.close();
});

const MESSAGES = 'POST /chat-gateway/v1/conversations/{id}/messages';
const customerTexts = async (interactionId: string) =>
  (await agent().transcript(interactionId)).messages
    .filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Customer')
    .map((m: { text: string }) => m.text);

/** A chat handed over and accepted by an agent, through `via` (this file's bridge unless told). */
const withAgent = (via: { chat: ReturnType<typeof chatClient> } = { chat }) => handOver(via.chat, emu.url, `F${Math.random().toString(36).slice(2, 7)}`);

describe('customer messages while the gateway fails', () => {
  it('a burst of 500s: delivered once', async () => {
    const { id, conversationId } = await withAgent();
    await control(emu.url, { faults: [{ route: MESSAGES, status: 500, count: 3 }] });
    await chat.send(id, 'through the 500s', 'm500');
    await eventually(async () => expect(await customerTexts(conversationId)).toContain('through the 500s'), { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 800));
    expect((await customerTexts(conversationId)).filter((t: string) => t === 'through the 500s')).toHaveLength(1);
  });

  it('a 500 after the gateway did send it (ambiguous): reconciled, not sent twice', async () => {
    const { id, conversationId } = await withAgent();
    await control(emu.url, { faults: [{ route: MESSAGES, status: 500, count: 1, process: true }] });
    await chat.send(id, 'sent despite the 500', 'amb1');
    await chat.send(id, 'and the next one', 'amb2');
    await eventually(async () => expect(await customerTexts(conversationId)).toContain('and the next one'), { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 800));
    expect(await customerTexts(conversationId)).toEqual(['sent despite the 500', 'and the next one']);
  });

  it('a dropped connection, done or not done: each message once', async () => {
    const { id, conversationId } = await withAgent();
    await control(emu.url, { faults: [{ route: MESSAGES, status: 0, count: 1, process: true }] });
    await chat.send(id, 'dropped after doing it', 'drop1');
    await eventually(async () => expect(await customerTexts(conversationId)).toContain('dropped after doing it'), { timeoutMs: 15_000 });
    await control(emu.url, { faults: [{ route: MESSAGES, status: 0, count: 2 }] });
    await chat.send(id, 'dropped before doing it', 'drop2');
    await eventually(async () => expect(await customerTexts(conversationId)).toContain('dropped before doing it'), { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 800));
    expect(await customerTexts(conversationId)).toEqual(['dropped after doing it', 'dropped before doing it']);
  });

  it('a 429 burst under several messages: all delivered once, in order', async () => {
    const { id, conversationId } = await withAgent();
    await control(emu.url, { faults: [{ route: MESSAGES, status: 429, count: 4 }] });
    const sent = ['one', 'two', 'three', 'four', 'five'];
    for (const [i, text] of sent.entries()) await chat.send(id, text, `burst-${i}`);
    await eventually(async () => expect(await customerTexts(conversationId)).toEqual([...sent]), { timeoutMs: 20_000 });
  });

  it('tells the customer when a message cannot be delivered at all (the conversation is gone)', async () => {
    const { id, conversationId } = await withAgent();
    await control(emu.url, { faults: [{ route: MESSAGES, status: 404, count: 1 }] });
    await chat.send(id, 'into the void', 'void');
    await eventually(async () => {
      const messages = (await chat.messages(id, 1)).body.messages as { type: string; text?: string; notice?: { event?: string } }[];
      expect(messages.find((m) => m.notice?.event === 'not-delivered')?.text).toMatch(/into the void/);
    });
    expect(await customerTexts(conversationId)).not.toContain('into the void');
  });
});

describe('creating the conversation while the gateway fails', () => {
  const conversationsOf = async (nickname: string) => (await agent().list()).filter((i) => i.source === 'chat-gateway' && i.customer.name === nickname);

  it.each([
    ['a 500 after the gateway made it (ambiguous)', [{ route: 'POST /chat-gateway/v1/conversations', status: 500, count: 1, process: true }]],
    ['a dropped connection after it made it', [{ route: 'POST /chat-gateway/v1/conversations', status: 0, count: 1, process: true }]],
    ['two 503s before it made it', [{ route: 'POST /chat-gateway/v1/conversations', status: 503, count: 2 }]],
  ])('%s: one conversation, and the customer is queued', async (_name, faults) => {
    const nickname = `C${Math.random().toString(36).slice(2, 7)}`;
    const id = await chat.requestChat({ nickname });
    await eventually(async () => expect((await chat.messages(id, 1)).body.messages.some((m: { type: string }) => m.type === 'Text')).toBe(true));
    await control(emu.url, { faults });
    await chat.send(id, 'agent');
    await eventually(async () => expect((await chat.messages(id, 1)).body.messages.some((m: { notice?: { event?: string } }) => m.notice?.event === 'queued')).toBe(true), {
      timeoutMs: 15_000,
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(await conversationsOf(nickname)).toHaveLength(1);
  });
});

describe('pace', () => {
  it('honours Retry-After on a 429', async () => {
    // A proxy in front of the emulator that answers the first send with 429 and Retry-After: 1.
    let refused = 0;
    const sends: number[] = [];
    const proxy = createServer((req, res) => {
      if (req.method === 'POST' && /\/messages$/.test(req.url ?? '')) {
        sends.push(Date.now());
        if (refused++ === 0) {
          res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Too many requests', errors: [] }));
          req.resume();
          return;
        }
      }
      const target = new URL(emu.url);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const slow = await startBridge({
      gateway: { url: proxyUrl, jwkUrl: `${emu.url}/chat-gateway/v1/jwk/{kid}/public` },
      availability: { rtsUrl: emu.url },
      bot: { endpoint: bot.endpoint },
    });
    try {
      const via = { chat: chatClient(slow.url) };
      const { id, conversationId } = await withAgent(via);
      refused = 0;
      sends.length = 0;
      await via.chat.send(id, 'after the pause', 'ra1');
      await eventually(async () => expect(await customerTexts(conversationId)).toContain('after the pause'), { timeoutMs: 10_000 });
      expect(sends.length).toBe(2);
      expect(sends[1]! - sends[0]!).toBeGreaterThanOrEqual(1000);
    } finally {
      await slow.close();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('takes a slot of the shared GATEWAY_RPS line for every gateway call', async () => {
    // The line's spacing is rate-limit.test.ts's (read from the reservations, not a clock); here,
    // that every call the bridge makes goes through it: as many slots taken, at 1/GATEWAY_RPS, on
    // one line, as requests reached the gateway.
    const store = new SqliteStore(':memory:');
    const slots: { key: string; intervalMs: number; wait: number; maxWaitMs: number }[] = [];
    const reserve = store.reserveSlot.bind(store);
    store.reserveSlot = async (key, intervalMs, maxWaitMs) => {
      const wait = await reserve(key, intervalMs, maxWaitMs);
      slots.push({ key, intervalMs, wait, maxWaitMs });
      return wait;
    };
    const paced = await startBridge({ gateway: { url: emu.url, rps: 5 }, bot: { endpoint: bot.endpoint } }, { store });
    try {
      const via = { chat: chatClient(paced.url) };
      const { id, conversationId } = await withAgent(via);
      const since = Date.now();
      slots.length = 0;
      for (let i = 0; i < 6; i++) await via.chat.send(id, `paced ${i}`, `paced-${i}`);
      await eventually(async () => expect((await customerTexts(conversationId)).filter((t: string) => t.startsWith('paced'))).toHaveLength(6), { timeoutMs: 10_000 });
      const log = (await http(`${emu.url}/emulator/api/requests?since=${since}&path=/chat-gateway/`)).body.requests as { at: number }[];
      expect(log.length).toBeGreaterThanOrEqual(6);
      // The shared line (a bulk call takes a slot of its own line first: gateway-fairness tests it).
      const shared = slots.filter((s) => !s.key.endsWith(':bulk'));
      expect(shared.filter((s) => s.wait <= s.maxWaitMs).length).toBeGreaterThanOrEqual(log.length);
      expect(new Set(shared.map((s) => `${s.key} every ${s.intervalMs} ms`))).toEqual(new Set([`${shared[0]!.key} every 200 ms`]));
    } finally {
      await paced.close();
      await store.close();
    }
  });
});
