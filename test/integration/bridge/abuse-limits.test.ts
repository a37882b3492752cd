// The anonymous Customer Chat API under abuse, against real bridges: one address cannot start
// chats, send messages or typing without end; a forged X-Forwarded-For helps only where the proxy
// is trusted; a crowd of addresses meets the contact center's budget; the open-chats cap, and the
// userData and offline-message sizes. Refusals are 429 statusCode 7 with Retry-After (413
// statusCode 8 for sizes), counted in /metrics, and shared by replicas on Redis. Each limit is tiny
// and hourly here, so the test is about counts, never about time.
import { describe, expect, it } from 'vitest';
import { parseRate } from '../../../bot-bridge/limits';
import { CC_ID, OTHER_CC_ID, http } from '../../support/emulator';
import { REDIS_URL, bridgeRig, dropRedisPrefix, redisPrefix, type RunningBridge } from '../../support/bridge';
import { LIMITS_OFF } from '../../support/bridge-config';

const rig = bridgeRig();
const { bridges } = rig;

const bridgeWith = (limits: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<RunningBridge> =>
  rig.bridge({ contactCenterIds: [CC_ID, OTHER_CC_ID], limits: { ...LIMITS_OFF, ...limits }, ...extra });

const start = (b: RunningBridge, opts: { from?: string; cc?: string; userData?: unknown } = {}) =>
  http(`${b.url}/api/v2/chats`, {
    method: 'POST',
    headers: { ContactCenterId: opts.cc ?? CC_ID, ...(opts.from ? { 'X-Forwarded-For': opts.from } : {}) },
    json: { operationName: 'RequestChat', nickname: 'Flood', userData: opts.userData ?? {} },
  });
const operate = (b: RunningBridge, id: string, json: unknown, from?: string) =>
  http(`${b.url}/api/v2/chats/${id}`, { method: 'POST', headers: { ContactCenterId: CC_ID, ...(from ? { 'X-Forwarded-For': from } : {}) }, json });
const send = (b: RunningBridge, id: string, text: string, from?: string) => operate(b, id, { operationName: 'SendMessage', text, clientMessageId: text }, from);

function expectRefused(r: Awaited<ReturnType<typeof http>>, message: RegExp) {
  expect(r.status).toBe(429);
  expect(r.body).toEqual({ statusCode: 7, statusMessage: expect.stringMatching(message) });
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

const refusedCount = async (b: RunningBridge, limit: string) => {
  const text = (await http(`${b.url}/metrics`)).body as string;
  const line = text.split('\n').find((l) => l.startsWith(`parley_customer_chat_refused_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe('chat creation', () => {
  it('refuses the chats one address starts beyond its bucket; behind a trusted proxy, each forwarded address is its own client', async () => {
    const b = await bridgeWith({ chatsPerAddress: parseRate('3/h') }, { trustProxy: ['loopback'] });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await start(b, { from: '203.0.113.1' })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expectRefused(await start(b, { from: '203.0.113.1' }), /Too many chats started from this address/);
    expect((await start(b, { from: '203.0.113.2' })).status).toBe(200);
    expect(await refusedCount(b, 'chats-per-address')).toBe(3);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: a client cannot make itself new by forging it', async () => {
    const b = await bridgeWith({ chatsPerAddress: parseRate('3/h') });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await start(b, { from: `198.51.100.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('meets a crowd of addresses with the contact center’s budget, which leaves other contact centers alone', async () => {
    const b = await bridgeWith({ chatsPerAddress: parseRate('10/h'), chatsPerContactCenter: parseRate('4/h') }, { trustProxy: ['127.0.0.1'] });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await start(b, { from: `192.0.2.${i + 1}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expectRefused(await start(b, { from: '192.0.2.99' }), /Too many chats are starting right now/);
    expect((await start(b, { from: '192.0.2.99', cc: OTHER_CC_ID })).status).toBe(200);
  });

  it('caps the chats one address has open, and frees a place when one ends', async () => {
    const b = await bridgeWith({ openChatsPerAddress: 2 });
    const first = (await start(b)).body.id as string;
    expect((await start(b)).status).toBe(200);
    const third = await start(b);
    expectRefused(third, /Too many chats are open from this address/);
    expect(third.headers.get('retry-after')).toBe('30');
    expect((await operate(b, first, { operationName: 'Complete' })).status).toBe(200);
    expect((await start(b)).status).toBe(200);
    expectRefused(await start(b), /open/);
  });

  it('refuses userData larger than USERDATA_MAX_BYTES with a clear 413, and starts no chat', async () => {
    const b = await bridgeWith({ userDataMaxBytes: 1024 });
    const r = await start(b, { userData: { Notes: 'x'.repeat(1100) } });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ statusCode: 8, statusMessage: expect.stringMatching(/"userData" is \d+ bytes of JSON; at most 1024/) });
    expect((await start(b, { userData: { Notes: 'x'.repeat(900) } })).status).toBe(200);
    expect(await refusedCount(b, 'userdata-size')).toBe(1);
  });
});

describe('messages and typing', () => {
  it('limits the messages of one chat per minute, and the typing of one address, without touching other chats', async () => {
    const b = await bridgeWith({ messagesPerChat: parseRate('3/h'), typingPerAddress: parseRate('2/h') });
    const noisy = (await start(b)).body.id as string;
    const quiet = (await start(b)).body.id as string;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(b, noisy, `m${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expectRefused(await send(b, noisy, 'again'), /Too many messages in this chat/);
    expect((await send(b, quiet, 'hello')).status).toBe(200);
    const typing = [];
    for (let i = 0; i < 3; i++) typing.push((await operate(b, quiet, { operationName: 'SendStartTypingNotification' })).status);
    expect(typing).toEqual([200, 200, 429]);
    expect(await refusedCount(b, 'messages-per-chat')).toBe(3);
    expect(await refusedCount(b, 'typing-per-address')).toBe(1);
  });

  it('limits the messages of one address across its chats', async () => {
    const b = await bridgeWith({ messagesPerAddress: parseRate('4/h') }, { trustProxy: ['loopback'] });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await start(b, { from: '203.0.113.50' })).body.id as string);
    const statuses = [];
    for (const [i, id] of [...ids, ...ids].entries()) statuses.push((await send(b, id, `x${i}`, '203.0.113.50')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect((await send(b, ids[0]!, 'other', '203.0.113.51')).status).toBe(200);
  });
});

describe('offline messages', () => {
  it('refuses one larger than OFFLINE_MESSAGE_MAX_BYTES, and counts them against the chat-creation budget', async () => {
    const b = await bridgeWith({ offlineMessageMaxBytes: 1024, chatsPerAddress: parseRate('2/h') });
    const post = (message: string) =>
      http(`${b.url}/api/v2/offline-messages`, { method: 'POST', headers: { ContactCenterId: CC_ID }, json: { fields: { name: 'Jo', email: 'jo@example.com', message } } });
    const big = await post('x'.repeat(1200));
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ statusCode: 8, statusMessage: expect.stringMatching(/offline message is \d+ bytes of JSON; at most 1024/) });
    expect((await post('hello')).status).toBe(200);
    expect((await post('hello again')).status).toBe(200);
    expectRefused(await post('and again'), /Too many chats started/);
  });
});

describe('limits shared by replicas on Redis', () => {
  it('counts one address on two bridges against one bucket', async () => {
    const prefix = redisPrefix();
    try {
      const one = await bridgeWith({ chatsPerAddress: parseRate('3/h') }, { store: REDIS_URL, redisPrefix: prefix });
      const two = await bridgeWith({ chatsPerAddress: parseRate('3/h') }, { store: REDIS_URL, redisPrefix: prefix });
      const statuses = [];
      for (const b of [one, two, one, two, one]) statuses.push((await start(b)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expectRefused(await start(two), /Too many chats started from this address/);
    } finally {
      for (const b of bridges.splice(-2)) await b.close();
      await dropRedisPrefix(prefix);
    }
  });

  it('caps the chats one address has open across both bridges, and frees a place when one ends', async () => {
    const prefix = redisPrefix();
    try {
      const one = await bridgeWith({ openChatsPerAddress: 2 }, { store: REDIS_URL, redisPrefix: prefix });
      const two = await bridgeWith({ openChatsPerAddress: 2 }, { store: REDIS_URL, redisPrefix: prefix });
      const first = (await start(one)).body.id as string;
      expect((await start(two)).status).toBe(200);
      expectRefused(await start(one), /Too many chats are open from this address/);
      expect((await operate(two, first, { operationName: 'Complete' })).status).toBe(200);
      expect((await start(one)).status).toBe(200);
      expectRefused(await start(two), /open/);
    } finally {
      for (const b of bridges.splice(-2)) await b.close();
      await dropRedisPrefix(prefix);
    }
  });
});
