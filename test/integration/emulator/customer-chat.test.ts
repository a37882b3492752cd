import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CC_ID, OTHER_CC_ID, agentClient, chatClient, control, eventually, http, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';

let emu: RunningEmulator;
let chat: ReturnType<typeof chatClient>;
let agent: ReturnType<typeof agentClient>;

beforeAll(async () => {
  emu = await startEmulator();
  chat = chatClient(emu.url);
  agent = agentClient(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('RequestChat', () => {
  it('queues a chat and answers its id, path and an unguessable UUIDv4', async () => {
    const r = await chat.request({ operationName: 'RequestChat', nickname: 'Chris', subject: 'Billing', endpoint: 'billing', userData: { 'First name': 'John', Premium: true } });
    expect(r.status).toBe(200);
    expect(r.body.statusCode).toBe(0);
    expect(r.body.id).toMatch(UUID_V4);
    expect(r.body.path).toBe(`/api/v2/chats/${r.body.id}`);
    const [seen] = await agent.list();
    expect(seen).toMatchObject({ id: r.body.id, source: 'customer-chat', state: 'queued', queueId: 'billing', userData: { 'First name': 'John', Premium: true } });
    expect(seen.customer).toMatchObject({ name: 'Chris', subject: 'Billing' });
  });

  it('puts a chat with no endpoint in the support queue', async () => {
    const id = await chat.requestChat();
    expect((await agent.list()).find((i) => i.id === id).queueId).toBe('support');
  });

  it('shows the chat as WaitingForAgent on both path families', async () => {
    const id = await chat.requestChat();
    for (const family of ['me', 'chats'] as const) {
      const r = await chat.chat(id, family);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        chat: {
          id,
          state: 'WaitingForAgent',
          capabilities: ['SendMessage', 'SendStartTypingNotification', 'SendStopTypingNotification', 'Complete'],
          participants: [{ nickname: 'Chris', participantId: '1', type: 'Customer' }],
          // (ext) What the emulator offers beyond the seed; files: customer uploads within these limits.
          extensions: expect.objectContaining({
            files: { maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] },
          }),
        },
        statusCode: 0,
      });
    }
  });

  it('records the customer joining and tells the queue position', async () => {
    const id = await chat.requestChat();
    const r = await chat.messages(id, 1);
    expect(r.body.messages).toEqual([
      { from: { nickname: 'Chris', participantId: '1', type: 'Customer' }, index: 1, type: 'ParticipantJoined', utcTime: expect.any(Number) },
      expect.objectContaining({ index: 2, type: 'Notice', notice: { queuePosition: 1 }, from: expect.objectContaining({ type: 'External' }) }),
    ]);
  });
});

describe('ContactCenterId and Authorization rules', () => {
  const body = { operationName: 'RequestChat', nickname: 'Chris' };

  it('refuses a request without ContactCenterId: 403, statusCode 3', async () => {
    const r = await http(`${emu.url}/api/v2/chats`, { method: 'POST', json: body });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ statusCode: 3, statusMessage: expect.stringMatching(/Missing ContactCenterId/) });
  });

  it('refuses an unknown contact center id: 403, statusCode 3', async () => {
    const r = await http(`${emu.url}/api/v2/chats`, { method: 'POST', headers: { ContactCenterId: 'nope' }, json: body });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ statusCode: 3, statusMessage: expect.stringMatching(/Unknown ContactCenterId/) });
  });

  it('refuses any request that carries an Authorization header, even with a valid id', async () => {
    const id = await chat.requestChat();
    for (const [method, path] of [
      ['POST', '/api/v2/chats'],
      ['GET', `/api/v2/me/chat/${id}`],
      ['GET', `/api/v2/chats/${id}/messages`],
    ]) {
      const r = await http(`${emu.url}${path}`, {
        method: method!,
        headers: { ContactCenterId: CC_ID, Authorization: 'Basic dTpw' },
        ...(method === 'POST' ? { json: body } : {}),
      });
      expect(r.status, path).toBe(403);
      expect(r.body.statusCode).toBe(3);
      expect(r.body.statusMessage).toMatch(/Authorization/);
    }
  });

  it('does not reveal a chat to another contact center: 404, statusCode 6', async () => {
    const id = await chat.requestChat();
    const other = chatClient(emu.url, OTHER_CC_ID);
    for (const r of [await other.chat(id), await other.messages(id), await other.send(id, 'hi')]) {
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ statusCode: 6, statusMessage: 'No such chat' });
    }
    expect((await chat.chat(id)).status).toBe(200);
  });

  it('answers an unknown chat id with 404, statusCode 6', async () => {
    const r = await chat.chat('6f1c3a52-2f8e-4b43-9d8a-7a0c1b2d3e4f');
    expect(r.status).toBe(404);
    expect(r.body.statusCode).toBe(6);
  });
});

