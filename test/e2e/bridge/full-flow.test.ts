// End to end over real processes (emulator + demo bot + bridge, as `npm run …` starts them; the
// bridge from its production bundle, built here as `npm run build:bridge` does): a
// customer goes from the bot to agents and back, and a generic-API bot hands over the same way.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBridge } from '../../../bot-bridge/bundle';
import { verifyCallback } from '../../../bot-bridge/jobs';
import { agentClient, chatClient, eventually, http } from '../../support/emulator';
import { startBotProcess, startBridgeProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';
import { fileTempDir } from '../../support/temp';
import { startReceiver } from '../../support/webhook-receiver';

const KEY = 'e2e-handover-api-key-123';
let emulator: Running;
let bot: Running & { endpoint: string };
let bridge: Running;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const storeDir = fileTempDir('bridge-e2e-');

beforeAll(async () => {
  const bundle = bundleBridge();
  [emulator, bot, receiver] = await Promise.all([startEmulatorProcess(), startBotProcess(), startReceiver()]);
  bridge = await startBridgeProcess(
    {
      BRIDGE_STORE: `sqlite:${join(storeDir, 'bridge.db')}`,
      GATEWAY_URL: emulator.url,
      BOT_ENDPOINT: bot.endpoint,
      BRIDGE_API_KEY: KEY,
      GATEWAY_RPS: '50',
      // The callback receiver is on http://127.0.0.1: allowed for this test only (unsafe elsewhere).
      CALLBACK_ALLOW_HTTP: '1',
      CALLBACK_ALLOW_PRIVATE: '1',
    },
    await bundle,
  );
});
afterAll(async () => {
  await stopAll(bridge, bot, emulator);
  await receiver?.close();
});

type Msg = {
  index: number;
  type: string;
  text?: string;
  from: { type: string; nickname: string };
  quickReplies?: { payload: string }[];
  notice?: { event?: string; queueName?: string };
};

describe('widget chat, bot first', () => {
  it('greeting → FAQ answer → "agent" → agent with context → both ways with typing → transfer → agent leaves → the bot is back', async () => {
    const chat = chatClient(bridge.url);
    const agent = agentClient(emulator.url);
    const seen: Msg[] = [];
    /** Polls as the widget does (no index: the server's cursor), until `check` holds. */
    const poll = (check: (all: Msg[]) => boolean, what: string) =>
      eventually(
        async () => {
          seen.push(...((await chat.messages(id)).body.messages as Msg[]));
          if (!check(seen)) throw new Error(`waiting for ${what}; have:\n${seen.map((m) => `${m.index} ${m.type} ${m.from.type} ${m.text ?? ''}`).join('\n')}`);
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
    const text = (type: string, pattern: RegExp) => (all: Msg[]) => all.some((m) => m.type === 'Text' && m.from.type === type && pattern.test(m.text ?? ''));

    const id = await chat.requestChat({ nickname: 'Robin', userData: { email: 'robin@example.com', 'Started by': 'Chat API', Tier: 'Gold' } });
    await poll(text('External', /shop's assistant/), 'the greeting');
    const greeting = seen.find((m) => m.type === 'Text')!;
    expect(greeting.quickReplies!.map((q) => q.payload)).toContain('Opening hours');

    await chat.send(id, 'Opening hours', 'r1');
    await poll(text('External', /Monday to Friday/), 'the FAQ answer');

    await chat.send(id, 'agent', 'r2');
    await poll((all) => all.some((m) => m.notice?.event === 'queued'), 'the queue notice');
    const [interaction] = (await agent.list()).filter((i) => i.customer.name === 'Robin');
    expect(interaction.customer).toMatchObject({ name: 'Robin', email: 'robin@example.com' });
    expect(interaction.userData).toMatchObject({ 'Started by': 'Chat API', Tier: 'Gold', Reason: 'The customer asked for an agent' });
    expect(interaction.history.map((h: { authorType: string }) => h.authorType)).toEqual(['bot', 'user', 'bot', 'user', 'bot']);
    expect(interaction.history[1]).toEqual({ authorType: 'user', text: 'Opening hours' });

    await agent.accept(interaction.id, 'agent-kristi', 'Kristi');
    await poll((all) => all.some((m) => m.type === 'ParticipantJoined' && m.from.nickname === 'Kristi'), 'the agent joining');
    await agent.typing(interaction.id, true);
    await poll((all) => all.some((m) => m.type === 'TypingStarted' && m.from.type === 'Agent'), 'the agent typing');
    await agent.say(interaction.id, 'Hello Robin, how can I help?');
    await poll(text('Agent', /Hello Robin/), "the agent's reply");

    await chat.operation(id, { operationName: 'SendStartTypingNotification' });
    await eventually(async () => expect((await http(`${emulator.url}/agent/api/interactions/${interaction.id}`)).body.customerTyping).toBe(true));
    await chat.send(id, 'I was charged twice', 'r3');
    await eventually(async () => expect((await agent.transcript(interaction.id)).messages.some((m: { text?: string }) => m.text === 'I was charged twice')).toBe(true));

    await agent.transfer(interaction.id, 'billing');
    await poll((all) => all.some((m) => m.notice?.event === 'transfer') && all.some((m) => m.notice?.queueName === 'Billing'), 'the transfer');
    await agent.accept(interaction.id, 'agent-bob', 'Bob');
    await poll((all) => all.some((m) => m.type === 'ParticipantJoined' && m.from.nickname === 'Bob'), 'the new agent');
    await agent.say(interaction.id, 'Bob from billing here, refund is on its way.');
    await poll(text('Agent', /Bob from billing/), "the new agent's reply");

    await agent.leave(interaction.id);
    await poll(text('External', /Welcome back/), 'the bot coming back');
    expect((await chat.chat(id)).body.chat.state).toBe('Chatting');
    await chat.send(id, 'Returns', 'r4');
    await poll(text('External', /30 days/), 'the bot answering again');

    // Every entry came once, in order, with no gap.
    expect(seen.map((m) => m.index)).toEqual(seen.map((_, i) => i + 1));
  });
});

describe('generic handover API', () => {
  it('hands over with the customer info, relays messages and typing both ways through signed callbacks, survives a transfer, and completes', async () => {
    const agent = agentClient(emulator.url);
    const api = (path: string, init: Parameters<typeof http>[1] = {}) => http(`${bridge.url}/v1${path}`, { ...init, headers: { authorization: `Bearer ${KEY}` } });
    const created = await api('/handovers', {
      method: 'POST',
      json: {
        user: { name: 'Sky Walker', email: 'sky@example.com', Plan: 'Gold' },
        context: { Reason: 'Billing dispute' },
        history: [
          { authorType: 'user', text: 'my bill is wrong' },
          { authorType: 'bot', text: 'Let me find someone.' },
        ],
        callbackUrl: receiver.url,
      },
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const types = () =>
      receiver.deliveries
        .map((d) => d.body)
        .filter((b) => b?.handoverId === id)
        .map((b) => b.type as string);
    await eventually(() => expect(types()).toEqual(['handover.accepted', 'queued']), { timeoutMs: 10_000 });

    const interaction = (await agent.list()).find((i) => i.customer.name === 'Sky Walker')!;
    expect(interaction.customer).toMatchObject({ name: 'Sky Walker', email: 'sky@example.com' });
    expect(interaction.userData).toMatchObject({ Reason: 'Billing dispute', Plan: 'Gold' });
    expect(interaction.history).toEqual([
      { authorType: 'user', text: 'my bill is wrong' },
      { authorType: 'bot', text: 'Let me find someone.' },
    ]);
    await agent.accept(interaction.id, 'agent-ann', 'Ann');
    const data = (type: string) =>
      receiver.deliveries
        .map((d) => d.body)
        .filter((b) => b?.handoverId === id && b.type === type)
        .map((b) => b.data);
    // The agent typing reaches the bot's callback URL...
    await agent.typing(interaction.id, true);
    await eventually(() => expect(data('typing')).toEqual([{ agent: { id: 'agent-ann', name: 'Ann' }, typing: true }]));
    await agent.say(interaction.id, 'Hi Sky, Ann here.');
    await eventually(() => expect(types()).toContain('message'));
    expect(data('typing').at(-1)).toEqual({ agent: { id: 'agent-ann', name: 'Ann' }, typing: false });
    // ...and the customer typing (the API's typing endpoint) reaches the agent.
    expect((await api(`/handovers/${id}/typing`, { method: 'POST', json: {} })).status).toBe(202);
    await eventually(async () => expect((await http(`${emulator.url}/agent/api/interactions/${interaction.id}`)).body.customerTyping).toBe(true));
    await api(`/handovers/${id}/messages`, { method: 'POST', json: { text: 'It says 2 × 40 €', clientMessageId: 's1' } });
    await eventually(async () => expect((await agent.transcript(interaction.id)).messages.some((m: { text?: string }) => m.text === 'It says 2 × 40 €')).toBe(true));
    await agent.transfer(interaction.id, 'billing');
    await agent.accept(interaction.id, 'agent-bo', 'Bo');
    await agent.leave(interaction.id);
    await eventually(() => expect(types().at(-1)).toBe('handover.completed'), { timeoutMs: 10_000 });
    expect(types()).toEqual([
      'handover.accepted',
      'queued',
      'agent.joined',
      'typing',
      'typing',
      'message',
      'transfer',
      'agent.left',
      'queued',
      'agent.joined',
      'agent.left',
      'handover.completed',
    ]);
    for (const d of receiver.deliveries) {
      const h = d.headers as Record<string, string>;
      expect(verifyCallback(KEY, { signature: h['x-parley-signature'], timestamp: h['x-parley-timestamp'] }, d.raw)).toBe(true);
    }
  });
});
