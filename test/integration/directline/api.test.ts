// The demo Direct Line service's client API, shape by shape (the API reference's): generate and
// refresh, start (201, then 200 for the same token), reconnect (a fresh streamUrl from a
// watermark), the stream's own credential, one stream per conversation ("collision"), paging,
// limits, and the control API's lock.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_SECRET, directLineApi, startDirectLine, type DirectLineApi, type DLActivity, type RunningDirectLine } from '../../support/directline';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';

let bot: RecordingBot;
let service: RunningDirectLine;
let api: DirectLineApi;

beforeAll(async () => {
  bot = await startRecordingBot();
  service = await startDirectLine({ botEndpoint: bot.endpoint, uploadMaxBytes: 4096 });
  api = directLineApi(service.url);
});
afterAll(async () => {
  await service?.close();
  await bot?.close();
});

/** Opens a stream URL; resolves with the socket once open, or with the HTTP status that refused it. */
function stream(url: string): Promise<{ socket: WebSocket; sets: { activities: DLActivity[]; watermark?: string }[]; closed: Promise<string> } | { refused: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const sets: { activities: DLActivity[]; watermark?: string }[] = [];
    const closed = new Promise<string>((r) => socket.on('close', (_code, reason) => r(reason.toString())));
    socket.on('message', (data) => data.toString() && sets.push(JSON.parse(data.toString())));
    socket.on('open', () => resolve({ socket, sets, closed }));
    socket.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
  });
}

describe('tokens', () => {
  it('generate answers { conversationId, token, expires_in }; refresh a new token for the same conversation', async () => {
    const generated = await api.call('POST', '/v3/directline/tokens/generate', DEMO_SECRET, { user: { id: 'dl_ana', name: 'Ana' } });
    expect(generated.status).toBe(200);
    expect(generated.body).toEqual({ conversationId: expect.any(String), token: expect.any(String), expires_in: 1800 });
    const token = generated.body.token as string;
    // A JWT (botframework-directlinejs reads the user bound into it).
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ conv: generated.body.conversationId, user: 'dl_ana' });

    const refreshed = await api.call('POST', '/v3/directline/tokens/refresh', token);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ conversationId: generated.body.conversationId, token: expect.any(String), expires_in: 1800 });
    expect(refreshed.body.token).not.toBe(token);
    expect((await api.call('POST', '/v3/directline/tokens/refresh', DEMO_SECRET)).status).toBe(400);
    expect((await api.call('POST', '/v3/directline/tokens/generate', token)).status).toBe(403);
  });

  it('a token that was made to expire is refused with TokenExpired, and so is its refresh', async () => {
    const { token, conversationId } = await api.generate();
    await api.call('POST', '/v3/directline/conversations', token);
    await api.expireTokens(conversationId);
    for (const answer of [
      await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, token),
      await api.call('POST', '/v3/directline/tokens/refresh', token),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.body.error?.code).toBe('TokenExpired');
    }
    // The secret still reaches the conversation, and gets a new token for it.
    const again = await api.call('GET', `/v3/directline/conversations/${conversationId}`, DEMO_SECRET);
    expect(again.status).toBe(200);
    expect((await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, again.body.token as string)).status).toBe(200);
  });
});

describe('conversations', () => {
  it('start is 201 with a streamUrl; the same token again is 200 with the same conversation', async () => {
    const { token, conversationId } = await api.generate({ id: 'dl_sam' });
    const first = await api.call('POST', '/v3/directline/conversations', token);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      conversationId,
      token,
      expires_in: expect.any(Number),
      streamUrl: expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversationId}/stream\\?t=`)),
      referenceGrammarId: expect.any(String),
    });
    const second = await api.call('POST', '/v3/directline/conversations', token);
    expect(second.status).toBe(200);
    expect(second.body.conversationId).toBe(conversationId);
    // The bot heard of the conversation once.
    expect(bot.received.filter((a) => a.conversation.id === conversationId && a.type === 'conversationUpdate')).toHaveLength(1);
  });

  it('reconnect gives a stream URL that resumes after the watermark', async () => {
    const { token, conversationId } = await api.generate({ id: 'dl_rob' });
    await api.call('POST', '/v3/directline/conversations', token);
    for (const text of ['one', 'two', 'three']) await api.botSays(conversationId, { type: 'message', text });
    const all = await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, token);
    const afterOne = (all.body.activities as DLActivity[])[0]!.id!.split('|')[1]!.replace(/^0+/, '');
    const reconnect = await api.call('GET', `/v3/directline/conversations/${conversationId}?watermark=${afterOne}`, token);
    expect(reconnect.status).toBe(200);
    expect(reconnect.body.streamUrl).toContain(`watermark=${afterOne}`);
    const opened = await stream(reconnect.body.streamUrl as string);
    if ('refused' in opened) throw new Error(`refused ${opened.refused}`);
    await expect.poll(() => opened.sets.flatMap((s) => s.activities).map((a) => a.text)).toEqual(['two', 'three']);
    opened.socket.close();
  });

  it('GET …/activities pages a long conversation 100 at a time', async () => {
    const { token, conversationId } = await api.generate();
    await api.call('POST', '/v3/directline/conversations', token);
    for (let i = 0; i < 130; i++) await api.botSays(conversationId, { type: 'message', text: `n${i}` });
    const first = await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, token);
    expect(first.body.activities as DLActivity[]).toHaveLength(100);
    const second = await api.call('GET', `/v3/directline/conversations/${conversationId}/activities?watermark=${first.body.watermark}`, token);
    expect((second.body.activities as DLActivity[]).map((a) => a.text)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i + 100}`));
  });
});

