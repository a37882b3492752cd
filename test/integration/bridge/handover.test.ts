// A bot-first chat over real HTTP: the emulated contact center, the real demo bot (botbuilder), and
// the bridge between them. What the customer sees, what the agent gets, and the bot coming back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CC_ID, agentClient, chatClient, control, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { handOver, startBot, startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
let agent: ReturnType<typeof agentClient>;

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  bridge = await startBridge({ gateway: { url: emu.url }, availability: { cacheS: 0 }, bot: { endpoint: bot.endpoint }, apiKey: 'test-api-key-0123456789' });
  chat = chatClient(bridge.url);
  agent = agentClient(emu.url);
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
  await emu?.close();
});
afterEach(async () => {
  await control(emu.url, { scheduleOpen: null, agentsAvailable: 2, faults: [] });
});

type Msg = {
  index: number;
  type: string;
  text?: string;
  from: { type: string; nickname: string };
  quickReplies?: { title: string; payload: string }[];
  notice?: Record<string, unknown>;
};
const all = async (id: string): Promise<Msg[]> => (await chat.messages(id, 1)).body.messages;
const texts = (list: Msg[]) => list.filter((m) => m.type === 'Text').map((m) => `${m.from.type}: ${m.text}`);

async function until(id: string, check: (list: Msg[]) => boolean, timeoutMs = 8000): Promise<Msg[]> {
  return eventually(
    async () => {
      const list = await all(id);
      if (!check(list)) throw new Error(`not yet:\n${list.map((m) => `${m.index} ${m.type} ${m.from.type} ${m.text ?? ''}`).join('\n')}`);
      return list;
    },
    { timeoutMs, intervalMs: 50 },
  );
}
const hasText =
  (pattern: RegExp, type = 'External') =>
  (list: Msg[]) =>
    list.some((m) => m.type === 'Text' && m.from.type === type && pattern.test(m.text ?? ''));

async function interactionOf(nickname: string) {
  return eventually(async () => {
    const found = (await agent.list()).find((i) => i.source === 'chat-gateway' && i.customer.name === nickname && i.state !== 'ended');
    if (!found) throw new Error(`no interaction for ${nickname}`);
    return found;
  });
}

/** A chat that asked the bot for an agent and is queued. */
async function handedOver(nickname: string) {
  const { id, conversationId } = await handOver(chat, emu.url, nickname, { agent: false });
  await until(id, (l) => l.some((m) => m.type === 'Notice' && m.notice?.event === 'queued'));
  return { id, interaction: { id: conversationId } };
}

