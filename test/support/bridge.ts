// Bridge test helpers: a real bridge (and the real demo bot) in-process on free ports, signed webhook
// deliveries made with the emulator's own signer, Redis prefixes, and a round-robin proxy that
// stands for a load balancer in front of several bridges.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { buildBridge, type Bridge } from '../../bot-bridge/app';
import type { BridgeConfig } from '../../bot-bridge/config';
import { testConfig, type DeepPartial } from './bridge-config';
import type { Store } from '../../bot-bridge/store';
import type { Logger } from '../../bot-bridge/ops';
import { buildBotServer } from '../../demo/bot/app';
import type { Gateway, WebhookSigner } from '../../demo/contact-center/gateway';
import { afterAll, beforeAll } from 'vitest';
import { agentClient, closeServer, eventually, startEmulator, type chatClient, type RunningEmulator } from './emulator';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses (Redis is shared with other work on this machine). */
export const redisPrefix = () => `parley-test:${randomBytes(6).toString('hex')}:`;

export interface RunningBridge {
  bridge: Bridge;
  url: string;
  /** The admin listener's URL when the config sets a metrics port (METRICS_PORT); else null. */
  adminUrl: string | null;
  close(): Promise<void>;
}

/** A bridge on a free port, set up against `gatewayUrl`, with fast timings for tests. */
export async function startBridge(overrides: DeepPartial<BridgeConfig> = {}, options: { store?: Store; logger?: Logger; waitReady?: boolean } = {}): Promise<RunningBridge> {
  const config = testConfig({
    port: 0,
    store: 'sqlite::memory:',
    logLevel: process.env.BRIDGE_TEST_LOG ?? 'silent',
    shutdownDrainS: 2,
    ...overrides,
    gateway: { rps: 100, reconcileGraceMs: 300, ...overrides.gateway },
    webhook: { reorderMs: 40, redeliveryHoldMs: 0, ...overrides.webhook },
    outbox: { pollMs: 50, ...overrides.outbox },
    // Test receivers listen on http://127.0.0.1: allowed here, explicitly, and never by default
    // (CALLBACK_ALLOW_PRIVATE is unsafe outside tests). The SSRF tests turn it off again.
    callback: { allowHttp: true, allowPrivate: true, hosts: [], ...overrides.callback },
  });
  const bridge = await buildBridge(config, { ...(options.store ? { store: options.store } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  await bridge.app.listen({ port: 0, host: '127.0.0.1' });
  const address = bridge.app.server.address();
  if (!address || typeof address === 'string') throw new Error('bridge did not bind');
  const url = `http://127.0.0.1:${address.port}`;
  let adminUrl: string | null = null;
  if (bridge.admin) {
    await bridge.admin.listen({ port: 0, host: '127.0.0.1' });
    const admin = bridge.admin.server.address();
    if (!admin || typeof admin === 'string') throw new Error('bridge admin listener did not bind');
    adminUrl = `http://127.0.0.1:${admin.port}`;
  }
  await bridge.start(config.publicUrl ?? url);
  if (options.waitReady !== false) {
    await Promise.race([bridge.ready, new Promise((_, reject) => setTimeout(() => reject(new Error('bridge gateway setup timed out')), 15_000))]);
  }
  return { bridge, url, adminUrl, close: () => bridge.app.close() };
}

/** Starts a bot's server on a free loopback port; the answer is its BOT_ENDPOINT (`/api/messages`). */
export async function listenAsBot(app: { listen(o: { port: number; host: string }): Promise<unknown>; server: { address(): unknown } }): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port?: number } | string | null;
  if (!address || typeof address === 'string' || !address.port) throw new Error('bot did not bind');
  return `http://127.0.0.1:${address.port}/api/messages`;
}

/** The demo bot in-process; `endpoint` is what BOT_ENDPOINT would be. */
export async function startBot() {
  const app = buildBotServer({});
  return { endpoint: await listenAsBot(app), close: () => closeServer(app) };
}

/**
 * A test file's emulator and in-process demo bot, started before its tests and closed after them,
 * and the bridges the file starts against them (`bridge()`), closed first. `bridges` is the list
 * still to close: a test that closes some itself takes them out of it.
 */
export function bridgeRig() {
  let emu: RunningEmulator | undefined;
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  const bridges: RunningBridge[] = [];
  beforeAll(async () => {
    emu = await startEmulator();
    bot = await startBot();
  });
  afterAll(async () => {
    for (const b of bridges.splice(0)) await b.close();
    await bot?.close();
    await emu?.close();
  });
  return {
    get emu(): RunningEmulator {
      return emu!;
    },
    bridges,
    async bridge(overrides: DeepPartial<BridgeConfig> = {}, options: Parameters<typeof startBridge>[1] = {}): Promise<RunningBridge> {
      const b = await startBridge({ ...overrides, gateway: { url: emu!.url, ...overrides.gateway }, bot: { endpoint: bot!.endpoint, ...overrides.bot } }, options);
      bridges.push(b);
      return b;
    },
  };
}

export interface DeliveryOptions {
  eventId?: string;
  retry?: number;
  transmissionTime?: number;
  tenantId?: string;
  customerId?: string;
}

/** A webhook delivery signed exactly as the gateway (the emulator's signer) signs it. */
export function signedDelivery(signer: WebhookSigner, body: unknown, opts: DeliveryOptions = {}) {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const eventId = opts.eventId ?? randomBytes(16).toString('base64url');
  const retry = opts.retry ?? 0;
  const transmissionTime = opts.transmissionTime ?? Date.now();
  const tenantId = opts.tenantId ?? 'demo';
  const customerId = opts.customerId ?? 'emulator-customer';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-8x8-tenant-id': tenantId,
    'x-8x8-customer-id': customerId,
    'x-8x8-event-id': eventId,
    'x-8x8-transmission-time': String(transmissionTime),
    'x-8x8-retry': String(retry),
    'x-8x8-signature': signer.sign({ body: raw, customerId, eventId, retry, tenantId, transmissionTime }),
  };
  return { raw, headers, eventId };
}

