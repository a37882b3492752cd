// The 401 case, with Microsoft's unmodified 02.echo-bot: run with a (dummy) MicrosoftAppId and
// password, as every bot registered on Azure is, it refuses the Bot Connector channel, and the
// bridge says why and what to do, at start (/readyz) and to the customer. The same bot behind the
// demo Direct Line service, the bridge with BOT_TRANSPORT=directline, greets and echoes: without
// credentials, and with a MicrosoftAppId (a managed identity: its token comes from App Service's
// identity endpoint, which the service plays) whose tokens the service signs and the bot verifies.
// The service never checks the bot's credentials; Azure does.
import { createServer } from 'node:net';
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

/** A port free now (the Direct Line service must be known to the bot before either starts). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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

  it('with its MicrosoftAppId kept (a managed identity), behind the Direct Line service playing Microsoft: greets and echoes', async () => {
    const appId = '6f1c0c8e-0000-4000-8000-000000000002';
    const port = await freePort();
    const dlUrl = `http://127.0.0.1:${port}`;
    // The bot checks the tokens it gets and gets its own, as on Azure; only where Microsoft is differs.
    const bot = await startSample('02.echo-bot', {
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: '6f1c0c8e-0000-4000-8000-0000000000aa',
      ToBotFromChannelOpenIdMetadataUrl: `${dlUrl}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: `${dlUrl}/`,
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: `${dlUrl}/v1/.well-known/openidconfiguration`,
      IDENTITY_ENDPOINT: `${dlUrl}/msi/token`,
      IDENTITY_HEADER: 'demo-identity-header',
    });
    running.push(bot);
    const dl = await startDirectLineProcess({ DIRECTLINE_PORT: String(port), BOT_ENDPOINT: bot.endpoint, DIRECTLINE_BOT_APP_ID: appId });
    running.push(dl);
    const bridge = await startBridgeProcess({
      GATEWAY_URL: emulator.url,
      BRIDGE_STORE: 'sqlite::memory:',
      BOT_TRANSPORT: 'directline',
      DIRECT_LINE_URL: dl.url,
      DIRECT_LINE_SECRET: DEMO_SECRET,
    });
    running.push(bridge);
    const chat = chatClient(bridge.url);
    const id = await chat.requestChat({ nickname: 'Ivy' });
    const botSays = async () => ((await chat.messages(id, 1)).body.messages as Msg[]).filter((m) => m.type === 'Text' && m.from.type === 'External').map((m) => m.text);
    await eventually(async () => expect(await botSays()).toEqual(['Hello and welcome!']), { timeoutMs: 20_000 });
    await chat.send(id, 'hello?', 'ivy-1');
    await eventually(async () => expect(await botSays()).toEqual(['Hello and welcome!', 'Echo: hello?']), { timeoutMs: 20_000 });
  }, 90_000);

  it('refuses the Direct Line service when it sends no token (the check is real)', async () => {
    const appId = '6f1c0c8e-0000-4000-8000-000000000003';
    const port = await freePort();
    const dlUrl = `http://127.0.0.1:${port}`;
    const bot = await startSample('02.echo-bot', {
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: '6f1c0c8e-0000-4000-8000-0000000000aa',
      ToBotFromChannelOpenIdMetadataUrl: `${dlUrl}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: `${dlUrl}/`,
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      IDENTITY_ENDPOINT: `${dlUrl}/msi/token`,
      IDENTITY_HEADER: 'demo-identity-header',
    });
    running.push(bot);
    // Without DIRECTLINE_BOT_APP_ID the service sends no token.
    const dl = await startDirectLineProcess({ DIRECTLINE_PORT: String(port), BOT_ENDPOINT: bot.endpoint });
    running.push(dl);
    const generated = (await (await fetch(`${dl.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_SECRET}` } })).json()) as {
      token: string;
    };
    const started = (await (await fetch(`${dl.url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${generated.token}` } })).json()) as {
      conversationId: string;
    };
    const posted = await fetch(`${dl.url}/v3/directline/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hi', from: { id: 'probe-user' } }),
    });
    const answer = await posted.text();
    expect(`${posted.status} ${answer}`).toMatch(/^502 .*returned 401/);
  }, 90_000);
});
