// System messages in the chat language, custom messages with the agent's name, and the language
// priority: the pre-chat answer, then chat:set-language, then the browser's, then English.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import ar from '../../../src/i18n/locales/ar';
import ja from '../../../src/i18n/locales/ja';
import pt from '../../../src/i18n/locales/pt';
import zhTW from '../../../src/i18n/locales/zh-TW';
import { en } from '../../../src/i18n/en';
import { WidgetPage } from './widget-page';

let context: BrowserContext | undefined;

const env = widgetEnvironment();
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function openPage(config: Record<string, unknown> = {}, locale = 'en-US'): Promise<{ page: Page; widget: WidgetPage }> {
  context = await env.browser.newContext({ locale });
  const page = await context.newPage();
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID, ...config }) });
  await page.goto(`${env.site.url}/`);
  await page.waitForFunction(() => (window as any).bus);
  return { page, widget: new WidgetPage(page) };
}

const samples = { en, pt, ar, ja, 'zh-TW': zhTW } as const;

for (const [language, messages] of Object.entries(samples)) {
  it(`shows the queued message in ${language}, and the agent's name in a custom message`, async () => {
    const { page, widget } = await openPage({ customSystemMessages: { chatEstablishedName: '★ {{agent}} ★' } });
    await widget.publish('chat:set-language', language);
    await widget.publish('chat:trigger-chat-window');
    await expect.poll(() => widget.lines()).toContain(messages.chatQueued);
    expect(await page.locator('parley-chat .parley').getAttribute('dir')).toBe(language === 'ar' ? 'rtl' : 'ltr');
    expect(await page.locator('parley-chat #message-field').getAttribute('placeholder')).toBe(messages.messageLabel);
    const agent = agentClient(env.emu.url);
    const [chat] = await agent.list();
    expect(chat.userData.$language).toBe(language);
    await agent.accept(chat.id, 'agent-r', 'Renée');
    await expect.poll(() => widget.lines(), { timeout: 8000 }).toContain('★ Renée ★');
  });
}

it('uses the built-in translation with the agent name placeholder filled', async () => {
  const { widget } = await openPage();
  await widget.publish('chat:set-language', 'pt');
  await widget.publish('chat:trigger-chat-window');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id, 'agent-r', 'Renée');
  await expect.poll(() => widget.lines(), { timeout: 8000 }).toContain(pt.chatEstablishedName.replace('{<agent>}', 'Renée'));
});

it('follows the env.browser language when the page sets none', async () => {
  const { widget } = await openPage({}, 'ja-JP');
  await widget.publish('chat:trigger-chat-window');
  await expect.poll(() => widget.lines()).toContain(ja.chatQueued);
});

it('lets the page language win over the env.browser, and the customer answer over both', async () => {
  await control(env.emu.url, {
    chatScript: {
      preChat: {
        enabled: true,
        fields: [
          { id: 'name', label: 'Name', type: 'text', required: false },
          { id: 'language', label: 'Language', type: 'language' },
        ],
      },
    },
  });
  const { page, widget } = await openPage({}, 'ja-JP');
  await widget.publish('chat:set-language', 'ar');
  await widget.publish('chat:trigger-pre-chat');
  const select = page.locator('parley-chat select');
  await expect.poll(() => select.inputValue()).toBe('ar');
  await select.selectOption('pt');
  await page.locator('parley-chat form button[type=submit]').click();
  await expect.poll(() => widget.lines()).toContain(pt.chatQueued);
  const [chat] = await agentClient(env.emu.url).list();
  expect(chat.userData.$language).toBe('pt');
});

it('overrides any key in every language with customSystemMessages', async () => {
  const { widget } = await openPage({ customSystemMessages: { chatQueued: 'Un instant, {{agent}}!', sendButton: 'Go' } });
  await widget.publish('chat:set-language', 'ar');
  await widget.publish('chat:trigger-chat-window');
  // No agent yet: the placeholder says "Agent" in the chat language, never itself.
  await expect.poll(() => widget.lines()).toContain(`Un instant, ${ar.agent}!`);
  expect(await widget.page.locator('parley-chat .composer button.send').textContent()).toBe('Go');
  expect(ar.sendButton).not.toBe('Go');
});
