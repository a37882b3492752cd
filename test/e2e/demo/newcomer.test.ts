// What a newcomer does: `npm start` (the real script, every part a real process, any free ports),
// then in a browser chat with the bot, ask for a human, get an answer from the agent console; the
// same from the webview page in a phone profile; Ctrl-C stops everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { devices, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../../support/browser';
import { agentClient, eventually } from '../../support/emulator';
import { fileTempDir, tempRoot } from '../../support/temp';

let demo: ChildProcess;
let output = '';
const LABELS = {
  shop: 'shop, chat with an agent',
  bot: 'shop, a bot first',
  webview: 'webview page, chat with an agent',
  webviewBot: 'webview page, a bot first',
  playground: 'bus playground',
  agent: 'agent console',
  emulator: 'contact-center emulator',
  bridge: 'bot bridge',
  demoBot: 'demo bot',
} as const;
let urls: Record<keyof typeof LABELS, string>;
let browser: Browser;
const storeDir = fileTempDir('parley-demo-');

beforeAll(async () => {
  demo = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
    env: {
      ...process.env,
      EMULATOR_PORT: '0',
      BOT_PORT: '0',
      BRIDGE_PORT: '0',
      SITE_PORT: '0',
      BRIDGE_STORE: `sqlite:${join(storeDir, 'bridge.db')}`,
      // What the parts keep in the temp folder (tsx's cache) goes with the run's folder.
      TMPDIR: tempRoot(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await eventually(() => expect(output).toContain('Press Ctrl-C to stop everything.'), { timeoutMs: 120_000, intervalMs: 200 });
  // The URLs as printed for the newcomer (only the block after the parts' own log lines).
  const printed = output.slice(output.indexOf('Parley demo is running:'));
  const find = (label: string) => {
    const match = new RegExp(`^  ${label}\\s+(http://\\S+)$`, 'm').exec(printed);
    if (!match) throw new Error(`npm start printed no URL for "${label}":\n${printed}`);
    return match[1]!;
  };
  urls = Object.fromEntries(Object.entries(LABELS).map(([name, label]) => [name, find(label)])) as typeof urls;

  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGKILL');
  }
});

/** Fills the pre-chat form when the chat script has one. */
async function startChat(page: Page, name: string) {
  await page.locator('parley-chat form, parley-chat #message-field').first().waitFor({ timeout: 15_000 });
  if (await page.locator('parley-chat form').count()) {
    await page.locator('parley-chat input[name=name]').fill(name);
    await page.locator('parley-chat form button[type=submit]').click();
  }
}

async function botChat(page: Page) {
  const field = page.locator('parley-chat #message-field');
  await field.waitFor({ timeout: 15_000 });
  await expect.poll(() => page.locator('parley-chat .chat-incoming-msg').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await field.fill('When are you open?');
  await field.press('Enter');
  await expect.poll(() => page.locator('parley-chat .message-history').textContent(), { timeout: 15_000 }).toContain('Monday to Friday');
  await field.fill('I would like to talk to an agent please');
  await field.press('Enter');
  const agent = agentClient(urls.emulator);
  const handed = await eventually(
    async () => {
      const found = (await agent.list()).find((i) => i.source === 'chat-gateway' && i.state === 'queued');
      expect(found).toBeDefined();
      return found;
    },
    { timeoutMs: 20_000 },
  );
  expect(handed.history.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['When are you open?']));
  return handed;
}

it('runs the demo: the bot answers, hands over, and the agent answers in the console', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(urls.bot);
  await page.locator('parley-chat .launcher').click();
  await startChat(page, 'Newcomer');
  const handed = await botChat(page);

  // The agent uses the console page, as a person would.
  const console = await (await browser.newContext()).newPage();
  await console.goto(urls.agent);
  await console.getByLabel('Your name').fill('Kristi');
  await console.getByRole('button', { name: 'Sign in' }).click();
  await console.locator(`[data-interaction-id="${handed.id}"]`).click();
  await console.getByText('When are you open?').first().waitFor();
  await console.getByRole('button', { name: 'Accept' }).click();
  await console.getByLabel('Reply').fill('Hi, Kristi here. How can I help?');
  await console.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => page.locator('parley-chat .message-history').textContent(), { timeout: 15_000 }).toContain('Hi, Kristi here. How can I help?');
  await context.close();
}, 120_000);

it('does the same from the webview page in a phone profile', async () => {
  const { defaultBrowserType: _unused, ...pixel } = devices['Pixel 7'] as (typeof devices)['Pixel 7'] & { defaultBrowserType?: string };
  const context = await browser.newContext(pixel);
  const page = await context.newPage();
  // The bot-first webview URL exactly as npm start printed it.
  await page.goto(urls.webviewBot);
  await startChat(page, 'Phone');
  const handed = await botChat(page);
  const agent = agentClient(urls.emulator);
  await agent.accept(handed.id, 'agent-bo', 'Bo');
  await agent.say(handed.id, 'Hello from the agent console');
  await expect.poll(() => page.locator('parley-chat .message-history').textContent(), { timeout: 15_000 }).toContain('Hello from the agent console');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
  await context.close();
}, 120_000);

it('prints both webview pages and links them from the shop', async () => {
  expect(new URL(urls.webview).pathname).toBe('/webview.html');
  expect(new URL(urls.webviewBot).pathname + new URL(urls.webviewBot).search).toBe('/webview.html?via=bot');
  const page = await browser.newPage();
  for (const url of [urls.shop, urls.bot, urls.playground]) {
    await page.goto(url);
    const nav = page.getByRole('navigation', { name: 'Demo pages' });
    expect(await nav.getByRole('link', { name: 'Webview page (agent chat)' }).getAttribute('href')).toBe('/webview.html');
    expect(await nav.getByRole('link', { name: 'Webview page with a bot first' }).getAttribute('href')).toBe('/webview.html?via=bot');
  }
  await page.close();
});

it('stops every part on Ctrl-C, and returns only once all of them have stopped', async () => {
  // Every part answers before Ctrl-C …
  const parts = { emulator: `${urls.emulator}/healthz`, bot: new URL(urls.demoBot).origin, bridge: `${urls.bridge}/healthz`, site: urls.shop };
  for (const url of Object.values(parts)) await fetch(url);
  demo.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
  expect(code).toBe(0);
  expect(output).toContain('[start] stopped');
  // … and none does once npm start has returned: its ports are free.
  for (const [part, url] of Object.entries(parts)) {
    await expect(fetch(url), `${part} (${url}) still answers`).rejects.toThrow();
  }
}, 30_000);
