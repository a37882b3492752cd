// A bot's cards over real HTTP: what a bot posts to the bridge's Bot Connector (every card type
// botbuilder's CardFactory makes, a carousel, suggested actions) is a 200, never a 4xx, and the
// customer gets entries with cards, body and a fallback text; a reply button pressed by the
// customer reaches the bot as an activity with its value; simplifications are counted in /metrics.
import { CardFactory, MessageFactory } from 'botbuilder';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { listenAsBot, startBridge, type RunningBridge } from '../../support/bridge';

type Activity = Record<string, any>;
let emu: RunningEmulator;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
const received: Activity[] = [];
const bot = Fastify();

beforeAll(async () => {
  bot.post('/api/messages', async (request) => {
    received.push(request.body as Activity);
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

/** A new chat, and where its bot replies (from the greeting activity the bridge sent). */
async function newChat() {
  const id = await chat.requestChat({ nickname: `cards-${Math.random().toString(36).slice(2, 8)}` });
  const hello = await eventually(() => {
    const found = received.find(
      (a) => a.type === 'conversationUpdate' && a.channelData?.subject !== undefined && a.recipient && a.from?.name && a.conversation?.id && !seen.has(a.conversation.id),
    );
    if (!found) throw new Error('no greeting yet');
    seen.add(found.conversation.id);
    return found;
  });
  const reply = (activity: object) =>
    http(`${hello.serviceUrl}v3/conversations/${encodeURIComponent(hello.conversation.id)}/activities`, {
      method: 'POST',
      json: { ...activity, from: { id: 'bot', name: 'Bot' } },
    });
  return { id, conversationId: hello.conversation.id as string, reply };
}
const seen = new Set<string>();

const textEntries = async (id: string) => ((await chat.messages(id, 1)).body.messages as Activity[]).filter((m) => m.type === 'Text');
async function lastBotEntry(id: string, count: number) {
  return eventually(async () => {
    const list = (await textEntries(id)).filter((m) => m.from.type === 'External');
    if (list.length < count) throw new Error(`only ${list.length} bot entries`);
    return list[count - 1]!;
  });
}

describe('cards from the bot', () => {
  it('every card type 06.using-cards sends is taken (200) and reaches the customer as cards with a fallback text', async () => {
    const { id, reply } = await newChat();
    const cards = [
      CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.0', body: [{ type: 'TextBlock', text: 'Adaptive', weight: 'bolder' }] }),
      CardFactory.animationCard('Animation', [{ url: 'https://i.example/a.gif' }]),
      CardFactory.audioCard('Audio', ['https://m.example/a.wav']),
      CardFactory.heroCard('Hero', ['https://x.example/h.jpg'], [{ type: 'openUrl', title: 'Get started', value: 'https://docs.example/' }]),
      CardFactory.oauthCard('conn', 'Sign In', 'OAuth'),
      CardFactory.receiptCard({ title: 'Receipt', total: '$1' } as never),
      CardFactory.signinCard('Sign in', 'https://login.example/', 'Signin'),
      CardFactory.thumbnailCard('Thumbnail'),
      CardFactory.videoCard('Video', [{ url: 'https://v.example/v.mp4' }]),
    ];
    let n = 0;
    for (const card of cards) {
      const r = await reply({ type: 'message', attachments: [card] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const entry = await lastBotEntry(id, ++n);
      expect(entry.cards).toHaveLength(1);
      expect(entry.body).toBe('');
      expect(entry.text.length).toBeGreaterThan(0);
    }
    const hero = await lastBotEntry(id, 4);
    expect(hero.cards[0]).toEqual({
      title: 'Hero',
      images: [{ url: 'https://x.example/h.jpg', alt: 'Hero' }],
      buttons: [{ type: 'openUrl', title: 'Get started', value: 'https://docs.example/' }],
    });
    expect(hero.quickReplies).toBeUndefined();
    const carousel = await reply({ ...MessageFactory.carousel(cards), text: '' });
    expect(carousel.status).toBe(200);
    const all = await lastBotEntry(id, ++n);
    expect(all.layout).toBe('carousel');
    expect(all.cards.map((c: Activity) => c.title ?? c.text)).toEqual([
      'Adaptive',
      'Animation',
      'Audio',
      'Hero',
      'OAuth\n(Signing in is not available in this chat.)',
      'Receipt',
      'Signin',
      'Thumbnail',
      'Video',
    ]);
    expect(all.text).toContain('Get started: https://docs.example/');
  });

  it('a text with suggested actions keeps its quick replies, and a plain text has no body or cards', async () => {
    const { id, reply } = await newChat();
    expect((await reply(MessageFactory.suggestedActions(['Red', 'Blue'], 'Colour?'))).status).toBe(200);
    const entry = await lastBotEntry(id, 1);
    expect(entry).toMatchObject({
      text: 'Colour?',
      quickReplies: [
        { title: 'Red', payload: 'Red' },
        { title: 'Blue', payload: 'Blue' },
      ],
    });
    expect(entry.body).toBeUndefined();
    expect(entry.cards).toBeUndefined();
  });

  it('a reply button pressed by the customer reaches the bot as a message with the button’s value', async () => {
    const { id, conversationId, reply } = await newChat();
    await reply({
      type: 'message',
      attachments: [CardFactory.adaptiveCard({ type: 'AdaptiveCard', body: [], actions: [{ type: 'Action.Submit', title: 'Medium', data: { size: 'M' } }] })],
    });
    const entry = await lastBotEntry(id, 1);
    const button = entry.cards[0].buttons[0];
    expect(button).toEqual({ type: 'reply', title: 'Medium', value: { size: 'M' } });
    expect((await chat.operation(id, { operationName: 'SendMessage', text: button.title, value: button.value })).status).toBe(200);
    const got = await eventually(() => {
      const found = received.find((a) => a.type === 'message' && a.conversation?.id === conversationId);
      if (!found) throw new Error('the bot got nothing yet');
      return found;
    });
    expect(got).toMatchObject({ text: 'Medium', value: { size: 'M' } });
  });

  it('what could not be shown is counted in /metrics; an empty message is still refused with a clear 400', async () => {
    const { reply } = await newChat();
    expect((await reply({ type: 'message', attachments: [{ contentType: 'application/vnd.contoso.x', content: {} }] })).status).toBe(200);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_bot_card_simplifications_total\{kind="unknown-card"\} [1-9]/);
    const empty = await reply({ type: 'message' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/needs text/);
  });
});