/**
 * Puts a message in a gateway conversation's message list, as if the agent had written it, without
 * the emulator delivering its own webhook: for tests that deliver hand-signed MESSAGE events. The
 * bridge shows an agent's message only once the gateway's list confirms it (jobs/confirm.ts).
 */
export function recordAtGateway(gateway: Gateway, conversationId: string, text: string, author: { id: string; type?: 'agent' | 'system' } = { id: 'agent-kim' }): void {
  const conversation = gateway.conversations.get(conversationId);
  if (!conversation) throw new Error(`the emulator has no conversation ${conversationId}`);
  conversation.messages.push({
    id: randomBytes(16).toString('base64url'),
    text,
    createdAt: new Date().toISOString(),
    author: { id: author.id, removed: false, type: author.type ?? 'agent', language: 'en' },
  });
}

export async function postWebhook(bridgeUrl: string, delivery: { raw: Buffer; headers: Record<string, string> }) {
  const response = await fetch(`${bridgeUrl}/webhooks/chat-gateway`, { method: 'POST', headers: delivery.headers, body: new Uint8Array(delivery.raw) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A minimal load balancer: each new request goes to the next target in turn. */
export async function startRoundRobin(targets: string[]) {
  let next = 0;
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (targets.length === 0) {
      res.writeHead(503).end();
      req.resume();
      return;
    }
    const target = new URL(targets[next++ % targets.length]!);
    hits.set(target.origin, (hits.get(target.origin) ?? 0) + 1);
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits,
    setTargets: (list: string[]) => {
      targets = list;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deletes every Redis key under a test's prefix. */
export async function dropRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/**
 * A widget chat taken from the bot to an agent, as a customer would: start it, wait for the bot's
 * greeting, say "agent", wait for the gateway conversation, and (unless `agent: false`) have an
 * agent accept it. Returns the chat id and the gateway conversation (= emulator interaction) id.
 */
export async function handOver(
  chat: ReturnType<typeof chatClient>,
  emulatorUrl: string,
  nickname: string,
  opts: { userData?: Record<string, unknown>; agent?: { id: string; name: string } | false; timeoutMs?: number } = {},
): Promise<{ id: string; conversationId: string }> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const id = await chat.requestChat({ nickname, ...(opts.userData ? { userData: opts.userData } : {}) });
  await eventually(
    async () => {
      if (!(await chat.messages(id, 1)).body.messages.some((m: { type: string }) => m.type === 'Text')) throw new Error(`the bot has not greeted ${nickname} yet`);
    },
    { timeoutMs },
  );
  const asked = await chat.send(id, 'agent', `asks-for-agent-${randomBytes(4).toString('hex')}`);
  if (asked.body?.statusCode !== 0) throw new Error(`asking for an agent failed: ${JSON.stringify(asked.body)}`);
  const agents = agentClient(emulatorUrl);
  const conversationId = await eventually(
    async () => {
      const found = (await agents.list()).find((i) => i.source === 'chat-gateway' && i.customer.name === nickname && i.state !== 'ended');
      if (!found) throw new Error(`${nickname} is not handed over yet`);
      return found.id as string;
    },
    { timeoutMs },
  );
  if (opts.agent !== false) {
    const agent = opts.agent ?? { id: 'agent-kristi', name: 'Kristi' };
    await agents.accept(conversationId, agent.id, agent.name);
    await eventually(
      async () => {
        if ((await chat.chat(id)).body.chat.state !== 'Chatting') throw new Error(`${nickname} is not chatting with the agent yet`);
      },
      { timeoutMs },
    );
  }
  return { id, conversationId };
}
