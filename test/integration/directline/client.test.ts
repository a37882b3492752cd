// The bridge's Direct Line client against the demo Direct Line service (a real process fronting the
// demo bot, and in-process instances where a test needs its own settings or a recording bot): a
// conversation goes on through a killed stream, WebSockets refused, 429s and 5xx, ambiguous
// answers, expiring and revoked tokens, and a restart (resume from the watermark); it loses and
// duplicates nothing, and its logs hold neither the secret nor a token.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createDirectLineClient,
  isDirectLineClientError,
  type ActivityBatch,
  type ConversationStatus,
  type DirectLineClientOptions,
  type DirectLineConversation,
} from '../../../bot-bridge/directline';
import { DEMO_SECRET, directLineApi, startDirectLine, type DirectLineApi, type DLActivity } from '../../support/directline';
import { eventually } from '../../support/emulator';
import { startBotProcess, startDirectLineProcess, stopAll, type Running } from '../../support/processes';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';
import { startTcpProxy } from '../../support/tcp-proxy';

let bot: Running & { endpoint: string };
let service: Running;
let api: DirectLineApi;
const logs: string[] = [];
const open: DirectLineConversation[] = [];

beforeAll(async () => {
  bot = await startBotProcess();
  service = await startDirectLineProcess({ BOT_ENDPOINT: bot.endpoint, DIRECTLINE_HEARTBEAT_S: '1' });
  api = directLineApi(service.url);
});
afterAll(async () => {
  for (const c of open) await c.close();
  await stopAll(service, bot);
});

const log = {
  debug: (obj: object, msg: string) => logs.push(`debug ${msg} ${JSON.stringify(obj)}`),
  info: (obj: object, msg: string) => logs.push(`info ${msg} ${JSON.stringify(obj)}`),
  warn: (obj: object, msg: string) => logs.push(`warn ${msg} ${JSON.stringify(obj)}`),
};

/** Fast retries and timers, so that a test sees several rounds of each. */
function client(options: Partial<DirectLineClientOptions> = {}) {
  return createDirectLineClient({
    url: service.url,
    secret: DEMO_SECRET,
    log,
    retryBaseMs: 50,
    retryMaxMs: 400,
    pollIntervalMs: 200,
    streamRetryMs: 1500,
    pingIntervalMs: 300,
    livenessTimeoutMs: 3000,
    ...options,
  });
}

/** A conversation with everything its handler got and every status it went through. */
async function conversation(started: Promise<DirectLineConversation>) {
  const c = await started;
  open.push(c);
  const batches: ActivityBatch[] = [];
  const statuses: ConversationStatus[] = [];
  c.onStatus((s) => statuses.push(s));
  c.onActivities((batch) => void batches.push(batch));
  const got = () => batches.flatMap((b) => b.activities) as DLActivity[];
  const texts = () => got().map((a) => a.text);
  return { c, batches, statuses, got, texts };
}

/** The client API's activities route (the bot's replies go to /v3/conversations/…/activities). */
const ACTIVITIES = '/v3/directline/conversations/:conversationId/activities';
const waitFor = <T>(check: () => T | Promise<T>, timeoutMs = 15_000) => eventually(check, { timeoutMs, intervalMs: 50 });
const userTexts = async (conversationId: string) => (await api.transcript(conversationId)).activities.filter((a) => a.from?.role === 'user').map((a) => a.text);

