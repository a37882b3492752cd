// The agent console in Chromium: sign in, take a queued chat, reply with typing, transfer, leave.
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { launchBrowser } from '../../support/browser';

let emu: RunningEmulator;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

it('lets an agent take a web chat and a bot handover, reply, transfer and leave', async () => {
  const chat = chatClient(emu.url);
  const id = await chat.requestChat({ nickname: 'Chris', subject: 'Late order', userData: { 'Order number': 'A-1001', 'Started by': 'Chat API' } });

  await page.goto(`${emu.url}/agent`);
  await page.getByLabel('Your name').fill('Kristi');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator(`[data-interaction-id="${id}"]`).click();
  await expect.poll(() => page.getByRole('row', { name: /Order number/ }).textContent()).toContain('A-1001');
  await page.getByRole('button', { name: 'Accept' }).click();
  await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Chatting'));

  await chat.send(id, 'Where is my order?');
  await expect.poll(() => page.locator('.messages').textContent()).toContain('Where is my order?');
  await chat.operation(id, { operationName: 'SendStartTypingNotification' });
  await expect.poll(() => page.locator('.typing').count()).toBe(1);

  await page.getByLabel('Reply').pressSequentially('It ships today');
  await eventually(async () => {
    const types = (await chat.messages(id, 1)).body.messages.map((m: any) => `${m.type}:${m.from.type}`);
    expect(types).toContain('TypingStarted:Agent');
  });
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(async () => {
    const texts = (await chat.messages(id, 1)).body.messages.filter((m: any) => m.type === 'Text' && m.from.type === 'Agent');
    expect(texts.map((m: any) => m.text)).toEqual(['It ships today']);
  });
  const typing = (await chat.messages(id, 1)).body.messages.filter((m: any) => m.from.type === 'Agent' && m.type.startsWith('Typing'));
  expect(typing.length).toBeLessThanOrEqual(2); // once when typing starts, once when it stops: never per key

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/agent-console.png' });

  await page.getByRole('button', { name: 'Transfer to Billing' }).click();
  await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('WaitingForAgent'));
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('button', { name: 'Leave' }).click();
  await eventually(async () => expect((await chat.chat(id)).body.chat.state).toBe('Idle'));
  expect(problems).toEqual([]);
});

it('shows a bot handover with its history and properties', async () => {
  const gw = (path: string, json: unknown) => http(`${emu.url}/chat-gateway/v1${path}`, { method: 'POST', headers: { 'x-api-key': 'emulator-key' }, json });
  const hook = await gw('/webhooks', { name: 'h', uri: 'http://127.0.0.1:9/none' });
  const channel = await gw('/channels', { name: 'c', webHookId: hook.body.id, routingOptions: { type: 'queue', id: 'support' } });
  const conv = await gw('/conversations', {
    channelId: channel.body.id,
    user: { name: 'James', additionalProperties: [{ key: 'Intent', value: 'balance' }] },
    history: {
      messages: [
        { authorType: 'user', text: 'balance please' },
        { authorType: 'bot', text: 'Let me get a human' },
      ],
    },
  });
  await page.locator(`[data-interaction-id="${conv.body.conversationId}"]`).click();
  await expect.poll(() => page.locator('.history').textContent()).toContain('Let me get a human');
  expect(await page.locator('.badge.chat-gateway').first().textContent()).toBe('bot handover');
  expect(await page.getByRole('row', { name: /Intent/ }).textContent()).toContain('balance');
  expect(problems).toEqual([]);
});
