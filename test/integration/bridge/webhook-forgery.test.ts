// Forged webhook bodies (issue 13 §2). The gateway's signature binds only the CRC-32 of the body,
// which four chosen bytes can match, so a validly signed delivery of another channel can carry any
// body. These tests make that exact forgery and check it shows nothing, and check each bound the
// bridge puts on what a signed delivery may do: its tenant and customer, the conversations it
// created, the freshness window; and that refusals cannot mint metric series or flood the log.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detachedPayload } from '../../../bot-bridge/gateway';
import { createLogger } from '../../../bot-bridge/ops';
import { API_KEY, chatClient, control, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { handOver, postWebhook, recordAtGateway, signedDelivery, startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { forgeJsonWithCrc } from '../../support/crc32-forge';
import { startReceiver } from '../../support/webhook-receiver';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let chat: ReturnType<typeof chatClient>;
let victimChat: string;
let victimConversation: string;
const logLines: { msg: string; [key: string]: unknown }[] = [];

type Msg = { index: number; type: string; text?: string; from: { type: string; nickname: string } };
const shown = async (): Promise<Msg[]> => (await chat.messages(victimChat, 1)).body.messages;
const agentTexts = async () => (await shown()).filter((m) => m.type === 'Text' && m.from.type === 'Agent').map((m) => m.text);
const gateway = (path: string, init: Parameters<typeof http>[1] = {}) =>
  http(`${emu.url}/chat-gateway/v1${path}`, { ...init, headers: { 'x-api-key': API_KEY, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  receiver = await startReceiver();
  const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line)) });
  // WEBHOOK_MAX_AGE_S is left at its default here: the stale test is about the default window.
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } }, { logger });
  chat = chatClient(bridge.url);
  ({ id: victimChat, conversationId: victimConversation } = await handOver(chat, emu.url, 'Vera', { agent: { id: 'agent-kim', name: 'Kim' } }));
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
  await receiver?.close();
  await emu?.close();
});

/** A message the agent really wrote, delivered signed: once it shows, everything posted before it has been processed. */
async function genuine(text = `genuine ${randomBytes(4).toString('hex')}`): Promise<void> {
  recordAtGateway(emu.gateway, victimConversation, text);
  const body = { eventType: 'MESSAGE', conversationId: victimConversation, timestamp: Date.now(), data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text } };
  expect((await postWebhook(bridge.url, signedDelivery(emu.signer, body))).status).toBe(200);
  await eventually(async () => expect(await agentTexts()).toContain(text), { timeoutMs: 10_000 });
}

describe('the bridge learns whose webhooks it takes', () => {
  it('knows the tenant and customer the gateway signs for, learned at start and stored', async () => {
    expect(bridge.bridge.verifier.knownIdentity()).toEqual({ tenantId: 'demo', customerId: 'emulator-customer' });
    const learnPing = emu.delivery.log.find((d) => d.eventType === 'WEB_HOOK_VERIFY' && d.uri.includes('parley-learn='));
    expect(learnPing?.status).toBe(200);
  });

  it('is not taught by a verification event it did not ask for', async () => {
    const ping = signedDelivery(emu.signer, { notificationVersion: 'Chat Gateway v1.0', eventType: 'WEB_HOOK_VERIFY' }, { tenantId: 'mallory', customerId: 'mallory' });
    const response = await fetch(`${bridge.url}/webhooks/chat-gateway?parley-learn=guessed`, { method: 'POST', headers: ping.headers, body: new Uint8Array(ping.raw) });
    expect(response.status).toBe(401);
    expect(bridge.bridge.verifier.knownIdentity()?.tenantId).toBe('demo');
  });
});

describe('a signed delivery for someone else', () => {
  it.each([
    ['another tenant', { tenantId: 'another-tenant' }],
    ['another customer', { customerId: 'another-customer' }],
  ])('is refused with 401 when it is signed for %s', async (_name, who) => {
    const body = {
      eventType: 'MESSAGE',
      conversationId: victimConversation,
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: 'wrong tenant' },
    };
    recordAtGateway(emu.gateway, victimConversation, 'wrong tenant');
    const response = await postWebhook(bridge.url, signedDelivery(emu.signer, body, who));
    expect(response.status).toBe(401);
    await genuine();
    expect(await agentTexts()).not.toContain('wrong tenant');
  });

  it('is refused when it is older than the default window (60 s)', async () => {
    const body = {
      eventType: 'MESSAGE',
      conversationId: victimConversation,
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: 'ninety seconds old' },
    };
    recordAtGateway(emu.gateway, victimConversation, 'ninety seconds old');
    const response = await postWebhook(bridge.url, signedDelivery(emu.signer, body, { transmissionTime: Date.now() - 90_000 }));
    expect(response).toMatchObject({ status: 401, body: { error: expect.stringContaining('60 s') } });
  });
});

