import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, agentClient, eventually, http, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';
import { startReceiver } from '../../support/webhook-receiver';

let emu: RunningEmulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let agent: ReturnType<typeof agentClient>;
const gw = (path: string, init: Parameters<typeof http>[1] = {}) =>
  http(`${emu.url}/chat-gateway/v1${path}`, { ...init, headers: { 'x-api-key': API_KEY, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  emu = await startEmulator();
  receiver = await startReceiver();
  agent = agentClient(emu.url);
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(async () => {
  await resetEmulator(emu.url);
  receiver.reset();
});

async function setup(queue = 'support') {
  const webhook = await gw('/webhooks', { method: 'POST', json: { name: 'bridge', uri: receiver.url, version: 'Chat Gateway v1.0' } });
  const channel = await gw('/channels', { method: 'POST', json: { name: 'bot', type: 'ChatAPI', webHookId: webhook.body.id, routingOptions: { type: 'queue', id: queue } } });
  return { webhookId: webhook.body.id as string, channelId: channel.body.id as string };
}

async function converse(channelId: string, extra: Record<string, unknown> = {}) {
  const r = await gw('/conversations', {
    method: 'POST',
    json: {
      channelId,
      user: { name: 'James Jones', email: 'james@example.com', language: 'en', additionalProperties: [{ key: 'Intent', value: 'balance' }] },
      history: {
        messages: [
          { authorType: 'user', text: 'I would like my balance' },
          { authorType: 'bot', text: 'Sure, your account number?' },
        ],
      },
      ...extra,
    },
  });
  expect(r.status).toBe(202);
  return r.body.conversationId as string;
}

const types = () => receiver.events().map((e) => e.eventType);

describe('access', () => {
  it('answers 401 problem+json without or with a wrong x-api-key', async () => {
    for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
      const r = await http(`${emu.url}/chat-gateway/v1/webhooks`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body).toEqual({ message: 'Access Denied', errors: [{ code: 'access_denied', message: expect.any(String) }], referenceId: expect.any(String) });
    }
  });

  it('serves the signing key without an API key, and 404 for an unknown kid', async () => {
    const r = await http(`${emu.url}/chat-gateway/v1/jwk/${emu.signer.kid}/public`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ kty: 'RSA', e: 'AQAB', n: expect.any(String), kid: emu.signer.kid });
    expect((await http(`${emu.url}/chat-gateway/v1/jwk/nope/public`)).status).toBe(404);
  });
});

describe('webhooks and channels', () => {
  it('creates, reads, lists, updates and deletes a webhook, announcing it with WEB_HOOK_VERIFY', async () => {
    const created = await gw('/webhooks', { method: 'POST', json: { name: 'w', uri: receiver.url, notificationVersion: 'Chat Gateway v1.0' } });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/hal\+json/);
    expect(created.body).toEqual({ id: expect.any(String), name: 'w', uri: receiver.url, version: 'Chat Gateway v1.0' });
    await eventually(() => expect(receiver.deliveries.map((d) => d.body)).toContainEqual({ notificationVersion: 'Chat Gateway v1.0', eventType: 'WEB_HOOK_VERIFY' }));
    const id = created.body.id;
    expect((await gw(`/webhooks/${id}`)).body).toEqual(created.body);
    const list = await gw('/webhooks?size=1&page=0');
    expect(list.body).toMatchObject({
      _embedded: { webhooks: [created.body] },
      page: { size: 1, number: 0, totalElements: 1, totalPages: 1 },
      _links: { self: { href: expect.any(String) } },
    });
    const updated = await gw(`/webhooks/${id}`, { method: 'PUT', json: { name: 'renamed', uri: receiver.url } });
    expect(updated.body.name).toBe('renamed');
    expect((await gw(`/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await gw(`/webhooks/${id}`)).status).toBe(404);
  });

  it('verifies a webhook: 204 when it answers 2xx, 400 when it does not or cannot', async () => {
    expect((await gw('/webhooks/verify', { method: 'POST', json: { uri: receiver.url, version: 'v2.0' } })).status).toBe(204);
    receiver.failAlways(500);
    const refused = await gw('/webhooks/verify', { method: 'POST', json: { uri: receiver.url, version: 'v2.0' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].code).toBe('webhook_verification_failed');
    const unreachable = await gw('/webhooks/verify', { method: 'POST', json: { uri: 'http://127.0.0.1:9/nothing', version: 'v2.0' } });
    expect(unreachable.status).toBe(400);
  });

  it.each([
    ['no name', { uri: 'http://x.test/' }],
    ['a relative uri', { name: 'w', uri: '/hook' }],
    ['a wrong version', { name: 'w', uri: 'http://x.test/', version: 'v9' }],
  ])('refuses a webhook with %s', async (_n, body) => {
    const r = await gw('/webhooks', { method: 'POST', json: body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: expect.any(String), errors: [{ code: expect.any(String), message: expect.any(String) }], referenceId: expect.any(String) });
  });

  it('creates channels routed to a queue and refuses unknown webhooks and queues', async () => {
    const { webhookId, channelId } = await setup('billing');
    const webHookId = webhookId;
    const channel = await gw(`/channels/${channelId}`);
    expect(channel.body).toEqual({ id: channelId, name: 'bot', type: 'ChatAPI', webHookId: webhookId, routingOptions: { type: 'queue', id: 'billing' } });
    expect((await gw('/channels')).body._embedded.channels).toHaveLength(1);
    const badHook = await gw('/channels', { method: 'POST', json: { name: 'x', webHookId: 'nope', routingOptions: { type: 'queue', id: 'support' } } });
    expect(badHook.status).toBe(400);
    const badQueue = await gw('/channels', { method: 'POST', json: { name: 'x', webHookId, routingOptions: { type: 'queue', id: '112' } } });
    expect(badQueue.body).toMatchObject({ message: 'Queue ID 112 is invalid.', errors: [{ code: 'invalid_queue' }] });
    expect((await gw(`/channels/${channelId}`, { method: 'PUT', json: { name: 'renamed', webHookId, routingOptions: { id: 'support' } } })).body.routingOptions.id).toBe('support');
    expect((await gw(`/channels/${channelId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await gw(`/channels/${channelId}`)).status).toBe(404);
  });
});

describe('conversations', () => {
  it('creates a conversation (202) and shows the agent the customer, the properties and the bot history', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    const view = await gw(`/conversations/${id}`);
    expect(view.body).toEqual({
      id,
      state: 'active',
      channelId,
      assignment: { type: 'queue', id: 'support' },
      user: expect.objectContaining({ name: 'James Jones', additionalProperties: [{ key: 'Intent', value: 'balance' }] }),
    });
    const [seen] = await agent.list();
    expect(seen).toMatchObject({
      id,
      source: 'chat-gateway',
      state: 'queued',
      customer: { name: 'James Jones', email: 'james@example.com', language: 'en' },
      userData: { Intent: 'balance' },
      history: [
        { authorType: 'user', text: 'I would like my balance' },
        { authorType: 'bot', text: 'Sure, your account number?' },
      ],
    });
  });

  it('enforces the limits: 30 additionalProperties, 200 history messages, a known channel and queue', async () => {
    const { channelId } = await setup();
    const props = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ authorType: 'user', text: `m${i}` }));
    expect((await gw('/conversations', { method: 'POST', json: { channelId, user: { additionalProperties: props(30) }, history: { messages: messages(200) } } })).status).toBe(202);
    for (const json of [
      { channelId, user: { additionalProperties: props(31) } },
      { channelId, user: {}, history: { messages: messages(201) } },
      { channelId: 'nope', user: {} },
      { channelId, user: {}, assignment: { type: 'queue', id: 'nowhere' } },
      { channelId },
      { channelId, user: { name: 7 } },
    ]) {
      const r = await gw('/conversations', { method: 'POST', json });
      expect(r.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('sends the lifecycle as webhooks: created, queued, agent joins, messages both ways, typing, transfer, leaves', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    await eventually(() => expect(types()).toEqual(['CONVERSATION_UPDATE', 'CONVERSATION_UPDATE', 'QUEUED']));
    const [created, active, queued] = receiver.events();
    expect(created).toMatchObject({ eventType: 'CONVERSATION_UPDATE', conversationId: id, timestamp: expect.any(Number), data: { state: 'created', channel: 'ChatAPI' } });
    expect(active.data).toMatchObject({ state: 'active', assignment: { type: 'queue', id: 'support' } });
    expect(queued.data).toEqual({ queueId: 'support', queueName: 'Support' });

    receiver.deliveries.length = 0;
    await agent.accept(id, 'agent-kristi', 'Kristi');
    await agent.typing(id, true);
    await agent.say(id, 'Hello James');
    const sent = await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: '12345' } });
    expect(sent.status).toBe(202);
    expect(sent.body).toBeUndefined();
    await agent.transfer(id, 'billing');
    await agent.accept(id, 'agent-bo', 'Bo');
    await agent.leave(id);
    await eventually(() => expect(receiver.events().at(-1)?.data?.state).toBe('idle'));
    expect(receiver.events().map((e) => [e.eventType, e.data])).toEqual([
      ['CONVERSATION_UPDATE', expect.objectContaining({ assignment: { type: 'agent', id: 'agent-kristi' } })],
      ['MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: 'agent-kristi' }],
      ['ACTIVITY', { name: 'typing', value: { users: [{ id: 'agent-kristi', type: 'agent' }] } }],
      ['ACTIVITY', { name: 'typing', value: { users: [] } }],
      ['MESSAGE', { isEcho: false, sender: { id: 'agent-kristi', type: 'agent' }, text: 'Hello James' }],
      ['MESSAGE', { isEcho: true, sender: { id: 'user', type: 'user' }, text: '12345' }],
      ['TRANSFER', undefined],
      ['MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: 'agent-kristi' }],
      ['CONVERSATION_UPDATE', expect.objectContaining({ state: 'active', assignment: { type: 'queue', id: 'billing' } })],
      ['QUEUED', { queueId: 'billing', queueName: 'Billing' }],
      ['CONVERSATION_UPDATE', expect.objectContaining({ assignment: { type: 'agent', id: 'agent-bo' } })],
      ['MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: 'agent-bo' }],
      ['MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: 'agent-bo' }],
      ['CONVERSATION_UPDATE', expect.objectContaining({ state: 'idle' })],
    ]);
    expect((await gw(`/conversations/${id}`)).body.state).toBe('idle');
    const late = await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: 'hello?' } });
    expect(late.status).toBe(409);
  });

  it('lists messages newest first with paging, one by id, the participants and the interactions', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    await agent.accept(id);
    await agent.say(id, 'Agent here');
    await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: 'Thanks' } });
    const page = await gw(`/conversations/${id}/messages?size=2`);
    expect(page.body.page).toEqual({ size: 2, number: 0, totalElements: 4, totalPages: 2 });
    const all = (await gw(`/conversations/${id}/messages?sort=createdAt:asc&size=50`)).body._embedded.messages;
    expect(all.map((m: any) => [m.author.type, m.text])).toEqual([
      ['user', 'I would like my balance'],
      ['bot', 'Sure, your account number?'],
      ['agent', 'Agent here'],
      ['user', 'Thanks'],
    ]);
    expect(all[2]).toEqual({
      id: expect.any(String),
      text: 'Agent here',
      createdAt: expect.any(String),
      author: { id: 'agent-kristi', removed: false, type: 'agent', language: 'en' },
    });
    expect((await gw(`/conversations/${id}/messages/${all[2].id}`)).body).toEqual(all[2]);
    expect((await gw(`/conversations/${id}/messages/nope`)).status).toBe(404);
    const participants = (await gw(`/conversations/${id}/participants`)).body._embedded.participants;
    expect(participants).toEqual([
      { id: 'user', type: 'user', removed: false, language: 'en' },
      { id: 'agent-kristi', type: 'agent', removed: false, language: 'en', name: 'Kristi' },
    ]);
    expect((await gw(`/conversations/${id}/interactions`)).body._embedded.interactions).toEqual([{ id: `int-${id}`, startTime: expect.any(String), endTime: null }]);
    expect((await gw('/conversations')).body._embedded.conversations).toHaveLength(1);
  });

  it('ends when the user leaves (PATCH participants/user removed:true)', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    await agent.accept(id);
    const r = await gw(`/conversations/${id}/participants/user`, { method: 'PATCH', json: { removed: true } });
    expect(r.status).toBe(204);
    await eventually(() => expect(types().slice(-2)).toEqual(['MEMBERS_CHANGED', 'CONVERSATION_UPDATE']));
    expect(receiver.events().at(-2).data).toEqual({ memberType: 'user', change: 'left', id: 'user' });
    expect(receiver.events().at(-1).data.state).toBe('idle');
    expect((await agent.list())[0]).toMatchObject({ state: 'ended', endedReason: 'customer' });
    expect((await gw(`/conversations/${id}/participants/user`, { method: 'PATCH', json: { removed: 'yes' } })).status).toBe(400);
  });

  it('returns the conversation to the bot after the agent with post-agent-assignment', async () => {
    const { channelId, webhookId } = await setup();
    const id = await converse(channelId);
    const r = await gw(`/conversations/${id}/post-agent-assignment`, {
      method: 'POST',
      json: { type: 'webhook', id: webhookId, configuration: { notifyChannelWebhookIfExists: 'false', maxTotalMinutes: 20, userTimeoutInMinutes: 10 } },
    });
    expect(r.status).toBe(201);
    await agent.accept(id);
    await agent.leave(id);
    await eventually(() => expect(receiver.events().at(-1)?.data?.assignment).toEqual({ type: 'script', id: webhookId }));
    expect(receiver.events().at(-1).data.state).toBe('active');
    expect((await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'bot', text: 'Anything else?' } })).status).toBe(202);
    await eventually(() => expect(receiver.events().at(-1)).toMatchObject({ eventType: 'MESSAGE', data: { isEcho: true, sender: { type: 'bot' } } }));
    for (const json of [
      { type: 'queue', id: webhookId },
      { type: 'webhook', id: 'nope' },
      { type: 'webhook', id: webhookId, configuration: { maxTotalMinutes: 5 } },
    ]) {
      expect((await gw(`/conversations/${id}/post-agent-assignment`, { method: 'POST', json })).status).toBe(400);
    }
  });

  it('moves a queued conversation to another queue with PATCH, and refuses once an agent has it', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    const r = await gw(`/conversations/${id}`, { method: 'PATCH', json: { assignment: { type: 'queue', id: 'billing' }, user: { name: 'Jim Jones' } } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ assignment: { type: 'queue', id: 'billing' }, user: { name: 'Jim Jones' } });
    await eventually(() => expect(receiver.events().at(-1)).toMatchObject({ eventType: 'QUEUED', data: { queueId: 'billing' } }));
    expect((await agent.list())[0]).toMatchObject({ queueId: 'billing', customer: { name: 'Jim Jones' } });
    await agent.accept(id);
    expect((await gw(`/conversations/${id}`, { method: 'PATCH', json: { assignment: { type: 'queue', id: 'support' } } })).status).toBe(409);
    expect((await gw(`/conversations/${id}`, { method: 'PATCH', json: { channelId } })).status).toBe(400);
    expect((await gw(`/conversations/${id}`, { method: 'PUT', json: { channelId, user: { name: 'J' } } })).status).toBe(202);
  });

  it('takes typing, thinking and read receipts', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    expect((await gw(`/conversations/${id}/typing`, { method: 'POST', json: { authorType: 'user' } })).status).toBe(204);
    expect((await agent.list())[0].customerTyping).toBe(true);
    expect((await gw(`/conversations/${id}/typing`, { method: 'POST', json: { authorType: 'agent' } })).status).toBe(400);
    expect((await gw(`/conversations/${id}/thinking`, { method: 'POST', json: { maxThinkingTimeSeconds: 30 } })).status).toBe(204);
    expect((await gw(`/conversations/${id}/thinking`, { method: 'POST', json: { maxThinkingTimeSeconds: 601 } })).status).toBe(400);
    expect((await gw(`/conversations/${id}/read-receipt`, { method: 'POST', json: { authorType: 'bot', readAt: Date.now() } })).status).toBe(204);
    expect((await gw(`/conversations/${id}/read-receipt`, { method: 'POST', json: { authorType: 'bot' } })).status).toBe(400);
  });

  it('answers bad message bodies with a single error object, and unknown conversations with 404', async () => {
    const { channelId } = await setup();
    const id = await converse(channelId);
    const bad = await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'robot', text: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      message: 'Invalid authorType=robot, has to be one of user, bot',
      errors: { code: 'invalid_json_object', message: expect.any(String) },
      referenceId: expect.any(String),
    });
    expect((await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user' } })).status).toBe(400);
    const malformed = await http(`${emu.url}/chat-gateway/v1/conversations`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: '{"channelId":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/problem\+json/);
    for (const path of ['/conversations/nope', '/conversations/nope/messages', '/conversations/nope/participants']) {
      const r = await gw(path);
      expect(r.status, path).toBe(404);
      expect(r.body).toEqual({ message: expect.stringMatching(/was not found/), errors: [expect.any(String)] });
    }
    expect((await gw('/no-such-thing')).status).toBe(404);
  });
});

