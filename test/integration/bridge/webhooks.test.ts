// Webhook intake: only deliveries signed by the gateway's key, fresh, over these exact bytes, change
// anything; a replayed or retried event id changes nothing; events apply in timestamp order.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebhookSigner } from '../../../demo/contact-center/gateway';
import { chatClient, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { handOver, postWebhook, recordAtGateway, signedDelivery, startBot, startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
let chatId: string;
let conversationId: string;

type Msg = { index: number; type: string; text?: string; from: { type: string; nickname: string } };
const all = async (): Promise<Msg[]> => (await chat.messages(chatId, 1)).body.messages;
const agentTexts = async () => (await all()).filter((m) => m.type === 'Text' && m.from.type === 'Agent').map((m) => m.text);

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, webhook: { reorderMs: 400, redeliveryHoldMs: 1500 } });
  chat = chatClient(bridge.url);
  ({ id: chatId, conversationId } = await handOver(chat, emu.url, 'Ivy', { agent: { id: 'agent-kim', name: 'Kim' } }));
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
  await emu?.close();
});

let clock = Date.now();
/** A MESSAGE from the agent, who also wrote it at the gateway (its list confirms it: jobs/confirm.ts). */
const agentMessage = (text: string, timestamp = ++clock) => {
  recordAtGateway(emu.gateway, conversationId, text);
  return { eventType: 'MESSAGE', conversationId, timestamp, data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text } };
};
const settle = () => new Promise((r) => setTimeout(r, 700));

/**
 * Returns once every event delivered before it has been processed, however long the bridge holds
 * it: a marker stamped after all of them, itself a redelivery (held as long as any, and received
 * after them), is shown only once they have been applied, events being applied in timestamp order.
 */
async function processed(): Promise<void> {
  clock = Math.max(clock, Date.now());
  const marker = `marker ${randomBytes(4).toString('hex')}`;
  expect((await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage(marker), { retry: 1 }))).status).toBe(200);
  await eventually(async () => expect(await agentTexts()).toContain(marker), { timeoutMs: 10_000 });
}

