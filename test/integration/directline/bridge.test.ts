// The bridge in Direct Line mode (BOT_TRANSPORT=directline) over real HTTP: the emulated contact
// center, the demo Direct Line service fronting the real demo bot (botbuilder), and the bridge as a
// Direct Line client. Everything the Bot Connector channel does: the welcome on join with its quick
// replies, answers, the handover with the bot's context and transcript, handoff.status back to the
// bot, and the bot again after the agent. And what /readyz says when the secret is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient, chatClient, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { DEMO_SECRET, directLineApi, startDirectLine, type DLActivity, type RunningDirectLine } from '../../support/directline';

let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
let dl: RunningDirectLine;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
const agent = () => agentClient(emu.url);

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
  dl = await startDirectLine({ botEndpoint: bot.endpoint });
  bridge = await startBridge({
    gateway: { url: emu.url },
    bot: { transport: 'directline', directLine: { url: dl.url, secret: DEMO_SECRET }, endpoint: 'http://127.0.0.1:9/unused' },
  });
  chat = chatClient(bridge.url);
});
afterAll(async () => {
  await bridge?.close();
  await dl?.close();
  await bot?.close();
  await emu?.close();
});

type Msg = { index: number; type: string; text?: string; from: { type: string }; quickReplies?: { title: string; payload: string }[]; notice?: { event?: string } };
const all = async (id: string): Promise<Msg[]> => (await chat.messages(id, 1)).body.messages;
const until = (id: string, check: (list: Msg[]) => boolean, timeoutMs = 10_000) =>
  eventually(
    async () => {
      const list = await all(id);
      if (!check(list)) throw new Error(`not yet:\n${list.map((m) => `${m.index} ${m.type} ${m.from.type} ${m.text ?? ''}`).join('\n')}`);
      return list;
    },
    { timeoutMs, intervalMs: 50 },
  );
const hasText =
  (pattern: RegExp, type = 'External') =>
  (list: Msg[]) =>
    list.some((m) => m.type === 'Text' && m.from.type === type && pattern.test(m.text ?? ''));
const texts = (list: Msg[]) => list.filter((m) => m.type === 'Text').map((m) => `${m.from.type}: ${m.text}`);

/** The Direct Line conversation the bridge opened for a chat (the only one whose user is that customer). */
async function transcriptOf(nickname: string): Promise<DLActivity[]> {
  return (await conversationOf(nickname)).activities;
}

async function conversationOf(nickname: string): Promise<{ id: string; activities: DLActivity[] }> {
  const api = directLineApi(dl.url);
  // The service keeps its conversations in a private map: read it, this is a test of the bridge.
  const conversations = (dl.dl.conversations as unknown as { map: Map<string, { id: string }> }).map;
  for (const conversation of conversations.values()) {
    const { activities } = await api.transcript(conversation.id);
    if (activities.some((a) => a.from?.name === nickname)) return { id: conversation.id, activities };
  }
  throw new Error(`no Direct Line conversation for ${nickname}`);
}

describe('the bridge over Direct Line', () => {
  it('greets on join with quick replies and answers, each bot activity shown once', async () => {
    const id = await chat.requestChat({ nickname: 'Dana' });
    const greeting = await until(id, hasText(/assistant/));
    const hello = greeting.find((m) => m.type === 'Text')!;
    expect(hello.text).toMatch(/^Hi Dana! I am the shop's assistant/);
    expect(hello.quickReplies?.map((q) => q.title)).toEqual(['Opening hours', 'Order status', 'Returns', 'Talk to an agent']);

    await chat.send(id, 'Opening hours', 'd1');
    const answered = await until(id, hasText(/Monday to Friday/));
    expect(texts(answered)).toEqual([expect.stringMatching(/^External: Hi Dana!/), 'Customer: Opening hours', expect.stringMatching(/^External: We are open Monday to Friday/)]);
    // The same clientMessageId again: the bot hears it once.
    await chat.send(id, 'Opening hours', 'd1');
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(await all(id))).toHaveLength(3);
  });

  it('hands over with the bot context and transcript, tells the bot, and gives the chat back to the bot after the agent', async () => {
    const id = await chat.requestChat({ nickname: 'Eli', userData: { email: 'eli@example.com' } });
    await until(id, hasText(/assistant/));
    await chat.send(id, 'I want a human', 'e1');
    const interaction = await eventually(
      async () => {
        const found = (await agent().list()).find((i) => i.source === 'chat-gateway' && i.customer.name === 'Eli' && i.state !== 'ended');
        if (!found) throw new Error('not handed over yet');
        return found;
      },
      { timeoutMs: 10_000 },
    );
    expect(interaction.userData).toMatchObject({ Reason: 'The customer asked for an agent', email: 'eli@example.com' });
    expect(interaction.history).toContainEqual({ authorType: 'user', text: 'I want a human' });
    await agent().accept(interaction.id, 'agent-ola', 'Ola');
    await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Chatting'), { timeoutMs: 10_000 });
    await agent().say(interaction.id, 'Hello Eli, Ola here');
    await until(id, hasText(/Ola here/, 'Agent'));

    await agent().leave(interaction.id);
    await until(id, hasText(/Welcome back/));
    await chat.send(id, 'Returns', 'e2');
    await until(id, hasText(/return/i));

    // What the bot heard over Direct Line: the customer's messages, and handoff.status accepted then completed.
    const heard = (await transcriptOf('Eli')).filter((a) => a.from?.role === 'user');
    expect(heard.map((a) => (a.type === 'event' ? `${a.name}:${(a.value as { state: string }).state}` : `${a.type}:${a.text}`))).toEqual([
      'message:I want a human',
      'handoff.status:accepted',
      'handoff.status:completed',
      'message:Returns',
    ]);
    const shown = texts(await all(id));
    expect(shown.filter((t) => /Welcome back/.test(t))).toHaveLength(1);
  });
});

