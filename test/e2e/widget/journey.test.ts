// The customer's whole journey, in Chromium, with the host page and the contact center on two
// origins: snippet → trigger → pre-chat → queued → agent → reload → offline while sending → end.
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, eventually } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let context: BrowserContext;
const errors: string[] = [];

const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  env.site.pages.set('/checkout', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  context = await env.browser.newContext();
});
afterAll(async () => {
  await context?.close();
});

it('takes a customer from the snippet to an agent and back, losing and duplicating nothing', async () => {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  const widget = new WidgetPage(page);
  const agent = agentClient(env.emu.url);
  await page.goto(`${env.site.url}/`);
  await page.waitForFunction(() => (window as any).bus);
  await widget.recordEvents(['customer:info-sent', 'chat:phase-changed', 'chat:message-received', 'chat:ended', 'chat:session-created']);

  // The page sets customer info and triggers the pre-chat form.
  await widget.publish('customer:set-info', { 'First name': 'Chris', Plan: 'Gold', Age: 41 });
  await widget.publish('chat:trigger-pre-chat');
  await page.getByLabel(/^Name/).fill('Chris');
  await page.getByLabel(/^Email/).fill('chris@example.com');
  await page.getByRole('button', { name: 'Start chat' }).click();

  // Queued: the agent sees the info, the form and the trigger flag.
  const interaction = await eventually(async () => {
    const [i] = await agent.list();
    expect(i?.state).toBe('queued');
    return i;
  });
  expect(interaction.customer.name).toBe('Chris');
  expect(interaction.userData).toMatchObject({ 'First name': 'Chris', Plan: 'Gold', Age: 41, Name: 'Chris', Email: 'chris@example.com', 'Started by': 'Chat API' });
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  await expect
    .poll(async () => (await widget.events()).filter((e) => e.topic === 'customer:info-sent'))
    .toEqual([{ topic: 'customer:info-sent', data: { info: { 'First name': 'Chris', Plan: 'Gold', Age: 41 }, phase: 'chatWindow' } }]);

  // An agent takes it and answers.
  await agent.accept(interaction.id, 'agent-kristi', 'Kristi');
  await agent.say(interaction.id, 'Hi Chris, how can I help?');
  await expect.poll(() => widget.lines(), { timeout: 8000 }).toEqual(expect.arrayContaining(['You are now chatting with Kristi.', 'Kristi: Hi Chris, how can I help?']));
  await widget.send('My order is late');
  await eventually(async () => expect((await agent.transcript(interaction.id)).messages.filter((m: any) => m.text === 'My order is late')).toHaveLength(1));
  const events = await widget.events();
  expect(events.filter((e) => e.topic === 'chat:message-received').map((e) => e.data.message.text)).toEqual(['Hi Chris, how can I help?']);
  expect(events.filter((e) => e.topic === 'chat:phase-changed').map((e) => e.data.to)).toEqual(['preChat', 'chatWindow']);

  // Reload (another page of the site): the history is there at once, once.
  await page.goto(`${env.site.url}/checkout`);
  await page.waitForFunction(() => (window as any).bus);
  await expect
    .poll(() => widget.lines(), { timeout: 8000 })
    .toEqual(['We will be with you shortly.', 'You are now chatting with Kristi.', 'Kristi: Hi Chris, how can I help?', 'You: My order is late']);
  await agent.say(interaction.id, 'Let me check.');
  await expect.poll(() => widget.lines(), { timeout: 8000 }).toContain('Kristi: Let me check.');

  // The network goes while the customer sends; the message waits and goes once.
  await context.setOffline(true);
  await widget.send('Are you still there?');
  await expect.poll(() => widget.lines(), { timeout: 15_000 }).toContain('You: Are you still there? [Not sent yet, retrying…]');
  await context.setOffline(false);
  await eventually(async () => expect((await agent.transcript(interaction.id)).messages.filter((m: any) => m.text === 'Are you still there?')).toHaveLength(1), {
    timeoutMs: 40_000,
    intervalMs: 250,
  });
  await expect.poll(() => widget.lines(), { timeout: 10_000 }).toContain('You: Are you still there?');
  await new Promise((r) => setTimeout(r, 3000));
  expect((await agent.transcript(interaction.id)).messages.filter((m: any) => m.text === 'Are you still there?')).toHaveLength(1);

  // The page ends the chat: an agent is connected, so the customer confirms first.
  await widget.recordEvents(['chat:ended']);
  await widget.publish('chat:end');
  await page.getByRole('button', { name: 'Yes' }).click();
  await eventually(async () => expect((await agent.list())[0]).toMatchObject({ state: 'ended', endedReason: 'customer' }));
  await expect.poll(() => widget.lines()).toContain('Chat session has been ended.');
  await expect.poll(() => widget.events()).toEqual([{ topic: 'chat:ended', data: { reason: 'chat-api' } }]);
  await expect.poll(() => page.getByRole('heading', { name: 'Chat Log' }).count()).toBe(1);
  expect(errors).toEqual([]);
}, 150_000);