describe('delivery', () => {
  it('retries a failed event with the same event id, x-8x8-retry counting up and a new transmission time', async () => {
    const { channelId } = await setup();
    await eventually(() => expect(receiver.deliveries.length).toBeGreaterThan(0));
    receiver.deliveries.length = 0;
    receiver.failWhen((body) => body?.data?.state === 'created', 500, 503);
    const id = await converse(channelId);
    await eventually(() => expect(receiver.events().filter((e) => e.data?.state === 'created')).toHaveLength(3));
    const attempts = receiver.deliveries.filter((d) => d.body?.data?.state === 'created');
    expect(new Set(attempts.map((a) => a.headers['x-8x8-event-id'])).size).toBe(1);
    expect(attempts.map((a) => a.headers['x-8x8-retry'])).toEqual(['0', '1', '2']);
    expect(new Set(attempts.map((a) => a.headers['x-8x8-transmission-time'])).size).toBe(3);
    expect(new Set(attempts.map((a) => a.raw.toString('base64'))).size).toBe(1);
    const log = (await http(`${emu.url}/emulator/api/event-log?conversationId=${id}&eventType=CONVERSATION_UPDATE`)).body.events;
    const eventId = attempts[0]!.headers['x-8x8-event-id'];
    expect(log.filter((e: any) => e.eventId === eventId).map((e: any) => [e.retry, e.status])).toEqual([
      [0, 500],
      [1, 503],
      [2, 200],
    ]);
  });

  it('gives up after 6 attempts', async () => {
    const { channelId } = await setup();
    await eventually(() => expect(receiver.deliveries.length).toBeGreaterThan(0));
    receiver.failAlways(500);
    const id = await converse(channelId);
    await eventually(
      async () => {
        const log = (await http(`${emu.url}/emulator/api/event-log?conversationId=${id}&eventType=QUEUED`)).body.events;
        expect(log.map((e: any) => e.retry)).toEqual([0, 1, 2, 3, 4, 5]);
      },
      { timeoutMs: 10_000 },
    );
    await new Promise((r) => setTimeout(r, 300));
    const log = (await http(`${emu.url}/emulator/api/event-log?conversationId=${id}&eventType=QUEUED`)).body.events;
    expect(log).toHaveLength(6);
  });

  it('sends the six x-8x8 headers with every delivery', async () => {
    const { channelId } = await setup();
    await converse(channelId);
    await eventually(() => expect(receiver.events().length).toBeGreaterThanOrEqual(3));
    for (const d of receiver.deliveries) {
      expect(d.headers).toMatchObject({
        'x-8x8-tenant-id': 'demo',
        'x-8x8-customer-id': 'emulator-customer',
        'x-8x8-event-id': expect.stringMatching(/^[\w-]{22}$/),
        'x-8x8-transmission-time': expect.stringMatching(/^\d{13}$/),
        'x-8x8-retry': '0',
        'x-8x8-signature': expect.stringMatching(/^[\w-]+\.\.[\w-]+$/),
      });
    }
  });
});
