// The Customer Chat API's error table, the ContactCenterId / Authorization rules, CORS, and the
// error handler both servers install (on a real Fastify instance: what a failure answers).
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  CHAT_ERRORS,
  ChatApiError,
  PREFLIGHT_HEADERS,
  contactCenterRules,
  corsPolicy,
  envelopeOf,
  serveCustomerChatApi,
  type ChatIdRequest,
  type ServeOptions,
} from '../../bot-bridge/customer-chat-api';

/** What a rule gives back, or what it throws as the envelope and HTTP status. */
const outcome = async (work: () => unknown) => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ChatApiError) return { ...error.toBody(), http: error.httpStatus };
    throw error;
  }
};

describe('the error table', () => {
  it('maps every statusCode to the HTTP status of the protocol note, and our extensions to theirs', () => {
    const table = Object.fromEntries(Object.entries(CHAT_ERRORS).map(([code, row]) => [code, row.http]));
    // 1–6 from the protocol note; 7 (rate limited), 8 (too large) and 9 (unsupported type) are ours.
    expect(table).toEqual({ 1: 400, 2: 400, 3: 403, 4: 500, 6: 404, 7: 429, 8: 413, 9: 415 });
  });

  it.each([1, 2, 3, 4, 6] as const)('an error with statusCode %i answers its HTTP status and the envelope', (code) => {
    const error = new ChatApiError(code, 'what happened');
    expect(error.httpStatus).toBe(CHAT_ERRORS[code].http);
    expect(error.toBody()).toEqual({ statusCode: code, statusMessage: 'what happened' });
    expect(error.name).toBe('ChatApiError');
  });

  it('lets a server say 503 for "retry soon" without changing the statusCode', () => {
    const error = new ChatApiError(4, 'Temporarily unavailable', { httpStatus: 503 });
    expect([error.httpStatus, error.toBody().statusCode]).toEqual([503, 4]);
  });

  it('puts Fastify failures and the server’s own errors in the envelope, and nothing else', () => {
    class DomainError extends Error {}
    const translate = (error: Error) => (error instanceof DomainError ? new ChatApiError(2, error.message) : undefined);
    const fastify = (statusCode: number, message = 'x') => Object.assign(new Error(message), { statusCode });
    expect(envelopeOf(new ChatApiError(6, 'gone'))?.toBody()).toEqual({ statusCode: 6, statusMessage: 'gone' });
    expect(envelopeOf(new DomainError('ended'), translate)?.toBody()).toEqual({ statusCode: 2, statusMessage: 'ended' });
    expect(envelopeOf(fastify(413))?.toBody()).toEqual({ statusCode: 1, statusMessage: 'The request body is too large' });
    expect(envelopeOf(fastify(415))?.toBody()).toEqual({ statusCode: 1, statusMessage: 'Content-Type must be application/json' });
    expect(envelopeOf(fastify(400, 'Unexpected end of JSON'))?.toBody()).toEqual({ statusCode: 1, statusMessage: 'Malformed request: Unexpected end of JSON' });
    expect(envelopeOf(fastify(500))).toBeNull();
    expect(envelopeOf(new Error('SQLITE_BUSY at /srv/data'), translate)).toBeNull();
  });
});