describe('the stream', () => {
  it('opens with its own short-lived t only; the t is no bearer; it expires', async () => {
    // Stream URLs that must be opened within a second.
    const quick = await startDirectLine({ botEndpoint: bot.endpoint, streamUrlTtlS: 1 });
    onTestFinished(() => quick.close());
    const api = directLineApi(quick.url);
    const { token, conversationId } = await api.generate();
    const start = await api.call('POST', '/v3/directline/conversations', token);
    const url = new URL(start.body.streamUrl as string);
    const t = url.searchParams.get('t')!;
    expect(t).not.toBe(token);
    expect((await api.call('GET', `/v3/directline/conversations/${conversationId}/activities`, t)).status).toBe(403);
    url.searchParams.set('t', token);
    expect(await stream(url.toString())).toEqual({ refused: 403 });
    url.searchParams.delete('t');
    expect(await stream(url.toString())).toEqual({ refused: 401 });
    // An old stream URL no longer opens.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await stream(start.body.streamUrl as string)).toEqual({ refused: 403 });
  });

  it('one per conversation: a second one closes the first with reason "collision"', async () => {
    const { token, conversationId } = await api.generate();
    const start = await api.call('POST', '/v3/directline/conversations', token);
    const first = await stream(start.body.streamUrl as string);
    if ('refused' in first) throw new Error('refused');
    const again = await api.call('GET', `/v3/directline/conversations/${conversationId}`, token);
    const second = await stream(again.body.streamUrl as string);
    if ('refused' in second) throw new Error('refused');
    expect(await first.closed).toBe('collision');
    await api.botSays(conversationId, { type: 'message', text: 'to the newest' });
    await expect.poll(() => second.sets.flatMap((s) => s.activities).map((a) => a.text)).toContain('to the newest');
    second.socket.close();
  });

  it('switched off (a proxy without WebSockets): the upgrade is refused with 503', async () => {
    const { token } = await api.generate();
    const start = await api.call('POST', '/v3/directline/conversations', token);
    await api.streams({ enabled: false });
    try {
      expect(await stream(start.body.streamUrl as string)).toEqual({ refused: 503 });
    } finally {
      await api.streams({ enabled: true });
    }
  });
});

describe('limits and locks', () => {
  it('an upload larger than DIRECTLINE_UPLOAD_MAX_BYTES is 413; one without a file 400', async () => {
    const { token, conversationId } = await api.generate({ id: 'dl_uma' });
    await api.call('POST', '/v3/directline/conversations', token);
    const send = (body: BodyInit, type?: string) =>
      fetch(`${service.url}/v3/directline/conversations/${conversationId}/upload?userId=dl_uma`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
        body,
      });
    const big = new FormData();
    big.append('file', new Blob([new Uint8Array(5000)], { type: 'image/png' }), 'big.png');
    const tooBig = await send(big);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
    const empty = new FormData();
    empty.append('activity', new Blob([JSON.stringify({ type: 'message', text: 'nothing' })], { type: 'application/vnd.microsoft.activity' }));
    expect((await send(empty)).status).toBe(400);
    // A single file as the raw body is an upload too.
    const raw = await send(new Blob([new Uint8Array(100)]), 'image/gif');
    expect(raw.status).toBe(200);
  });

  it('a bot’s attachment larger than the limit is 413 too', async () => {
    const { token, conversationId } = await api.generate();
    await api.call('POST', '/v3/directline/conversations', token);
    const store = (bytes: number) =>
      api.call('POST', `/v3/conversations/${conversationId}/attachments`, null, {
        name: 'x.bin',
        type: 'application/octet-stream',
        originalBase64: Buffer.alloc(bytes).toString('base64'),
      });
    expect((await store(4096)).status).toBe(200);
    const tooBig = await store(5000);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('MessageSizeTooBig');
  });

  it('the control API wants the secret', async () => {
    const { token } = await api.generate();
    expect((await api.call('GET', '/directline/api/requests', token)).status).toBe(403);
    expect((await api.call('GET', '/directline/api/requests', null)).status).toBe(401);
    expect((await api.call('POST', '/directline/api/faults', DEMO_SECRET, { faults: [{ route: 'nonsense', status: 500 }] })).status).toBe(400);
  });
});
