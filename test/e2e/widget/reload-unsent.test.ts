// A message typed while offline survives a reload and reaches the agent once.
import { beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
});

it('sends after the reload, once, what could not be sent before it', async () => {
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();

  // The chat API refuses every send for now (the server is down for sends).
  await control(env.emu.url, { faults: [{ route: 'POST /api/v2/chats/{id}', status: 503, count: 1000 }] });
  await widget.send('Typed before the reload');
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toContain('You: Typed before the reload [Not sent yet, retrying…]');
  await page.reload();
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/^You: Typed before the reload \[/)]));
  // The server comes back: the message goes once.
  await control(env.emu.url, { faults: [] });
  await eventually(async () => expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Typed before the reload')).toHaveLength(1), {
    timeoutMs: 40_000,
    intervalMs: 250,
  });
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toContain('You: Typed before the reload');
  await new Promise((r) => setTimeout(r, 3000));
  expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Typed before the reload')).toHaveLength(1);
  await context.close();
}, 60_000);
