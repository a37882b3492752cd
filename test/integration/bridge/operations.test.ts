// Running the bridge: health and readiness, metrics, logs without secrets or message texts, the
// gateway set up once and reused across restarts, the outbox drained on shutdown, idle chats ended.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot-bridge/ops';
import { SqliteStore } from '../../../bot-bridge/store';
import { API_KEY, agentClient, chatClient, control, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { handOver, startBot, startBridge } from '../../support/bridge';
import { testTempDir } from '../../support/temp';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
const gw = (path: string) => http(`${emu.url}/chat-gateway/v1${path}`, { headers: { 'x-api-key': API_KEY } });

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
});
afterAll(async () => {
  await bot?.close();
  await emu?.close();
});

describe('health, readiness and metrics', () => {
  it('is healthy, ready when store and gateway answer, and not ready when the gateway is away', async () => {
    const up = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    try {
      expect((await http(`${up.url}/healthz`)).body).toEqual({ ok: true });
      expect(await http(`${up.url}/readyz`)).toMatchObject({ status: 200, body: { ok: true, store: { ok: true }, gateway: { ok: true } } });
    } finally {
      await up.close();
    }
    const down = await startBridge({ gateway: { url: 'http://127.0.0.1:1' }, bot: { endpoint: bot.endpoint } }, { waitReady: false });
    try {
      expect((await http(`${down.url}/healthz`)).status).toBe(200);
      expect(await http(`${down.url}/readyz`)).toMatchObject({ status: 503, body: { ok: false, store: { ok: true }, gateway: { ok: false } } });
    } finally {
      await down.close();
    }
  });

  it('exposes sessions by state, handovers, webhook events, outbox depth and gateway latency', async () => {
    const b = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    try {
      await handOver(chatClient(b.url), emu.url, 'Metrics Mo');
      const text = await (await fetch(`${b.url}/metrics`)).text();
      expect(text).toMatch(/^parley_sessions\{state="agent"\} 1$/m);
      expect(text).toMatch(/^parley_handovers_total\{result="requested"\} 1$/m);
      expect(text).toMatch(/^parley_handovers_total\{result="created"\} 1$/m);
      expect(text).toMatch(/^parley_webhook_events_total\{type="MEMBERS_CHANGED",result="accepted"\} \d+$/m);
      expect(text).toMatch(/^parley_outbox_depth \d+$/m);
      expect(text).toMatch(/^parley_gateway_request_duration_seconds_count\{method="POST",route="\/conversations",status="202"\} 1$/m);
      expect(text).toMatch(/^parley_bridge_process_resident_memory_bytes \d+/m);
    } finally {
      await b.close();
    }
  });
});

describe('logs', () => {
  it('are JSON lines with no message text, no key and no full chat id at info level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const apiKey = 'logging-test-api-key-77';
    const b = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, apiKey, logLevel: 'info' }, { logger: createLogger('info', sink) });
    try {
      const chat = chatClient(b.url);
      const { id, conversationId } = await handOver(chat, emu.url, 'Private Pat');
      await chat.send(id, 'my card number is 4111-SECRET', 'p1');
      await agentClient(emu.url).say(conversationId, 'agent says SECRET-REPLY');
      await eventually(async () => expect((await chat.messages(id, 1)).body.messages.some((m: { text?: string }) => m.text === 'agent says SECRET-REPLY')).toBe(true));
      await http(`${b.url}/v1/handovers`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, json: {} });
    } finally {
      await b.close();
    }
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: number };
      expect(entry.level).toBeGreaterThanOrEqual(30);
      expect(line).not.toMatch(/SECRET|4111/);
      expect(line).not.toContain(apiKey);
      expect(line).not.toContain(API_KEY);
      expect(line).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/);
    }
    expect(lines.some((l) => l.includes('"msg":"handover requested"'))).toBe(true);
  });
});

