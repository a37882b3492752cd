// Bots that misbehave: one that does not answer in time, one that is down, one that errors, and one
// that keeps talking after the agent took over. The customer is told; the agent is not disturbed.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient, chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBot, startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
const servers: Server[] = [];
const bridges: RunningBridge[] = [];

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  for (const b of bridges) await b.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  await emu?.close();
});

/** A bot endpoint that answers as told (or never). */
async function fakeBot(answer: 'hang' | number) {
  const server = createServer((req, res) => {
    req.resume();
    if (answer === 'hang') return;
    res.statusCode = answer;
    res.end();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/api/messages`;
}

/** A port nothing listens on (connection refused). */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/api/messages`;
}

async function bridgeFor(endpoint: string, extra: Parameters<typeof startBridge>[0] = {}) {
  const b = await startBridge({ ...extra, gateway: { url: emu.url }, bot: { endpoint, timeoutMs: 400, ...extra.bot } });
  bridges.push(b);
  return { b, chat: chatClient(b.url) };
}

type Msg = { type: string; text?: string; notice?: { event?: string }; from: { type: string } };
const notices = async (chat: ReturnType<typeof chatClient>, id: string) => ((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Notice');

describe('a bot that fails', () => {
  it('does not answer in time: the customer is told, and the chat script says the bot is away', async () => {
    const { b, chat } = await bridgeFor(await fakeBot('hang'));
    const id = await chat.requestChat({ nickname: 'Rae' });
    await eventually(async () => expect((await notices(chat, id)).map((n) => n.notice?.event)).toEqual(['bot-timeout']), { timeoutMs: 5000 });
    expect((await notices(chat, id))[0]!.text).toMatch(/taking too long/);
    const script = await http(`${b.url}/api/v2/chat-script`, { headers: { ContactCenterId: emu.config.contactCenterIds[0]! } });
    expect(script.body.availability).toEqual({ open: false, reason: 'bot-unavailable' });
    // A second turn that also times out is told again, once per turn.
    await chat.send(id, 'hello?', 'r1');
    await eventually(async () => expect((await notices(chat, id)).map((n) => n.notice?.event)).toEqual(['bot-timeout', 'bot-timeout']), { timeoutMs: 5000 });
  });

  it('is down: tried a few times, then the customer is told', async () => {
    const { chat } = await bridgeFor(await closedPort());
    const id = await chat.requestChat({ nickname: 'Sam' });
    await eventually(async () => expect((await notices(chat, id)).map((n) => n.notice?.event)).toEqual(['bot-unavailable']), { timeoutMs: 8000 });
    expect((await notices(chat, id))[0]!.text).toMatch(/not available/);
  });

  it('answers 500: the customer is told', async () => {
    const { chat } = await bridgeFor(await fakeBot(500));
    const id = await chat.requestChat({ nickname: 'Tia' });
    await eventually(async () => expect((await notices(chat, id)).map((n) => n.notice?.event)).toEqual(['bot-unavailable']), { timeoutMs: 5000 });
  });

  it('is down and BOT_FAILURE=handover: the customer goes to an agent instead', async () => {
    const { chat } = await bridgeFor(await closedPort(), { bot: { onFailure: 'handover' } });
    const id = await chat.requestChat({ nickname: 'Uma' });
    await eventually(async () => expect((await notices(chat, id)).length).toBe(1), { timeoutMs: 8000 });
    await chat.send(id, 'I need help', 'u1');
    await eventually(async () => expect((await notices(chat, id)).map((n) => n.notice?.event)).toEqual(['bot-unavailable', 'bot-unavailable', 'queued']), { timeoutMs: 10_000 });
    const interaction = (await agentClient(emu.url).list()).find((i) => i.customer.name === 'Uma')!;
    expect(interaction.userData).toMatchObject({ Reason: 'The bot did not answer' });
    // The message that found no bot reaches the agent with the transcript.
    expect(interaction.history).toContainEqual({ authorType: 'user', text: 'I need help' });
  });
});

describe('a bot that keeps talking after the handover', () => {
  /** A chat the agent has accepted, and how the bot's late message is answered. */
  async function lateMessage(overrides: NonNullable<Parameters<typeof bridgeFor>[1]>, nickname: string) {
    const bot = await startBot();
    try {
      const { b, chat } = await bridgeFor(bot.endpoint, { bot: { timeoutMs: 5000, ...overrides.bot } });
      const id = await chat.requestChat({ nickname });
      await eventually(async () => expect(((await chat.messages(id, 1)).body.messages as Msg[]).some((m) => m.type === 'Text')).toBe(true));
      await chat.send(id, 'agent', 'v1');
      const session = await eventually(async () => {
        const s = await b.bridge.sessions.get(id);
        if (!s?.handover?.conversationId) throw new Error('not yet');
        return s;
      });
      await agentClient(emu.url).accept(session.handover!.conversationId!);
      await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Chatting'));
      const late = await http(`${b.url}/bot/${session.botToken}/v3/conversations/${session.botConversationId}/activities`, {
        method: 'POST',
        json: { type: 'message', text: 'I am still here!', from: { id: 'parley-bot', role: 'bot' } },
      });
      await new Promise((r) => setTimeout(r, 300));
      const seen = ((await chat.messages(id, 1)).body.messages as Msg[]).some((m) => m.text === 'I am still here!');
      return { late, seen, metrics: await (await fetch(`${b.url}/metrics`)).text() };
    } finally {
      await bot.close();
    }
  }

  it('is refused with 409 once an agent holds the chat (the SDK throws, the bot knows), and the customer does not see it', async () => {
    const { late, seen, metrics } = await lateMessage({}, 'Vic');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('HandoverInProgress');
    expect(seen).toBe(false);
    expect(metrics).toMatch(/parley_bot_activities_total\{type="message",result="refused_during_handover"\} 1/);
  });

  it('is shown with BOT_DURING_HANDOVER=show', async () => {
    const { late, seen, metrics } = await lateMessage({ bot: { duringHandover: 'show' } }, 'Wes');
    expect(late.status).toBe(200);
    expect(seen).toBe(true);
    expect(metrics).toMatch(/parley_bot_activities_total\{type="message",result="shown_during_handover"\} 1/);
  });
});
