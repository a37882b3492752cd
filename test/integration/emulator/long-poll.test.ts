// The emulator's GetMessages long-poll (the longPoll extension, in-process): advertised, held until
// the agent writes, answered empty when the wait ends, paged; and LONG_POLL=0 (plain polling as the
// vendor's servers): nothing advertised, waitSeconds ignored, answered at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../bot-bridge/customer-chat-api';
import { configFromEnv } from '../../../demo/contact-center/config';
import { CC_ID, agentClient, chatClient, http, startEmulator, type RunningEmulator } from '../../support/emulator';

let on: RunningEmulator;
let off: RunningEmulator;

beforeAll(async () => {
  on = await startEmulator();
  off = await startEmulator({ longPollMaxWaitS: configFromEnv({ LONG_POLL: '0' }).longPollMaxWaitS });
});
afterAll(async () => {
  await on?.close();
  await off?.close();
});

function longPoll(base: string, id: string, index: number, waitSeconds: number | string) {
  const state = { settled: false };
  const answer = http(`${base}/api/v2/me/chat/${id}/messages?index=${index}&waitSeconds=${waitSeconds}`, { headers: { ContactCenterId: CC_ID } }).finally(() => {
    state.settled = true;
  });
  return Object.assign(answer, { state });
}

const tick = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const lastIndex = async (base: string, id: string) => Math.max(...((await chatClient(base).messages(id, 1)).body.messages as { index: number }[]).map((m) => m.index));

describe('LONG_POLL on (the default)', () => {
  it('advertises longPoll {maxWaitSeconds: 25} on an open chat, not on an ended one', async () => {
    const chat = chatClient(on.url);
    const id = await chat.requestChat();
    expect((await chat.chat(id)).body.chat.extensions.longPoll).toEqual({ maxWaitSeconds: 25 });
    await chat.operation(id, { operationName: 'Complete' });
    expect((await chat.chat(id)).body.chat.extensions?.longPoll).toBeUndefined();
  });

  it('holds GetMessages until the agent writes, then answers the agent’s message', async () => {
    const chat = chatClient(on.url);
    const agent = agentClient(on.url);
    const id = await chat.requestChat({ nickname: 'Wren' });
    await agent.accept(id);
    const next = (await lastIndex(on.url, id)) + 1;
    const held = longPoll(on.url, id, next, 25);
    await tick();
    expect(held.state.settled).toBe(false);
    await agent.say(id, 'right away');
    const answer = await held;
    expect(answer.body.messages).toEqual([expect.objectContaining({ index: next, type: 'Text', text: 'right away' })]);
  });

  it('answers an empty list when the wait ends, refuses a malformed waitSeconds, and does not hold an ended chat', async () => {
    const chat = chatClient(on.url);
    const id = await chat.requestChat();
    expect((await longPoll(on.url, id, 99, 1)).body).toEqual({ messages: [], statusCode: 0 });
    expect((await longPoll(on.url, id, 99, 'x')).body.statusCode).toBe(1);
    await chat.operation(id, { operationName: 'Complete' });
    expect((await longPoll(on.url, id, 99, 25)).body).toEqual({ messages: [], statusCode: 0 });
  });

  it('pages a long transcript with more: true', async () => {
    const chat = chatClient(on.url);
    const agent = agentClient(on.url);
    const id = await chat.requestChat();
    await agent.accept(id);
    for (let i = 0; i < LIMITS.pageEntries; i++) await agent.say(id, `line ${i}`);
    const first = (await chat.messages(id, 1)).body;
    expect(first.messages).toHaveLength(LIMITS.pageEntries);
    expect(first.more).toBe(true);
    const rest = (await chat.messages(id, LIMITS.pageEntries + 1)).body;
    expect(rest.more).toBeUndefined();
    expect(rest.messages.at(-1).text).toBe(`line ${LIMITS.pageEntries - 1}`);
  });

  it('answers held requests when it closes', async () => {
    const emu = await startEmulator();
    const id = await chatClient(emu.url).requestChat();
    const held = longPoll(emu.url, id, 99, 25);
    await tick();
    await emu.close();
    expect((await held).body).toEqual({ messages: [], statusCode: 0 });
  });
});

describe('LONG_POLL=0', () => {
  it('advertises nothing and answers at once whatever waitSeconds says', async () => {
    expect(configFromEnv({ LONG_POLL: '0' }).longPollMaxWaitS).toBe(0);
    expect(() => configFromEnv({ LONG_POLL: 'yes' })).toThrow(/LONG_POLL/);
    const chat = chatClient(off.url);
    const id = await chat.requestChat();
    expect((await chat.chat(id)).body.chat.extensions.longPoll).toBeUndefined();
    expect((await longPoll(off.url, id, 99, 25)).body).toEqual({ messages: [], statusCode: 0 });
    // Ignored, not checked: the vendor's servers do not know the parameter either.
    expect((await longPoll(off.url, id, 99, 'x')).body).toEqual({ messages: [], statusCode: 0 });
    // A held request (25 s) would run past this test's timeout.
  }, 15_000);
});
