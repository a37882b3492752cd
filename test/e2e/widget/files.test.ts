// Customer files in Chromium against the emulator: the attach button (keyboard only) sends a picture
// the agent gets and the customer then sees inline; the limits refuse a file before any upload; a
// file waiting while the server is down survives a reload and reaches the agent once; a paste and
// a drop of a file send it too.
import type { BrowserContext, FileChooser, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, PNG_1PX, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

const env = widgetEnvironment();
let context: BrowserContext;
let page: Page;
let widget: WidgetPage;
let choosers: FileChooser[];
let uploads: number;
afterEach(() => context?.close());

beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  env.site.pages.set('/', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  context = await env.browser.newContext();
  page = await context.newPage();
  widget = new WidgetPage(page);
  choosers = [];
  uploads = 0;
  page.on('filechooser', (chooser) => choosers.push(chooser));
  page.on('request', (r) => r.method() === 'POST' && /\/api\/v2\/chats\/[^/]+\/files$/.test(r.url()) && uploads++);
});

async function openChat() {
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id);
  await expect.poll(() => widget.lines()).toContain('You are now chatting with Kristi.');
  // The attach button shows once GetChat said the server takes files.
  await page.getByRole('button', { name: 'Attach a file' }).waitFor();
  return { agent, chat };
}

/** The attach button, used with the keyboard alone: focus, Enter, and the file picker opens. */
async function attachWithKeyboard(file: { name: string; mimeType: string; buffer: Buffer }) {
  const attach = page.getByRole('button', { name: 'Attach a file' });
  await attach.focus();
  await page.keyboard.press('Enter');
  const chooser = await eventually(() => choosers.shift() ?? Promise.reject(new Error('no file chooser yet')), { timeoutMs: 15_000 });
  await chooser.setFiles(file);
}

const agentFiles = async (agent: ReturnType<typeof agentClient>, id: string) =>
  (await agent.transcript(id)).messages.filter((m: any) => m.attachments?.length).flatMap((m: any) => m.attachments.map((a: any) => a.name));

it('sends a picture with the attach button: the agent gets it, and the customer sees it inline', async () => {
  const { agent, chat } = await openChat();
  const attach = page.getByRole('button', { name: 'Attach a file' });
  expect(await attach.getAttribute('title')).toBe('Attach a file: PNG, JPEG, GIF, WEBP, PDF, TXT, up to 10 MB each');
  await attachWithKeyboard({ name: 'broken.png', mimeType: 'image/png', buffer: PNG_1PX });
  await eventually(async () => expect(await agentFiles(agent, chat.id)).toEqual(['broken.png']), { timeoutMs: 15_000, intervalMs: 200 });
  const img = page.locator('parley-chat .message-wrapper.outgoing:not(.pending)').getByRole('img', { name: 'broken.png' });
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1);
  expect(await page.locator('parley-chat .pending').count()).toBe(0);
});

it('refuses a file of a type the server does not take before any upload, and says so', async () => {
  await openChat();
  await attachWithKeyboard({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
  expect(await page.getByRole('alert').textContent()).toBe('setup.exe cannot be sent: only PNG, JPEG, GIF, WEBP, PDF, TXT files are accepted.');
  expect(uploads).toBe(0);
  expect(await page.locator('parley-chat .pending').count()).toBe(0);
});

it('keeps a file that could not go out across a reload, and sends it once', async () => {
  const { agent, chat } = await openChat();
  await control(env.emu.url, { faults: [{ route: 'POST /api/v2/chats/{id}/files', status: 503, count: 1000 }] });
  await attachWithKeyboard({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG_1PX });
  const pending = page.locator('parley-chat .pending');
  await expect.poll(() => pending.textContent(), { timeout: 15_000 }).toContain('Not sent yet, retrying…');
  expect(await pending.getByRole('img', { name: 'receipt.png' }).count()).toBe(1);
  await page.reload();
  await expect.poll(() => page.locator('parley-chat .pending').textContent(), { timeout: 15_000 }).toContain('receipt.png');
  await control(env.emu.url, { faults: [] });
  await eventually(async () => expect(await agentFiles(agent, chat.id)).toEqual(['receipt.png']), { timeoutMs: 40_000, intervalMs: 250 });
  await expect.poll(() => page.locator('parley-chat .pending').count(), { timeout: 15_000 }).toBe(0);
  await page.waitForTimeout(3000);
  expect(await agentFiles(agent, chat.id)).toEqual(['receipt.png']);
}, 90_000);

it('cancel drops a file on its way: the agent never gets it', async () => {
  const { agent, chat } = await openChat();
  await control(env.emu.url, { faults: [{ route: 'POST /api/v2/chats/{id}/files', status: 503, count: 1000 }] });
  await attachWithKeyboard({ name: 'wrong.png', mimeType: 'image/png', buffer: PNG_1PX });
  const cancel = page.getByRole('button', { name: 'Cancel sending wrong.png' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('parley-chat .pending').count()).toBe(0);
  await control(env.emu.url, { faults: [] });
  await page.waitForTimeout(3000);
  expect(await agentFiles(agent, chat.id)).toEqual([]);
});

it('sends a file pasted into the message field and one dropped on the window', async () => {
  const { agent, chat } = await openChat();
  const bytes = [...PNG_1PX];
  await page.locator('parley-chat #message-field').evaluate((field, data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'pasted.png', { type: 'image/png' }));
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await eventually(async () => expect(await agentFiles(agent, chat.id)).toEqual(['pasted.png']), { timeoutMs: 15_000, intervalMs: 200 });
  await page.locator('parley-chat .message-history').evaluate((log, data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
    for (const type of ['dragenter', 'dragover', 'drop']) log.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await eventually(async () => expect(await agentFiles(agent, chat.id)).toEqual(['pasted.png', 'dropped.png']), { timeoutMs: 15_000, intervalMs: 200 });
  expect(page.url()).toBe(`${env.site.url}/`);
});
