// Microsoft's samples 02.echo-bot, 03.welcome-users, 05.multi-turn-prompt and 08.suggested-actions,
// unmodified, as real processes through the bridge (and the emulated contact center) to a customer
// on the Customer Chat API: what the customer gets, and that no bot turn errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../support/emulator';
import { customer, sampleRig, type SampleRig } from './conversation';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe('02.echo-bot', () => {
  let rig: SampleRig;
  beforeAll(async () => {
    rig = await sampleRig('02.echo-bot', emu.url);
  });
  afterAll(async () => rig?.close());

  it('welcomes the customer and echoes what they say', async () => {
    const c = await customer(rig, 'Ada');
    await c.botSays(/^Hello and welcome!$/);
    await c.say('Where is my parcel?');
    expect((await c.botSays(/^Echo: /)).text).toBe('Echo: Where is my parcel?');
    await c.noBotErrors();
  });
});

describe('03.welcome-users', () => {
  let rig: SampleRig;
  beforeAll(async () => {
    rig = await sampleRig('03.welcome-users', emu.url);
  });
  afterAll(async () => rig?.close());

  it('welcomes on joining, greets by name on the first message, then answers intro with a hero card', async () => {
    const c = await customer(rig, 'Bea');
    await c.botSays(/Welcome to the 'Welcome User' Bot/);
    await c.say('hello');
    await c.botSays(/first message ever sent to this bot/);
    await c.botSays(/welcome Bea/);
    await c.say('intro');
    const card = await c.botSays(/Welcome to Bot Framework!/);
    expect(card.cards).toHaveLength(1);
    expect(card.cards![0]!.buttons.map((b: { type: string }) => b.type)).toEqual(['openUrl', 'openUrl', 'openUrl']);
    expect(card.cards![0]!.images[0].url).toMatch(/^https:\/\//);
    await c.noBotErrors();
  });
});

describe('05.multi-turn-prompt', () => {
  let rig: SampleRig;
  beforeAll(async () => {
    rig = await sampleRig('05.multi-turn-prompt', emu.url);
  });
  afterAll(async () => rig?.close());

  it('every ChoicePrompt and ConfirmPrompt is buttons (quick replies), and the whole dialog runs', async () => {
    const c = await customer(rig, 'Cai');
    await c.say('hi');
    const transport = await c.botSays(/mode of transport/);
    expect(transport.text).toBe('Please enter your mode of transport.');
    expect(transport.quickReplies!.map((q) => q.title)).toEqual(['Car', 'Bus', 'Bicycle']);
    await c.say(transport.quickReplies![1]!.payload);
    await c.botSays(/Please enter your name/);
    await c.say('Cai');
    await c.botSays(/^Thanks Cai\.$/);
    const age = await c.botSays(/Do you want to give your age/);
    expect(age.text).not.toMatch(/\(1\)/);
    expect(age.quickReplies!.map((q) => q.title)).toEqual(['Yes', 'No']);
    await c.say(age.quickReplies![0]!.payload);
    await c.botSays(/Please enter your age/);
    await c.say('42');
    await c.botSays(/I have your age as 42/);
    await c.botSays(/Please attach a profile picture/);
    await c.say('skip');
    await c.botSays(/No attachments received/);
    await c.botSays(/I have your mode of transport as Bus and your name as Cai and your age as 42/);
    const okay = await c.botSays(/Is this okay\?/);
    expect(okay.quickReplies!.map((q) => q.title)).toEqual(['Yes', 'No']);
    await c.say('Yes');
    await c.botSays(/Your profile saved successfully/);
    await c.noBotErrors();
  });
});

describe('08.suggested-actions', () => {
  let rig: SampleRig;
  beforeAll(async () => {
    rig = await sampleRig('08.suggested-actions', emu.url);
  });
  afterAll(async () => rig?.close());

  it('offers the colours as quick replies and agrees with the pick', async () => {
    const c = await customer(rig, 'Dev');
    const welcome = await c.botSays(/What is the best color\?/);
    expect(welcome.quickReplies!.map((q) => q.title)).toEqual(['Red', 'Yellow', 'Blue']);
    await c.say(welcome.quickReplies![2]!.payload);
    await c.botSays(/I agree, Blue is the best color\./);
    const again = await c.botSays(/What is the best color\?/);
    expect(again.quickReplies).toHaveLength(3);
    await c.say('Purple');
    await c.botSays(/Please select a color\./);
    await c.noBotErrors();
  });
});
