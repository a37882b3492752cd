// chat:session-created and chat:session-started on the page's bus (src/README.md, Events): the tab
// whose chat request succeeds publishes both; another tab of the visitor, and a page loaded into the
// chat under way, publish chat:session-started only.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

const ON_INIT = `function (bus) {
  window.sessions = [];
  ['chat:session-created', 'chat:session-started'].forEach(function (topic) {
    bus.subscribe(topic, function (data) { window.sessions.push([topic, data]); });
  });
  bus.subscribe('chat:ready', function () { window.ready = true; });
}`;

let context: BrowserContext;

const env = widgetEnvironment();
beforeAll(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }, { onInit: ON_INIT }) });
  context = await env.browser.newContext();
});
afterAll(() => context?.close());

const sessions = (page: Page) => page.evaluate(() => (window as unknown as { sessions: [string, unknown][] }).sessions);

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${env.site.url}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}

it('the requesting tab publishes both; another tab, and a page loaded later, chat:session-started only', async () => {
  const requesting = await openTab();
  const other = await openTab();
  await new WidgetPage(requesting).launcher.click();
  const agent = agentClient(env.emu.url);
  const chatId = await eventually(async () => {
    const [chat] = await agent.list();
    expect(chat).toBeDefined();
    return chat.id as string;
  });

  await expect
    .poll(() => sessions(requesting))
    .toEqual(
      expect.arrayContaining([
        ['chat:session-created', { chatId }],
        ['chat:session-started', { chatId }],
      ]),
    );
  await expect.poll(() => sessions(other)).toEqual([['chat:session-started', { chatId }]]);

  const later = await openTab();
  await expect.poll(() => sessions(later)).toEqual([['chat:session-started', { chatId }]]);
  // Nothing more came meanwhile: each tab published each event once.
  expect(await sessions(requesting)).toHaveLength(2);
  expect(await sessions(other)).toHaveLength(1);
});