describe('CORS', () => {
  it('answers a preflight from any origin for ContactCenterId and Content-Type', async () => {
    const response = await fetch(`${emu.url}/api/v2/chats`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'contactcenterid,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/ContactCenterId/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('allows the calling origin on answers, errors included', async () => {
    const ok = await http(`${emu.url}/api/v2/chat-script`, { headers: { ContactCenterId: CC_ID, Origin: 'https://a.example' } });
    const refused = await http(`${emu.url}/api/v2/chat-script`, { headers: { Origin: 'https://a.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://a.example');
  });
});

describe('SendMessage and typing', () => {
  it('adds the text to the transcript', async () => {
    const id = await chat.requestChat();
    expect((await chat.send(id, 'Hello?')).body).toEqual({ statusCode: 0 });
    const texts = (await chat.messages(id, 1)).body.messages.filter((m: any) => m.type === 'Text');
    expect(texts).toEqual([expect.objectContaining({ type: 'Text', text: 'Hello?', from: { nickname: 'Chris', participantId: '1', type: 'Customer' } })]);
  });

  it('records a retried send with the same clientMessageId once', async () => {
    const id = await chat.requestChat();
    for (let i = 0; i < 3; i++) expect((await chat.send(id, 'only once', 'c-1')).body.statusCode).toBe(0);
    await chat.send(id, 'only once', 'c-2');
    const texts = (await chat.messages(id, 1)).body.messages.filter((m: any) => m.type === 'Text');
    expect(texts.map((m: any) => m.text)).toEqual(['only once', 'only once']);
  });

  it('accepts exactly 4,000 characters and refuses 4,001 with statusCode 1', async () => {
    const id = await chat.requestChat();
    expect((await chat.send(id, 'x'.repeat(4000))).body.statusCode).toBe(0);
    const r = await chat.send(id, 'x'.repeat(4001));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(/4000/) });
  });

  it('records typing started and stopped, once per change', async () => {
    const id = await chat.requestChat();
    for (const op of ['SendStartTypingNotification', 'SendStartTypingNotification', 'SendStopTypingNotification']) {
      expect((await chat.operation(id, { operationName: op })).body.statusCode).toBe(0);
    }
    const types = (await chat.messages(id, 1)).body.messages.map((m: any) => m.type).filter((t: string) => t.startsWith('Typing'));
    expect(types).toEqual(['TypingStarted', 'TypingStopped']);
  });
});

describe('GetMessages: the index parameter and the server-side cursor', () => {
  it('returns only what this chat has not yet received when no index is given', async () => {
    const id = await chat.requestChat();
    const first = await chat.messages(id);
    expect(first.body.messages.map((m: any) => m.index)).toEqual([1, 2]);
    expect((await chat.messages(id)).body.messages).toEqual([]);
    await chat.send(id, 'one');
    await chat.send(id, 'two');
    expect((await chat.messages(id)).body.messages.map((m: any) => m.text)).toEqual(['one', 'two']);
  });

  it('returns entries from index N on, with index 0 and 1 meaning all', async () => {
    const id = await chat.requestChat();
    await chat.send(id, 'one');
    await chat.send(id, 'two');
    expect((await chat.messages(id, 0)).body.messages.map((m: any) => m.index)).toEqual([1, 2, 3, 4]);
    expect((await chat.messages(id, 1)).body.messages.map((m: any) => m.index)).toEqual([1, 2, 3, 4]);
    expect((await chat.messages(id, 3, 'chats')).body.messages.map((m: any) => m.text)).toEqual(['one', 'two']);
    expect((await chat.messages(id, 99)).body.messages).toEqual([]);
  });

  it('refuses an index that is not a whole number', async () => {
    const id = await chat.requestChat();
    for (const bad of ['-1', 'abc', '1.5']) {
      const r = await chat.messages(id, bad);
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(1);
    }
  });
});

describe('Lifecycle with an agent', () => {
  it('goes queued → chatting → messages and typing both ways → agent leaves → Idle', async () => {
    const id = await chat.requestChat();
    expect((await agent.accept(id)).status).toBe(200);
    let state = await chat.chat(id);
    expect(state.body.chat.state).toBe('Chatting');
    expect(state.body.chat.participants).toContainEqual({ nickname: 'Kristi', participantId: '2', type: 'Agent' });

    await agent.typing(id, true);
    await agent.say(id, 'Hi Chris, how can I help?');
    await chat.operation(id, { operationName: 'SendStartTypingNotification' });
    await chat.send(id, 'My order is late');
    const transcript = (await chat.messages(id, 1)).body.messages.map((m: any) => [m.type, m.from.type, m.text ?? null]);
    expect(transcript.slice(2)).toEqual([
      ['ParticipantJoined', 'Agent', null],
      ['TypingStarted', 'Agent', null],
      ['TypingStopped', 'Agent', null],
      ['Text', 'Agent', 'Hi Chris, how can I help?'],
      ['TypingStarted', 'Customer', null],
      ['TypingStopped', 'Customer', null],
      ['Text', 'Customer', 'My order is late'],
    ]);
    expect((await agent.transcript(id)).messages.at(-1).text).toBe('My order is late');

    await agent.leave(id);
    state = await chat.chat(id);
    expect(state.body.chat.state).toBe('Idle');
    expect(state.body.chat.capabilities).toEqual([]);
    const last = (await chat.messages(id, 1)).body.messages.at(-1);
    expect(last).toMatchObject({ type: 'ParticipantLeft', from: { type: 'Agent', nickname: 'Kristi' } });
    const late = await chat.send(id, 'hello?');
    expect(late.status).toBe(400);
    expect(late.body.statusCode).toBe(2);
    expect((await agent.list())[0]).toMatchObject({ state: 'ended', endedReason: 'agent' });
  });

  it('Complete ends the chat; nothing is valid afterwards', async () => {
    const id = await chat.requestChat();
    await agent.accept(id);
    expect((await chat.operation(id, { operationName: 'Complete' })).body).toEqual({ statusCode: 0 });
    expect((await chat.chat(id)).body.chat.state).toBe('Idle');
    for (const op of ['Complete', 'SendStartTypingNotification']) {
      const r = await chat.operation(id, { operationName: op });
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(2);
    }
    expect((await agent.say(id, 'still there?')).status).toBe(409);
    expect((await agent.list())[0]).toMatchObject({ state: 'ended', endedReason: 'customer' });
  });

  it('acknowledges a retried send after the end without recording it again', async () => {
    const id = await chat.requestChat();
    await chat.send(id, 'bye', 'c-9');
    await chat.operation(id, { operationName: 'Complete' });
    expect((await chat.send(id, 'bye', 'c-9')).body.statusCode).toBe(0);
    expect((await chat.send(id, 'new', 'c-10')).body.statusCode).toBe(2);
  });

  it('tells each waiting customer its new queue position when it changes', async () => {
    const a = await chat.requestChat({ nickname: 'A' });
    const b = await chat.requestChat({ nickname: 'B' });
    const c = await chat.requestChat({ nickname: 'C' });
    const positions = async (id: string) =>
      (await chat.messages(id, 1)).body.messages.filter((m: any) => m.type === 'Notice' && m.notice?.queuePosition).map((m: any) => m.notice.queuePosition);
    expect([await positions(a), await positions(b), await positions(c)]).toEqual([[1], [2], [3]]);
    await agent.accept(a);
    await chat.operation(b, { operationName: 'Complete' });
    expect(await positions(c)).toEqual([3, 2, 1]);
    expect(await positions(a)).toEqual([1]);
  });

  it('transfers: the agent leaves, the customer is told and waits in the other queue', async () => {
    const id = await chat.requestChat();
    await agent.accept(id);
    expect((await agent.transfer(id, 'billing')).status).toBe(200);
    expect((await chat.chat(id)).body.chat.state).toBe('WaitingForAgent');
    const tail = (await chat.messages(id, 1)).body.messages.slice(-3);
    expect(tail).toEqual([
      expect.objectContaining({ type: 'ParticipantLeft', from: expect.objectContaining({ type: 'Agent' }) }),
      expect.objectContaining({ type: 'Notice', text: expect.stringMatching(/forwarded/), notice: { event: 'transfer', queueId: 'billing' } }),
      expect.objectContaining({ type: 'Notice', notice: { queuePosition: 1 } }),
    ]);
    await agent.accept(id, 'agent-bo', 'Bo');
    expect((await chat.chat(id)).body.chat.participants).toContainEqual({ nickname: 'Bo', participantId: '3', type: 'Agent' });
  });
});

describe('Idle chats end', () => {
  it('ends a chat whose client stopped polling for CHAT_IDLE_TIMEOUT_S', async () => {
    const short = await startEmulator({ chatIdleTimeoutS: 1 });
    try {
      const client = chatClient(short.url);
      const kept = await client.requestChat({ nickname: 'Polls' });
      const left = await client.requestChat({ nickname: 'Leaves' });
      const started = Date.now();
      while (Date.now() - started < 2500) {
        await client.messages(kept);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect((await client.chat(kept)).body.chat.state).toBe('WaitingForAgent');
      const ended = await client.chat(left);
      expect(ended.body.chat.state).toBe('Idle');
      const view = (await agentClient(short.url).list()).find((i) => i.id === left);
      expect(view).toMatchObject({ state: 'ended', endedReason: 'timeout' });
    } finally {
      await short.close();
    }
  });
});

describe('Bad input never crashes and always gets the documented error', () => {
  const post = (path: string, body: string, contentType = 'application/json') =>
    http(`${emu.url}${path}`, { method: 'POST', headers: { ContactCenterId: CC_ID, 'content-type': contentType }, body });

  it.each([
    ['malformed JSON', '{"operationName": "RequestChat",'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"RequestChat"'],
    ['no operationName', '{"nickname":"Chris"}'],
    ['an unknown operationName', '{"operationName":"Explode","nickname":"Chris"}'],
    ['a number as nickname', '{"operationName":"RequestChat","nickname":42}'],
    ['an empty nickname', '{"operationName":"RequestChat","nickname":"  "}'],
    ['nested userData', '{"operationName":"RequestChat","nickname":"C","userData":{"a":{"b":1}}}'],
    ['userData as an array', '{"operationName":"RequestChat","nickname":"C","userData":[1]}'],
    ['an unknown endpoint', '{"operationName":"RequestChat","nickname":"C","endpoint":"nowhere"}'],
  ])('RequestChat with %s → 400, statusCode 1', async (_name, body) => {
    const r = await post('/api/v2/chats', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.any(String) });
  });

  it('refuses an empty body and an unsupported content type with statusCode 1', async () => {
    for (const r of [await post('/api/v2/chats', ''), await post('/api/v2/chats', 'a=b', 'application/x-www-form-urlencoded')]) {
      expect(r.status).toBe(400);
      expect(r.body.statusCode).toBe(1);
    }
  });

  it('accepts a JSON body sent as text/plain', async () => {
    const r = await post('/api/v2/chats', '{"operationName":"RequestChat","nickname":"Plain"}', 'text/plain');
    expect(r.body.statusCode).toBe(0);
  });

  it.each([
    ['a number as text', { operationName: 'SendMessage', text: 5 }],
    ['no text', { operationName: 'SendMessage' }],
    ['an object as clientMessageId', { operationName: 'SendMessage', text: 'x', clientMessageId: {} }],
    ['an unknown operationName', { operationName: 'RequestChat' }],
    ['no operationName', {}],
  ])('operations with %s → 400, statusCode 1', async (_name, body) => {
    const id = await chat.requestChat();
    const r = await chat.operation(id, body);
    expect(r.status).toBe(400);
    expect(r.body.statusCode).toBe(1);
  });

  it('answers unknown resources with 404, statusCode 6', async () => {
    for (const r of [await http(`${emu.url}/api/v2/nothing`, { headers: { ContactCenterId: CC_ID } }), await post('/api/v2/chats/not-a-chat', '{"operationName":"Complete"}')]) {
      expect(r.status).toBe(404);
      expect(r.body.statusCode).toBe(6);
    }
  });

  it('keeps serving after a burst of garbage', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => post('/api/v2/chats', i % 2 ? '{' : '\u0000\u0001')));
    expect((await chat.request({ operationName: 'RequestChat', nickname: 'Still here' })).body.statusCode).toBe(0);
  });
});

