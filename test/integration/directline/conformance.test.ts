// The demo Direct Line service checked by Microsoft's own client, botframework-directlinejs (what
// Web Chat runs), in Node with xhr2 and ws: connect, post and receive over the WebSocket stream and
// by polling, reconnect after a dropped stream and resume from a watermark (no loss, no
// duplicate), typing over the stream only, token refresh, a refused secret, an expired token, and
// upload. The service and the demo bot it fronts are real processes (npm run directline, npm run
// bot); typing uses a recording botbuilder bot (the demo bot sends none).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECRET, directLineApi, startDirectLine, type DirectLineApi, type DLActivity, type RunningDirectLine } from '../../support/directline';
import { ConnectionStatus, connect, type Connected } from '../../support/directline-js';
import { eventually } from '../../support/emulator';
import { startBotProcess, startDirectLineProcess, stopAll, type Running } from '../../support/processes';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';

let bot: Running & { endpoint: string };
let service: Running;
let api: DirectLineApi;
const clients: Connected[] = [];

beforeAll(async () => {
  bot = await startBotProcess();
  service = await startDirectLineProcess({ BOT_ENDPOINT: bot.endpoint, DIRECTLINE_HEARTBEAT_S: '1' });
  api = directLineApi(service.url);
});
afterAll(async () => {
  for (const c of clients) c.end();
  await stopAll(service, bot);
});

const domain = () => `${service.url}/v3/directline`;
const open = (options: Parameters<typeof connect>[0]) => {
  const c = connect(options);
  clients.push(c);
  return c;
};
const fromBot = (c: Connected) => c.activities.filter((a) => a.from?.role === 'bot');
const texts = (list: DLActivity[]) => list.map((a) => a.text);
const idsOf = (list: DLActivity[]) => list.map((a) => a.id);
/** Direct Line ids are `<conversationId>|<7 digits>`: their order is the conversation's. */
const seq = (id: string | undefined) => Number(id?.split('|')[1]);
/** The client API's activities route (the bot's replies go to /v3/conversations/…/activities). */
const ACTIVITIES = '/v3/directline/conversations/:conversationId/activities';
const waitFor = <T>(check: () => T, timeoutMs = 15_000) => eventually(check, { timeoutMs, intervalMs: 50 });

