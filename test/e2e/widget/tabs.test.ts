// One poller per visitor: three tabs on one chat, one of them polls, all of them show the agent;
// when the polling tab closes another takes over.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, eventually, http } from '../../support/emulator';
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

async function polls(chatId: string, since: number): Promise<number> {
  const requests = (await http(`${env.emu.url}/emulator/api/requests?since=${since}&path=${chatId}`)).body.requests;
  return requests.filter((r: any) => r.method === 'GET').length;
}

it('polls once for three tabs, shows the reply in all of them, and survives the polling tab closing', async () => {
  const agent = agentClient(env.emu.url);
  await env.emu.app.inject({ method: 'POST', url: '/emulator/api/control', payload: { chatScript: { preChat: { enabled: false, fields: [] } } } });
  const first = await context.newPage();
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
    await page.goto(`${env.site.url}/`);
    pages.push(page);
  }
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('You are now chatting with Kristi.');

  // Idle for 20 s: the visitor's requests are one tab's worth.
  const since = Date.now();
  await new Promise((r) => setTimeout(r, 20_000));
  const count = await polls(chat.id, since);
  expect(count).toBeGreaterThanOrEqual(6);
  expect(count).toBeLessThanOrEqual(15);

  await agent.say(chat.id, 'Hello to every tab');
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('Kristi: Hello to every tab');

  // A customer message from the second tab reaches the agent once.
  await new WidgetPage(pages[1]!).send('Sent from tab two');
  await eventually(async () => expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Sent from tab two')).toHaveLength(1));
  for (const page of pages) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 8000 }).toContain('You: Sent from tab two');

  // The first tab (the leader) goes; another tab polls from now on.
  await first.close();
  await agent.say(chat.id, 'After the first tab closed');
  for (const page of pages.slice(1)) await expect.poll(() => new WidgetPage(page).lines(), { timeout: 10_000 }).toContain('Kristi: After the first tab closed');
  const later = Date.now();
  await new Promise((r) => setTimeout(r, 6000));
  expect(await polls(chat.id, later)).toBeLessThanOrEqual(5);
}, 120_000);
