// botbuilder-dialogs prompts, unmodified, through the bridge: a ChoicePrompt and a ConfirmPrompt
// show as quick replies (botbuilder recognises the channel id the bridge sends as one that shows
// suggested actions), never as the numbered text list "(1) Car, (2) Bus, or (3) Bicycle"; the
// customer's pick is recognised and the dialog goes on.
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { ChoiceFactory, ChoicePrompt, ConfirmPrompt, DialogSet, DialogTurnStatus, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatClient, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { listenAsBot, startBridge, type RunningBridge } from '../../support/bridge';

let emu: RunningEmulator;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;
const bot = Fastify();

beforeAll(async () => {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
  const state = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(state.createProperty('dialogs'));
  dialogs.add(new ChoicePrompt('choice'));
  dialogs.add(new ConfirmPrompt('confirm'));
  dialogs.add(
    new WaterfallDialog('main', [
      async (step: WaterfallStepContext) => step.prompt('choice', { prompt: 'How do you travel?', choices: ChoiceFactory.toChoices(['Car', 'Bus', 'Bicycle']) }),
      async (step: WaterfallStepContext) => {
        await step.context.sendActivity(`You picked ${(step.result as { value: string }).value}.`);
        return step.prompt('confirm', { prompt: 'Is that right?' });
      },
      async (step: WaterfallStepContext) => {
        await step.context.sendActivity(step.result ? 'Confirmed.' : 'Not confirmed.');
        return step.endDialog();
      },
    ]),
  );
  const handler = new ActivityHandler();
  handler.onMessage(async (context, next) => {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog('main');
    await state.saveChanges(context);
    await next();
  });
  bot.post('/api/messages', async (request, reply) => {
    let status = 200;
    const response = {
      status: (code: number) => ((status = code), response),
      header: () => response,
      send: () => response,
      end: () => response,
    };
    await adapter.process(request as never, response as never, (context) => handler.run(context));
    return reply.code(status).send('');
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

type Entry = { type: string; text?: string; from: { type: string }; quickReplies?: { title: string; payload: string }[] };
const botSaid = (id: string, pattern: RegExp) =>
  eventually(
    async () => {
      const found = ((await chat.messages(id, 1)).body.messages as Entry[]).find((m) => m.type === 'Text' && m.from.type === 'External' && pattern.test(m.text ?? ''));
      if (!found) throw new Error(`the bot has not said ${pattern} yet`);
      return found;
    },
    { timeoutMs: 8000 },
  );

describe('botbuilder-dialogs prompts', () => {
  it('a ChoicePrompt and a ConfirmPrompt are quick replies, and picking one moves the dialog on', async () => {
    const id = await chat.requestChat({ nickname: 'Pat' });
    await chat.send(id, 'hi');
    const choice = await botSaid(id, /How do you travel/);
    expect(choice.text).toBe('How do you travel?');
    expect(choice.quickReplies).toEqual([
      { title: 'Car', payload: 'Car' },
      { title: 'Bus', payload: 'Bus' },
      { title: 'Bicycle', payload: 'Bicycle' },
    ]);
    await chat.send(id, choice.quickReplies![1]!.payload);
    await botSaid(id, /You picked Bus/);
    const confirm = await botSaid(id, /Is that right/);
    expect(confirm.text).not.toMatch(/\(1\)/);
    expect(confirm.quickReplies?.map((q) => q.title)).toEqual(['Yes', 'No']);
    await chat.send(id, confirm.quickReplies![0]!.payload);
    await botSaid(id, /^Confirmed\.$/);
  });
});
