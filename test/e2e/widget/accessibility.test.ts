// WCAG 2.2 AA in every phase (axe-core), light and dark, and a keyboard-only journey.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { audit } from './a11y';
import { WidgetPage } from './widget-page';

let context: BrowserContext;
let page: Page;
let widget: WidgetPage;

const env = widgetEnvironment();
afterEach(() => context?.close());

async function open(language: string, scheme: 'light' | 'dark') {
  await resetEmulator(env.emu.url);
  context = await env.browser.newContext({ colorScheme: scheme, reducedMotion: 'reduce', locale: language === 'ar' ? 'ar' : 'en-US' });
  page = await context.newPage();
  widget = new WidgetPage(page);
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  await page.goto(`${env.site.url}/`);
  await page.waitForFunction(() => (window as any).bus);
  await widget.publish('chat:set-language', language);
}

for (const [language, scheme] of [
  ['en', 'light'],
  ['en', 'dark'],
  ['ar', 'light'],
  ['ar', 'dark'],
] as const) {
  describe(`axe in every phase (${language}, ${scheme})`, () => {
    beforeEach(() => open(language, scheme));

    it('has no violations: launcher, invitation, pre-chat with errors, chat, confirmation, log', async () => {
      const phases: Record<string, string[]> = {};
      await page.waitForTimeout(500);
      phases.closed = await audit(page);
      await widget.publish('chat:trigger-invitation');
      await page.locator('parley-chat .invitation').waitFor();
      phases.invitation = await audit(page);
      await page.locator('parley-chat .invitation button.primary').click();
      await page.locator('parley-chat form').waitFor();
      await page.locator('parley-chat form button[type=submit]').click();
      await page.locator('parley-chat [aria-invalid=true]').first().waitFor();
      phases.preChatErrors = await audit(page);
      await page.locator('parley-chat input[name=name]').fill('Chris');
      await page.locator('parley-chat form button[type=submit]').click();
      await page.locator('parley-chat #message-field').waitFor();
      phases.queued = await audit(page);
      const agent = agentClient(env.emu.url);
      const chat = await agent.onlyChat();
      await agent.accept(chat.id);
      await agent.say(chat.id, 'Hello! See https://example.com/help for details.');
      await page.locator('parley-chat .chat-incoming-msg').waitFor();
      await widget.send('Thanks');
      await page.locator('parley-chat .chat-outgoing-msg').first().waitFor();
      phases.chatting = await audit(page);
      await page.locator('parley-chat .control.end').click();
      await page.locator('parley-chat .confirm-close').waitFor();
      phases.confirm = await audit(page);
      await page.locator('parley-chat .confirm-close button.primary').click();
      await page.locator('parley-chat .log-actions').waitFor();
      phases.log = await audit(page);
      expect(phases).toEqual({ closed: [], invitation: [], preChatErrors: [], queued: [], chatting: [], confirm: [], log: [] });
    });

    it('has no violations in the offline form', async () => {
      await control(env.emu.url, { agentsAvailable: 0 });
      await widget.launcher.click();
      await page.locator('parley-chat form').waitFor();
      await page.locator('parley-chat form button[type=submit]').click();
      await page.locator('parley-chat [aria-invalid=true]').first().waitFor();
      expect(await audit(page)).toEqual([]);
    });
  });
}

it('renders Arabic right to left', async () => {
  await open('ar', 'light');
  await widget.publish('chat:trigger-chat-window');
  await page.locator('parley-chat .container').waitFor();
  const dir = await page.locator('parley-chat .parley').getAttribute('dir');
  const lang = await page.locator('parley-chat .parley').getAttribute('lang');
  expect([dir, lang]).toEqual(['rtl', 'ar']);
  // The send button sits to the left of the field in a right-to-left window.
  const field = await page.locator('parley-chat #message-field').boundingBox();
  const send = await page.locator('parley-chat .composer button.send').boundingBox();
  expect(send!.x).toBeLessThan(field!.x);
});