describe('ContactCenterId and Authorization', () => {
  interface Chat {
    id: string;
    owner: string | null;
    ended: boolean;
  }
  const OURS = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
  const OTHER = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
  const chatId = '6f1c3a52-2f8e-4b43-9d8a-7a0c1b2d3e4f';
  const looked: string[] = [];
  const chats = new Map<string, Chat>([
    [chatId, { id: chatId, owner: OURS, ended: false }],
    ['0b5e0c4e-1111-4222-8333-444455556666', { id: '0b5e0c4e-1111-4222-8333-444455556666', owner: OURS, ended: true }],
    ['not-a-uuid', { id: 'not-a-uuid', owner: OURS, ended: false }],
  ]);
  const rules = contactCenterRules<Chat>({
    contactCenterIds: [OURS, OTHER],
    lookup: async (id) => {
      looked.push(id);
      return chats.get(id);
    },
    ownerOf: (chat) => chat.owner,
    ended: (chat) => chat.ended,
  });

  it.each<[string, Record<string, string | string[]>, unknown]>([
    ['a known id', { contactcenterid: OURS }, OURS],
    ['another known id', { contactcenterid: OTHER }, OTHER],
    ['no header', {}, { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/^Missing ContactCenterId/) }],
    ['an empty header', { contactcenterid: '' }, { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/^Missing ContactCenterId/) }],
    ['an unknown id', { contactcenterid: 'nope' }, { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/^Unknown ContactCenterId/) }],
    ['the header twice', { contactcenterid: [OURS, OURS] }, { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/^Unknown ContactCenterId/) }],
    [
      'any Authorization header',
      { contactcenterid: OURS, authorization: 'Basic dTpw' },
      { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/anonymous.*Authorization/) },
    ],
    ['an empty Authorization header', { contactcenterid: OURS, authorization: '' }, { statusCode: 3, http: 403, statusMessage: expect.stringMatching(/Authorization/) }],
  ])('%s', async (_name, headers, expected) => {
    expect(await outcome(() => rules.contactCenterOf(headers))).toEqual(expected);
  });

  it('shows a chat to its own contact center only, and says the same 404 for another’s as for none', async () => {
    expect(await rules.chat(chatId, OURS)).toMatchObject({ id: chatId });
    const hidden = { statusCode: 6, http: 404, statusMessage: 'No such chat' };
    expect(await outcome(() => rules.chat(chatId, OTHER))).toEqual(hidden);
    expect(await outcome(() => rules.chat('00000000-0000-4000-8000-000000000000', OURS))).toEqual(hidden);
  });

  it('does not look up what cannot be a chat id', async () => {
    looked.length = 0;
    for (const id of ['not-a-uuid', 'a'.repeat(5000), '6F1C3A52-2F8E-4B43-9D8A-7A0C1B2D3E4F', '6f1c3a52-2f8e-1b43-9d8a-7a0c1b2d3e4f']) {
      expect(await outcome(() => rules.chat(id, OURS))).toMatchObject({ statusCode: 6 });
    }
    expect(looked).toEqual([]);
  });

  it('refuses operations on an ended chat with statusCode 2', async () => {
    const ended = await rules.chat('0b5e0c4e-1111-4222-8333-444455556666', OURS);
    expect(await outcome(() => rules.open(ended))).toEqual({ statusCode: 2, http: 400, statusMessage: expect.stringMatching(/ended/) });
    const open = await rules.chat(chatId, OURS);
    expect(rules.open(open)).toBe(open);
  });
});

describe('CORS', () => {
  it('serves any origin when configured with *, echoing the caller', () => {
    const cors = corsPolicy(['*']);
    expect(cors('https://shop.example')).toEqual({ 'access-control-allow-origin': 'https://shop.example', vary: 'Origin', 'access-control-expose-headers': 'Retry-After' });
    expect(cors(undefined)).toEqual({ 'access-control-allow-origin': '*' });
  });

  it('serves the listed origins and refuses the others with statusCode 3', async () => {
    const cors = corsPolicy(['https://shop.example.com']);
    expect(cors('https://shop.example.com')).toEqual({ 'access-control-allow-origin': 'https://shop.example.com', vary: 'Origin', 'access-control-expose-headers': 'Retry-After' });
    expect(cors(undefined)).toEqual({});
    expect(await outcome(() => cors('https://evil.example'))).toEqual({ statusCode: 3, http: 403, statusMessage: expect.stringMatching(/Origin https:\/\/evil\.example/) });
  });

  it('lets a preflight ask for ContactCenterId and Content-Type, cached', () => {
    expect(PREFLIGHT_HEADERS['access-control-allow-headers']).toBe('ContactCenterId, Content-Type');
    expect(PREFLIGHT_HEADERS['access-control-allow-methods']).toMatch(/GET.*POST.*OPTIONS/);
    expect(Number(PREFLIGHT_HEADERS['access-control-max-age'])).toBe(7200);
  });
});

