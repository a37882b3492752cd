// The bridge's own Direct Line client checked against Microsoft's: the same conversation with the
// demo bot (greeting, suggested actions, an order lookup, a handover request with its
// handoff.initiate event), once over a steady stream and once with the stream cut in the middle
// while the bot keeps talking, through botframework-directlinejs and through ours. Each must
// receive exactly the bot's activities in the service's transcript, in order; and both the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectLineClient, type DirectLineConversation } from '../../../bot-bridge/directline';
import { DEMO_SECRET, directLineApi, essence, type DirectLineApi, type DLActivity } from '../../support/directline';
import { connect, type Connected } from '../../support/directline-js';
import { eventually } from '../../support/emulator';
import { startBotProcess, startDirectLineProcess, stopAll, type Running } from '../../support/processes';

let bot: Running & { endpoint: string };
let service: Running;
let api: DirectLineApi;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  bot = await startBotProcess();
  service = await startDirectLineProcess({ BOT_ENDPOINT: bot.endpoint, DIRECTLINE_HEARTBEAT_S: '1' });
  api = directLineApi(service.url);
});
afterAll(async () => {
  for (const c of cleanup) await c();
  await stopAll(service, bot);
});

const SCRIPT = ['opening hours', 'order status', '12345', 'returns', 'agent'];
const waitFor = <T>(check: () => T | Promise<T>) => eventually(check, { timeoutMs: 15_000, intervalMs: 50 });

/** What both clients are driven through: connect, then the script; `cut` drops the stream after step 2. */
interface Driver {
  conversationId: string;
  post(text: string): Promise<void>;
  /** The bot's activities it received, in order. */
  received(): DLActivity[];
}

async function microsoft(): Promise<Driver> {
  const { token, conversationId } = await api.generate({ id: 'dl_compare_ms', name: 'Sam' });
  // Its 3 to 15 s reconnect delay, 20 times sooner.
  const c: Connected = connect({ token, domain: `${service.url}/v3/directline`, clock: 20 });
  cleanup.push(() => c.end());
  return {
    conversationId,
    post: async (text) => void (await c.post({ type: 'message', from: { id: 'dl_compare_ms', name: 'Sam' }, text })),
    received: () => c.activities.filter((a) => a.from?.role === 'bot'),
  };
}

async function ours(): Promise<Driver> {
  const client = createDirectLineClient({ url: service.url, secret: DEMO_SECRET, retryBaseMs: 50, retryMaxMs: 400 });
  const c: DirectLineConversation = await client.start({ user: { name: 'Sam' } });
  cleanup.push(() => c.close());
  const got: DLActivity[] = [];
  c.onActivities((batch) => void got.push(...(batch.activities as DLActivity[])));
  return { conversationId: c.conversationId, post: async (text) => void (await c.post({ type: 'message', text })), received: () => got };
}

/** Runs the script; returns what the client received, once it holds all the transcript's bot activities. */
async function run(driver: Driver, cut: boolean): Promise<DLActivity[]> {
  const expected = async () => (await api.transcript(driver.conversationId)).activities.filter((a) => a.from?.role === 'bot');
  await waitFor(async () => expect(driver.received().map((a) => a.id)).toEqual((await expected()).map((a) => a.id)));
  for (const [i, text] of SCRIPT.entries()) {
    if (cut && i === 2) {
      expect((await api.streams({ drop: true, conversationId: driver.conversationId })).dropped).toBe(1);
      for (const n of [1, 2, 3]) await api.botSays(driver.conversationId, { type: 'message', text: `while cut ${n}` });
    }
    await driver.post(text);
    // The bot answers within its turn: the transcript is complete once the post is answered.
    const wanted = (await expected()).map((a) => a.id);
    await waitFor(() => expect(driver.received().map((a) => a.id)).toEqual(wanted));
  }
  return driver.received();
}

describe.each([
  ['a steady stream', false],
  ['a stream cut in the middle', true],
])('the same conversation over %s', (_name, cut) => {
  it('gives both clients every bot activity once, in order, and the same ones', async () => {
    const theirs = await run(await microsoft(), cut);
    const mine = await run(await ours(), cut);
    const script = mine.map(essence);
    expect(script[0]).toMatchObject({ type: 'message', text: expect.stringMatching(/^Hi Sam! /) });
    expect(script.at(-1)).toEqual({ type: 'event', name: 'handoff.initiate', attachments: ['application/json'] });
    expect(script.some((a) => 'actions' in a)).toBe(true);
    if (cut) expect(script.filter((a) => a.text?.startsWith('while cut'))).toHaveLength(3);
    expect(mine.map(essence)).toEqual(theirs.map(essence));
  });
});