describe('Chat script and offline messages (extensions)', () => {
  it('serves the chat script with live availability', async () => {
    const r = await http(`${emu.url}/api/v2/chat-script?tenant=acme&channel=web`, { headers: { ContactCenterId: CC_ID } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      statusCode: 0,
      invitation: { enabled: true, delaySeconds: expect.any(Number), text: expect.any(String), quickReplies: expect.any(Array) },
      preChat: { enabled: true, fields: expect.arrayContaining([expect.objectContaining({ type: 'language' })]) },
      chatWindow: { enabled: true, endpoint: 'support' },
      offlineForm: { enabled: true, fields: expect.any(Array) },
      availability: { open: true, agentsAvailable: 2, reason: null },
    });
    await control(emu.url, { agentsAvailable: { support: 0 } });
    expect((await http(`${emu.url}/api/v2/chat-script`, { headers: { ContactCenterId: CC_ID } })).body.availability).toEqual({
      open: false,
      agentsAvailable: 0,
      reason: 'no-agents',
    });
    await control(emu.url, { agentsAvailable: 3, scheduleOpen: false });
    expect((await http(`${emu.url}/api/v2/chat-script`, { headers: { ContactCenterId: CC_ID } })).body.availability).toEqual({ open: false, agentsAvailable: 3, reason: 'closed' });
  });

  it('requires ContactCenterId for the chat script', async () => {
    expect((await http(`${emu.url}/api/v2/chat-script`)).status).toBe(403);
  });

  it('takes an offline message and shows it to agents', async () => {
    const r = await http(`${emu.url}/api/v2/offline-messages`, {
      method: 'POST',
      headers: { ContactCenterId: CC_ID },
      json: { fields: { email: 'chris@example.com', message: 'Call me back' }, userData: { Plan: 'Gold' } },
    });
    expect(r.body).toEqual({ statusCode: 0, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const list = (await http(`${emu.url}/agent/api/offline-messages`)).body.offlineMessages;
    expect(list).toEqual([expect.objectContaining({ id: r.body.id, fields: { email: 'chris@example.com', message: 'Call me back' }, userData: { Plan: 'Gold' } })]);
  });

  it.each([
    ['a missing required field', { fields: { email: 'chris@example.com' } }],
    ['a malformed e-mail', { fields: { email: 'not-mail', message: 'hi' } }],
    ['fields as a string', { fields: 'hello' }],
    ['a number in fields', { fields: { email: 'a@b.co', message: 3 } }],
  ])('refuses an offline message with %s', async (_name, body) => {
    const r = await http(`${emu.url}/api/v2/offline-messages`, { method: 'POST', headers: { ContactCenterId: CC_ID }, json: body });
    expect(r.status).toBe(400);
    expect(r.body.statusCode).toBe(1);
  });
});

describe('the chat survives the agent console polling it', () => {
  it('shows queued chats to agents in order', async () => {
    const a = await chat.requestChat({ nickname: 'First' });
    const b = await chat.requestChat({ nickname: 'Second' });
    await eventually(async () =>
      expect((await agent.list()).map((i) => [i.id, i.position])).toEqual([
        [a, 1],
        [b, 2],
      ]),
    );
  });
});
