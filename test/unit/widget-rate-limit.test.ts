// The widget under the server's limits (429, statusCode 7, Retry-After), with a fake transport:
// a refused message stays in the outbox and goes once, when the server said it may, with nothing
// alarming shown for one refusal; a refused chat request is asked again and the chat starts.
// The client reads Retry-After from a real HTTP answer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import { createConversation } from '../../src/core/conversation';
import { createClient, createShared, memoryStore, type SharedState } from '../../src/core';
import { isChatRequestError, retryAfterOf } from '../../src/core/client';
import { fakeChatApi, tabGroup } from '../support/widget-fakes';

function setup(server = fakeChatApi()) {
  const tabs = tabGroup().make(true);
  const shared = createShared(memoryStore<SharedState>(), tabs);
  const conversation = createConversation({
    client: server.clientOf(tabs.id),
    shared,
    tabs,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify: vi.fn(),
    intervals: { watching: 100, visible: 100, hidden: 100 },
    random: () => 0,
  });
  return { server, shared, conversation };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await wait(10);
  }
};

let cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

describe('the widget under rate limits', () => {
  it('keeps a refused message in its outbox, shows nothing alarming, and sends it once after the Retry-After', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    const statuses = new Set<string>();
    const stop = a.shared.state.subscribe((s) => s.outbox.forEach((o) => statuses.add(o.status)));
    cleanups.push(stop);
    a.server.refuseNext({ sends: 1, retryAfterMs: 1500 });
    await a.conversation.send('where is my parcel?');
    await until(() => a.server.calls.filter((c) => c === 'send').length === 1);
    // Told to wait 1.5 s: not asked again at once (a busy machine only makes the retry later).
    await wait(200);
    expect(a.server.calls.filter((c) => c === 'send')).toHaveLength(1);
    await until(() => a.shared.state.value.outbox.every((o) => o.status === 'sent'));
    expect(a.server.sends.map((s) => s.text)).toEqual(['where is my parcel?']);
    expect(a.server.transcript.filter((e) => e.text === 'where is my parcel?')).toHaveLength(1);
    expect([...statuses]).not.toContain('retrying');
    expect([...statuses]).not.toContain('failed');
    expect(a.shared.state.value.transcript.filter((i) => i.kind !== 'message').map((i) => i.key)).toEqual(['chatQueued']);
  });

  it('says "retrying" only when the refusals go on, and still loses nothing', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    a.server.refuseNext({ sends: 3, retryAfterMs: 50 });
    const statuses: string[] = [];
    cleanups.push(a.shared.state.subscribe((s) => s.outbox.forEach((o) => statuses.push(o.status))));
    await a.conversation.send('hello?');
    await until(() => a.shared.state.value.outbox.every((o) => o.status === 'sent'));
    expect(statuses).toContain('retrying');
    expect(a.server.sends.map((s) => s.text)).toEqual(['hello?']);
  });

  it('asks for a refused chat again after the Retry-After, and starts it without an error line', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    a.server.refuseNext({ requests: 2, retryAfterMs: 100 });
    expect(await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' })).toBe('chat-1');
    expect(a.server.calls.filter((c) => c === 'request')).toHaveLength(3);
    expect(a.shared.state.value.transcript.map((i) => (i.kind === 'message' ? i.text : i.key))).toEqual(['chatQueued']);
  });
});

describe('the client', () => {
  it('reads Retry-After (seconds or a date) from a 429 and marks the failure rate-limited', async () => {
    expect(retryAfterOf('3')).toBe(3000);
    expect(retryAfterOf(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterOf('soon')).toBeUndefined();
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end(JSON.stringify({ statusCode: 7, statusMessage: 'Too many messages' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const client = createClient({ domain: `http://127.0.0.1:${port}`, contactCenterId: 'cc' });
      const error = await client.sendMessage('chat-1', 'hi', 'm1').catch((e: unknown) => e);
      expect(isChatRequestError(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'server', httpStatus: 429, statusCode: 7, retryAfterMs: 7000, rateLimited: true, transient: true });
    } finally {
      server.close();
    }
  });
});