describe('over the WebSocket stream', () => {
  it('connects with a token from generate, is greeted by name, and gets the reply to what it posts', async () => {
    const since = Date.now();
    const { token, conversationId } = await api.generate({ id: 'dl_jo', name: 'Jo' });
    const c = open({ token, domain: domain(), webSocket: true });
    await waitFor(() => expect(texts(fromBot(c))[0]).toMatch(/^Hi Jo! I am the shop's assistant/));
    expect(c.statuses).toContain(ConnectionStatus.Online);

    const id = await c.post({ type: 'message', from: { id: 'dl_jo', name: 'Jo' }, text: 'opening hours' });
    expect(id).toMatch(new RegExp(`^${conversationId.replace(/[-]/g, '\\-')}\\|\\d{7}$`));
    await waitFor(() => expect(texts(fromBot(c))).toHaveLength(2));
    const reply = fromBot(c)[1]!;
    expect(reply.text).toMatch(/open Monday to Friday/);
    expect(reply.replyToId).toBe(id);
    // Its own activity comes back on the stream (Web Chat relies on that echo), with its channelData.
    const echo = c.activities.find((a) => a.id === id);
    expect(echo).toMatchObject({ type: 'message', text: 'opening hours', from: { id: 'dl_jo' } });
    // Every activity once, in the conversation's order.
    expect(new Set(idsOf(c.activities)).size).toBe(c.activities.length);
    expect(c.activities.map((a) => seq(a.id))).toEqual([...c.activities.map((a) => seq(a.id))].sort((a, b) => a - b));
    // Over the stream: no polling.
    const requests = await api.requests(since);
    expect(requests.filter((r) => r.route.endsWith('/stream') && r.status === 101)).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'GET' && r.route === ACTIVITIES)).toHaveLength(0);
  });

  it('connects with the secret alone, as a service-to-service client does; the bot greets the user when they first speak', async () => {
    const c = open({ secret: DEMO_SECRET, domain: domain(), webSocket: true });
    await waitFor(() => expect(c.statuses).toContain(ConnectionStatus.Online));
    // No user was named at the start: the bot hears of them with their first activity.
    await c.post({ type: 'message', from: { id: 'service-user' }, text: 'returns' });
    await waitFor(() => expect(fromBot(c)).toHaveLength(2));
    expect(texts(fromBot(c))[0]).toMatch(/^Hi! I am the shop's assistant/);
    expect(texts(fromBot(c))[1]).toMatch(/return anything within 30 days/);
  });
});

describe('by polling', () => {
  it('gets the greeting and the replies with GET …/activities?watermark=, and no stream', async () => {
    const since = Date.now();
    const { token } = await api.generate({ id: 'dl_polly' });
    const c = open({ token, domain: domain(), webSocket: false, pollingInterval: 200 });
    await waitFor(() => expect(fromBot(c)).toHaveLength(1));
    await c.post({ type: 'message', from: { id: 'dl_polly' }, text: 'order status' });
    await waitFor(() => expect(texts(fromBot(c))[1]).toMatch(/what is your order number/));
    await c.post({ type: 'message', from: { id: 'dl_polly' }, text: '12345' });
    await waitFor(() => expect(texts(fromBot(c))[2]).toMatch(/^Order 12345 /));
    expect(new Set(idsOf(c.activities)).size).toBe(c.activities.length);
    const requests = await api.requests(since);
    expect(requests.filter((r) => r.method === 'GET' && r.route === ACTIVITIES && r.status === 200).length).toBeGreaterThan(2);
    expect(requests.filter((r) => r.route.endsWith('/stream'))).toHaveLength(0);
  });
});

describe('reconnecting', () => {
  it('after the stream is cut, reconnects with its watermark and misses nothing sent meanwhile, twice nothing', async () => {
    const since = Date.now();
    const { token, conversationId } = await api.generate({ id: 'dl_rita' });
    // Its 3 to 15 s wait before reconnecting, 20 times sooner.
    const c = open({ token, domain: domain(), clock: 20 });
    await waitFor(() => expect(fromBot(c)).toHaveLength(1));
    expect((await api.streams({ drop: true, conversationId })).dropped).toBe(1);
    for (let i = 1; i <= 5; i++) await api.botSays(conversationId, { type: 'message', text: `while you were away ${i}` });

    await waitFor(() => expect(fromBot(c)).toHaveLength(6));
    expect(texts(fromBot(c)).slice(1)).toEqual([1, 2, 3, 4, 5].map((i) => `while you were away ${i}`));
    await c.post({ type: 'message', from: { id: 'dl_rita' }, text: 'returns' });
    await waitFor(() => expect(fromBot(c)).toHaveLength(7));
    expect(new Set(idsOf(c.activities)).size).toBe(c.activities.length);
    // It reconnected the documented way: GET …/conversations/{id}?watermark= for a new stream URL.
    const requests = await api.requests(since);
    expect(requests.filter((r) => r.method === 'GET' && r.route === '/v3/directline/conversations/:conversationId' && r.status === 200)).toHaveLength(1);
    expect(requests.filter((r) => r.route.endsWith('/stream') && r.status === 101)).toHaveLength(2);
  });

  it('a new client given a conversation id and a watermark receives only what came after it', async () => {
    const { token, conversationId } = await api.generate({ id: 'dl_wanda' });
    const first = open({ token, domain: domain() });
    await waitFor(() => expect(fromBot(first)).toHaveLength(1));
    first.end();
    const seen = await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, token);
    const watermark = seen.body.watermark as string;
    expect((seen.body.activities as DLActivity[]).map((a) => a.id)).toEqual(idsOf(first.activities));
    await api.botSays(conversationId, { type: 'message', text: 'later 1' });
    await api.botSays(conversationId, { type: 'message', text: 'later 2' });

    const second = open({ token, conversationId, watermark, domain: domain() });
    await waitFor(() => expect(texts(second.activities)).toEqual(['later 1', 'later 2']));
    await second.post({ type: 'message', from: { id: 'dl_wanda' }, text: 'opening hours' });
    await waitFor(() => expect(fromBot(second)).toHaveLength(3));
    expect(texts(second.activities)).not.toContain(first.activities[0]!.text);
  });
});

describe('typing', () => {
  let recording: RecordingBot;
  let local: RunningDirectLine;
  beforeAll(async () => {
    recording = await startRecordingBot();
    local = await startDirectLine({ botEndpoint: recording.endpoint });
  });
  afterAll(async () => {
    await local.close();
    await recording.close();
  });

  it('comes over the stream, and not by polling (the reference: "typing — WebSocket only")', async () => {
    const localApi = directLineApi(local.url);
    const streamed = open({ token: (await localApi.generate({ id: 'dl_ty' })).token, domain: `${local.url}/v3/directline` });
    const polled = open({ token: (await localApi.generate({ id: 'dl_po' })).token, domain: `${local.url}/v3/directline`, webSocket: false, pollingInterval: 200 });
    await waitFor(() => expect(streamed.statuses).toContain(ConnectionStatus.Online));
    await streamed.post({ type: 'message', from: { id: 'dl_ty' }, text: 'hi' });
    await polled.post({ type: 'message', from: { id: 'dl_po' }, text: 'hi' });
    await waitFor(() => expect(texts(fromBot(streamed))).toEqual([undefined, 'echo: hi']));
    await waitFor(() => expect(texts(fromBot(polled))).toEqual(['echo: hi']));
    expect(fromBot(streamed).map((a) => a.type)).toEqual(['typing', 'message']);
    expect(fromBot(polled).map((a) => a.type)).toEqual(['message']);
  });
});

