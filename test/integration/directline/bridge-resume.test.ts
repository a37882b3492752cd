// What the bridge remembers of a Direct Line conversation, in the store: the activities it showed,
// by id, and the watermark. A bridge that resumes a conversation from further back than it had
// got (here: the stored watermark wound back to the start, as after a crash between showing a batch
// and saving its watermark) hands none of them over again: no typing shown twice, no second
// handover from an old handoff.initiate. And with two replicas on one Redis, one holds the stream.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, RedisStore, conversationCounters } from '../../../bot-bridge/store';
import { agentClient, chatClient, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { REDIS_URL, dropRedisPrefix, redisPrefix, startBot, startBridge } from '../../support/bridge';
import { DEMO_SECRET, directLineApi, startDirectLine, type RunningDirectLine } from '../../support/directline';
import { fileTempDir } from '../../support/temp';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let dl: RunningDirectLine;
const dir = fileTempDir('dl-resume-');

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  dl = await startDirectLine({ botEndpoint: bot.endpoint });
});
afterAll(async () => {
  await dl?.close();
  await bot?.close();
  await emu?.close();
});

const botConfig = () => ({ transport: 'directline' as const, directLine: { url: dl.url, secret: DEMO_SECRET } });
const BOT = { id: 'bot', name: 'Assistant', role: 'bot' };

type Msg = { index: number; type: string; text?: string; from: { type: string } };

describe('resuming a Direct Line conversation', () => {
  it('shows nothing twice and starts no second handover when it resumes from the start', async () => {
    const store = new SqliteStore(join(dir, 'bridge.db'));
    let bridge = await startBridge({ gateway: { url: emu.url }, bot: botConfig() }, { store });
    const chat = chatClient(bridge.url);
    const id = await chat.requestChat({ nickname: 'Wes' });
    const all = async () => (await chat.messages(id, 1)).body.messages as Msg[];
    await eventually(async () => expect((await all()).some((m) => m.type === 'Text')).toBe(true), { timeoutMs: 10_000 });
    const link = JSON.parse((await store.getSetting(`dl:link:${id}`))!) as { conversationId: string };
    const api = directLineApi(dl.url);
    await api.botSays(link.conversationId, { type: 'typing', from: BOT });
    await api.botSays(link.conversationId, { type: 'message', text: 'Still thinking', from: BOT });
    await api.botSays(link.conversationId, { type: 'event', name: 'handoff.initiate', value: { Reason: 'asked' }, from: BOT });
    const agent = agentClient(emu.url);
    const handed = await eventually(
      async () => {
        const found = (await agent.list()).find((i) => i.source === 'chat-gateway' && i.customer.name === 'Wes' && i.state !== 'ended');
        if (!found) throw new Error('not handed over yet');
        return found;
      },
      { timeoutMs: 10_000 },
    );
    expect((await all()).filter((m) => m.type === 'TypingStarted' && m.from.type === 'External')).toHaveLength(1);
    // The agent takes it and leaves: the customer is with the bot again (a replayed handoff.initiate would hand over again).
    await agent.accept(handed.id, 'agent-zoe', 'Zoe');
    await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Chatting'), { timeoutMs: 10_000 });
    await agent.leave(handed.id);
    await eventually(async () => expect((await all()).some((m) => /Welcome back/.test(m.text ?? ''))).toBe(true), { timeoutMs: 10_000 });
    await bridge.close();

    // The stored watermark wound back to the start: everything comes again from Direct Line.
    const counters = conversationCounters(`dl:${link.conversationId}`);
    const watermark = await store.getCounter(counters, 'watermark');
    expect(watermark).toBeGreaterThan(0);
    await store.incrCounter(counters, 'watermark', -watermark);

    const again = new SqliteStore(join(dir, 'bridge.db'));
    bridge = await startBridge({ gateway: { url: emu.url }, bot: botConfig() }, { store: again });
    try {
      const chat2 = chatClient(bridge.url);
      const shown = (await chat2.messages(id, 1)).body.messages as Msg[];
      // The customer says something: the bridge resumes the conversation (and would replay it all).
      await chat2.send(id, 'Opening hours', 'wes-1');
      await eventually(async () => expect(((await chat2.messages(id, 1)).body.messages as Msg[]).some((m) => /Monday to Friday/.test(m.text ?? ''))).toBe(true), {
        timeoutMs: 10_000,
      });
      await new Promise((r) => setTimeout(r, 1000));
      const after = (await chat2.messages(id, 1)).body.messages as Msg[];
      const added = after.slice(shown.length).map((m) => `${m.type}:${m.from.type}:${m.text ?? ''}`);
      expect(added).toEqual(['Text:Customer:Opening hours', expect.stringMatching(/^Text:External:We are open Monday to Friday/)]);
      expect((await chat2.chat(id)).body.chat.state).toBe('Chatting');
      expect((await agent.list()).filter((i) => i.source === 'chat-gateway' && i.customer.name === 'Wes')).toHaveLength(1);
    } finally {
      await bridge.close();
      await again.close();
      await store.close();
    }
  });
});

describe('two replicas on one Redis', () => {
  it('hold one stream per conversation between them', async () => {
    const prefix = redisPrefix();
    const stores = [new RedisStore(REDIS_URL, prefix, 24), new RedisStore(REDIS_URL, prefix, 24)];
    const [a, b] = await Promise.all(stores.map((store) => startBridge({ gateway: { url: emu.url }, bot: botConfig() }, { store })));
    try {
      const ids = await Promise.all([chatClient(a!.url).requestChat({ nickname: 'Uma' }), chatClient(b!.url).requestChat({ nickname: 'Vic' })]);
      for (const [i, id] of ids.entries()) {
        const chat = chatClient([a!, b!][i]!.url);
        await eventually(async () => expect(((await chat.messages(id, 1)).body.messages as Msg[]).some((m) => m.type === 'Text')).toBe(true), { timeoutMs: 10_000 });
        // Both replicas work on the chat: its messages go through either.
        await chatClient(a!.url).send(id, 'Opening hours', `${id}-a`);
        await chatClient(b!.url).send(id, 'Returns', `${id}-b`);
        await eventually(async () => expect(((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Text' && m.from.type === 'External')).toHaveLength(3), {
          timeoutMs: 10_000,
        });
      }
      // Wait past a few lease renewals: the replica without a stream must not open one.
      await new Promise((r) => setTimeout(r, 4000));
      const { open } = await directLineApi(dl.url).streams({});
      expect(open).toBe(2);
    } finally {
      await a!.close();
      await b!.close();
      for (const store of stores) await store.close();
      await dropRedisPrefix(prefix);
    }
  });
});
