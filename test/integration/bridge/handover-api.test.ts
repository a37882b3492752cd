// The generic handover API, for bots on other frameworks: a handover with context and history,
// messages both ways as signed callbacks (retried with the same event id), and its rules.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyCallback } from '../../../bot-bridge/jobs';
import { agentClient, control, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBridge, type RunningBridge } from '../../support/bridge';
import { startReceiver } from '../../support/webhook-receiver';

const KEY = 'handover-api-test-key-42';
let emu: RunningEmulator;
let bridge: RunningBridge;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const agent = () => agentClient(emu.url);

beforeAll(async () => {
  emu = await startEmulator();
  receiver = await startReceiver();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: 'http://127.0.0.1:9/api/messages' }, apiKey: KEY, availability: { cacheS: 0 } });
});
afterAll(async () => {
  await bridge?.close();
  await receiver?.close();
  await emu?.close();
});
afterEach(async () => {
  receiver.reset();
  await control(emu.url, { scheduleOpen: null, agentsAvailable: 2, faults: [] });
});

const api = (path: string, init: Parameters<typeof http>[1] = {}) =>
  http(`${bridge.url}/v1${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers as Record<string, string>) } });

type Callback = { id: string; type: string; handoverId: string; timestamp: number; data: Record<string, unknown> };
const callbacks = (handoverId: string): Callback[] => {
  const seen = new Set<string>();
  return receiver.deliveries.map((d) => d.body as Callback).filter((c) => c?.handoverId === handoverId && !seen.has(c.id) && seen.add(c.id));
};
const types = (handoverId: string) => callbacks(handoverId).map((c) => c.type);

async function create(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api('/handovers', {
    method: 'POST',
    headers,
    json: {
      user: { name: 'Jo Bloggs', email: 'jo@example.com', language: 'de', userId: 'u-77', Plan: 'Gold', additionalProperties: [{ key: 'Intent', value: 'refund' }] },
      context: { Reason: 'Asked for a refund', 'Order number': '98765' },
      history: [
        { authorType: 'user', text: 'I want my money back' },
        { authorType: 'bot', text: 'I can hand you to a colleague.' },
      ],
      queue: 'billing',
      callbackUrl: receiver.url,
      ...extra,
    },
  });
}

describe('generic handover API', () => {
  it('refuses requests without the right key', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${KEY}` }] as Record<string, string>[]) {
      const r = await http(`${bridge.url}/v1/handovers`, { method: 'POST', headers, json: {} });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('hands over, relays both ways with signed callbacks, and ends', async () => {
    const created = await create();
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ id: expect.any(String), state: 'pending', queueId: 'billing' });
    const id = created.body.id as string;
    await eventually(() => expect(types(id)).toEqual(['handover.accepted', 'queued']), { timeoutMs: 5000 });
    expect(callbacks(id)[1]!.data).toMatchObject({ queueId: 'billing', queueName: 'Billing' });

    const interaction = (await agent().list()).find((i) => i.customer.name === 'Jo Bloggs' && i.state === 'queued')!;
    expect(interaction.queueId).toBe('billing');
    expect(interaction.customer).toMatchObject({ email: 'jo@example.com', language: 'de', userId: 'u-77' });
    expect(interaction.userData).toMatchObject({ Reason: 'Asked for a refund', 'Order number': '98765', Plan: 'Gold', Intent: 'refund' });
    expect(interaction.history).toEqual([
      { authorType: 'user', text: 'I want my money back' },
      { authorType: 'bot', text: 'I can hand you to a colleague.' },
    ]);
    expect((await api(`/handovers/${id}`)).body).toMatchObject({ id, state: 'queued', conversationId: interaction.id, agent: null });

    await agent().accept(interaction.id, 'agent-zoe', 'Zoe');
    await agent().typing(interaction.id, true);
    await agent().say(interaction.id, 'Hallo Jo!');
    await eventually(() => expect(types(id).slice(2)).toEqual(['agent.joined', 'typing', 'typing', 'message']));
    expect(
      callbacks(id)
        .slice(2)
        .map((c) => c.data),
    ).toEqual([
      { agent: { id: 'agent-zoe', name: 'Zoe' }, newAgent: false },
      { agent: { id: 'agent-zoe', name: 'Zoe' }, typing: true },
      { agent: { id: 'agent-zoe', name: 'Zoe' }, typing: false },
      { agent: { id: 'agent-zoe', name: 'Zoe' }, text: 'Hallo Jo!' },
    ]);

    // Every callback is signed over its raw body, with a timestamp.
    for (const d of receiver.deliveries) {
      const headers = d.headers as Record<string, string>;
      expect(headers['x-parley-event-id']).toBe((d.body as Callback).id);
      expect(verifyCallback(KEY, { signature: headers['x-parley-signature'], timestamp: headers['x-parley-timestamp'] }, d.raw)).toBe(true);
    }

    // The customer's messages: the same clientMessageId twice sends once.
    const first = await api(`/handovers/${id}/messages`, { method: 'POST', json: { text: 'Danke!', clientMessageId: 'jo-1' } });
    const again = await api(`/handovers/${id}/messages`, { method: 'POST', json: { text: 'Danke!', clientMessageId: 'jo-1' } });
    expect([first.status, first.body, again.status, again.body]).toEqual([202, { accepted: true, duplicate: false }, 202, { accepted: true, duplicate: true }]);
    expect((await api(`/handovers/${id}/typing`, { method: 'POST', json: {} })).status).toBe(202);
    await eventually(async () => expect((await agent().transcript(interaction.id)).messages.filter((m: { text?: string }) => m.text === 'Danke!')).toHaveLength(1));

    // The agent leaves: the bot gets the customer back, and the gateway conversation ends.
    await agent().leave(interaction.id);
    await eventually(() => expect(types(id).slice(-2)).toEqual(['agent.left', 'handover.completed']));
    expect((await api(`/handovers/${id}`)).body.state).toBe('ended');
    expect((await api(`/handovers/${id}/messages`, { method: 'POST', json: { text: 'hello?', clientMessageId: 'jo-2' } })).status).toBe(409);
  });

  it('retries a callback the bot did not take, with the same event id', async () => {
    receiver.failWhen((body) => body?.type === 'handover.accepted', 503, 500);
    const id = (await create({ user: { name: 'Retry Rita' } })).body.id as string;
    await eventually(() => expect(types(id)).toContain('queued'), { timeoutMs: 10_000 });
    const accepted = receiver.deliveries.filter((d) => (d.body as Callback).type === 'handover.accepted' && (d.body as Callback).handoverId === id);
    expect(accepted).toHaveLength(3);
    expect(new Set(accepted.map((d) => (d.headers as Record<string, string>)['x-parley-event-id'])).size).toBe(1);
    // Order is kept: "queued" waited for "accepted" to be taken.
    expect(types(id).indexOf('handover.accepted')).toBeLessThan(types(id).indexOf('queued'));
  });

  it('the customer leaving (DELETE) ends the conversation for the agent', async () => {
    const id = (await create({ user: { name: 'Leaving Lee' } })).body.id as string;
    const interactionId = await eventually(async () => {
      const found = (await agent().list()).find((i) => i.customer.name === 'Leaving Lee');
      if (!found) throw new Error('not yet');
      return found.id as string;
    });
    expect((await api(`/handovers/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/handovers/${id}`, { method: 'DELETE' })).status).toBe(204);
    await eventually(async () => expect((await http(`${emu.url}/agent/api/interactions/${interactionId}`)).body).toMatchObject({ state: 'ended', endedReason: 'customer' }));
  });

  it('says 409 and makes nothing when the contact center is closed or nobody is free', async () => {
    await control(emu.url, { scheduleOpen: false });
    const closed = await create({ user: { name: 'Closed Carl' } });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toEqual({ code: 'unavailable', message: expect.stringMatching(/closed/) });
    await control(emu.url, { scheduleOpen: null, agentsAvailable: { billing: 0 } });
    const busy = await create({ user: { name: 'Busy Bea' } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/No agent is available/);
    expect((await agent().list()).some((i) => ['Closed Carl', 'Busy Bea'].includes(i.customer.name))).toBe(false);
  });

  it('makes one handover for one Idempotency-Key, however many times it is sent', async () => {
    const headers = { 'idempotency-key': `idem-${Date.now()}` };
    const answers = await Promise.all([0, 1, 2].map(() => create({ user: { name: 'Idem Ida' } }, headers)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    await eventually(async () => expect((await agent().list()).filter((i) => i.customer.name === 'Idem Ida')).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 500));
    expect((await agent().list()).filter((i) => i.customer.name === 'Idem Ida')).toHaveLength(1);
  });

  it('without an Idempotency-Key, makes one handover per customer and callback URL while it is open', async () => {
    const ask = (user: Record<string, unknown>, callbackUrl = receiver.url) => create({ user: { name: 'Noah Key', ...user }, callbackUrl });
    // A double request and a retry after it: one handover, one gateway conversation.
    const answers = await Promise.all([0, 1].map(() => ask({ userId: 'noah-1' })));
    answers.push(await ask({ userId: 'noah-1' }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const id = answers[0]!.body.id as string;
    expect(answers.map((a) => a.body.id)).toEqual([id, id, id]);
    await eventually(async () => expect((await agent().list()).filter((i) => i.customer.name === 'Noah Key')).toHaveLength(1));
    // The customer is known by user.id or email as well.
    const byEmail = await Promise.all([0, 1].map(() => ask({ email: 'Noah@example.com' })));
    expect(byEmail[0]!.body.id).toBe(byEmail[1]!.body.id);
    // Another customer, or another callback URL (another bot conversation), is another handover.
    const other = await ask({ userId: 'noah-2' });
    const elsewhere = await ask({ userId: 'noah-1' }, `${receiver.url}?conversation=2`);
    expect(new Set([id, byEmail[0]!.body.id, other.body.id, elsewhere.body.id]).size).toBe(4);
    // A request that names no customer is never taken for another's retry.
    const anonymous = await Promise.all([0, 1].map(() => create({ user: { name: 'Anon' } })));
    expect(anonymous[0]!.body.id).not.toBe(anonymous[1]!.body.id);
    // Once it has ended, asking again is a new handover.
    expect((await api(`/handovers/${id}`, { method: 'DELETE' })).status).toBe(204);
    const again = await ask({ userId: 'noah-1' });
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(id);
    expect((await ask({ userId: 'noah-1' })).body.id).toBe(again.body.id);
  });

  it.each([
    ['no body', undefined, /JSON object|body/i],
    ['no callbackUrl', { user: { name: 'x' } }, /callbackUrl/],
    ['a callbackUrl that is not http', { callbackUrl: 'ftp://x' }, /callbackUrl/],
    ['a callbackUrl with credentials', { callbackUrl: 'http://u:p@example.com/cb' }, /credentials/],
    ['a history that is not a list', { callbackUrl: 'http://example.com/cb', history: 'hello' }, /history/],
    ['a history item with another author', { callbackUrl: 'http://example.com/cb', history: [{ authorType: 'agent', text: 'x' }] }, /authorType/],
    ['a user that is a string', { callbackUrl: 'http://example.com/cb', user: 'Jo' }, /JSON object/],
    ['an unknown language', { callbackUrl: 'http://example.com/cb', user: { language: 'Elvish' } }, /language/],
    ['a context that is a list', { callbackUrl: 'http://example.com/cb', context: [1] }, /context/],
    ['a queue that is not an id', { callbackUrl: 'http://example.com/cb', queue: 'a b' }, /queue/],
  ])('refuses %s with a clear 400', async (_name, json, message) => {
    const r = await api('/handovers', { method: 'POST', ...(json === undefined ? { body: 'nope', headers: { 'content-type': 'application/json' } } : { json }) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(message);
  });

  it('answers 404 for a handover that does not exist, and 400 for bad messages', async () => {
    expect((await api('/handovers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('/handovers/not-an-id/messages', { method: 'POST', json: { text: 'x', clientMessageId: 'a' } })).status).toBe(404);
    const id = (await create({ user: { name: 'Bad Msg' } })).body.id as string;
    for (const json of [
      {},
      { text: 'x' },
      { clientMessageId: 'a' },
      { text: '', clientMessageId: 'a' },
      { text: 'x', clientMessageId: 'has space' },
      { text: 'x'.repeat(4001), clientMessageId: 'a' },
    ]) {
      expect((await api(`/handovers/${id}/messages`, { method: 'POST', json })).status).toBe(400);
    }
  });
});