describe('a conversation', () => {
  it('starts with a token bound to the customer, is greeted, posts and gets each reply once; echoes are not handed over', async () => {
    const { c, texts, got, statuses, batches } = await conversation(client().start({ user: { name: 'Jo' } }));
    expect(c.userId).toMatch(/^dl_/);
    await waitFor(() => expect(texts()[0]).toMatch(/^Hi Jo! /));
    const posted = await c.post({ type: 'message', text: 'opening hours' });
    expect(posted).toEqual({ id: expect.stringMatching(/\|\d{7}$/), duplicate: false });
    await waitFor(() => expect(texts()).toHaveLength(2));
    expect(texts()[1]).toMatch(/open Monday/);
    expect(got().every((a) => a.from?.role === 'bot')).toBe(true);
    expect(statuses).toContain('streaming');
    // The watermark it would resume from is the last batch's.
    expect(c.state()).toEqual({ conversationId: c.conversationId, userId: c.userId, watermark: batches.at(-1)!.watermark });
  });

  it('goes on after its stream is killed: reconnects from the watermark, nothing lost, nothing twice', async () => {
    const since = Date.now();
    const { c, texts, statuses } = await conversation(client().start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    expect((await api.streams({ drop: true, conversationId: c.conversationId })).dropped).toBe(1);
    for (let i = 1; i <= 5; i++) await api.botSays(c.conversationId, { type: 'message', text: `meanwhile ${i}` });
    await c.post({ type: 'message', text: 'returns' });
    await waitFor(() => expect(texts()).toHaveLength(7));
    expect(texts().slice(1, 6)).toEqual([1, 2, 3, 4, 5].map((i) => `meanwhile ${i}`));
    expect(texts()[6]).toMatch(/return anything/);
    expect(statuses).toEqual(expect.arrayContaining(['streaming', 'reconnecting']));
    expect(statuses.at(-1)).toBe('streaming');
    const reconnects = (await api.requests(since)).filter((r) => r.route === '/v3/directline/conversations/:conversationId' && r.status === 200);
    expect(reconnects).toHaveLength(1);
  });

  it('polls when WebSockets are refused, and goes back to the stream when they work again', async () => {
    await api.streams({ enabled: false });
    onTestFinished(() => void api.streams({ enabled: true }));
    const { c, texts, statuses } = await conversation(client().start());
    await waitFor(() => expect(statuses).toContain('polling'));
    await waitFor(() => expect(texts()).toHaveLength(1));
    await c.post({ type: 'message', text: 'order status' });
    await waitFor(() => expect(texts()[1]).toMatch(/order number/));
    await api.streams({ enabled: true });
    await waitFor(() => expect(statuses.at(-1)).toBe('streaming'));
    await c.post({ type: 'message', text: '4242' });
    await waitFor(() => expect(texts()[2]).toMatch(/^Order 4242 /));
    expect(new Set(texts()).size).toBe(3);
  });

  it('resumes after a restart from its saved state: only what came after the watermark, once', async () => {
    const first = await conversation(client().start());
    await waitFor(() => expect(first.texts()).toHaveLength(1));
    const saved = first.c.state();
    await first.c.close();
    await api.botSays(saved.conversationId, { type: 'message', text: 'while the bridge was down' });

    const again = await conversation(client().start({ resume: saved }));
    expect(again.c.conversationId).toBe(saved.conversationId);
    await waitFor(() => expect(again.texts()).toEqual(['while the bridge was down']));
    await again.c.post({ type: 'message', text: 'returns' });
    await waitFor(() => expect(again.texts()).toHaveLength(2));
  });

  it('stops receiving when another client takes its stream ("collision"), and says so', async () => {
    const first = await conversation(client().start());
    await waitFor(() => expect(first.statuses).toContain('streaming'));
    const second = await conversation(client().start({ resume: first.c.state() }));
    await waitFor(() => expect(second.statuses).toContain('streaming'));
    await waitFor(() => expect(first.c.status).toBe('taken-over'));
    await api.botSays(first.c.conversationId, { type: 'message', text: 'for the new holder' });
    await waitFor(() => expect(second.texts()).toContain('for the new holder'));
    expect(first.texts()).not.toContain('for the new holder');
  });

  it('hands a batch over again when its handler fails, and moves the watermark only once it is taken', async () => {
    const c = await client().start();
    open.push(c);
    const watermarksWhenFailing: (string | null)[] = [];
    const taken: string[] = [];
    c.onActivities((batch) => {
      if (watermarksWhenFailing.length < 2) {
        watermarksWhenFailing.push(c.state().watermark);
        throw new Error('store unavailable');
      }
      taken.push(...batch.activities.map((a) => a.text ?? ''));
    });
    await waitFor(() => expect(taken).toHaveLength(1));
    // While the handler failed, the state to resume from stayed before the batch.
    expect(watermarksWhenFailing).toEqual([null, null]);
    expect(c.state().watermark).not.toBeNull();
  });
});

describe('a stream that dies silently', () => {
  it('is noticed (no heartbeat, no pong) and reopened; what the bot said meanwhile arrives once', async () => {
    // Everything, stream URLs included, through a proxy that can freeze its connections.
    const proxy = await startTcpProxy();
    const behind = await startDirectLine({ botEndpoint: bot.endpoint, publicUrl: proxy.url, heartbeatS: 1 });
    proxy.target = { host: '127.0.0.1', port: Number(new URL(behind.url).port) };
    onTestFinished(async () => {
      await proxy.close();
      await behind.close();
    });
    const { c, texts, statuses } = await conversation(client({ url: proxy.url, pingIntervalMs: 200, livenessTimeoutMs: 1500, requestTimeoutMs: 1500 }).start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    expect(proxy.freeze()).toBeGreaterThan(0);
    const quiet = directLineApi(behind.url);
    await quiet.botSays(c.conversationId, { type: 'message', text: 'said into the void 1' });
    await quiet.botSays(c.conversationId, { type: 'message', text: 'said into the void 2' });
    await waitFor(() => expect(texts()).toHaveLength(3));
    expect(texts().slice(1)).toEqual(['said into the void 1', 'said into the void 2']);
    expect(statuses).toContain('reconnecting');
  });
});

describe('a service that misbehaves', () => {
  const said = (n: number) => ({ type: 'message', id: `c1|000000${n}`, from: { id: 'bot', role: 'bot' }, text: `said ${n}` });

  /** A Direct Line of our own making, answering GET …/activities with `page(n)` on the n-th poll. */
  async function fakeDirectLine(page: (n: number) => unknown, streamUrl?: string) {
    let polls = 0;
    const fake = Fastify();
    fake.post('/v3/directline/tokens/generate', async () => ({ conversationId: 'c1', token: 'tok', expires_in: 1800 }));
    fake.post('/v3/directline/conversations', async (_request, reply) =>
      reply.code(201).send({ conversationId: 'c1', token: 'tok', expires_in: 1800, ...(streamUrl ? { streamUrl } : {}) }),
    );
    fake.get('/v3/directline/conversations/c1', async () => ({ conversationId: 'c1', token: 'tok', expires_in: 1800, ...(streamUrl ? { streamUrl } : {}) }));
    fake.get('/v3/directline/conversations/c1/activities', async () => page(++polls));
    await fake.listen({ port: 0, host: '127.0.0.1' });
    onTestFinished(() => fake.close());
    return { url: `http://127.0.0.1:${(fake.server.address() as { port: number }).port}`, polls: () => polls };
  }

  it('resending activities (overlapping pages): each is handed over once, by its id, and no busy loop', async () => {
    // It ignores the watermark for a while (the real one may resend after a reconnect).
    const fake = await fakeDirectLine((n) => (n < 4 ? { activities: [said(1), said(2)], watermark: '2' } : { activities: [said(1), said(2), said(3)], watermark: '3' }));
    const { texts } = await conversation(client({ url: fake.url, webSocket: false }).start());
    await waitFor(() => expect(texts()).toEqual(['said 1', 'said 2', 'said 3']));
    // A page that moves nothing waits for the polling interval: no busy loop on a stuck watermark.
    const at = fake.polls();
    await new Promise((r) => setTimeout(r, 600));
    expect(fake.polls() - at).toBeLessThanOrEqual(4);
  });

  it('a stream URL off Direct Line’s own site is not opened: it polls instead', async () => {
    const fake = await fakeDirectLine(() => ({ activities: [said(1)], watermark: '1' }), 'ws://169.254.169.254/latest/meta-data');
    const { texts, statuses } = await conversation(client({ url: fake.url }).start());
    await waitFor(() => expect(texts()).toEqual(['said 1']));
    expect(statuses).toContain('polling');
    expect(statuses).not.toContain('streaming');
    expect(logs.some((l) => l.includes('off its own site') && l.includes('169.254.169.254'))).toBe(true);
  });
});

describe('Direct Line’s retry rules', () => {
  it('429: waits for Retry-After and sends again; the bot hears the customer once', async () => {
    const { c, texts } = await conversation(client().start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    const since = Date.now();
    await api.faults([{ route: 'POST /v3/directline/conversations/{id}/activities', status: 429, count: 2, retryAfterS: 1 }]);
    const posted = await c.post({ type: 'message', text: 'returns' });
    expect(posted.duplicate).toBe(false);
    const posts = (await api.requests(since)).filter((r) => r.method === 'POST' && r.route === ACTIVITIES);
    expect(posts.map((r) => r.status)).toEqual([429, 429, 200]);
    // Each retry waited what Retry-After said (1 s), not its own backoff (50 to 400 ms here).
    const waits = logs.filter((l) => l.includes('"status":429') && l.includes(c.conversationId.slice(0, 8))).map((l) => JSON.parse(l.slice(l.indexOf('{'))).retryInMs);
    expect(waits).toEqual([1000, 1000]);
    await waitFor(() => expect(texts()).toHaveLength(2));
    expect(await userTexts(c.conversationId)).toEqual(['returns']);
  });

  it('an ambiguous 500 (it was stored): found by its clientActivityID, not sent again', async () => {
    const { c, texts } = await conversation(client().start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    await api.faults([{ route: 'POST /v3/directline/conversations/{id}/activities', status: 500, process: true }]);
    const posted = await c.post({ type: 'message', text: 'opening hours' }, { clientActivityId: 'job-17' });
    expect(posted).toEqual({ id: expect.any(String), duplicate: true });
    await waitFor(() => expect(texts()).toHaveLength(2));
    const transcript = await api.transcript(c.conversationId);
    expect(transcript.activities.filter((a) => a.from?.role === 'user')).toEqual([
      expect.objectContaining({ id: posted.id, text: 'opening hours', channelData: { clientActivityID: 'job-17' } }),
    ]);
  });

  it('a dropped connection before it arrived: sent again, once', async () => {
    const { c, texts } = await conversation(client().start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    await api.faults([{ route: 'POST /v3/directline/conversations/{id}/activities', status: 0 }]);
    const posted = await c.post({ type: 'message', text: 'returns' });
    expect(posted.duplicate).toBe(false);
    expect(await userTexts(c.conversationId)).toEqual(['returns']);
  });

  it('checkFirst (a retry after a crash): an activity already there is not sent again', async () => {
    const { c } = await conversation(client().start());
    const first = await c.post({ type: 'message', text: 'returns' }, { clientActivityId: 'job-42' });
    const again = await c.post({ type: 'message', text: 'returns' }, { clientActivityId: 'job-42', checkFirst: true });
    expect(again).toEqual({ id: first.id, duplicate: true });
    expect(await userTexts(c.conversationId)).toEqual(['returns']);
  });

  it('5xx while polling: retried, nothing lost', async () => {
    const { c, texts } = await conversation(client({ webSocket: false }).start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    await api.faults([{ route: 'GET /v3/directline/conversations/{id}/activities', status: 503, count: 3 }]);
    await api.botSays(c.conversationId, { type: 'message', text: 'after the outage' });
    await waitFor(() => expect(texts()).toEqual([expect.stringMatching(/^Hi/), 'after the outage']));
  });
});

describe('the bot failing', () => {
  let recording: RecordingBot;
  let local: Awaited<ReturnType<typeof startDirectLine>>;
  beforeAll(async () => {
    recording = await startRecordingBot();
    local = await startDirectLine({ botEndpoint: recording.endpoint });
  });
  afterAll(async () => {
    await local.close();
    await recording.close();
  });

  it('502 is the bot’s failure: reported as bot-failed, never posted again', async () => {
    const c = await client({ url: local.url }).start();
    open.push(c);
    const since = Date.now();
    const failure = await c.post({ type: 'message', text: 'fail' }).catch((e: unknown) => e);
    expect(isDirectLineClientError(failure) && failure.kind).toBe('bot-failed');
    const posts = (await directLineApi(local.url).requests(since)).filter((r) => r.method === 'POST' && r.route === ACTIVITIES);
    expect(posts.map((r) => r.status)).toEqual([502]);
    expect(recording.received.filter((a) => a.conversation.id === c.conversationId && a.type === 'message')).toHaveLength(1);
  });

  it('uploads files as one message the bot can download', async () => {
    const { c, got } = await conversation(client({ url: local.url }).start());
    const bytes = new TextEncoder().encode('hello, file');
    await c.upload([{ name: 'note.txt', contentType: 'text/plain', bytes }], { type: 'message', text: 'see attached' });
    await waitFor(() => expect(got().map((a) => a.text)).toContain(`got ${bytes.length} bytes`));
    const message = recording.received.find((a) => a.conversation.id === c.conversationId && a.type === 'message')!;
    expect(message.text).toBe('see attached');
    expect(message.attachments).toEqual([{ contentType: 'text/plain', contentUrl: expect.stringContaining('/views/original'), name: 'note.txt' }]);
  });
});

describe('tokens', () => {
  let short: Awaited<ReturnType<typeof startDirectLine>>;
  beforeAll(async () => {
    short = await startDirectLine({ tokenTtlS: 2, botEndpoint: bot.endpoint });
  });
  afterAll(() => short.close());

  it('are refreshed before they expire: a conversation outlives several of them', async () => {
    const shortApi = directLineApi(short.url);
    const { c, texts } = await conversation(client({ url: short.url }).start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    await waitFor(async () => expect((await shortApi.requests()).filter((r) => r.path === '/v3/directline/tokens/refresh' && r.status === 200).length).toBeGreaterThanOrEqual(4));
    await c.post({ type: 'message', text: 'opening hours' });
    await waitFor(() => expect(texts()).toHaveLength(2));
    // Never the secret to recover: refreshing was enough.
    expect((await shortApi.requests()).filter((r) => r.route === '/v3/directline/conversations/:conversationId')).toHaveLength(0);
  });

  it('a revoked or expired token is replaced from the secret, and the post goes through', async () => {
    const { c, texts } = await conversation(client().start());
    await waitFor(() => expect(texts()).toHaveLength(1));
    await api.expireTokens(c.conversationId);
    const since = Date.now();
    await c.post({ type: 'message', text: 'returns' });
    await waitFor(() => expect(texts()).toHaveLength(2));
    const requests = await api.requests(since);
    expect(requests.filter((r) => r.route === ACTIVITIES && r.method === 'POST').map((r) => r.status)).toEqual([403, 200]);
    expect(requests.filter((r) => r.route === '/v3/directline/conversations/:conversationId' && r.status === 200)).toHaveLength(1);
  });
});

describe('a refused secret', () => {
  it('fails start with kind "refused", and checkSecret says so', async () => {
    const wrong = client({ secret: 'not-the-right-secret-at-all' });
    const failure = await wrong.start().catch((e: unknown) => e);
    expect(isDirectLineClientError(failure) && failure.kind).toBe('refused');
    expect(await wrong.checkSecret()).toEqual({ ok: false, reason: 'refused', detail: expect.stringContaining('DIRECT_LINE_SECRET') });
    expect(await client().checkSecret()).toEqual({ ok: true });
    expect(await client({ url: 'http://127.0.0.1:1', maxAttempts: 2 }).checkSecret()).toEqual({ ok: false, reason: 'unreachable', detail: expect.any(String) });
  });
});

describe('its logs', () => {
  it('hold neither the secret, nor a token, nor a stream URL', () => {
    expect(logs.length).toBeGreaterThan(10);
    const all = logs.join('\n');
    expect(all).not.toContain(DEMO_SECRET);
    expect(all).not.toContain('not-the-right-secret-at-all');
    expect(all).not.toMatch(/eyJhbGciOi/); // a JWT's header
    expect(all).not.toMatch(/[?&]t=/);
  });
});
