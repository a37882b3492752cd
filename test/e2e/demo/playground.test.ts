// The demo site's bus playground (demo/site/public/playground.html), as a reader of the docs uses it:
// the topic buttons publish on the page's bus, the event list shows what the widget publishes back,
// and the widget does what each topic says. The real demo site, served as npm start serves it, in
// front of an emulator on a free port.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { startSite } from '../../../demo/site/server';
import { launchBrowser } from '../../support/browser';
import { CC_ID, agentClient, eventually, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';

let emu: RunningEmulator;
let site: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  emu = await startEmulator();
  // The playground talks straight to the contact center; the bridge is never called.
  site = await startSite({ port: 0, host: '127.0.0.1', emulatorUrl: emu.url, bridgeUrl: 'http://127.0.0.1:9', contactCenterId: CC_ID });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
});
beforeEach(async () => {
  await resetEmulator(emu.url);
  context = await browser.newContext();
  page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${site.url}/playground.html`);
  // onInit ran: the buttons are wired to the bus.
  await page.waitForFunction(() => 'parleyDemo' in window);
});
afterEach(() => context?.close());

/** The playground's event list, oldest first, one line per entry. */
const log = async () => (await page.locator('#events li').allTextContents()).map((line) => line.trim()).reverse();
const publishButton = (topic: string) => page.locator(`button[data-publish="${topic}"]`);

it('publishes each topic from its button, shows the events, and the widget reacts', async () => {
  await expect.poll(log).toContain('chat:ready null');
  // A language the bus refuses: the rule's console warning shows in the list, and nothing changes.
  await page.locator('#language').selectOption('xx');
  await publishButton('chat:set-language').click();
  await expect.poll(log).toEqual(expect.arrayContaining(['publish: chat:set-language "xx"', 'console.warn: Chat language xx is not valid and will be discarded']));

  // A valid language, and the customer info in the field (the page's default value).
  await page.locator('#language').selectOption('pt');
  await publishButton('chat:set-language').click();
  await publishButton('customer:set-info').click();
  const info = { 'First name': 'John', Premium: true, Age: 25 };
  await expect.poll(log).toEqual(expect.arrayContaining(['publish: chat:set-language "pt"', `publish: customer:set-info ${JSON.stringify(info)}`]));

  // chat:trigger-chat-window opens the chat window at once (no pre-chat form) and queues the customer.
  expect(await page.locator('parley-chat #message-field').count()).toBe(0);
  await publishButton('chat:trigger-chat-window').click();
  await page.locator('parley-chat #message-field').waitFor({ state: 'visible', timeout: 15_000 });
  await expect
    .poll(log)
    .toEqual(
      expect.arrayContaining([
        'publish: chat:trigger-chat-window',
        'chat:phase-changed {"from":"closed","to":"chatWindow"}',
        `customer:info-sent ${JSON.stringify({ info, phase: 'chatWindow' })}`,
        expect.stringMatching(/^chat:session-created \{"chatId":"[^"]+"\}$/),
      ]),
    );

  // What the buttons set reached the contact center: the agent sees it, and answers.
  const agent = agentClient(emu.url);
  const chat = await eventually(
    async () => {
      const [found] = await agent.list();
      expect(found).toBeDefined();
      return found;
    },
    { timeoutMs: 10_000 },
  );
  expect(chat.userData).toMatchObject({ 'First name': 'John', Premium: true, Age: 25, $language: 'pt', 'Started by': 'Chat API' });
  await agent.accept(chat.id);
  await agent.say(chat.id, 'Olá John!');
  await expect.poll(() => page.locator('parley-chat .message-history').textContent()).toContain('Olá John!');
  await expect.poll(log).toEqual(expect.arrayContaining([expect.stringMatching(/^chat:message-received \{"message":\{.*"text":"Olá John!"/)]));
  expect(pageErrors).toEqual([]);
});

it('calls the chatApp facade from its buttons, and clears the list', async () => {
  await page.locator('button[data-app="setInvitationQuickReplies"]').click();
  await publishButton('chat:trigger-invitation').click();
  // The invitation shows, with the quick replies the button set.
  await expect.poll(() => page.locator('parley-chat').getByRole('button', { name: 'Returns' }).count()).toBeGreaterThan(0);
  await expect.poll(log).toEqual(expect.arrayContaining(['chatApp: setInvitationQuickReplies(["Sizes", "Returns"])', 'chat:phase-changed {"from":"closed","to":"invitation"}']));
  await page.locator('#clear').click();
  expect(await log()).toEqual([]);
  expect(pageErrors).toEqual([]);
});