describe('webhook verification', () => {
  it('applies a signed event once, however often it is delivered', async () => {
    const delivery = signedDelivery(emu.signer, agentMessage('first signed'));
    expect(await postWebhook(bridge.url, delivery)).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    // The same bytes again (a replay), then a genuine retry: same event id, new time and retry count.
    expect(await postWebhook(bridge.url, delivery)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    const retry = signedDelivery(emu.signer, JSON.parse(delivery.raw.toString()), { eventId: delivery.eventId, retry: 1 });
    expect(await postWebhook(bridge.url, retry)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await eventually(async () => expect(await agentTexts()).toContain('first signed'));
    // A retry once it has been applied (the gateway never got the 200): still a duplicate.
    const late = signedDelivery(emu.signer, JSON.parse(delivery.raw.toString()), { eventId: delivery.eventId, retry: 2 });
    expect(await postWebhook(bridge.url, late)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    // Retries are held for the redelivery hold (1.5 s here): count once they have all been processed.
    await processed();
    expect((await agentTexts()).filter((t) => t === 'first signed')).toHaveLength(1);
  });

  it.each([
    [
      'a changed body',
      () => {
        const d = signedDelivery(emu.signer, agentMessage('tampered'));
        const raw = Buffer.from(d.raw.toString().replace('tampered', 'tampereD'));
        return { ...d, raw };
      },
    ],
    [
      'a changed header',
      () => {
        const d = signedDelivery(emu.signer, agentMessage('tampered'));
        return { ...d, headers: { ...d.headers, 'x-8x8-retry': '3' } };
      },
    ],
    [
      'another key under the same kid',
      () => {
        const other = new WebhookSigner();
        Object.defineProperty(other, 'kid', { value: emu.signer.kid });
        (other as unknown as { protectedHeader: string }).protectedHeader = Buffer.from(JSON.stringify({ b64: false, crit: ['b64'], kid: emu.signer.kid, alg: 'RS256' })).toString(
          'base64url',
        );
        return signedDelivery(other, agentMessage('tampered'));
      },
    ],
    ['a key the gateway does not publish', () => signedDelivery(new WebhookSigner(), agentMessage('tampered'))],
    ['a stale transmission time', () => signedDelivery(emu.signer, agentMessage('tampered'), { transmissionTime: Date.now() - 10 * 60_000 })],
    ['a transmission time in the future', () => signedDelivery(emu.signer, agentMessage('tampered'), { transmissionTime: Date.now() + 10 * 60_000 })],
    [
      'no signature',
      () => {
        const d = signedDelivery(emu.signer, agentMessage('tampered'));
        const { 'x-8x8-signature': _drop, ...headers } = d.headers;
        return { ...d, headers };
      },
    ],
    [
      'a signature that is not a detached JWS',
      () => {
        const d = signedDelivery(emu.signer, agentMessage('tampered'));
        return { ...d, headers: { ...d.headers, 'x-8x8-signature': 'abc.def.ghi' } };
      },
    ],
    [
      'no event id',
      () => {
        const d = signedDelivery(emu.signer, agentMessage('tampered'));
        const { 'x-8x8-event-id': _drop, ...headers } = d.headers;
        return { ...d, headers };
      },
    ],
  ])('refuses %s with 401 and no effect', async (_name, make) => {
    const response = await postWebhook(bridge.url, make());
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual(expect.any(String));
    await settle();
    expect(await agentTexts()).not.toContain('tampered');
    expect(await agentTexts()).not.toContain('tampereD');
  });

  it('answers an unsigned verification ping (it has no effect)', async () => {
    const response = await fetch(`${bridge.url}/webhooks/chat-gateway`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notificationVersion: 'Chat Gateway v1.0', eventType: 'WEB_HOOK_VERIFY' }),
    });
    expect(response.status).toBe(200);
  });

  it('says 400 to a signed delivery that is not an event', async () => {
    expect((await postWebhook(bridge.url, signedDelivery(emu.signer, 'not json {'))).status).toBe(400);
    expect((await postWebhook(bridge.url, signedDelivery(emu.signer, { eventType: 'MESSAGE' }))).status).toBe(400);
    expect((await postWebhook(bridge.url, signedDelivery(emu.signer, [1, 2]))).status).toBe(400);
  });

  it('records events of a conversation it does not know, with no effect', async () => {
    const stranger = {
      eventType: 'MESSAGE',
      conversationId: randomBytes(16).toString('base64url'),
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: 'stranger' },
    };
    expect((await postWebhook(bridge.url, signedDelivery(emu.signer, stranger))).status).toBe(200);
    await settle();
    expect(await agentTexts()).not.toContain('stranger');
  });

  it('counts webhook events by type and result', async () => {
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MESSAGE",result="duplicate"\} [1-9]/);
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MESSAGE",result="bad-signature"\} [1-9]/);
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MESSAGE",result="stale"\} [1-9]/);
    expect(metrics).toMatch(/parley_webhook_events_total\{type="MESSAGE",result="unknown-kid"\} [1-9]/);
  });
});

