// A message the server took whose answer got lost: the widget retries it with the same
// clientMessageId, and the agent sees it once.
import type { Request } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

// Plain polling (LONG_POLL=0, as the vendor's servers): a held long-poll would bring the message's
// echo, and the widget would learn from it that the server has the message, without a retry.
const env = widgetEnvironment({ longPollMaxWaitS: 0 });
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
});

/** A chat operation (SendMessage, typing, Complete): the page cannot see which, ky's bodies are streams. */
const isOperation = (r: Request) => r.method() === 'POST' && /\/api\/v2\/chats\/[^/]+$/.test(r.url());
const isPoll = (r: Request) => r.method() === 'GET' && /\/api\/v2\/me\/chat\/[^/]+\/messages/.test(r.url());

it('retries a message whose answer got lost, and the agent sees it once', async () => {
  const text = 'Did you get this?';
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  let operations = 0;
  page.on('request', (r) => void (isOperation(r) && operations++));
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();

  // Typing goes to the same route as the send: let it start and stop (idle) first, so that the fault
  // below hits the send and the send alone.
  await widget.messageField.fill(text);
  await expect.poll(() => operations, { timeout: 10_000 }).toBe(2);

  // The next send is handled, then answered 503; the next poll is held long enough that the widget
  // cannot learn from the transcript that the server has the message: only the retry can tell.
  await control(env.emu.url, {
    faults: [
      { route: 'POST /api/v2/chats/{id}', status: 503, process: true, count: 1 },
      { route: 'GET /api/v2/me/chat/{id}/messages', status: 503, delayMs: 8000, count: 1 },
    ],
  });
  await page.waitForRequest(isPoll, { timeout: 10_000 });
  await widget.messageField.press('Enter');

  // The send, and its retry.
  await expect.poll(() => operations, { timeout: 8000 }).toBe(4);
  await expect.poll(() => widget.lines(), { timeout: 20_000 }).toContain(`You: ${text}`);
  const seen = (await agent.transcript(chat.id)).messages.filter((m: any) => m.text === text);
  expect(seen).toHaveLength(1);
  expect((await widget.lines()).filter((line) => line.startsWith(`You: ${text}`))).toEqual([`You: ${text}`]);
  await control(env.emu.url, { faults: [] });
  await context.close();
}, 60_000);