describe('bot first', () => {
  it('opens with the bot, which greets with quick replies and answers a FAQ', async () => {
    const id = await chat.requestChat({ nickname: 'Ana' });
    const greeting = await until(id, hasText(/assistant/));
    expect(greeting.slice(0, 2).map((m) => [m.type, m.from.type])).toEqual([
      ['ParticipantJoined', 'Customer'],
      ['ParticipantJoined', 'External'],
    ]);
    const hello = greeting.find((m) => m.type === 'Text')!;
    expect(hello.from).toEqual({ nickname: 'Assistant', participantId: 'bot', type: 'External' });
    expect(hello.quickReplies).toEqual([
      { title: 'Opening hours', payload: 'Opening hours' },
      { title: 'Order status', payload: 'Order status' },
      { title: 'Returns', payload: 'Returns' },
      { title: 'Talk to an agent', payload: 'Talk to an agent' },
    ]);
    expect((await chat.chat(id)).body.chat).toMatchObject({ state: 'Chatting', participants: [{ type: 'Customer' }, { type: 'External', nickname: 'Assistant' }] });

    // A quick reply is sent as an ordinary message whose text is the payload.
    await chat.send(id, hello.quickReplies![0]!.payload, 'q1');
    const answered = await until(id, hasText(/Monday to Friday/));
    expect(texts(answered).slice(-2)).toEqual(['Customer: Opening hours', expect.stringMatching(/^External: We are open Monday to Friday/)]);
  });

  it('hands over on "agent": the agent gets the customer info, chat variables, context and the bot transcript', async () => {
    const id = await chat.requestChat({ nickname: 'Chris', subject: 'Late parcel', userData: { email: 'chris@example.com', 'Started by': 'Chat API', Premium: true } });
    await until(id, hasText(/assistant/));
    await chat.send(id, 'Where is my order?', 'c1');
    await until(id, hasText(/order number/));
    await chat.send(id, '12345', 'c2');
    await until(id, hasText(/Order 12345/));
    await chat.send(id, 'I want a human', 'c3');
    const queued = await until(id, (l) => l.some((m) => m.type === 'Notice' && m.notice?.event === 'queued'));
    expect(queued.find((m) => m.type === 'Notice')).toMatchObject({
      from: { type: 'External' },
      text: 'You are in the Support queue. An agent will be with you shortly.',
      notice: { event: 'queued', queueId: 'support', queueName: 'Support', queuePosition: expect.any(Number) },
    });
    expect((await chat.chat(id)).body.chat).toMatchObject({ state: 'WaitingForAgent', participants: [{ type: 'Customer' }] });

    const interaction = await interactionOf('Chris');
    expect(interaction.customer).toMatchObject({ name: 'Chris', email: 'chris@example.com' });
    expect(interaction.userData).toMatchObject({
      'Started by': 'Chat API',
      Premium: 'true',
      email: 'chris@example.com',
      Subject: 'Late parcel',
      Reason: 'The customer asked for an agent',
      'Order number': '12345',
    });
    expect(interaction.startedByApi).toBe(true);
    expect(interaction.history.map((m: { authorType: string; text: string }) => `${m.authorType}: ${m.text.slice(0, 20)}`)).toEqual([
      'bot: Hi Chris! I am the s',
      'user: Where is my order?',
      'bot: Sure — what is your ',
      'user: 12345',
      'bot: Order 12345 is being',
      'user: I want a human',
      'bot: Let me get you a per',
    ]);
  });

  it("puts the widget's CRM variables ($emailAddress, $language, $caseNumber) on the gateway user", async () => {
    // userData as the widget builds it (src/core/customer.ts): info, variables, $language, pre-chat answers.
    const userData = { Plan: 'Gold', $emailAddress: 'wanda@example.com', $caseNumber: 'K-9', $language: 'de', Name: 'Wanda' };
    await handOver(chat, emu.url, 'Wanda', { userData, agent: false });
    const interaction = await interactionOf('Wanda');
    expect(interaction.customer).toMatchObject({ name: 'Wanda', email: 'wanda@example.com', language: 'de', caseId: 'K-9' });
    expect(interaction.userData).toMatchObject({ Plan: 'Gold', $language: 'de' });
  });

  it('relays both ways with typing, survives a transfer, and gives the chat back to the bot when the agent leaves', async () => {
    const { id, interaction } = await handedOver('Dana');
    await agent.accept(interaction.id, 'agent-kristi', 'Kristi');
    await until(id, (l) => l.some((m) => m.type === 'ParticipantJoined' && m.from.type === 'Agent'));
    expect((await all(id)).find((m) => m.type === 'ParticipantJoined' && m.from.type === 'Agent')!.from).toEqual({ nickname: 'Kristi', participantId: '2', type: 'Agent' });
    expect((await chat.chat(id)).body.chat).toMatchObject({ state: 'Chatting', participants: [{ type: 'Customer' }, { type: 'Agent', nickname: 'Kristi' }] });

    // Agent → customer, with typing.
    await agent.typing(interaction.id, true);
    await until(id, (l) => l.some((m) => m.type === 'TypingStarted' && m.from.nickname === 'Kristi'));
    await agent.say(interaction.id, 'Hi Dana, Kristi here. How can I help?');
    await until(id, hasText(/Kristi here/, 'Agent'));

    // Customer → agent, with typing; the bot hears none of it.
    await chat.operation(id, { operationName: 'SendStartTypingNotification' });
    await eventually(async () => expect((await http(`${emu.url}/agent/api/interactions/${interaction.id}`)).body.customerTyping).toBe(true));
    await chat.send(id, 'My parcel is late', 'd1');
    await chat.send(id, 'My parcel is late', 'd1');
    await eventually(async () => expect(texts((await agent.transcript(interaction.id)).messages)).toContain('Customer: My parcel is late'));
    await new Promise((r) => setTimeout(r, 300));
    expect(texts((await agent.transcript(interaction.id)).messages).filter((t) => t === 'Customer: My parcel is late')).toHaveLength(1);

    // Transfer: the customer is told, waits, and gets a new agent.
    await agent.transfer(interaction.id, 'billing');
    await until(id, (l) => l.some((m) => m.type === 'Notice' && m.notice?.event === 'queued' && m.notice.queueName === 'Billing'));
    const transfer = await all(id);
    expect(transfer.some((m) => m.type === 'Notice' && m.text === 'Your chat is being forwarded. Please wait.')).toBe(true);
    expect(transfer.some((m) => m.type === 'ParticipantLeft' && m.from.nickname === 'Kristi')).toBe(true);
    expect((await chat.chat(id)).body.chat.state).toBe('WaitingForAgent');
    await agent.accept(interaction.id, 'agent-bob', 'Bob');
    await until(id, (l) => l.some((m) => m.type === 'ParticipantJoined' && m.from.nickname === 'Bob'));
    expect(transfer.some((m) => m.type === 'Text' && m.from.type === 'External' && /Welcome back/.test(m.text ?? ''))).toBe(false);

    // The agent leaves: the bot is back, and hears the customer again.
    await agent.leave(interaction.id);
    const back = await until(id, hasText(/Welcome back/));
    const tail = back.slice(back.findIndex((m) => m.type === 'ParticipantLeft' && m.from.nickname === 'Bob'));
    expect(tail.map((m) => [m.type, m.from.type])).toEqual([
      ['ParticipantLeft', 'Agent'],
      ['Notice', 'External'],
      ['ParticipantJoined', 'External'],
      ['Text', 'External'],
    ]);
    expect((await chat.chat(id)).body.chat).toMatchObject({ state: 'Chatting', participants: [{ type: 'Customer' }, { type: 'External' }] });
    await chat.send(id, 'Returns', 'd2');
    await until(id, hasText(/30 days/));
    expect(texts((await agent.transcript(interaction.id)).messages)).not.toContain('Customer: Returns');
  });

  it('hands over again after the bot is back, in a new conversation, closing the old one', async () => {
    const { id, interaction } = await handedOver('Gil');
    await agent.accept(interaction.id);
    await until(id, (l) => l.some((m) => m.type === 'ParticipantJoined' && m.from.type === 'Agent'));
    await agent.leave(interaction.id);
    await until(id, hasText(/Welcome back/));
    await chat.send(id, 'human please', 'g2');
    await until(id, (l) => l.filter((m) => m.notice?.event === 'queued').length === 2);
    const again = (await agent.list()).filter((i) => i.customer.name === 'Gil');
    expect(again.map((i) => i.state).sort()).toEqual(['ended', 'queued']);
    const next = again.find((i) => i.state === 'queued')!;
    expect(next.id).not.toBe(interaction.id);
    await eventually(async () =>
      expect((await http(`${emu.url}/chat-gateway/v1/conversations/${interaction.id}`, { headers: { 'x-api-key': 'emulator-key' } })).body.state).toBe('idle'),
    );
    // The agent of the second handover gets the bot's transcript of the second bot phase.
    expect(next.history.at(-2)).toEqual({ authorType: 'user', text: 'human please' });
  });

  it('ends the gateway conversation when the customer completes the chat', async () => {
    const { id, interaction } = await handedOver('Eve');
    await agent.accept(interaction.id);
    await until(id, (l) => l.some((m) => m.type === 'ParticipantJoined' && m.from.type === 'Agent'));
    expect((await chat.operation(id, { operationName: 'Complete' })).body).toEqual({ statusCode: 0 });
    expect((await chat.chat(id)).body.chat).toEqual({ id, state: 'Idle', capabilities: [], participants: [] });
    await eventually(async () => expect((await http(`${emu.url}/agent/api/interactions/${interaction.id}`)).body).toMatchObject({ state: 'ended', endedReason: 'customer' }));
    expect((await chat.send(id, 'hello?')).body).toEqual({ statusCode: 2, statusMessage: expect.any(String) });
  });

  it('starts one conversation however many times the bot asks', async () => {
    const id = await chat.requestChat({ nickname: 'Finn' });
    await until(id, hasText(/assistant/));
    const session = (await bridge.bridge.sessions.get(id))!;
    const before = (await http(`${emu.url}/chat-gateway/v1/conversations?size=1`, { headers: { 'x-api-key': 'emulator-key' } })).body.page.totalElements;
    const initiate = { type: 'event', name: 'handoff.initiate', value: { Reason: 'test' }, from: { id: 'parley-bot', role: 'bot' } };
    const results = await Promise.all(
      [0, 1, 2].map(() => http(`${bridge.url}/bot/${session.botToken}/v3/conversations/${session.botConversationId}/activities`, { method: 'POST', json: initiate })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await interactionOf('Finn');
    await new Promise((r) => setTimeout(r, 500));
    const after = (await http(`${emu.url}/chat-gateway/v1/conversations?size=1`, { headers: { 'x-api-key': 'emulator-key' } })).body.page.totalElements;
    expect(after - before).toBe(1);
  });
});

describe('AFTER_AGENT=end', () => {
  it('ends the chat when the agent leaves, instead of going back to the bot', async () => {
    const ending = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, afterAgent: 'end' });
    try {
      const c = chatClient(ending.url);
      const id = await c.requestChat({ nickname: 'Ned End' });
      await eventually(async () => expect((await c.messages(id, 1)).body.messages.some((m: Msg) => m.type === 'Text')).toBe(true));
      await c.send(id, 'agent', 'e1');
      const interaction = await interactionOf('Ned End');
      await agent.accept(interaction.id, 'agent-kristi', 'Kristi');
      await eventually(async () => expect((await c.chat(id)).body.chat.state).toBe('Chatting'));
      await agent.leave(interaction.id);
      await eventually(async () =>
        expect((await c.chat(id)).body.chat).toEqual({ id, state: 'Idle', capabilities: [], participants: [{ nickname: 'Ned End', participantId: '1', type: 'Customer' }] }),
      );
      const list = (await c.messages(id, 1)).body.messages as Msg[];
      expect(list.at(-1)).toMatchObject({ type: 'ParticipantLeft', from: { type: 'Agent', nickname: 'Kristi' } });
      expect(list.some((m) => /Welcome back/.test(m.text ?? ''))).toBe(false);
      expect((await c.send(id, 'hello?')).body.statusCode).toBe(2);
    } finally {
      await ending.close();
    }
  });
});

