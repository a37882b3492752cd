// The bridge's Customer Chat API answers like the contact center's (the widget cannot tell them
// apart): header rules, both path families, index and cursor, idempotent sends, CORS, the chat
// script and offline messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_ID, OTHER_CC_ID, chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBot, startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;
let strict: RunningBridge;
let chat: ReturnType<typeof chatClient>;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, contactCenterIds: [CC_ID, OTHER_CC_ID], apiKey: 'customer-chat-test-key' });
  strict = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, allowedOrigins: ['https://shop.example.com'] });
  chat = chatClient(bridge.url);
});
afterAll(async () => {
  await strict?.close();
  await bridge?.close();
  await bot?.close();
  await emu?.close();
});

const greeted = (id: string) => eventually(async () => expect((await chat.messages(id, 1)).body.messages.some((m: { type: string }) => m.type === 'Text')).toBe(true));

describe('RequestChat', () => {
  it('answers an unguessable UUIDv4, its path, and statusCode 0', async () => {
    const r = await chat.request({ operationName: 'RequestChat', nickname: 'Kai', subject: 'Hi', endpoint: 'billing', userData: { 'First name': 'Kai', Premium: true } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.stringMatching(UUID_V4), statusCode: 0, path: `/api/v2/chats/${r.body.id}` });
  });

  it.each([
    [{ nickname: 'x' }, /operationName/],
    [{ operationName: 'SendMessage', nickname: 'x' }, /expected RequestChat/],
    [{ operationName: 'RequestChat' }, /nickname/],
    [{ operationName: 'RequestChat', nickname: '   ' }, /nickname/],
    [{ operationName: 'RequestChat', nickname: 5 }, /nickname/],
    [{ operationName: 'RequestChat', nickname: 'x'.repeat(101) }, /nickname/],
    [{ operationName: 'RequestChat', nickname: 'x', userData: [1] }, /userData/],
    [{ operationName: 'RequestChat', nickname: 'x', userData: { a: { b: 1 } } }, /userData\.a/],
    [{ operationName: 'RequestChat', nickname: 'x', endpoint: '../etc' }, /endpoint/],
  ])('refuses %j with statusCode 1', async (body, message) => {
    const r = await chat.request(body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(message) });
  });
});

describe('header rules', () => {
  it('refuses a missing or unknown ContactCenterId, and any Authorization header, with statusCode 3', async () => {
    const body = { operationName: 'RequestChat', nickname: 'x' };
    for (const headers of [{}, { ContactCenterId: 'nope' }, { ContactCenterId: CC_ID, Authorization: 'Bearer x' }] as Record<string, string>[]) {
      const r = await http(`${bridge.url}/api/v2/chats`, { method: 'POST', headers, json: body });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ statusCode: 3, statusMessage: expect.any(String) });
    }
  });

  it('hides a chat of another contact center behind 404 (statusCode 6)', async () => {
    const id = await chat.requestChat();
    const other = chatClient(bridge.url, OTHER_CC_ID);
    for (const r of [await other.chat(id), await other.messages(id), await other.send(id, 'hi')]) {
      expect(r.status).toBe(404);
      expect(r.body.statusCode).toBe(6);
    }
    expect((await chat.chat('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await chat.chat('not-a-uuid')).status).toBe(404);
  });
});

describe('reading', () => {
  it('serves GetChat and GetMessages on both path families', async () => {
    const id = await chat.requestChat({ nickname: 'Lou' });
    await greeted(id);
    for (const family of ['me', 'chats'] as const) {
      expect((await chat.chat(id, family)).body).toEqual({
        chat: {
          id,
          state: 'Chatting',
          capabilities: ['SendMessage', 'SendStartTypingNotification', 'SendStopTypingNotification', 'Complete'],
          participants: [
            { nickname: 'Lou', participantId: '1', type: 'Customer' },
            { nickname: 'Assistant', participantId: 'bot', type: 'External' },
          ],
          extensions: {
            longPoll: { maxWaitSeconds: 25 },
            files: { maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] },
          },
        },
        statusCode: 0,
      });
      expect((await chat.messages(id, 1, family)).body.messages[0]).toEqual({
        from: { nickname: 'Lou', participantId: '1', type: 'Customer' },
        index: 1,
        type: 'ParticipantJoined',
        utcTime: expect.any(Number),
      });
    }
  });

  it('hands out new entries once without index (cursor), and from N on with index=N', async () => {
    const id = await chat.requestChat({ nickname: 'Max' });
    // Polling without index: every entry comes exactly once, in order.
    const seen: number[] = [];
    await eventually(async () => {
      seen.push(...(await chat.messages(id)).body.messages.map((m: { index: number }) => m.index));
      expect(seen).toEqual([1, 2, 3]);
    });
    expect((await chat.messages(id)).body.messages).toEqual([]);
    await chat.send(id, 'Returns', 'r1');
    await eventually(async () => {
      seen.push(...(await chat.messages(id)).body.messages.map((m: { index: number }) => m.index));
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    });
    expect((await chat.messages(id, 4)).body.messages[0]).toMatchObject({ index: 4, type: 'Text', text: 'Returns' });
    expect((await chat.messages(id, 0)).body.messages[0].index).toBe(1);
    expect((await chat.messages(id, 2)).body.messages[0].index).toBe(2);
    expect((await chat.messages(id, 999)).body.messages).toEqual([]);
    for (const bad of ['-1', 'abc', '1.5', '1e3']) {
      expect((await chat.messages(id, bad)).body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(/index/) });
    }
  });
});

