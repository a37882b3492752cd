// Only the bot can speak in a chat: its activities are taken only at the serviceUrl the bridge gave
// it for that conversation, which carries an unguessable per-chat token. Someone who knows (or
// guesses) a conversation id and POSTs an activity without it shows the customer nothing.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { listenAsBot, startBridge, type RunningBridge } from '../../support/bridge';

type Activity = Record<string, any>;
let emu: RunningEmulator;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
const greetings: Activity[] = [];
const bot = Fastify();

beforeAll(async () => {
  bot.post('/api/messages', async (request) => {
    const activity = request.body as Activity;
    if (activity.type === 'conversationUpdate') greetings.push(activity);
    return {};
  });
  const endpoint = await listenAsBot(bot);
  emu = await startEmulator();
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint } });
  chat = chatClient(bridge.url);
});
afterAll(async () => {
  await bridge?.close();
  await emu?.close();
  await bot.close();
});

async function open(nickname: string) {
  const id = await chat.requestChat({ nickname });
  const hello = await eventually(() => greetings.find((g) => g.from?.name === nickname) ?? Promise.reject(new Error('no greeting yet')));
  return { id, conversationId: hello.conversation.id as string, serviceUrl: hello.serviceUrl as string };
}
const say = (base: string, conversationId: string, text: string) =>
  http(`${base}v3/conversations/${conversationId}/activities`, { method: 'POST', json: { type: 'message', text, from: { id: 'bot', name: 'Bot' } } });
const shownTexts = async (id: string) => ((await chat.messages(id, 1)).body.messages as Activity[]).filter((m) => m.type === 'Text').map((m) => m.text);

describe('the bot channel’s serviceUrl', () => {
  it('carries a per-chat token that is not the conversation id, and the bot’s replies there are shown', async () => {
    const a = await open('Sam');
    expect(a.serviceUrl).toMatch(/\/bot\/[\w-]{32}\/$/);
    expect(a.serviceUrl).not.toContain(a.conversationId);
    expect((await say(a.serviceUrl, a.conversationId, 'Hello from the bot')).status).toBe(200);
    await eventually(async () => expect(await shownTexts(a.id)).toContain('Hello from the bot'));
  });

  it('refuses an activity without the token, with a wrong one, or with another chat’s: the customer sees nothing', async () => {
    const a = await open('Tia');
    const b = await open('Uli');
    const forged = [
      await say(`${bridge.url}/`, a.conversationId, 'forged: no token'),
      await say(`${bridge.url}/bot/${'A'.repeat(32)}/`, a.conversationId, 'forged: wrong token'),
      await say(b.serviceUrl, a.conversationId, 'forged: the other chat’s token'),
      await http(`${bridge.url}/v3/conversations/${a.conversationId}/activities/x1`, { method: 'POST', json: { type: 'event', name: 'handoff.initiate', value: {} } }),
    ];
    expect(forged.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(forged[0]!.body.error.code).toBe('Unauthorized');
    expect((await http(`${bridge.url}/v3/conversations/${a.conversationId}/members`)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(await shownTexts(a.id)).toEqual([]);
    expect((await chat.chat(a.id)).body.chat.state).not.toBe('WaitingForAgent');
  });
});