describe('tokens', () => {
  let short: Awaited<ReturnType<typeof startDirectLine>>;
  beforeAll(async () => {
    // Tokens that last 3 s, so that a conversation outlives several of them.
    short = await startDirectLine({ tokenTtlS: 3, botEndpoint: bot.endpoint });
  });
  afterAll(() => short.close());

  it('are refreshed by the client before they expire: the conversation goes on past several lifetimes', async () => {
    const shortApi = directLineApi(short.url);
    const { token, conversationId } = await shortApi.generate({ id: 'dl_tom' });
    // It refreshes every 15 minutes: 600 times sooner, every 1.5 s.
    const c = open({ token, domain: `${short.url}/v3/directline`, clock: 600 });
    await waitFor(() => expect(fromBot(c)).toHaveLength(1));
    await waitFor(async () => {
      const refreshed = (await shortApi.requests()).filter((r) => r.path === '/v3/directline/tokens/refresh' && r.status === 200);
      expect(refreshed.length).toBeGreaterThanOrEqual(4);
    });
    // The first token has lapsed by now; the client's current one works.
    const stale = await shortApi.call('GET', `/v3/directline/conversations/${conversationId}/activities`, token);
    expect(stale.status).toBe(403);
    expect(stale.body.error?.code).toBe('TokenExpired');
    await c.post({ type: 'message', from: { id: 'dl_tom' }, text: 'opening hours' });
    await waitFor(() => expect(texts(fromBot(c))[1]).toMatch(/open Monday/));
  });

  it('an expired token puts the client in ExpiredToken when it posts', async () => {
    const { token, conversationId } = await api.generate({ id: 'dl_ed' });
    const c = open({ token, domain: domain() });
    await waitFor(() => expect(fromBot(c)).toHaveLength(1));
    expect((await api.expireTokens(conversationId)).status).toBe(204);
    await expect(c.post({ type: 'message', from: { id: 'dl_ed' }, text: 'hello' })).rejects.toThrow(/retry/);
    expect(c.statuses).toContain(ConnectionStatus.ExpiredToken);
  });
});

describe('a refused secret', () => {
  it('leaves the client FailedToConnect, and the API says 403 in Direct Line’s error shape', async () => {
    const c = open({ secret: 'not-the-secret-of-this-bot', domain: domain() });
    await waitFor(() => expect(c.statuses).toContain(ConnectionStatus.FailedToConnect));
    expect(c.activities).toHaveLength(0);
    expect(c.errors.map((e) => (e as Error & { status?: number }).status)).toContain(403);

    const refused = await api.call('POST', '/v3/directline/conversations', 'not-the-secret-of-this-bot');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
    const anonymous = await api.call('POST', '/v3/directline/tokens/generate', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.code).toBe('Unauthorized');
    // A token opens its own conversation only.
    const a = await api.generate();
    const b = await api.generate();
    await api.call('POST', '/v3/directline/conversations', b.token);
    const across = await api.call('GET', `/v3/directline/conversations/${b.conversationId}/activities`, a.token);
    expect(across.status).toBe(403);
  });
});

describe('upload', () => {
  let files: Server;
  let fileUrl: string;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
  beforeAll(async () => {
    // Where the "browser" has the file the user picked (DirectLineJS fetches contentUrl, then uploads it).
    files = createServer((_req, res) => {
      res.setHeader('content-type', 'image/png');
      res.end(png);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    fileUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}/receipt.png`;
  });
  afterAll(() => new Promise<void>((r) => files.close(() => r())));

  it('sends a message with files through …/upload; they come back as attachments served by the service', async () => {
    const { token } = await api.generate({ id: 'dl_una' });
    const c = open({ token, domain: domain() });
    await waitFor(() => expect(fromBot(c)).toHaveLength(1));
    const id = await c.post({ type: 'message', from: { id: 'dl_una' }, text: 'my receipt', attachments: [{ contentType: 'image/png', contentUrl: fileUrl, name: 'receipt.png' }] });
    await waitFor(() => expect(c.activities.find((a) => a.id === id)).toBeDefined());
    const echo = c.activities.find((a) => a.id === id)!;
    expect(echo.text).toBe('my receipt');
    expect(echo.attachments).toEqual([
      { contentType: 'image/png', contentUrl: expect.stringMatching(new RegExp(`^${service.url}/v3/attachments/[\\w-]+/views/original$`)), name: 'receipt.png' },
    ]);
    const file = await fetch(echo.attachments![0]!.contentUrl!);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });
});
