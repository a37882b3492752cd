// The agent console in Chromium with cards and files: what a customer uploads and a bot's cards
// show (pictures as thumbnails with their alt text, other files as download links with name and
// size, never an SVG or HTML inline, card text escaped), and the agent sends a file with the
// attach button, which reaches the customer.
import type { Browser, FileChooser, Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY, PNG_1PX, chatClient, eventually, formOf, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { launchBrowser } from '../../support/browser';

let emu: RunningEmulator;
let browser: Browser;
let page: Page;
const problems: string[] = [];
// Listened for from the start: a listener added just before the key press can miss the chooser.
const choosers: FileChooser[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('filechooser', (chooser) => choosers.push(chooser));
  await page.goto(`${emu.url}/agent`);
  await page.getByLabel('Your name').fill('Kristi');
  await page.getByRole('button', { name: 'Sign in' }).click();
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

const PDF = Buffer.from(`%PDF-1.4\n${'x'.repeat(2000)}\n%%EOF\n`);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__owned=1"><script>window.__owned=1</script></svg>');
const INLINE_PNG = `data:image/png;base64,${PNG_1PX.toString('base64')}`;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG A/AA violations in the page (evaluated over the DevTools protocol: the console's CSP allows no inline script). */
async function violations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => JSON.stringify(n.target)).join(', ')}`);
  });
}

it('shows a customer\u2019s files and sends one back with the attach button', async () => {
  const chat = chatClient(emu.url);
  const id = await chat.requestChat({ nickname: 'Chris' });
  const ids: string[] = [];
  for (const file of [
    { bytes: PNG_1PX, name: 'broken.png', type: 'image/png' },
    { bytes: PDF, name: 'receipt.pdf', type: 'application/pdf' },
    { bytes: SVG, name: 'logo.svg', type: 'image/svg+xml' },
  ]) {
    ids.push((await chat.upload(id, file)).body.file.id);
  }
  expect((await chat.sendFiles(id, ids, { text: 'It arrived like this' })).body.statusCode).toBe(0);

  await page.locator(`[data-interaction-id="${id}"]`).click();
  await page.getByRole('button', { name: 'Accept' }).click();
  const files = page.getByRole('list', { name: '3 files' });
  await expect.poll(() => files.count()).toBe(1);

  // The picture: a thumbnail with its name as alt text, loaded through its signed link.
  const thumb = files.getByRole('img', { name: 'broken.png' });
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  // The PDF and the SVG: download links with name and size, no picture of the SVG.
  expect(await files.getByRole('link', { name: /receipt\.pdf/ }).textContent()).toBe('receipt.pdf (2 KB)');
  expect(await files.getByRole('link', { name: /logo\.svg/ }).getAttribute('download')).toBe('logo.svg');
  expect(await files.locator('img').count()).toBe(1);
  expect(await page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined();

  // The agent sends a file: the button opens the picker, the file goes to the customer at once.
  const attach = page.getByRole('button', { name: 'Attach a file' });
  await attach.focus();
  await expect.poll(() => attach.evaluate((button) => button === document.activeElement)).toBe(true);
  await page.keyboard.press('Enter');
  const chooser = await eventually(() => choosers.shift() ?? Promise.reject(new Error('no file chooser yet')), { timeoutMs: 15_000 });
  await chooser.setFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG_1PX });
  const sent = await eventually(async () => {
    const entry = (await chat.messages(id, 1)).body.messages.find((m: any) => m.from.type === 'Agent' && m.attachments);
    expect(entry).toBeDefined();
    return entry;
  });
  expect(sent).toMatchObject({ text: 'File: label.png', attachments: [{ name: 'label.png', contentType: 'image/png', size: PNG_1PX.length }] });
  expect(Buffer.from(await (await fetch(sent.attachments[0].url)).arrayBuffer())).toEqual(PNG_1PX);
  await expect.poll(() => page.getByRole('list', { name: 'File' }).getByRole('img', { name: 'label.png' }).count()).toBe(1);

  // Cards the agent API sends side by side: a carousel the keyboard can reach and scroll.
  const cards = [1, 2].map((n) => ({ title: `Option ${n}`, buttons: [{ type: 'reply', title: `Pick ${n}` }] }));
  expect((await http(`${emu.url}/agent/api/interactions/${id}/messages`, { method: 'POST', json: { cards, layout: 'carousel' } })).status).toBe(200);
  const carousel = page.getByRole('list', { name: '2 cards, side by side' });
  await expect.poll(() => carousel.count()).toBe(1);
  expect(await carousel.getAttribute('tabindex')).toBe('0');
  expect(await carousel.locator('.card-title').allTextContents()).toEqual(['Option 1', 'Option 2']);
  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);
});

it('shows a bot\u2019s cards from a handover: title, text, facts, images with alt, links and inert reply buttons, all escaped', async () => {
  const gw = (path: string, init: Parameters<typeof http>[1]) => http(`${emu.url}/chat-gateway/v1${path}`, { ...init, headers: { 'x-api-key': API_KEY } });
  const hook = await gw('/webhooks', { method: 'POST', json: { name: 'h', uri: 'http://127.0.0.1:9/none' } });
  const channel = await gw('/channels', { method: 'POST', json: { name: 'c', webHookId: hook.body.id, routingOptions: { type: 'queue', id: 'support' } } });
  const card = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Order A-1001', weight: 'Bolder' },
      { type: 'TextBlock', text: '<img src=x onerror="window.__owned=1">Arrives Tuesday' },
      { type: 'FactSet', facts: [{ title: 'Carrier', value: 'DHL' }] },
      { type: 'Image', url: INLINE_PNG, altText: 'The parcel' },
    ],
    actions: [
      { type: 'Action.OpenUrl', title: 'Track', url: 'https://track.example/A-1001' },
      { type: 'Action.OpenUrl', title: 'Evil', url: 'javascript:window.__owned=1' },
      { type: 'Action.Submit', title: 'Change address', data: { action: 'address' } },
    ],
  };
  const conv = await gw('/conversations', {
    method: 'POST',
    json: {
      channelId: channel.body.id,
      user: { name: 'James' },
      history: { messages: [{ authorType: 'bot', text: 'Here is your order', cards: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] }] },
    },
  });
  const id = conv.body.conversationId as string;
  const upload = await gw(`/conversations/${id}/attachments`, { method: 'POST', body: formOf('attachment', { bytes: PNG_1PX, name: 'photo.png' }, { authorType: 'user' }) });
  await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: 'This one', attachments: [{ id: upload.body.id }] } });

  await page.locator(`[data-interaction-id="${id}"]`).click();
  const history = page.locator('.history');
  await expect.poll(() => history.getByRole('list', { name: 'Card' }).count()).toBe(1);
  const shown = history.locator('.card');
  expect(await shown.locator('.card-title').textContent()).toBe('Order A-1001');
  expect(await shown.locator('.card-text').textContent()).toBe('<img src=x onerror="window.__owned=1">Arrives Tuesday');
  expect(await shown.locator('dt').textContent()).toBe('Carrier');
  expect(await shown.locator('dd').textContent()).toBe('DHL');
  const picture = shown.getByRole('img', { name: 'The parcel' });
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  const track = shown.getByRole('link', { name: 'Track' });
  expect(await track.getAttribute('href')).toBe('https://track.example/A-1001');
  expect(await track.getAttribute('target')).toBe('_blank');
  expect(await track.getAttribute('rel')).toBe('noopener noreferrer');
  // A javascript: link is never a link; a reply button is a label the agent cannot press.
  expect(await shown.getByRole('link').count()).toBe(1);
  expect(await shown.getByRole('button').count()).toBe(0);
  expect(await shown.locator('.card-button.inert').allTextContents()).toEqual(['Change address']);

  // The customer's file came through the gateway upload.
  const transcript = page.locator('.transcript');
  const photo = transcript.getByRole('img', { name: 'photo.png' });
  await expect.poll(() => photo.count()).toBe(1);
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  expect(await page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined();

  expect(await violations()).toEqual([]);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/agent-console-cards.png', fullPage: true });
  expect(problems).toEqual([]);
});
