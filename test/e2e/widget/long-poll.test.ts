// The widget in Chromium on a long-poll server and on a plain one: it long-polls only where GetChat
// advertises it (the emulator by default, the bridge) and polls as before where not (LONG_POLL=0);
// a long-poll cut mid-wait and a bridge restarted mid-wait are resumed from the index, and every
// message shows once.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_SCRIPT } from '../../../bot-bridge/config';
import { startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { CC_ID, agentClient, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { fileTempDir } from '../../support/temp';
import { widgetEnvironment } from '../../support/widget-env';
import { WidgetPage } from './widget-page';

const env = widgetEnvironment();
const storeDir = fileTempDir('long-poll-e2e-');
let context: BrowserContext;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  context = await env.browser.newContext();
});
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});
afterAll(async () => {
  await context?.close();
});

interface Watched {
  page: Page;
  widget: WidgetPage;
  /** Every GetMessages the page made: its waitSeconds (null: a plain poll). */
  polls: (string | null)[];
  /** GetMessages sent and not answered yet. */
  open: Set<string>;
}

/** A page of the site at `path` whose chat API is `domain`, its GetMessages watched. */
async function openSite(path: string, domain: string): Promise<Watched> {
  env.site.pages.set(path, { body: snippetPage({ domain, contactCenterId: CC_ID }) });
  const page = await context.newPage();
  closing.push(() => page.close());
  const polls: (string | null)[] = [];
  const open = new Set<string>();
  page.on('request', (request) => {
    if (request.method() !== 'GET' || !/\/messages\?/.test(request.url())) return;
    polls.push(new URL(request.url()).searchParams.get('waitSeconds'));
    open.add(request.url() + polls.length);
    const done = () => open.delete(request.url() + polls.length);
    void request.response().then(done, done);
  });
  page.on('requestfailed', () => open.clear());
  await page.goto(`${env.site.url}${path}`);
  return { page, widget: new WidgetPage(page), polls, open };
}

const noPreChat = (emu: RunningEmulator) => emu.app.inject({ method: 'POST', url: '/emulator/api/control', payload: { chatScript: { preChat: { enabled: false, fields: [] } } } });
const count = (lines: string[], line: string) => lines.filter((l) => l === line).length;

async function chatWithAgent(emu: RunningEmulator, site: Watched) {
  await noPreChat(emu);
  await site.widget.launcher.click();
  const agent = agentClient(emu.url);
  const chat = await eventually(async () => {
    const [found] = (await agent.list()).filter((i: { state: string }) => i.state !== 'ended');
    expect(found).toBeDefined();
    return found;
  });
  await agent.accept(chat.id);
  await expect.poll(() => site.widget.lines(), { timeout: 10_000 }).toContain('You are now chatting with Kristi.');
  return { agent, id: chat.id as string };
}

describe('the widget', () => {
  it('long-polls a server that advertises it, and shows the agent’s reply', async () => {
    const site = await openSite('/lp', env.emu.url);
    const { agent, id } = await chatWithAgent(env.emu, site);
    await expect.poll(() => site.polls.includes('25'), { timeout: 10_000 }).toBe(true);
    await agent.say(id, 'Instant hello');
    await expect.poll(() => site.widget.lines(), { timeout: 10_000 }).toContain('Kristi: Instant hello');
    await agent.leave(id);
  });

  it('polls plainly (no waitSeconds) a server that does not advertise it (LONG_POLL=0)', async () => {
    const plain = await startEmulator({ longPollMaxWaitS: 0 });
    closing.push(() => plain.close());
    const site = await openSite('/plain', plain.url);
    const { agent, id } = await chatWithAgent(plain, site);
    await agent.say(id, 'Plain hello');
    await expect.poll(() => site.widget.lines(), { timeout: 10_000 }).toContain('Kristi: Plain hello');
    expect(site.polls.length).toBeGreaterThan(0);
    expect(site.polls.every((wait) => wait === null)).toBe(true);
  });

  it('resumes a long-poll cut mid-wait from the index: the message shows, once', async () => {
    const emu = await startEmulator();
    closing.push(() => emu.close());
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(emu.url).port) });
    closing.push(() => proxy.close());
    const site = await openSite('/cut', proxy.url);
    const { agent, id } = await chatWithAgent(emu, site);
    await expect.poll(() => site.open.size > 0 && site.polls.at(-1) === '25', { timeout: 10_000 }).toBe(true);
    expect(proxy.cut()).toBeGreaterThan(0);
    await agent.say(id, 'After the cut');
    await expect.poll(() => site.widget.lines(), { timeout: 20_000 }).toContain('Kristi: After the cut');
    await agent.say(id, 'And after that');
    await expect.poll(() => site.widget.lines(), { timeout: 20_000 }).toContain('Kristi: And after that');
    const lines = await site.widget.lines();
    expect(count(lines, 'Kristi: After the cut')).toBe(1);
    expect(count(lines, 'Kristi: And after that')).toBe(1);
  });

  it('backs off and resumes when the bridge restarts mid-wait: the bot’s replies show, once', async () => {
    const emu = await startEmulator();
    closing.push(() => emu.close());
    const bot = await startBot();
    closing.push(() => bot.close());
    const config = {
      store: `sqlite:${storeDir}/bridge.db`,
      gateway: { url: emu.url },
      bot: { endpoint: bot.endpoint },
      chatScript: { ...DEFAULT_CHAT_SCRIPT, preChat: { enabled: false, fields: [] } },
    };
    let bridge: RunningBridge = await startBridge(config);
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(bridge.url).port) });
    closing.push(() => proxy.close());
    const site = await openSite('/bridge', proxy.url);
    await site.widget.launcher.click();
    await expect.poll(() => site.polls.includes('25'), { timeout: 15_000 }).toBe(true);
    await site.widget.send('hello');
    await expect.poll(async () => (await site.widget.lines()).length, { timeout: 15_000 }).toBeGreaterThan(2);
    await expect.poll(() => site.open.size > 0 && site.polls.at(-1) === '25', { timeout: 10_000 }).toBe(true);
    const before = site.polls.length;

    await bridge.close();
    // The same store file: the chat goes on where it was.
    bridge = await startBridge(config);
    closing.push(() => bridge.close());
    proxy.target = { host: '127.0.0.1', port: Number(new URL(bridge.url).port) };
    await site.widget.send('opening hours');
    await expect.poll(() => site.widget.lines().then((l) => l.filter((x) => /same hours/.test(x)).length), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(site.polls.length).toBeGreaterThan(before);
    const lines = await site.widget.lines();
    expect(lines.filter((l) => l.startsWith('You: opening hours'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('You: hello'))).toHaveLength(1);
    expect(lines.filter((l) => /same hours/.test(l))).toHaveLength(1);
  });
});
