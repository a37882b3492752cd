// The details customers expect: unread badge, one chime across tabs, the "new messages" jump,
// quick replies from a bot, timestamps, and the chat log saved as a file.
import type { BrowserContext } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let context: BrowserContext;

/** Counts the oscillators the widget starts (a chime is two tones). */
const countSounds = () => {
  (window as any).tones = 0;
  const original = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    (window as any).tones++;
    return original.call(this);
  };
};

// Plain polling (LONG_POLL=0, as the vendor's servers): the quick-reply test rewrites GetMessages
// answers from the moment it routes them, which a long-poll already held would slip past.
const env = widgetEnvironment({ longPollMaxWaitS: 0 });
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
});
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  context = await env.browser.newContext({ reducedMotion: 'reduce', acceptDownloads: true });
  await context.addInitScript(countSounds);
});
afterEach(() => context?.close());

async function chatWithAgent() {
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id);
  await expect.poll(() => widget.lines()).toContain('You are now chatting with Kristi.');
  return { page, widget, agent, chatId: chat.id as string };
}

it('counts unread messages on the launcher in every tab, chimes once, and clears when read', async () => {
  const { page, widget, agent, chatId } = await chatWithAgent();
  const second = await context.newPage();
  await second.goto(`${env.site.url}/`);
  const other = new WidgetPage(second);
  await second.waitForFunction(() => (window as any).bus);
  await other.recordEvents(['chat:unread-changed']);
  await page.locator('parley-chat .control.close').click(); // minimize
  await expect.poll(() => widget.window.count()).toBe(0);
  const tones = async () => [await page.evaluate(() => (window as any).tones as number), await second.evaluate(() => (window as any).tones as number)];
  await agent.say(chatId, 'Are you there?');
  for (const w of [widget, other]) await expect.poll(() => w.page.locator('parley-chat .badge').textContent(), { timeout: 10_000 }).toBe('1');
  // One chime (two tones), in one tab only.
  await expect.poll(async () => (await tones()).reduce((a, b) => a + b)).toBe(2);
  await agent.say(chatId, 'Hello?');
  for (const w of [widget, other]) await expect.poll(() => w.page.locator('parley-chat .badge').textContent(), { timeout: 10_000 }).toBe('2');
  expect(await widget.launcher.getAttribute('aria-label')).toBe('Open chat (2 unread)');
  // A second message chimes again or not (within 3 s of the first it does not), but never in both tabs.
  expect(Math.min(...(await tones()))).toBe(0);
  await widget.launcher.click();
  for (const w of [widget, other]) await expect.poll(() => w.page.locator('parley-chat .badge').count()).toBe(0);
  expect((await other.events()).map((e) => e.data.count)).toEqual(expect.arrayContaining([2, 0]));
});

it('stays silent when the page turns the sound off', async () => {
  const { page, widget, agent, chatId } = await chatWithAgent();
  await page.evaluate(() => (window as any).chatApp.setNotificationSoundToggle(false));
  await page.locator('parley-chat .control.close').click();
  await agent.say(chatId, 'Quiet please');
  await expect.poll(() => widget.page.locator('parley-chat .badge').textContent(), { timeout: 10_000 }).toBe('1');
  expect(await page.evaluate(() => (window as any).tones)).toBe(0);
});

it('offers a jump to new messages when the customer has scrolled up', async () => {
  const { page, agent, chatId } = await chatWithAgent();
  for (let i = 0; i < 25; i++) await agent.say(chatId, `Line ${i} of a long answer`);
  await expect.poll(() => new WidgetPage(page).lines(), { timeout: 10_000 }).toContain('Kristi: Line 24 of a long answer');
  const log = page.locator('parley-chat .message-history');
  await log.evaluate((el) => (el.scrollTop = 0));
  await expect.poll(() => page.locator('parley-chat .jump').count()).toBe(0);
  await agent.say(chatId, 'Something new');
  const jump = page.locator('parley-chat .jump');
  await jump.waitFor({ timeout: 10_000 });
  await jump.click();
  await expect.poll(() => log.evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight))).toBeLessThan(5);
  await expect.poll(() => jump.count()).toBe(0);
});

it('shows when each message was sent, and saves the log as a text file after the end', async () => {
  const { page, widget, agent, chatId } = await chatWithAgent();
  await agent.say(chatId, 'Your order ships today');
  await widget.send('Thank you!');
  await expect.poll(() => widget.lines()).toContain('You: Thank you!');
  const times = await page.locator('parley-chat time.timestamp').evaluateAll((els) => els.map((e) => [e.getAttribute('datetime'), e.textContent]));
  expect(times.length).toBeGreaterThanOrEqual(2);
  for (const [iso, text] of times) {
    expect(new Date(iso!).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(text).toMatch(/\d{1,2}:\d{2}/);
  }
  await widget.publish('chat:end');
  await page.locator('parley-chat .confirm-close button.primary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('parley-chat .log-actions button').first().click()]);
  expect(download.suggestedFilename()).toMatch(/^chat-\d{4}-\d{2}-\d{2}\.txt$/);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text).toContain('Chat Log');
  expect(text).toContain('Kristi: Your order ships today');
  expect(text).toContain('You: Thank you!');
  expect(text).toContain('Chat session has been ended.');
});

it('shows a bot\u2019s suggested actions as quick replies and sends the chosen one', async () => {
  // The emulator has no bot; the widget reads quickReplies on any incoming message (the bridge sends them).
  const { page, widget, agent, chatId } = await chatWithAgent();
  await page.route('**/messages?index=*', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    for (const m of body.messages)
      if (m.type === 'Text' && m.text === 'Pick one')
        m.quickReplies = [
          { title: 'Opening hours', payload: 'hours' },
          { title: 'Order status', payload: 'order status' },
        ];
    await route.fulfill({ response, json: body });
  });
  await agent.say(chatId, 'Pick one');
  await page.getByRole('button', { name: 'Order status' }).click();
  await eventually(async () => expect((await agent.transcript(chatId)).messages.map((m: any) => m.text)).toContain('order status'));
  await expect.poll(() => page.getByRole('button', { name: 'Order status' }).count()).toBe(0);
  expect(await widget.lines()).toContain('You: order status');
});