describe('an event recorded but never queued for applying', () => {
  it('is applied when the gateway redelivers it after the bridge died between the two steps', async () => {
    // The first delivery got as far as the inbox, then the process died: no apply job, no 200.
    const body = agentMessage('recorded before a crash');
    const first = signedDelivery(emu.signer, body);
    await bridge.bridge.deps.store.inboxAdd({ eventId: first.eventId, conversationId, timestamp: body.timestamp, receivedAt: Date.now(), body });
    const retry = signedDelivery(emu.signer, body, { eventId: first.eventId, retry: 1 });
    expect(await postWebhook(bridge.url, retry)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await eventually(async () => expect(await agentTexts()).toContain('recorded before a crash'));
    // Once applied, a further retry is a plain duplicate: shown once.
    expect(await postWebhook(bridge.url, signedDelivery(emu.signer, body, { eventId: first.eventId, retry: 2 }))).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    await processed();
    expect((await agentTexts()).filter((t) => t === 'recorded before a crash')).toHaveLength(1);
  });

  it('is applied when the gateway redelivers it after queueing failed and the bridge said 503', async () => {
    const store = bridge.bridge.deps.store;
    const enqueue = store.enqueue.bind(store);
    const spy = vi.spyOn(store, 'enqueue').mockImplementation(async (jobs) => {
      if (jobs.some((j) => j.kind === 'inbox.apply')) throw new Error('store went away');
      return enqueue(jobs);
    });
    const body = agentMessage('recorded, not queued');
    const first = signedDelivery(emu.signer, body);
    try {
      expect((await postWebhook(bridge.url, first)).status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    await settle();
    expect(await agentTexts()).not.toContain('recorded, not queued');
    const retry = signedDelivery(emu.signer, body, { eventId: first.eventId, retry: 1 });
    expect((await postWebhook(bridge.url, retry)).status).toBe(200);
    await eventually(async () => expect(await agentTexts()).toContain('recorded, not queued'));
    await processed();
    expect((await agentTexts()).filter((t) => t === 'recorded, not queued')).toHaveLength(1);
  });
});

describe('ordering', () => {
  it('applies events in timestamp order when a later one arrives first', async () => {
    const t = Date.now();
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('ordered two', t + 2)));
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('ordered three', t + 3)));
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('ordered one', t + 1)));
    await eventually(async () => expect((await agentTexts()).filter((x) => x?.startsWith('ordered'))).toEqual(['ordered one', 'ordered two', 'ordered three']), {
      timeoutMs: 5000,
    });
  });

  it('holds a redelivered event until the earlier ones, redelivered after it, are in (a crash, a restart)', async () => {
    const t = Date.now();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Each undelivered event comes back on its own retry schedule: here the latest first, and the
    // earliest longer after it than the reorder window (400 ms).
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('redelivered three', t + 3), { retry: 2 }));
    await pause(700);
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('redelivered one', t + 1), { retry: 4 }));
    await pause(300);
    await postWebhook(bridge.url, signedDelivery(emu.signer, agentMessage('redelivered two', t + 2), { retry: 1 }));
    await eventually(async () => expect((await agentTexts()).filter((x) => x?.startsWith('redelivered'))).toEqual(['redelivered one', 'redelivered two', 'redelivered three']), {
      timeoutMs: 6000,
    });
  });

  it('drops a typing change older than one already shown', async () => {
    const t = Date.now();
    const typing = (on: boolean, timestamp: number) => ({
      eventType: 'ACTIVITY',
      conversationId,
      timestamp,
      data: { name: 'typing', value: { users: on ? [{ id: 'agent-kim', type: 'agent' }] : [] } },
    });
    const before = (await all()).length;
    await postWebhook(bridge.url, signedDelivery(emu.signer, typing(true, t)));
    await eventually(async () => expect((await all()).slice(before).map((m) => m.type)).toEqual(['TypingStarted']));
    // A "stopped" stamped before that "started", delivered late (a retried delivery): history, dropped.
    await postWebhook(bridge.url, signedDelivery(emu.signer, typing(false, t - 5000)));
    await settle();
    expect((await all()).slice(before).map((m) => m.type)).toEqual(['TypingStarted']);
    await postWebhook(bridge.url, signedDelivery(emu.signer, typing(false, t + 10)));
    await eventually(async () => expect((await all()).slice(before).map((m) => m.type)).toEqual(['TypingStarted', 'TypingStopped']));
  });

  it('accepts the older Chat API v2 event shapes', async () => {
    recordAtGateway(emu.gateway, conversationId, 'legacy text');
    await postWebhook(
      bridge.url,
      signedDelivery(emu.signer, {
        eventType: 'TEXT',
        messageType: 'AGENT',
        conversationId,
        agentId: 'agent-kim',
        agentName: 'Kim',
        message: 'legacy text',
        timestamp: Date.now(),
      }),
    );
    await eventually(async () => expect(await agentTexts()).toContain('legacy text'));
  });
});
