import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentClient, chatClient, http, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';

let emu: RunningEmulator;
let agent: ReturnType<typeof agentClient>;
let chat: ReturnType<typeof chatClient>;

beforeAll(async () => {
  emu = await startEmulator();
  agent = agentClient(emu.url);
  chat = chatClient(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

describe('agent API', () => {
  it('lists interactions with the documented fields', async () => {
    const id = await chat.requestChat({ userData: { 'Started by': 'Chat API' } });
    expect(await agent.list()).toEqual([
      expect.objectContaining({
        id,
        source: 'customer-chat',
        state: 'queued',
        queueId: 'support',
        customer: { name: 'Chris' },
        userData: { 'Started by': 'Chat API' },
        history: [],
        agentId: null,
        startedByApi: true,
      }),
    ]);
  });

  it('validates every action with a clear 4xx', async () => {
    const id = await chat.requestChat();
    const cases: [Promise<any>, number][] = [
      [agent.post(`/interactions/${id}/accept`, {}), 400],
      [agent.post(`/interactions/${id}/accept`, { agentId: 5 }), 400],
      [agent.post('/interactions/nope/accept', { agentId: 'a' }), 404],
      [agent.say(id, 'not accepted yet'), 409],
      [agent.post(`/interactions/${id}/typing`, { typing: 'yes' }), 400],
      [agent.transfer(id, 'billing'), 409],
      [agent.leave(id), 409],
      [http(`${emu.url}/agent/api/interactions/${id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400],
    ];
    for (const [promise, status] of cases) {
      const r = await promise;
      expect(r.status).toBe(status);
      expect(r.body.error).toEqual(expect.any(String));
    }
    await agent.accept(id);
    expect((await agent.accept(id)).status).toBe(409);
    expect((await agent.say(id, '')).status).toBe(400);
    expect((await agent.say(id, 'x'.repeat(4001))).status).toBe(400);
    expect((await agent.transfer(id, 'support')).status).toBe(400);
    expect((await agent.transfer(id, 'nowhere')).status).toBe(400);
    expect((await http(`${emu.url}/agent/api/nothing`)).status).toBe(404);
  });

  it('returns the transcript with the bot history', async () => {
    const id = await chat.requestChat();
    await chat.send(id, 'hello');
    const t = await agent.transcript(id);
    expect(t).toEqual({ id, history: [], messages: expect.arrayContaining([expect.objectContaining({ type: 'Text', text: 'hello' })]) });
  });
});

describe('control API', () => {
  const ctl = (json: unknown) => http(`${emu.url}/emulator/api/control`, { method: 'POST', json });

  it('fails the next matching requests as told, then recovers', async () => {
    await ctl({ faults: [{ route: 'POST /api/v2/chats', status: 503, count: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await chat.request({ operationName: 'RequestChat', nickname: 'x' })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('matches a route pattern with {param}', async () => {
    const id = await chat.requestChat();
    await ctl({ faults: [{ route: 'GET /api/v2/me/chat/{id}/messages', status: 500, count: 1 }] });
    const r = await chat.messages(id);
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ statusCode: 4, statusMessage: expect.stringMatching(/Injected/) });
    expect((await chat.messages(id)).status).toBe(200);
  });

  it('drops the connection for status 0', async () => {
    await ctl({ faults: [{ route: 'GET /api/v2/chat-script', status: 0, count: 1 }] });
    await expect(fetch(`${emu.url}/api/v2/chat-script`, { headers: { ContactCenterId: emu.config.contactCenterIds[0]! } })).rejects.toThrow();
  });

  it('delays, and can process the request before failing it (an ambiguous failure)', async () => {
    const id = await chat.requestChat();
    await ctl({ faults: [{ route: 'POST /api/v2/chats/{id}', status: 504, count: 1, delayMs: 200, process: true }] });
    const started = Date.now();
    const r = await chat.send(id, 'did it arrive?', 'amb-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(r.status).toBe(504);
    const texts = (await chat.messages(id, 1)).body.messages.filter((m: any) => m.type === 'Text');
    expect(texts.map((m: any) => m.text)).toEqual(['did it arrive?']);
  });

  it('refuses bad settings without changing anything', async () => {
    for (const body of [
      { faults: [{ route: 'explode', status: 500 }] },
      { faults: [{ route: 'GET /x', status: 42 }] },
      { faults: 'all' },
      { agentsAvailable: -1 },
      { agentsAvailable: { nowhere: 1 } },
      { scheduleOpen: 'yes' },
      { chatScript: { invitation: true } },
      { chatScript: { nonsense: { enabled: true } } },
      { surprise: true },
      [1],
    ]) {
      const r = await ctl(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await http(`${emu.url}/emulator/api/control`)).body).toEqual({ scheduleOpen: null, chatScript: {}, agentsAvailable: { support: 2, billing: 2 }, faults: [] });
  });

  it('replaces parts of the chat script until reset', async () => {
    const script = () => http(`${emu.url}/api/v2/chat-script`, { headers: { ContactCenterId: emu.config.contactCenterIds[0]! } });
    await ctl({ chatScript: { invitation: { enabled: false }, preChat: { enabled: true, fields: [] } } });
    expect((await script()).body).toMatchObject({ invitation: { enabled: false }, preChat: { enabled: true, fields: [] }, chatWindow: { enabled: true } });
    await resetEmulator(emu.url);
    expect((await script()).body.invitation.enabled).toBe(true);
  });

  it('counts the requests it served', async () => {
    const since = Date.now();
    const id = await chat.requestChat();
    await chat.messages(id);
    await chat.messages(id);
    const seen = (await http(`${emu.url}/emulator/api/requests?since=${since}&path=${id}`)).body.requests;
    expect(seen.map((r: any) => r.method + ' ' + r.path)).toEqual([`GET /api/v2/me/chat/${id}/messages`, `GET /api/v2/me/chat/${id}/messages`]);
  });

  it('reset forgets chats and settings', async () => {
    await chat.requestChat();
    await ctl({ scheduleOpen: false });
    await resetEmulator(emu.url);
    expect(await agent.list()).toEqual([]);
    expect((await http(`${emu.url}/emulator/api/control`)).body.scheduleOpen).toBeNull();
  });
});
