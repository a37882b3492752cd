// The phases and triggers of protocols/embedded-chat-bus.md, driven from the page's bus.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, http, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let context: BrowserContext;
let page: Page;
let widget: WidgetPage;
let warnings: string[];

const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
});
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  context = await env.browser.newContext();
  page = await context.newPage();
  warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  widget = new WidgetPage(page);
});
afterEach(() => context?.close());

async function open(path = '/') {
  await page.goto(`${env.site.url}${path}`);
  await page.waitForFunction(() => (window as any).bus);
  await widget.recordEvents(['chat:phase-changed', 'customer:info-sent', 'chat:ended', 'chat:closed']);
}
const since = () => Date.now();
const chatRequests = async (from: number) =>
  ((await http(`${env.emu.url}/emulator/api/requests?since=${from}`)).body.requests as any[]).filter((r) => r.method === 'POST').map((r) => r.path);

it('trigger-invitation shows the invitation; a quick reply starts the chat with that message', async () => {
  await open();
  await widget.publish('chat:trigger-invitation');
  await expect.poll(() => page.getByText('Need a hand? We are here to help.').count()).toBe(1);
  await page.getByRole('button', { name: 'Order status' }).click();
  await page.getByLabel(/^Name/).fill('Quick');
  await page.getByRole('button', { name: 'Start chat' }).click();
  const agent = agentClient(env.emu.url);
  await eventually(async () => {
    const [chat] = await agent.list();
    expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.type === 'Text').map((m: any) => m.text)).toEqual(['Order status']);
  });
  expect((await widget.events()).filter((e) => e.topic === 'chat:phase-changed').map((e) => e.data.to)).toEqual(['invitation', 'preChat', 'chatWindow']);
});

it('trigger-chat-window goes straight to the queue, flagged as started by the chat API', async () => {
  await open();
  await widget.publish('customer:set-info', { Plan: 'Gold' });
  await widget.publish('chat:set-variables', { _cart: '3 items', $caseNumber: 'C-9' });
  await widget.publish('chat:trigger-chat-window');
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const [chat] = await agentClient(env.emu.url).list();
  expect(chat.userData).toEqual({ Plan: 'Gold', _cart: '3 items', $caseNumber: 'C-9', $language: 'en', 'Started by': 'Chat API' });
  await expect
    .poll(async () => (await widget.events()).filter((e) => e.topic === 'customer:info-sent').map((e) => e.data))
    .toEqual([{ info: { Plan: 'Gold' }, phase: 'chatWindow' }]);
});

it('ignores triggers that do not apply in the current phase', async () => {
  await open();
  await widget.publish('chat:trigger-pre-chat');
  await expect.poll(() => page.getByLabel(/^Name/).count()).toBe(1);
  await widget.publish('chat:trigger-invitation');
  await widget.publish('chat:trigger-pre-chat');
  await page.waitForTimeout(500);
  expect((await widget.events()).filter((e) => e.topic === 'chat:phase-changed').map((e) => e.data.to)).toEqual(['preChat']);
});

it('logs the missing step when the chat script has no such step', async () => {
  await control(env.emu.url, { chatScript: { invitation: { enabled: false }, preChat: { enabled: false, fields: [] } } });
  await open();
  await widget.publish('chat:trigger-invitation');
  await widget.publish('chat:trigger-pre-chat');
  await expect.poll(() => warnings).toEqual(['Missing next step from step initInvitation [invitation]', 'Missing next step from step initPreChat [preChat]']);
  expect(await widget.window.count()).toBe(0);
});

it('shows the offline form when nobody can answer, and sends it with the customer info', async () => {
  await control(env.emu.url, { agentsAvailable: 0 });
  await open();
  await widget.publish('customer:set-info', { Plan: 'Gold' });
  await widget.launcher.click();
  await page.getByLabel(/^Email/).fill('not an address');
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect.poll(() => page.getByText('The field only accept the valid e-mail format.').count()).toBe(1);
  const message = page.getByLabel(/^Message/);
  expect(await message.getAttribute('aria-describedby')).toBe('parley-offline-message-error');
  await page.getByLabel(/^Email/).fill('chris@example.com');
  await message.fill('Call me tomorrow');
  await page.getByRole('button', { name: 'Send message' }).click();
  await expect.poll(() => page.getByText('Thank you, your message has been sent.', { exact: false }).count()).toBe(1);
  const list = (await http(`${env.emu.url}/agent/api/offline-messages`)).body.offlineMessages;
  expect(list[0]).toMatchObject({ fields: { email: 'chris@example.com', message: 'Call me tomorrow' }, userData: { Plan: 'Gold' } });
  expect((await widget.events()).filter((e) => e.topic === 'customer:info-sent').map((e) => e.data)).toEqual([{ info: { Plan: 'Gold' }, phase: 'offlineForm' }]);
});

it('chat:end closes a pre-chat form with no network call', async () => {
  await open();
  await widget.publish('chat:trigger-pre-chat');
  await expect.poll(() => page.getByLabel(/^Name/).count()).toBe(1);
  const from = since();
  await widget.publish('chat:end');
  await expect.poll(() => widget.window.count()).toBe(0);
  expect(await chatRequests(from)).toEqual([]);
  expect((await widget.events()).filter((e) => e.topic === 'chat:closed').map((e) => e.data)).toEqual([{ reason: 'chat-api' }]);
});

it('chat:end while queued completes the chat and closes, without asking', async () => {
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  await open();
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  await widget.publish('chat:end');
  await expect.poll(() => widget.window.count()).toBe(0);
  await eventually(async () => expect((await agentClient(env.emu.url).list())[0]).toMatchObject({ state: 'ended', endedReason: 'customer' }));
  expect((await widget.events()).filter((e) => e.topic === 'chat:ended').map((e) => e.data)).toEqual([{ reason: 'chat-api' }]);
});

it('uses the page language as the pre-chat default, the customer choice over it, and the invitation after its delay', async () => {
  await control(env.emu.url, { chatScript: { invitation: { enabled: true, delaySeconds: 1, text: 'Hello there', quickReplies: [] } } });
  await open();
  await widget.publish('chat:set-language', 'xx');
  await widget.publish('chat:set-language', 'pt');
  // The app may still be loading: the command waits for it, and so does the warning.
  await expect.poll(() => warnings).toContain('Chat language xx is not valid and will be discarded');
  await expect.poll(() => page.getByText('Hello there').count(), { timeout: 5000 }).toBe(1);
  // The page chose Portuguese: the invitation speaks it.
  await page.locator('parley-chat .invitation button.primary').click();
  const language = page.getByLabel(/^Language/);
  expect(await language.inputValue()).toBe('pt');
  await language.selectOption('de');
  await page.getByLabel(/^Name/).fill('Lang');
  await page.locator('parley-chat form button[type=submit]').click();
  await eventually(async () => expect((await agentClient(env.emu.url).list())[0]?.userData.$language).toBe('de'));
});