describe('a conversation this bridge did not create', () => {
  it('is answered 200 (the gateway stops), changes nothing, is not kept waiting, and is logged', async () => {
    const stranger = randomBytes(16).toString('base64url');
    const body = { eventType: 'MEMBERS_CHANGED', conversationId: stranger, timestamp: Date.now(), data: { memberType: 'agent', change: 'left', id: 'agent-kim' } };
    expect(await postWebhook(bridge.url, signedDelivery(emu.signer, body))).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    expect(await bridge.bridge.deps.store.inboxPending(stranger)).toEqual([]);
    expect(logLines.some((l) => l.msg.includes('did not create') && l.conversation === `${stranger.slice(0, 8)}…`)).toBe(true);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MEMBERS_CHANGED",result="unknown-conversation"\} [1-9]/);
    await genuine();
    expect((await bridge.bridge.deps.store.getSession(victimChat))?.state).toBe('agent');
  });
});

describe('a conversation not known yet while a handover is being created', () => {
  it('is kept: it may be that handover, whose gateway answer has not come yet', async () => {
    // The gateway takes 3 s to answer this create (then fails it, and the retry succeeds).
    await control(emu.url, { faults: [{ route: 'POST /chat-gateway/v1/conversations', status: 503, delayMs: 3000 }] });
    try {
      const pending = await chat.requestChat({ nickname: 'Pending' });
      await eventually(async () => expect((await chat.messages(pending, 1)).body.messages.some((m: Msg) => m.type === 'Text')).toBe(true), { timeoutMs: 10_000 });
      await chat.send(pending, 'agent', `asks-${randomBytes(4).toString('hex')}`);
      await eventually(async () => expect((await bridge.bridge.deps.store.getSession(pending))?.state).toBe('handover'));
      const early = randomBytes(16).toString('base64url');
      const body = { eventType: 'QUEUED', conversationId: early, timestamp: Date.now(), data: { queueId: 'support', queueName: 'Support' } };
      expect(await postWebhook(bridge.url, signedDelivery(emu.signer, body))).toEqual({ status: 200, body: { ok: true, duplicate: false } });
      expect(await bridge.bridge.deps.store.inboxPending(early)).toHaveLength(1);
    } finally {
      await control(emu.url, { faults: [] });
    }
  });
});