describe('operations', () => {
  it('records a SendMessage retried with the same clientMessageId once', async () => {
    const id = await chat.requestChat({ nickname: 'Ned' });
    await greeted(id);
    for (let i = 0; i < 3; i++) expect((await chat.send(id, 'Returns', 'same-id')).body).toEqual({ statusCode: 0 });
    await eventually(async () => expect((await chat.messages(id, 1)).body.messages.filter((m: { text?: string }) => m.text?.includes('30 days'))).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 300));
    const list = (await chat.messages(id, 1)).body.messages;
    expect(list.filter((m: { text?: string }) => m.text === 'Returns')).toHaveLength(1);
    expect(list.filter((m: { text?: string }) => m.text?.includes('30 days'))).toHaveLength(1);
  });

  it('accepts typing notifications, and nothing after Complete except a retried send', async () => {
    const id = await chat.requestChat({ nickname: 'Ola' });
    await greeted(id);
    expect((await chat.operation(id, { operationName: 'SendStartTypingNotification' })).body).toEqual({ statusCode: 0 });
    expect((await chat.operation(id, { operationName: 'SendStopTypingNotification' })).body).toEqual({ statusCode: 0 });
    expect((await chat.send(id, 'bye', 'last')).body).toEqual({ statusCode: 0 });
    expect((await chat.operation(id, { operationName: 'Complete' })).body).toEqual({ statusCode: 0 });
    expect((await chat.send(id, 'bye', 'last')).body).toEqual({ statusCode: 0 });
    for (const body of [{ operationName: 'SendMessage', text: 'more' }, { operationName: 'SendStartTypingNotification' }, { operationName: 'Complete' }]) {
      const r = await chat.operation(id, body);
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(2);
    }
    expect((await chat.chat(id)).body.chat).toEqual({ id, state: 'Idle', capabilities: [], participants: [] });
    expect((await chat.messages(id, 1)).body.messages.at(-1)).toMatchObject({ type: 'ParticipantLeft', from: { type: 'Customer' } });
  });

  it.each([
    [{}, /operationName/],
    [{ operationName: 'Dance' }, /Unknown operationName/],
    [{ operationName: 'SendMessage' }, /text/],
    [{ operationName: 'SendMessage', text: 'x'.repeat(4001) }, /4000/],
    [{ operationName: 'SendMessage', text: 'x', clientMessageId: 'has spaces' }, /clientMessageId/],
    [{ operationName: 'SendMessage', text: 'x', clientMessageId: 7 }, /clientMessageId/],
  ])('refuses %j with statusCode 1', async (body, message) => {
    const id = await chat.requestChat();
    const r = await chat.operation(id, body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(message) });
  });
});

describe('CORS', () => {
  it('answers preflight from any origin by default, cached', async () => {
    const r = await fetch(`${bridge.url}/api/v2/chats`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://anywhere.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'contactcenterid,content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    expect(r.headers.get('access-control-allow-headers')).toMatch(/ContactCenterId/);
    expect(Number(r.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(600);
  });

  it('with ALLOWED_ORIGINS, serves those origins and refuses the others', async () => {
    const allowed = await fetch(`${strict.url}/api/v2/chats`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const refused = await fetch(`${strict.url}/api/v2/chats`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const post = await http(`${strict.url}/api/v2/chats`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', ContactCenterId: CC_ID },
      json: { operationName: 'RequestChat', nickname: 'x' },
    });
    expect(post.status).toBe(403);
    expect(post.body.statusCode).toBe(3);
  });
});

describe('chat script and offline messages', () => {
  it('serves its own chat script, open while the bot answers', async () => {
    const r = await http(`${bridge.url}/api/v2/chat-script?tenant=demo&channel=web`, { headers: { ContactCenterId: CC_ID } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      statusCode: 0,
      invitation: { enabled: false },
      preChat: { enabled: true, fields: expect.arrayContaining([expect.objectContaining({ id: 'name', required: true })]) },
      chatWindow: { enabled: true, endpoint: 'support' },
      offlineForm: { enabled: true },
      availability: { open: true, reason: null },
    });
  });

  it('stores offline messages where the handover API can fetch them', async () => {
    const since = Date.now();
    const r = await http(`${bridge.url}/api/v2/offline-messages`, {
      method: 'POST',
      headers: { ContactCenterId: CC_ID },
      json: { fields: { email: 'pat@example.com', message: 'Call me' }, userData: { Page: '/cart' } },
    });
    expect(r.body).toEqual({ statusCode: 0, id: expect.stringMatching(UUID_V4) });
    const stored = await http(`${bridge.url}/v1/offline-messages?since=${since}`, { headers: { authorization: 'Bearer customer-chat-test-key' } });
    expect(stored.body.offlineMessages).toContainEqual({
      id: r.body.id,
      contactCenterId: CC_ID,
      receivedAt: expect.any(Number),
      fields: { email: 'pat@example.com', message: 'Call me' },
      userData: { Page: '/cart' },
    });
    for (const fields of [undefined, 'x', { email: 'pat@example.com' }, { email: 'not-an-email', message: 'x' }, { email: 'a@b.co', message: 5 }]) {
      const bad = await http(`${bridge.url}/api/v2/offline-messages`, { method: 'POST', headers: { ContactCenterId: CC_ID }, json: { fields } });
      expect(bad.status).toBe(400);
      expect(bad.body.statusCode).toBe(1);
    }
  });
});
