// The 401 case, with Microsoft's unmodified 02.echo-bot: run with a (dummy) MicrosoftAppId and
// password, as every bot registered on Azure is, it refuses the Bot Connector channel, and the
// bridge says why and what to do, at start (/readyz) and to the customer. The same bot behind the
// demo Direct Line service, the bridge with BOT_TRANSPORT=directline, greets and echoes. (The demo
// service plays Microsoft's role without authenticating either side, so there the bot runs without
// credentials; on Azure the real service authenticates it.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatClient, eventually } from '../../support/emulator';
import { DEMO_SECRET } from '../../support/directline';
import { startSample, type RunningSample } from '../../support/directline-samples';
import { startBridgeProcess, startDirectLineProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';

let emulator: Running;
const running: (Running | RunningSample)[] = [];

beforeAll(async () => {
  emulator = await startEmulatorProcess();
});
afterAll(async () => {
  await stopAll(...(running as Running[]), emulator);
});

type Msg = { type: string; text?: string; from: { type: string }; notice?: { event?: string } };
type Ready = { ok: boolean; bot: { ok: boolean; transport: string; detail: string; hint?: string } };
const readyz = async (url: string) => (await (await fetch(`${url}/readyz`)).json()) as Ready;

describe('a bot with Microsoft credentials', () => {
  it('over the Bot Connector channel: the bridge says it refuses, and to use Direct Line', async () => {
    const bot = await startSample('02.echo-bot', {
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppId: '6f1c0c8e-0000-4000-8000-000000000001',
      MicrosoftAppPassword: 'dummy-password',
    });
    running.push(bot);
    const bridge = await startBridgeProcess({ GATEWAY_URL: emulator.url, BOT_ENDPOINT: bot.endpoint, BRIDGE_STORE: 'sqlite::memory:' });
    running.push(bridge);

    const ready = await eventually(
      async () => {
        const body = await readyz(bridge.url);
        if (body.bot.ok) throw new Error('not checked yet');
        return body;
      },
      { timeoutMs: 15_000 },
    );
    // Ready all the same: the customers still get their notices and agents.
    expect(ready.ok).toBe(true);
    expect(ready.bot).toMatchObject({ ok: false, transport: 'bot-connector', detail: expect.stringMatching(/answered HTTP 401/) });
    expect(ready.bot.hint).toMatch(/this bot has MicrosoftAppId set; use BOT_TRANSPORT=directline/);

    // The customer is told the assistant is not available (the welcome did not happen).
    const chat = chatClient(bridge.url);
    const id = await chat.requestChat({ nickname: 'Ivy' });
    await chat.send(id, 'hello?', 'ivy-1');
    await eventually(
      async () => expect(((await chat.messages(id, 1)).body.messages as Msg[]).some((m) => m.type === 'Notice' && m.notice?.event === 'bot-unavailable')).toBe(true),
      { timeoutMs: 15_000 },
    );
  }, 90_000);

  it('the same bot behind Direct Line: greets and echoes', async () => {
    const bot = await startSample('02.echo-bot');
    running.push(bot);
    const dl = await startDirectLineProcess({ BOT_ENDPOINT: bot.endpoint });
    running.push(dl);
    const bridge = await startBridgeProcess({
      GATEWAY_URL: emulator.url,
      BRIDGE_STORE: 'sqlite::memory:',
      BOT_TRANSPORT: 'directline',
      DIRECT_LINE_URL: dl.url,
      DIRECT_LINE_SECRET: DEMO_SECRET,
    });
    running.push(bridge);
    await eventually(async () => expect((await readyz(bridge.url)).bot).toMatchObject({ ok: true, transport: 'directline' }), { timeoutMs: 15_000 });

    const chat = chatClient(bridge.url);
    const id = await chat.requestChat({ nickname: 'Ivy' });
    const botSays = async () => ((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Text' && m.from.type === 'External').map((m) => m.text);
    await eventually(async () => expect(await botSays()).toEqual(['Hello and welcome!']), { timeoutMs: 15_000 });
    await chat.send(id, 'hello?', 'ivy-1');
    await eventually(async () => expect(await botSays()).toEqual(['Hello and welcome!', 'Echo: hello?']), { timeoutMs: 15_000 });
  }, 90_000);
});
