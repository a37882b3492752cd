// Malformed requests on every endpoint: a clear 4xx with a JSON body that says what is wrong, never
// a 500, and the bridge keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_ID, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
let bridge: RunningBridge;
let chatId: string;
let botConversationId: string;
let botToken: string;
const KEY = 'malformed-test-key-0123';

beforeAll(async () => {
  emu = await startEmulator();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: 'http://127.0.0.1:9/api/messages' }, apiKey: KEY });
  const session = await bridge.bridge.sessions.requestChat({ contactCenterId: CC_ID, nickname: 'Quinn', subject: null, queueId: 'support', userData: {} });
  chatId = session.id;
  botConversationId = session.botConversationId!;
  botToken = session.botToken!;
});
afterAll(async () => {
  await bridge?.close();
  await emu?.close();
});

interface Case {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const chatHeaders = { ContactCenterId: CC_ID, 'content-type': 'application/json' };
const apiHeaders = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const big = (n: number) => JSON.stringify({ operationName: 'SendMessage', text: 'x'.repeat(n) });

const cases = (): [string, Case][] => [
  ['RequestChat with broken JSON', { method: 'POST', path: '/api/v2/chats', headers: chatHeaders, body: '{"operationName":' }],
  ['RequestChat with a JSON array', { method: 'POST', path: '/api/v2/chats', headers: chatHeaders, body: '[]' }],
  ['RequestChat with null', { method: 'POST', path: '/api/v2/chats', headers: chatHeaders, body: 'null' }],
  ['RequestChat with no body', { method: 'POST', path: '/api/v2/chats', headers: { ContactCenterId: CC_ID } }],
  ['RequestChat as XML', { method: 'POST', path: '/api/v2/chats', headers: { ContactCenterId: CC_ID, 'content-type': 'application/xml' }, body: '<x/>' }],
  ['RequestChat as text/plain junk', { method: 'POST', path: '/api/v2/chats', headers: { ContactCenterId: CC_ID, 'content-type': 'text/plain' }, body: 'hello' }],
  ['RequestChat over the body limit', { method: 'POST', path: '/api/v2/chats', headers: chatHeaders, body: big(100_000) }],
  ['RequestChat with a prototype-polluting body', { method: 'POST', path: '/api/v2/chats', headers: chatHeaders, body: '{"__proto__":{"x":1},"operationName":"RequestChat"}' }],
  ['an operation with broken JSON', { method: 'POST', path: `/api/v2/chats/${'CHAT'}`, headers: chatHeaders, body: '{' }],
  ['an operation with a number body', { method: 'POST', path: `/api/v2/chats/${'CHAT'}`, headers: chatHeaders, body: '42' }],
  ['an operation on a made-up chat', { method: 'POST', path: '/api/v2/chats/%00%ff', headers: chatHeaders, body: '{"operationName":"Complete"}' }],
  ['GetChat of a very long id', { method: 'GET', path: `/api/v2/me/chat/${'a'.repeat(5000)}`, headers: { ContactCenterId: CC_ID } }],
  ['GetMessages with index twice', { method: 'GET', path: `/api/v2/me/chat/${'CHAT'}/messages?index=1&index=2`, headers: { ContactCenterId: CC_ID } }],
  ['GetMessages with a huge index', { method: 'GET', path: `/api/v2/chats/${'CHAT'}/messages?index=99999999999999999999`, headers: { ContactCenterId: CC_ID } }],
  ['the chat script with tenant twice', { method: 'GET', path: '/api/v2/chat-script?tenant=a&tenant=b', headers: { ContactCenterId: CC_ID } }],
  ['an offline message with fields as a list', { method: 'POST', path: '/api/v2/offline-messages', headers: chatHeaders, body: '{"fields":[1,2]}' }],
  ['a DELETE the API does not have', { method: 'DELETE', path: '/api/v2/chats', headers: { ContactCenterId: CC_ID } }],
  [
    'a bot activity with broken JSON',
    { method: 'POST', path: `/bot/TOKEN/v3/conversations/${'BOT'}/activities`, headers: { 'content-type': 'application/json' }, body: '{"type":' },
  ],
  [
    'a bot activity without a type',
    { method: 'POST', path: `/bot/TOKEN/v3/conversations/${'BOT'}/activities`, headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' },
  ],
  [
    'a bot message without text',
    { method: 'POST', path: `/bot/TOKEN/v3/conversations/${'BOT'}/activities/x`, headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' },
  ],
  [
    'a bot activity for an unknown conversation',
    { method: 'POST', path: '/bot/TOKEN/v3/conversations/nope/activities', headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"x"}' },
  ],
  [
    'a bot activity over the body limit',
    {
      method: 'POST',
      path: `/bot/TOKEN/v3/conversations/${'BOT'}/activities`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) }),
    },
  ],
  [
    'a bot updating an activity',
    { method: 'PUT', path: `/bot/TOKEN/v3/conversations/${'BOT'}/activities/a1`, headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"x"}' },
  ],
  ['a handover with broken JSON', { method: 'POST', path: '/v1/handovers', headers: apiHeaders, body: '{"user":' }],
  ['a handover with a huge body', { method: 'POST', path: '/v1/handovers', headers: apiHeaders, body: JSON.stringify({ history: [{ text: 'x'.repeat(2_000_000) }] }) }],
  ['a handover message with a number body', { method: 'POST', path: '/v1/handovers/00000000-0000-4000-8000-000000000000/messages', headers: apiHeaders, body: '7' }],
  ['offline messages with a bad since', { method: 'GET', path: '/v1/offline-messages?since=yesterday', headers: apiHeaders }],
  ['a webhook with no signature and junk', { method: 'POST', path: '/webhooks/chat-gateway', headers: { 'content-type': 'application/json' }, body: '{{{{' }],
  [
    'a webhook with a junk signature',
    {
      method: 'POST',
      path: '/webhooks/chat-gateway',
      headers: {
        'content-type': 'application/json',
        'x-8x8-signature': '!!',
        'x-8x8-event-id': 'e',
        'x-8x8-retry': 'x',
        'x-8x8-transmission-time': 'y',
        'x-8x8-tenant-id': 't',
        'x-8x8-customer-id': 'c',
      },
      body: '{}',
    },
  ],
  [
    'a webhook with a JWS header that is not JSON',
    {
      method: 'POST',
      path: '/webhooks/chat-gateway',
      headers: {
        'x-8x8-signature': 'bm90IGpzb24..c2ln',
        'x-8x8-event-id': 'e',
        'x-8x8-retry': '0',
        'x-8x8-transmission-time': String(Date.now()),
        'x-8x8-tenant-id': 't',
        'x-8x8-customer-id': 'c',
      },
      body: '{}',
    },
  ],
  ['a webhook over the body limit', { method: 'POST', path: '/webhooks/chat-gateway', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(1_100_000, 32) }],
  ['a path that does not exist', { method: 'GET', path: '/wp-admin/setup.php' }],
  ['a method that does not exist', { method: 'PATCH', path: '/healthz' }],
];

describe('malformed requests', () => {
  it.each(cases())('%s: a clear 4xx, never a 500', async (_name, c) => {
    const path = c.path.replace('CHAT', chatId).replace('BOT', botConversationId).replace('TOKEN', botToken);
    const response = await fetch(`${bridge.url}${path}`, {
      method: c.method,
      headers: c.headers ?? {},
      ...(c.body === undefined ? {} : { body: new Uint8Array(Buffer.from(c.body)) }),
    });
    const text = await response.text();
    expect(response.status, text).toBeGreaterThanOrEqual(400);
    expect(response.status, text).toBeLessThan(500);
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.statusMessage ?? (body.error as { message?: string })?.message ?? body.error;
    expect(typeof message === 'string' && message.length > 5, text).toBe(true);
  });

  it('still serves afterwards', async () => {
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bridge.url}/api/v2/me/chat/${chatId}`, { headers: { ContactCenterId: CC_ID } })).status).toBe(200);
  });
});