describe('serveCustomerChatApi', () => {
  const CC = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
  const CHAT = '6f1c3a52-2f8e-4b43-9d8a-7a0c1b2d3e4f';

  async function server(extra: Partial<ServeOptions<{ id: string }>> = {}) {
    const app = Fastify({ logger: false });
    await app.register(
      async (api) => {
        const served = serveCustomerChatApi<{ id: string }>(api, {
          contactCenterIds: [CC],
          allowedOrigins: ['*'],
          lookup: (id) => (id === CHAT ? { id } : undefined),
          ownerOf: () => CC,
          ended: () => false,
          ...extra,
        });
        api.get('/chats/:id', async (request: ChatIdRequest) => ({ chat: await served.chatOf(request), cc: served.contactCenterOf(request), statusCode: 0 }));
        api.get('/explode', async () => {
          throw new Error('SQLITE_CANTOPEN: /srv/secret/bridge.db');
        });
        api.post('/echo', async (request) => ({ body: request.body, statusCode: 0 }));
      },
      { prefix: '/api/v2' },
    );
    return app;
  }
  const headers = { contactcenterid: CC };

  it('serves a chat with the contact center the hook found', async () => {
    const app = await server();
    const r = await app.inject({ url: `/api/v2/chats/${CHAT}`, headers });
    expect([r.statusCode, r.json()]).toEqual([200, { chat: { id: CHAT }, cc: CC, statusCode: 0 }]);
    expect((await app.inject({ url: '/api/v2/chats/00000000-0000-4000-8000-000000000000', headers })).json()).toEqual({ statusCode: 6, statusMessage: 'No such chat' });
  });

  it('hides what an internal failure was: 500 statusCode 4, or what the server configured', async () => {
    const plain = await (await server()).inject({ url: '/api/v2/explode', headers });
    expect([plain.statusCode, plain.json()]).toEqual([500, { statusCode: 4, statusMessage: 'Internal error' }]);
    expect(plain.body).not.toMatch(/SQLITE|secret/);
    const retry = await (
      await server({ internalError: () => new ChatApiError(4, 'Temporarily unavailable, please retry', { httpStatus: 503 }) })
    ).inject({ url: '/api/v2/explode', headers });
    expect([retry.statusCode, retry.json()]).toEqual([503, { statusCode: 4, statusMessage: 'Temporarily unavailable, please retry' }]);
  });

  it('answers the header rules before any route, CORS headers included', async () => {
    const app = await server();
    const r = await app.inject({ url: `/api/v2/chats/${CHAT}`, headers: { origin: 'https://a.example' } });
    expect([r.statusCode, r.json().statusCode, r.headers['access-control-allow-origin']]).toEqual([403, 3, 'https://a.example']);
    const strict = await server({ allowedOrigins: ['https://shop.example'] });
    const refused = await strict.inject({ method: 'OPTIONS', url: '/api/v2/chats', headers: { origin: 'https://evil.example' } });
    expect([refused.statusCode, refused.json().statusCode, refused.headers['access-control-allow-origin']]).toEqual([403, 3, undefined]);
    const preflight = await strict.inject({ method: 'OPTIONS', url: '/api/v2/chats', headers: { origin: 'https://shop.example' } });
    expect([preflight.statusCode, preflight.headers['access-control-allow-origin'], preflight.headers['access-control-allow-headers']]).toEqual([
      204,
      'https://shop.example',
      'ContactCenterId, Content-Type',
    ]);
  });

  it('reads JSON sent as text/plain, and answers bad JSON and unknown paths in the envelope', async () => {
    const app = await server();
    const plain = await app.inject({ method: 'POST', url: '/api/v2/echo', headers: { ...headers, 'content-type': 'text/plain' }, payload: '{"a":1}' });
    expect(plain.json()).toEqual({ body: { a: 1 }, statusCode: 0 });
    const broken = await app.inject({ method: 'POST', url: '/api/v2/echo', headers: { ...headers, 'content-type': 'text/plain' }, payload: '{' });
    expect([broken.statusCode, broken.json()]).toEqual([400, { statusCode: 1, statusMessage: 'The request body is not valid JSON' }]);
    const xml = await app.inject({ method: 'POST', url: '/api/v2/echo', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<x/>' });
    expect([xml.statusCode, xml.json().statusCode]).toEqual([400, 1]);
    const missing = await app.inject({ method: 'DELETE', url: '/api/v2/chats?x=1', headers });
    expect([missing.statusCode, missing.json()]).toEqual([404, { statusCode: 6, statusMessage: 'No such resource: DELETE /api/v2/chats' }]);
  });
});