it('can be used with the keyboard alone', async () => {
  await open('en', 'light');
  const focused = () =>
    page.evaluate(() => {
      const inner = document.querySelector('parley-chat')?.shadowRoot?.activeElement as HTMLElement | null;
      return inner
        ? `${inner.tagName.toLowerCase()}${inner.className ? `.${inner.className.split(' ').join('.')}` : ''}${inner.getAttribute('name') ? `[${inner.getAttribute('name')}]` : ''}`
        : document.activeElement?.tagName.toLowerCase();
    });
  // Tab from the page to the launcher, Enter opens, focus lands in the form.
  await page.keyboard.press('Tab');
  await expect.poll(focused).toBe('button.launcher');
  await page.keyboard.press('Enter');
  await expect.poll(focused, { timeout: 5000 }).toBe('input[name]');
  await page.keyboard.type('Keyboard User');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('input[email]');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('select[language]');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  // In the chat window, focus is in the message field.
  await expect.poll(focused, { timeout: 5000 }).toBe('textarea');
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  const agent = agentClient(env.emu.url);
  await eventually(async () => {
    const [chat] = await agent.list();
    expect((await agent.transcript(chat.id)).messages.map((m: any) => m.text)).toContain('Typed without a mouse');
  });
  const [chat] = await agent.list();
  await agent.accept(chat.id);
  await expect.poll(() => widget.lines()).toContain('You are now chatting with Kristi.');
  // Escape minimizes an active chat and gives focus back to the launcher; Enter brings it back.
  await page.keyboard.press('Escape');
  await expect.poll(() => widget.window.count()).toBe(0);
  await expect.poll(focused).toBe('button.launcher');
  await page.keyboard.press('Enter');
  await expect.poll(() => widget.window.count()).toBe(1);
  // Reach "End chat" with Shift+Tab from the message field, confirm with the keyboard.
  await page.locator('parley-chat #message-field').focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect.poll(focused).toBe('button.control.end');
  await page.keyboard.press('Enter');
  await expect.poll(focused).toBe('button');
  await page.keyboard.press('Shift+Tab');
  expect(await focused()).toBe('button.primary');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('parley-chat .log-actions').count()).toBe(1);
  // Escape closes the ended chat, focus returns to the launcher.
  await page.keyboard.press('Escape');
  await expect.poll(() => widget.window.count()).toBe(0);
  await expect.poll(focused).toBe('button.launcher');
});

it('stays usable at 320 px wide and at 200% zoom', async () => {
  for (const viewport of [
    { width: 320, height: 640 },
    { width: 640, height: 360 },
  ]) {
    await resetEmulator(env.emu.url);
    context = await env.browser.newContext({ viewport, reducedMotion: 'reduce' });
    page = await context.newPage();
    widget = new WidgetPage(page);
    env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
    await page.goto(`${env.site.url}/`);
    await widget.launcher.click();
    await page.getByLabel(/^Name/).fill('Small');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.locator('parley-chat #message-field').waitFor();
    await page.locator('parley-chat .control.end').waitFor();
    const inside = await page.evaluate(() => {
      const root = document.querySelector('parley-chat')!.shadowRoot!;
      const within = (sel: string) => {
        const r = root.querySelector(sel)!.getBoundingClientRect();
        return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0;
      };
      return {
        window: within('.container'),
        field: within('#message-field'),
        send: within('.composer button.send'),
        end: within('.control.end'),
        scroll: document.documentElement.scrollWidth <= innerWidth,
      };
    });
    expect(inside, JSON.stringify(viewport)).toEqual({ window: true, field: true, send: true, end: true, scroll: true });
    await widget.send('Fits');
    await expect.poll(() => widget.lines()).toContain('You: Fits');
    await context.close();
  }
});

it('announces each change once: idle polling leaves the live regions untouched', async () => {
  await open('en', 'light');
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  await widget.publish('chat:trigger-chat-window');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id);
  await agent.say(chat.id, 'Hello there');
  await expect.poll(() => widget.lines()).toContain('Kristi: Hello there');
  await page.evaluate(() => {
    const root = document.querySelector('parley-chat')!.shadowRoot!;
    (window as any).mutations = 0;
    const observer = new MutationObserver((records) => ((window as any).mutations += records.length));
    for (const el of root.querySelectorAll('[role=log], [aria-live]')) observer.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  await page.waitForTimeout(7000); // three or four polls
  expect(await page.evaluate(() => (window as any).mutations)).toBe(0);
  await agent.typing(chat.id, true);
  await expect.poll(() => page.evaluate(() => (window as any).mutations)).toBeGreaterThan(0);
  const afterTyping = await page.evaluate(() => (window as any).mutations);
  await page.waitForTimeout(5000);
  expect(await page.evaluate(() => (window as any).mutations)).toBe(afterTyping);
});
