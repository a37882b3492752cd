// The demo Direct Line service towards the bot: it plays the Bot Connector for a botbuilder bot
// without credentials (checked with the SDK's own CloudAdapter and ConnectorClient): what the bot
// receives (conversationUpdate with both members, then the user's activities, channelId
// "directline", a serviceUrl pointing at the service), its replies and typing on the client's
// stream, the attachments API, and what the client is told when the bot fails or is slow.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECRET, directLineApi, startDirectLine, type DirectLineApi, type DLActivity, type RunningDirectLine } from '../../support/directline';
import { eventually } from '../../support/emulator';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';

let bot: RecordingBot;
let service: RunningDirectLine;
let api: DirectLineApi;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  bot = await startRecordingBot();
  service = await startDirectLine({ botEndpoint: bot.endpoint, botTimeoutMs: 1000, heartbeatS: 1 });
  api = directLineApi(service.url);
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await service?.close();
  await bot?.close();
});

const waitFor = <T>(check: () => T | Promise<T>, timeoutMs = 10_000) => eventually(check, { timeoutMs, intervalMs: 25 });

/** A started conversation with its token, and a raw WebSocket on its stream recording what comes. */
async function started(user = { id: `dl_${Math.random().toString(36).slice(2, 10)}`, name: 'Kim' }) {
  const { token, conversationId } = await api.generate(user);
  const start = await api.call('POST', '/v3/directline/conversations', token);
  expect(start.status).toBe(201);
  const sets: { activities: DLActivity[]; watermark?: string }[] = [];
  let heartbeats = 0;
  const socket = new WebSocket(start.body.streamUrl as string);
  sockets.push(socket);
  socket.on('message', (data) => {
    const text = data.toString();
    if (!text) heartbeats++;
    else sets.push(JSON.parse(text));
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const received = () => sets.flatMap((s) => s.activities);
  const post = (activity: Record<string, unknown>) => api.call('POST', `/v3/directline/conversations/${conversationId}/activities`, token, { from: user, ...activity });
  return { user, token, conversationId, sets, received, heartbeats: () => heartbeats, post, socket };
}

describe('what the bot receives', () => {
  it('a conversationUpdate adding the bot and the user first, then the user’s message, as from the Bot Connector', async () => {
    const c = await started();
    const posted = await c.post({ type: 'message', text: 'hello there' });
    expect(posted.status).toBe(200);
    const mine = bot.received.filter((a) => a.conversation.id === c.conversationId);
    expect(mine.map((a) => a.type)).toEqual(['conversationUpdate', 'message']);
    const [update, message] = mine;
    expect(update!.membersAdded!.map((m) => m.id)).toEqual(['parley-demo-bot', c.user.id]);
    for (const a of mine) {
      expect(a.channelId).toBe('directline');
      expect(a.serviceUrl).toBe(`${service.url}/`);
      expect(a.recipient).toMatchObject({ id: 'parley-demo-bot', role: 'bot' });
    }
    expect(message).toMatchObject({ id: posted.body.id, text: 'hello there', from: { id: c.user.id, name: 'Kim', role: 'user' } });
    // No Authorization header goes to the bot: this stand-in has no Azure AD to sign one.
  });

  it('the user a token names, whatever the activity claims', async () => {
    const c = await started();
    await c.post({ type: 'message', text: 'who am I', from: { id: 'someone-else' } });
    const message = bot.received.find((a) => a.conversation.id === c.conversationId && a.type === 'message');
    expect(message?.from.id).toBe(c.user.id);
  });
});

describe('what the bot sends', () => {
  it('typing and replies reach the client’s stream in order; typing carries no watermark and is not in GET …/activities', async () => {
    const c = await started();
    const posted = await c.post({ type: 'message', text: 'ping' });
    await waitFor(() => expect(c.received().map((a) => a.type)).toEqual(['message', 'typing', 'message']));
    const [echo, , reply] = c.received();
    expect(echo!.id).toBe(posted.body.id);
    expect(reply).toMatchObject({ text: 'echo: ping', replyToId: posted.body.id, from: { role: 'bot' }, conversation: { id: c.conversationId } });
    expect(c.sets.find((s) => s.activities[0]!.type === 'typing')!.watermark).toBeUndefined();
    expect(c.sets.at(-1)!.watermark).toBe(reply!.id!.split('|')[1]!.replace(/^0+/, ''));

    const listed = await api.call('GET', `/v3/directline/conversations/${c.conversationId}/activities`, c.token);
    expect((listed.body.activities as DLActivity[]).map((a) => a.type)).toEqual(['message', 'message']);
    const after = await api.call('GET', `/v3/directline/conversations/${c.conversationId}/activities?watermark=${listed.body.watermark}`, c.token);
    expect(after.body).toEqual({ activities: [], watermark: listed.body.watermark });
  });

  it('empty messages on the stream as heartbeats', async () => {
    const c = await started();
    await waitFor(() => expect(c.heartbeats()).toBeGreaterThanOrEqual(2), 5000);
  });

  it('a file through the attachments API, served back from its view URL as a download', async () => {
    const c = await started();
    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify({ type: 'message', text: 'the contract' })], { type: 'application/vnd.microsoft.activity' }), 'blob');
    const pdf = Buffer.from('%PDF-1.4\n% a small file\n');
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'contract.pdf');
    const upload = await fetch(`${service.url}/v3/directline/conversations/${c.conversationId}/upload?userId=${c.user.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}` },
      body: form,
    });
    expect(upload.status).toBe(200);
    const { id } = (await upload.json()) as { id: string };

    // The bot got the message with the file's URL, fetched it, stored a copy and linked to it.
    const got = bot.received.find((a) => a.id === id)!;
    expect(got.text).toBe('the contract');
    expect(got.attachments).toEqual([{ contentType: 'application/pdf', contentUrl: expect.stringContaining(`${service.url}/v3/attachments/`), name: 'contract.pdf' }]);
    await waitFor(() => expect(c.received().find((a) => a.text === `got ${pdf.length} bytes`)).toBeDefined());
    const reply = c.received().find((a) => a.text === `got ${pdf.length} bytes`)!;
    const copy = await fetch(reply.attachments![0]!.contentUrl!);
    expect(Buffer.from(await copy.arrayBuffer()).equals(pdf)).toBe(true);
    expect(copy.headers.get('content-type')).toBe('application/pdf');
    expect(copy.headers.get('content-disposition')).toMatch(/^attachment;/);
    const storedId = /attachments\/([^/]+)\//.exec(reply.attachments![0]!.contentUrl!)![1]!;
    const info = await api.call('GET', `/v3/attachments/${storedId}`, null);
    expect(info.body).toEqual({ name: 'copy of contract.pdf', type: 'application/pdf', views: [{ viewId: 'original', size: pdf.length }] });
  });

  it('members, and a clear no for updating, deleting, or starting conversations', async () => {
    const c = await started();
    const members = await api.call('GET', `/v3/conversations/${c.conversationId}/members`, null);
    expect(members.body).toEqual([
      { id: c.user.id, name: 'Kim', role: 'user' },
      { id: 'parley-demo-bot', name: 'Assistant', role: 'bot' },
    ]);
    expect((await api.call('PUT', `/v3/conversations/${c.conversationId}/activities/x`, null, { type: 'message' })).status).toBe(405);
    expect((await api.call('DELETE', `/v3/conversations/${c.conversationId}/activities/x`, null)).status).toBe(405);
    expect((await api.call('POST', '/v3/conversations', null, {})).status).toBe(405);
    const unknown = await api.call('POST', '/v3/conversations/nope/activities', null, { type: 'message', text: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('NotFound');
  });
});