describe('nobody to answer', () => {
  it('when closed, tells the bot (which tells the customer and takes a message) and creates no conversation', async () => {
    await control(emu.url, { scheduleOpen: false });
    const before = (await http(`${emu.url}/chat-gateway/v1/conversations?size=1`, { headers: { 'x-api-key': 'emulator-key' } })).body.page.totalElements;
    const id = await chat.requestChat({ nickname: 'Gus' });
    await until(id, hasText(/assistant/));
    await chat.send(id, 'agent', 'g1');
    const told = await until(id, hasText(/not at work right now/));
    expect(told.at(-1)!.quickReplies!.map((q) => q.payload)).toEqual(['Leave a message', 'No thanks']);
    expect((await chat.chat(id)).body.chat.state).toBe('Chatting');
    expect((await http(`${emu.url}/chat-gateway/v1/conversations?size=1`, { headers: { 'x-api-key': 'emulator-key' } })).body.page.totalElements).toBe(before);

    // The bot takes the message and leaves it with the bridge's offline messages.
    const since = Date.now();
    await chat.send(id, 'Leave a message', 'g2');
    await until(id, hasText(/e-mail address/));
    await chat.send(id, 'gus@example.com', 'g3');
    await until(id, hasText(/What would you like to tell us/));
    await chat.send(id, 'Please call me back about my invoice.', 'g4');
    await until(id, hasText(/We will answer at gus@example.com/));
    const stored = await http(`${bridge.url}/v1/offline-messages?since=${since}`, { headers: { authorization: 'Bearer test-api-key-0123456789' } });
    expect(stored.body.offlineMessages).toContainEqual(
      expect.objectContaining({ contactCenterId: CC_ID, fields: { name: 'Gus', email: 'gus@example.com', message: 'Please call me back about my invoice.' } }),
    );
  });

  it('when no agent is available, says so', async () => {
    await control(emu.url, { agentsAvailable: 0 });
    const id = await chat.requestChat({ nickname: 'Hal' });
    await until(id, hasText(/assistant/));
    await chat.send(id, 'agent', 'h1');
    await until(id, hasText(/All our agents are busy/));
    expect((await agent.list()).some((i) => i.customer.name === 'Hal')).toBe(false);
  });
});
