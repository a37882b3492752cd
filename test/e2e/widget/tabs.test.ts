// One poller per visitor: three tabs on one chat, one of them polls, all of them show the agent;
// when the polling tab closes another takes over. Counted per tab (which page made each GetMessages),
// not per second: the assertion holds however slow the machine is.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, eventually } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let context: BrowserContext;

const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  context = await env.browser.newContext();
});
afterAll(async () => {
  await context?.close();
});

/** GetMessages made by each page, counted from the browser's side. */
const polled = new Map<Page, number>();
function countPolls(page: Page): void {
  polled.set(page, 0);
  page.on('request', (request) => {
    if (request.method() === 'GET' && /\/messages(\?|$)/.test(request.url())) polled.set(page, (polled.get(page) ?? 0) + 1);
  });
}
/** Which of `pages` made a GetMessages since the counts were last reset. */
const polling = (pages: Page[]) => pages.filter((page) => (polled.get(page) ?? 0) > 0);
const resetCounts = () => {
  for (const page of polled.keys()) polled.set(page, 0);
};

it('polls once for three tabs, shows the reply in all of them, and survives the polling tab closing', async () => {
  const agent = agentClient(env.emu.url);
  await env.emu.app.inject({ method: 'POST', url: '/emulator/api/control', payload: { chatScript: { preChat: { enabled: false, fields: [] } } } });
  const first = await context.newPage();
  countPolls(first);
  await first.goto(`${env.site.url}/`);
  const w1 = new WidgetPage(first);
  await w1.launcher.click();
  const chat = await eventually(async () => {
    const [i] = await agent.list();
    expect(i).toBeDefined();
    return i;
  });
  await agent.accept(chat.id);

  const pages: Page[] = [first];
  for (let i = 0; i < 2; i++) {
    const page = await context.newPage();
    countPolls(page);
    await page.goto(`${env.site.url}/`);
    pages.push(page);
  }
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('You are now chatting with Kristi.');

  // From now on one tab polls for all: the reply reaches every tab, and only one asked for it.
  resetCounts();
  await agent.say(chat.id, 'Hello to every tab');
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('Kristi: Hello to every tab');
  await expect.poll(() => polling(pages).length, { timeout: 8000 }).toBe(1);
  const leader = polling(pages)[0]!;

  // A customer message from the second tab reaches the agent once.
  await new WidgetPage(pages[1]!).send('Sent from tab two');
  await eventually(async () => expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Sent from tab two')).toHaveLength(1));
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('You: Sent from tab two');

  expect(polling(pages)).toEqual([leader]);

  // The polling tab goes; exactly one of the others polls from now on.
  await leader.close();
  const rest = pages.filter((page) => page !== leader);
  resetCounts();
  await agent.say(chat.id, 'After the polling tab closed');
  for (const page of rest) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 10_000 }).toContain('Kristi: After the polling tab closed');
  await expect.poll(() => polling(rest).length, { timeout: 8000 }).toBe(1);
  resetCounts();
  await agent.say(chat.id, 'And once more');
  for (const page of rest) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 10_000 }).toContain('Kristi: And once more');
  expect(polling(rest).length).toBe(1);
}, 120_000);
