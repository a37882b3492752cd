// Microsoft's 06.using-cards, unmodified, through the bridge to a customer: each of its ten choices
// (nine card types and "All Cards", a carousel of all nine) reaches the customer as cards with a
// fallback text, never as "The bot encountered an error"; then a handover, and what the agent sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { customer, sampleRig, type SampleRig } from './conversation';

let emu: RunningEmulator;
let rig: SampleRig;
beforeAll(async () => {
  emu = await startEmulator();
  rig = await sampleRig('06.using-cards', emu.url);
});
afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

const CHOICES = ['Adaptive Card', 'Animation Card', 'Audio Card', 'OAuth Card', 'Hero Card', 'Receipt Card', 'Signin Card', 'Thumbnail Card', 'Video Card', 'All Cards'];

describe('06.using-cards', () => {
  it('offers its ten choices as quick replies, and every one comes back as cards', async () => {
    const c = await customer(rig, 'Eli');
    await c.botSays(/Welcome to CardBot/);
    await c.say('hi');
    const prompt = await c.botSays(/What card would you like to see/);
    expect(prompt.quickReplies!.map((q) => q.title)).toEqual(CHOICES);
    const got: Record<string, any> = {};
    for (const choice of CHOICES) {
      await c.say(choice);
      const entry = await c.botSays(/./);
      got[choice] = entry;
      expect(entry.cards?.length, `${choice}: ${JSON.stringify(entry)}`).toBeGreaterThan(0);
      expect(entry.body).toBe('');
      expect(entry.text!.length).toBeGreaterThan(0);
      await c.botSays(/Type anything to see another card/);
      await c.say('next');
      await c.botSays(/What card would you like to see/);
    }
    expect(got['Adaptive Card'].cards[0]).toMatchObject({ title: 'Passengers' });
    expect(got['Adaptive Card'].text).toContain('San Francisco SFO · Amsterdam AMS');
    expect(got['Animation Card'].cards[0].media[0]).toMatchObject({ kind: 'animation', url: 'https://i.giphy.com/Ki55RUbOV5njy.gif' });
    expect(got['Audio Card'].cards[0].media[0]).toMatchObject({ kind: 'audio' });
    expect(got['Audio Card'].cards[0].buttons[0]).toMatchObject({ type: 'openUrl', title: 'Read more' });
    expect(got['OAuth Card'].cards[0].text).toContain('BotFramework OAuth Card');
    expect(got['Hero Card'].cards[0]).toMatchObject({
      title: 'BotFramework Hero Card',
      images: [{ url: expect.stringMatching(/^https:\/\//), alt: 'BotFramework Hero Card' }],
      buttons: [{ type: 'openUrl', title: 'Get started', value: 'https://docs.microsoft.com/en-us/azure/bot-service/' }],
    });
    expect(got['Hero Card'].quickReplies).toBeUndefined();
    expect(got['Receipt Card'].cards[0].facts).toContainEqual({ title: 'Total', value: '$90.95' });
    expect(got['Signin Card'].cards[0].buttons[0]).toEqual({ type: 'openUrl', title: 'BotFramework Sign in Card', value: 'https://login.microsoftonline.com/' });
    expect(got['Thumbnail Card'].cards[0].subtitle).toMatch(/wherever your users are talking/);
    expect(got['Video Card'].cards[0].media[0]).toMatchObject({ kind: 'video', url: expect.stringMatching(/\.mp4$/) });
    const all = got['All Cards'];
    expect(all.layout).toBe('carousel');
    expect(all.cards).toHaveLength(9);
    expect(all.text).toContain('BotFramework Hero Card');
    expect(all.text).toContain('Get started: https://docs.microsoft.com/en-us/azure/bot-service/');
    await c.noBotErrors();

    // A handover (as the bot asks for one, at its serviceUrl): the agent reads the cards as lines.
    const session = (await rig.bridge.bridge.sessions.get(c.id))!;
    const initiate = await http(`${rig.bridge.url}/bot/${session.botToken}/v3/conversations/${session.botConversationId}/activities`, {
      method: 'POST',
      json: { type: 'event', name: 'handoff.initiate', value: { Reason: 'Wants a person' }, from: { id: 'bot', role: 'bot' } },
    });
    expect(initiate.status).toBe(200);
    const agent = agentClient(emu.url);
    const interaction = await eventually(async () => {
      const found = (await agent.list()).find((i) => i.customer.name === 'Eli');
      if (!found) throw new Error('no interaction yet');
      return found;
    });
    const history = interaction.history as { authorType: string; text: string }[];
    expect(history).toContainEqual({ authorType: 'user', text: 'Hero Card' });
    expect(history.find((h) => h.authorType === 'bot' && h.text.startsWith('BotFramework Hero Card'))?.text).toContain(
      'Get started: https://docs.microsoft.com/en-us/azure/bot-service/',
    );
    expect(history.find((h) => h.text.startsWith('Passengers'))?.text).toContain('Total');
    expect(history.filter((h) => /What card/.test(h.text)).map((h) => h.text)[0]).toMatch(
      /What card would you like to see\? You can click or type the card name\n\(options: Adaptive Card \| Animation Card/,
    );
    await agent.accept(interaction.id);
    await eventually(async () => expect((await c.chat.chat(c.id)).body.chat.state).toBe('Chatting'));
    // The sample, told nothing of agents, answers the customer no more: the agent does.
    await c.say('Hello agent');
    await eventually(async () => expect((await agent.transcript(interaction.id)).messages.map((m: { text?: string }) => m.text)).toContain('Hello agent'));
  });
});