describe('gateway setup', () => {
  it('creates its webhook and channel once, reuses them on restart, and repoints the webhook when its URL changes', async () => {
    const file = join(testTempDir('bridge-boot-'), 'bridge.db');
    const webhooksBefore = (await gw('/webhooks?size=1000')).body.page.totalElements;
    const first = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    const setup = first.bridge.deps.setup!;
    await first.close();
    expect((await gw('/webhooks?size=1000')).body.page.totalElements).toBe(webhooksBefore + 1);

    const second = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    try {
      expect(second.bridge.deps.setup).toEqual(setup);
      expect((await gw('/webhooks?size=1000')).body.page.totalElements).toBe(webhooksBefore + 1);
      // It listens on another port now: the same webhook points there.
      expect((await gw(`/webhooks/${setup.webhookId}`)).body.uri).toBe(`${second.url}/webhooks/chat-gateway`);
      expect((await gw(`/channels/${setup.channelId}`)).body.webHookId).toBe(setup.webhookId);
    } finally {
      await second.close();
    }
  });

  it('uses GATEWAY_CHANNEL_ID as given and creates nothing', async () => {
    const file = join(testTempDir('bridge-boot-'), 'bridge.db');
    const first = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    const { channelId, webhookId } = first.bridge.deps.setup!;
    await first.close();
    const before = (await gw('/channels?size=1000')).body.page.totalElements;
    const given = await startBridge({ gateway: { url: emu.url, channelId }, bot: { endpoint: bot.endpoint } });
    try {
      expect(given.bridge.deps.setup).toEqual({ channelId, webhookId });
      expect((await gw('/channels?size=1000')).body.page.totalElements).toBe(before);
    } finally {
      await given.close();
    }
  });

  it('recreates them when the gateway forgot them', async () => {
    const file = join(testTempDir('bridge-boot-'), 'bridge.db');
    const first = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    const old = first.bridge.deps.setup!;
    await first.close();
    await http(`${emu.url}/chat-gateway/v1/channels/${old.channelId}`, { method: 'DELETE', headers: { 'x-api-key': API_KEY } });
    const second = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
    try {
      expect(second.bridge.deps.setup!.webhookId).toBe(old.webhookId);
      expect(second.bridge.deps.setup!.channelId).not.toBe(old.channelId);
    } finally {
      await second.close();
    }
  });
});

describe('shutdown and idle chats', () => {
  it('drains the outbox before it stops: a message accepted just before is delivered', async () => {
    const file = join(testTempDir('bridge-drain-'), 'bridge.db');
    const b = await startBridge({ store: `sqlite:${file}`, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, shutdownDrainS: 10 });
    const chat = chatClient(b.url);
    const { id, conversationId } = await handOver(chat, emu.url, 'Drain Dee');
    await control(emu.url, { faults: [{ route: 'POST /chat-gateway/v1/conversations/{id}/messages', status: 503, count: 1, delayMs: 300 }] });
    expect((await chat.send(id, 'last words', 'dd1')).body).toEqual({ statusCode: 0 });
    await b.close();
    const transcript = (await agentClient(emu.url).transcript(conversationId)).messages.map((m: { text?: string }) => m.text);
    expect(transcript).toContain('last words');
    const store = new SqliteStore(file);
    expect(await store.outboxDepth()).toBe(0);
    await store.close();
  });

  it('ends a chat whose customer stopped polling, on the gateway too', async () => {
    const b = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, chatIdleTimeoutS: 5 });
    try {
      const chat = chatClient(b.url);
      const { id, conversationId } = await handOver(chat, emu.url, 'Idle Ian');
      await eventually(async () => expect((await http(`${emu.url}/agent/api/interactions/${conversationId}`)).body).toMatchObject({ state: 'ended', endedReason: 'customer' }), {
        timeoutMs: 12_000,
        intervalMs: 250,
      });
      expect((await chat.chat(id)).body.chat.state).toBe('Idle');
      const tail = (await chat.messages(id, 1)).body.messages.slice(-2);
      expect(tail.map((m: { type: string; notice?: { event?: string } }) => m.notice?.event ?? m.type)).toEqual(['idle-timeout', 'ParticipantLeft']);
    } finally {
      await b.close();
    }
  }, 20_000);
});