describe('when the bot fails', () => {
  it('answers 502 BotError; the activity stays in the transcript (the bot may have seen it)', async () => {
    const c = await started();
    const failed = await c.post({ type: 'message', text: 'fail' });
    expect(failed.status).toBe(502);
    expect(failed.body.error?.code).toBe('BotError');
    const listed = await api.call('GET', `/v3/directline/conversations/${c.conversationId}/activities`, c.token);
    expect((listed.body.activities as DLActivity[]).map((a) => a.text)).toEqual(['fail']);
  });

  it('answers 502 BotTimeout to a slow bot, whose reply still arrives on the stream', async () => {
    const c = await started();
    const slow = await c.post({ type: 'message', text: 'slow 1500' });
    expect(slow.status).toBe(502);
    expect(slow.body.error?.code).toBe('BotTimeout');
    await waitFor(() => expect(c.received().map((a) => a.text)).toContain('echo: slow 1500'));
  });
});

describe('what a client may not send', () => {
  it('channel activities, a missing user, a reserved dl_ id without a token, a bad watermark', async () => {
    const { conversationId } = (await api.call('POST', '/v3/directline/conversations', DEMO_SECRET)).body as { conversationId: string };
    const as = (body: unknown) => api.call('POST', `/v3/directline/conversations/${conversationId}/activities`, DEMO_SECRET, body);
    expect((await as({ type: 'conversationUpdate', from: { id: 'u' } })).status).toBe(400);
    expect((await as({ type: 'message', text: 'x' })).body.error?.code).toBe('MissingProperty');
    expect((await as({ type: 'message', text: 'x', from: { id: 'dl_forged' } })).status).toBe(400);
    expect((await as({ text: 'no type', from: { id: 'u' } })).status).toBe(400);
    expect((await as({ type: 'message', text: 'ok', from: { id: 'u' } })).status).toBe(200);
    const bad = await api.call('GET', `/v3/directline/conversations/${conversationId}/activities?watermark=abc`, DEMO_SECRET);
    expect(bad.status).toBe(400);
  });
});