describe('a Copilot Studio handoff over Direct Line', () => {
  it('gives the agent the va_* context under readable names, and the transcript', async () => {
    const id = await chat.requestChat({ nickname: 'Fay' });
    await until(id, hasText(/assistant/));
    await chat.send(id, 'Opening hours', 'f1');
    await until(id, hasText(/Monday to Friday/));
    const { id: conversationId } = await eventually(() => conversationOf('Fay'));
    // What Copilot Studio's "Transfer to agent" sends (as the bot, through the connector side).
    await directLineApi(dl.url).botSays(conversationId, {
      type: 'event',
      name: 'handoff.initiate',
      from: { id: 'copilot', name: 'Contoso Copilot', role: 'bot' },
      value: {
        va_Scope: 'bot',
        va_BotName: 'Contoso Copilot',
        va_LastTopic: 'Escalate',
        va_Topics: ['Greeting', 'Order status', 'Escalate'],
        va_LastPhrases: ['where is my parcel', 'talk to a person'],
        va_Language: 'en-us',
        va_AgentMessage: 'Customer waited 3 days for a parcel',
      },
      attachments: [
        {
          contentType: 'application/vnd.microsoft.activity.transcript',
          name: 'Transcript',
          content: {
            activities: [
              { type: 'message', text: 'where is my parcel', from: { role: 'user' } },
              { type: 'message', text: 'Let me check.', from: { role: 'bot' } },
            ],
          },
        },
      ],
    });
    const interaction = await eventually(
      async () => {
        const found = (await agent().list()).find((i) => i.source === 'chat-gateway' && i.customer.name === 'Fay' && i.state !== 'ended');
        if (!found) throw new Error('not handed over yet');
        return found;
      },
      { timeoutMs: 10_000 },
    );
    expect(interaction.userData).toMatchObject({
      'Message for the agent': 'Customer waited 3 days for a parcel',
      'Last phrases': 'where is my parcel | talk to a person',
      'Bot name': 'Contoso Copilot',
      'Last topic': 'Escalate',
      Topics: 'Greeting, Order status, Escalate',
      Language: 'en-us',
    });
    expect(Object.keys(interaction.userData)).not.toContain('va_Scope');
    expect(interaction.history).toEqual([
      { authorType: 'user', text: 'where is my parcel' },
      { authorType: 'bot', text: 'Let me check.' },
    ]);
  });
});

describe('diagnosis', () => {
  it('says in /readyz that Direct Line refused the secret, and what to do', async () => {
    const wrong = await startBridge({ gateway: { url: emu.url }, bot: { transport: 'directline', directLine: { url: dl.url, secret: 'not-the-secret-0123456789' } } });
    try {
      const ready = await eventually(
        async () => {
          const body = (await (await fetch(`${wrong.url}/readyz`)).json()) as { bot: { ok: boolean; detail: string; hint: string } };
          if (body.bot.ok) throw new Error('not checked yet');
          return body;
        },
        { timeoutMs: 10_000 },
      );
      expect(ready.bot).toMatchObject({
        ok: false,
        transport: 'directline',
        detail: expect.stringMatching(/refused the secret/),
        hint: expect.stringMatching(/DIRECT_LINE_SECRET/),
      });
      expect(JSON.stringify(ready)).not.toContain('not-the-secret');
    } finally {
      await wrong.close();
    }
  });

  it('says when the endpoint is unreachable, for either transport', async () => {
    const closed = 'http://127.0.0.1:9';
    const bridges = await Promise.all([
      startBridge({ gateway: { url: emu.url }, bot: { transport: 'directline', directLine: { url: closed, secret: DEMO_SECRET } } }),
      startBridge({ gateway: { url: emu.url }, bot: { endpoint: `${closed}/api/messages` } }),
    ]);
    try {
      const [viaDirectLine, viaConnector] = await Promise.all(
        bridges.map((b) =>
          eventually(
            async () => {
              const body = (await (await fetch(`${b.url}/readyz`)).json()) as { bot: { ok: boolean; transport: string; detail: string; hint: string } };
              if (body.bot.ok) throw new Error('not checked yet');
              return body.bot;
            },
            { timeoutMs: 25_000, intervalMs: 200 },
          ),
        ),
      );
      expect(viaDirectLine).toMatchObject({
        transport: 'directline',
        detail: expect.stringMatching(/Direct Line cannot be reached/),
        hint: expect.stringMatching(/DIRECT_LINE_URL/),
      });
      expect(viaConnector).toMatchObject({
        transport: 'bot-connector',
        detail: expect.stringMatching(/BOT_ENDPOINT cannot be reached/),
        hint: expect.stringMatching(/BOT_ENDPOINT/),
      });
    } finally {
      await Promise.all(bridges.map((b) => b.close()));
    }
  });

  it('says the stand-in secret is accepted', async () => {
    const body = (await (await fetch(`${bridge.url}/readyz`)).json()) as { ok: boolean; bot: { ok: boolean; transport: string } };
    expect(body).toMatchObject({ ok: true, bot: { ok: true, transport: 'directline' } });
  });
});