describe('the CRC-32 forgery', () => {
  it('a QUEUED delivery of another channel, re-aimed with a CRC-matched MESSAGE body, shows the customer nothing', async () => {
    // Another channel on the same gateway (same tenant and customer), whose webhook we receive.
    const hook = await gateway('/webhooks', { method: 'POST', json: { name: 'Mallory', uri: receiver.url, version: 'Chat Gateway v1.0' } });
    const channel = await gateway('/channels', {
      method: 'POST',
      json: { name: 'Mallory', type: 'ChatAPI', webHookId: hook.body.id, routingOptions: { type: 'queue', id: 'support' } },
    });
    expect((await gateway('/conversations', { method: 'POST', json: { channelId: channel.body.id, user: { name: 'Mallory' } } })).status).toBe(202);
    const queued = await eventually(() => {
      const d = receiver.deliveries.find((x) => x.body?.eventType === 'QUEUED');
      if (!d) throw new Error('no QUEUED delivery yet');
      return d;
    });

    // The forged body: an agent message to the victim, with four bytes that give it the same CRC-32.
    const lure = `Your refund is ready: https://evil.example/r/${randomBytes(3).toString('hex')}`;
    const forged = forgeJsonWithCrc(
      { eventType: 'MESSAGE', conversationId: victimConversation, timestamp: Date.now(), data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: lure } },
      crc32(queued.raw),
    );
    expect(crc32(forged)).toBe(crc32(queued.raw));
    const headers = Object.fromEntries(Object.entries(queued.headers).filter(([k]) => k.startsWith('x-8x8-') || k === 'content-type')) as Record<string, string>;
    // It is a valid signature for these bytes, as the gateway's own key says.
    const [protectedHeader, , signature] = headers['x-8x8-signature']!.split('.');
    const payload = detachedPayload(forged, {
      customerId: headers['x-8x8-customer-id']!,
      eventId: headers['x-8x8-event-id']!,
      retry: Number(headers['x-8x8-retry']),
      tenantId: headers['x-8x8-tenant-id']!,
      transmissionTime: Number(headers['x-8x8-transmission-time']),
    });
    const key = createPublicKey({ key: emu.signer.jwk(), format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${protectedHeader}.${payload}`), key, Buffer.from(signature!, 'base64url'))).toBe(true);

    const before = (await shown()).length;
    const response = await postWebhook(bridge.url, { raw: forged, headers });
    // The gateway's answer to an accepted event: the forger learns nothing.
    expect(response).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    await genuine();
    const after = (await shown()).slice(before);
    expect(after.map((m) => m.text)).not.toContain(lure);
    expect(after.filter((m) => m.type === 'Text').length).toBe(1);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MESSAGE",result="unconfirmed"\} [1-9]/);
  });

  it('a forged copy of a message the agent really wrote is not shown a second time', async () => {
    const text = `said once ${randomBytes(3).toString('hex')}`;
    await genuine(text);
    const copy = { eventType: 'MESSAGE', conversationId: victimConversation, timestamp: Date.now(), data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text } };
    expect((await postWebhook(bridge.url, signedDelivery(emu.signer, copy))).status).toBe(200);
    await genuine();
    expect((await agentTexts()).filter((t) => t === text)).toHaveLength(1);
  });
});

describe('forged events that would change the chat', () => {
  const agentOf = async () => (await bridge.bridge.deps.store.getSession(victimChat))?.handover?.agent?.id;
  const signed = (eventType: string, data: Record<string, unknown>) =>
    postWebhook(bridge.url, signedDelivery(emu.signer, { eventType, conversationId: victimConversation, timestamp: Date.now(), data }));

  it('an agent the gateway does not list does not join, and no name from the body is shown', async () => {
    const before = (await shown()).length;
    expect((await signed('MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: 'agent-mallory', name: 'Refunds: call +1 555 0100' })).status).toBe(200);
    await genuine();
    const after = (await shown()).slice(before);
    expect(after.map((m) => m.type)).toEqual(['Text']);
    expect(after.map((m) => m.from.nickname)).not.toContain('Refunds: call +1 555 0100');
    expect(await agentOf()).toBe('agent-kim');
  });

  it('the agent the gateway still lists as present does not leave', async () => {
    expect((await signed('MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: 'agent-kim' })).status).toBe(200);
    await genuine();
    expect(await agentOf()).toBe('agent-kim');
    expect((await bridge.bridge.deps.store.getSession(victimChat))?.state).toBe('agent');
  });

  it('an agent the gateway lists is shown with the name the gateway gives, not the body', async () => {
    // A second agent really joins at the gateway (listed with a name); the delivery names them otherwise.
    emu.gateway.conversations.get(victimConversation)!.participants.push({ id: 'agent-zoe', type: 'agent', removed: false, language: 'en', name: 'Zoe' });
    const before = (await shown()).length;
    expect((await signed('MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: 'agent-zoe', name: 'Refunds: call +1 555 0100' })).status).toBe(200);
    await genuine();
    const joined = (await shown()).slice(before).filter((m) => m.type === 'ParticipantJoined');
    expect(joined.map((m) => m.from.nickname)).toEqual(['Zoe']);
  });

  it('a conversation the gateway has not closed does not end', async () => {
    expect((await signed('CONVERSATION_UPDATE', { state: 'idle' })).status).toBe(200);
    await genuine();
    expect((await bridge.bridge.deps.store.getSession(victimChat))?.state).toBe('agent');
  });
});

describe('what anyone can send costs a bounded number of series and log lines', () => {
  it('300 unsigned webhooks with made-up event types add no series and few warnings', async () => {
    const seriesBefore = ((await (await fetch(`${bridge.url}/metrics`)).text()).match(/^parley_webhook_events_total\{/gm) ?? []).length;
    const refusedBefore = logLines.filter((l) => l.msg === 'webhook refused').length;
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${bridge.url}/webhooks/chat-gateway`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventType: `RANDOM_${randomBytes(6).toString('hex')}`, conversationId: 'x' }),
      });
      expect(response.status).toBe(401);
    }
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).not.toMatch(/RANDOM_/);
    expect(metrics).toMatch(/parley_webhook_events_total\{type="other",result="unsigned"\} 300/);
    const series = (metrics.match(/^parley_webhook_events_total\{/gm) ?? []).length;
    expect(series - seriesBefore).toBeLessThanOrEqual(1);
    expect(logLines.filter((l) => l.msg === 'webhook refused').length - refusedBefore).toBeLessThanOrEqual(10);
  });
});
