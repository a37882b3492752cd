// Right-to-left override characters (U+202E) in names and texts, in Chromium: each name and text is
// isolated, so it can reverse only itself, never the sentence or the message around it; a link's
// text has no bidi controls and is never reversed. Checked on what is drawn: the characters of a
// line in the order they appear from left to right on the screen.
import type { Page } from 'playwright-core';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, chatClient, control, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

const RLO = '\u202E';
const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
});
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
});

/**
 * The text of the first element matching `selector` (looked for in the widget's shadow root, or
 * the page) whose text contains `part`, as drawn: its characters sorted by line, then left to right.
 */
function drawn(page: Page, selector: string, part: string): Promise<string | null> {
  return page.evaluate(
    ([selector, part]) => {
      const root = document.querySelector('parley-chat')?.shadowRoot ?? document;
      const el = [...root.querySelectorAll(selector)].find((e) => e.textContent?.includes(part));
      if (!el) return null;
      const chars: [number, number, string][] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width > 0) chars.push([rect.top, rect.left, node.data[i]!]);
        }
      }
      chars.sort((a, b) => (Math.abs(a[0] - b[0]) > 4 ? a[0] - b[0] : a[1] - b[1]));
      return chars.map((c) => c[2]).join('');
    },
    [selector, part] as const,
  );
}

it('widget: an agent name with an override reverses only itself, and a link after one reads as it goes', async () => {
  const page = await env.browser.newPage();
  const widget = new WidgetPage(page);
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id, 'agent-x', `${RLO}Kristi`);

  // Reversed, the override would also carry the sentence's full stop: "…with .itsirK".
  await expect.poll(() => drawn(page, '.chat-info-msg', 'chatting with')).toBe('You are now chatting with itsirK.');
  await agent.typing(chat.id, true);
  // Reversed: "...gnipyt si itsirK".
  await expect.poll(() => drawn(page, '.status-line', 'is typing')).toBe('itsirK is typing...');
  await agent.typing(chat.id, false);

  await agent.say(chat.id, `your file: ${RLO}https://shop.example/gnp.exe`);
  await expect.poll(() => drawn(page, '.message-content a', 'shop.example')).toBe('https://shop.example/gnp.exe');
  expect(await page.locator('parley-chat .message-content a').getAttribute('href')).toBe('https://shop.example/gnp.exe');
  // A link whose own text holds the override: the control is taken out of it.
  await agent.say(chat.id, `or https://shop.example/${RLO}fdp.exe`);
  await expect.poll(() => drawn(page, '.message-content a', 'fdp')).toBe('https://shop.example/fdp.exe');
  await page.close();
});

it('agent console: a customer name with an override does not reverse the customer’s message or the rest of the line', async () => {
  const customer = chatClient(env.emu.url);
  const id = await customer.requestChat({ nickname: `${RLO}Chris` });
  await customer.send(id, 'where is my order');
  const page = await env.browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${env.emu.url}/agent`);
  await page.getByLabel('Your name').fill('Kristi');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator(`[data-interaction-id="${id}"]`).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  // Reversed, the message after the name would read "redro ym si erehw".
  await expect.poll(async () => (await drawn(page, '.messages li', 'where is my order')) ?? '').toMatch(/sirhC where is my order$/);
  await expect.poll(async () => (await drawn(page, '.messages li', 'joined')) ?? '').toMatch(/sirhC joined$/);
  await customer.operation(id, { operationName: 'SendStartTypingNotification' });
  await expect.poll(() => drawn(page, '.typing', 'is typing')).toBe('sirhC is typing…');
  await page.close();
});
