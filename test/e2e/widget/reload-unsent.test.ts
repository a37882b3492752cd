// A message typed while offline survives a reload and reaches the agent once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CC_ID, agentClient, control, eventually, startEmulator, type RunningEmulator } from '../../support/emulator';
import { launchBrowser } from '../../support/browser';
import { snippetPage, startHostSite, type HostSite } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let emu: RunningEmulator;
let site: HostSite;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator();
  site = await startHostSite();
  site.pages.set('/', { body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }) });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
});

it('sends after the reload, once, what could not be sent before it', async () => {
  await control(emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  await page.goto(`${site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const agent = agentClient(emu.url);
  const [chat] = await agent.list();

  // The chat API refuses every send for now (the server is down for sends).
  await control(emu.url, { faults: [{ route: 'POST /api/v2/chats/{id}', status: 503, count: 1000 }] });
  await widget.send('Typed before the reload');
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toContain('You: Typed before the reload [Not sent yet, retrying…]');
  await page.reload();
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/^You: Typed before the reload \[/)]));
  // The server comes back: the message goes once.
  await control(emu.url, { faults: [] });
  await eventually(async () => expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Typed before the reload')).toHaveLength(1), {
    timeoutMs: 40_000,
    intervalMs: 250,
  });
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toContain('You: Typed before the reload');
  await new Promise((r) => setTimeout(r, 3000));
  expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Typed before the reload')).toHaveLength(1);
  await context.close();
}, 60_000);
