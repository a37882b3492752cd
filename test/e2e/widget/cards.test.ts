// Cards from an agent reach the customer in Chromium, under a strict CSP that allows images from the
// API and the page's own origin only: a card with its picture, facts and buttons, a carousel used
// with the keyboard alone (light and dark, left to right and right to left), a reply button that
// sends once and then disables, and axe finds nothing with a card, a carousel and a file in the log.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, PNG_1PX, agentClient, control, http, resetEmulator } from '../../support/emulator';
import { configScript, snippetPage } from '../../support/host-page';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { audit } from './a11y';
import { WidgetPage } from './widget-page';

const env = widgetEnvironment();
let context: BrowserContext;
let page: Page;
let widget: WidgetPage;
let problems: string[];
afterEach(() => context?.close());

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe under the page's strict CSP: evaluated over the DevTools protocol (no inline script tag), then the shared audit. */
async function auditUnderCsp(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return audit(page);
}

const PARCEL_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180"><rect width="320" height="180" fill="#c58b4a"/></svg>';
/** Records CSP violations from the first moment (the config is a same-origin script: no inline script under this CSP). */
const recordViolations = `window.violations = []; document.addEventListener('securitypolicyviolation', function (e) { window.violations.push(e.violatedDirective + ' ' + e.blockedURI); });`;

beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  env.site.pages.set('/parcel.svg', { body: PARCEL_SVG, headers: { 'content-type': 'image/svg+xml' } });
});

async function openChat(options: { language?: string; scheme?: 'light' | 'dark' } = {}) {
  context = await env.browser.newContext({ colorScheme: options.scheme ?? 'light', reducedMotion: 'reduce' });
  page = await context.newPage();
  problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  widget = new WidgetPage(page);
  // What src/README.md documents for images: the API's origin (files, agents' pictures) and the
  // origins the cards' pictures come from (here the page's own), plus blob: for previews.
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${env.emu.url}; img-src 'self' ${env.emu.url} blob: data:`;
  env.site.pages.set('/cards-config.js', {
    body: `${recordViolations}\n${configScript({ domain: env.emu.url, contactCenterId: CC_ID })}`,
    headers: { 'content-type': 'text/javascript' },
  });
  env.site.pages.set('/cards', { body: snippetPage({}, { configSrc: '/cards-config.js' }), headers: { 'content-security-policy': csp } });
  await page.goto(`${env.site.url}/cards`);
  await page.waitForFunction(() => (window as any).bus);
  if (options.language) await widget.publish('chat:set-language', options.language);
  await widget.launcher.click();
  const agent = agentClient(env.emu.url);
  const chat = await agent.onlyChat();
  await agent.accept(chat.id);
  await expect.poll(async () => (await widget.lines()).some((l) => l.includes('Kristi'))).toBe(true);
  const sendCards = (json: unknown) => http(`${env.emu.url}/agent/api/interactions/${chat.id}/messages`, { method: 'POST', json });
  return { agent, chat, sendCards };
}

const orderCard = (site: string) => ({
  title: 'Order A-1001',
  subtitle: 'Arrives Tuesday',
  text: 'Your parcel is on its way.',
  facts: [
    { title: 'Carrier', value: 'DHL' },
    { title: 'Weight', value: '2 kg' },
  ],
  images: [{ url: `${site}/parcel.svg`, alt: 'The parcel', width: 320, height: 180 }],
  buttons: [
    { type: 'openUrl', title: 'Track', value: 'https://track.example/A-1001' },
    { type: 'reply', title: 'Change the address', value: { action: 'address' } },
    { type: 'showCard', title: 'Details', card: { text: 'Packed on Monday' } },
  ],
});
const carousel = [1, 2, 3].map((n) => ({ title: `Option ${n}`, text: `The ${n} plan`, buttons: [{ type: 'reply', title: `Pick ${n}`, value: `Plan ${n}` }] }));

it('shows an agent’s card with its picture loaded and sized, facts and buttons; the reply button sends once and then disables', async () => {
  const { agent, chat, sendCards } = await openChat();
  expect((await sendCards({ text: 'Here is your order', cards: [orderCard(env.site.url)] })).status).toBe(200);
  const card = page.locator('parley-chat .card').first();
  await card.waitFor();
  expect(await card.locator('.card-title').textContent()).toBe('Order A-1001');
  expect(await page.locator('parley-chat .card-facts').innerText()).toMatch(/Carrier\s+DHL\s+Weight\s+2 kg/);
  // The author's words, not the summary of the card.
  expect(await page.locator('parley-chat .has-cards .message-content').allTextContents()).toEqual(['Here is your order']);
  const img = page.getByRole('img', { name: 'The parcel' });
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(320);
  const box = await img.boundingBox();
  expect(Math.round((box!.width / box!.height) * 100)).toBe(Math.round((320 / 180) * 100));
  const track = page.getByRole('link', { name: /Track/ });
  expect(await track.getAttribute('target')).toBe('_blank');
  expect(await track.getAttribute('rel')).toBe('noopener noreferrer');

  await page.getByRole('button', { name: 'Details' }).click();
  await page.getByText('Packed on Monday').waitFor();

  const reply = page.getByRole('button', { name: 'Change the address' });
  await reply.click();
  await expect.poll(() => reply.isDisabled()).toBe(true);
  await expect.poll(async () => (await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Change the address').length).toBe(1);
  await page.waitForTimeout(2500);
  expect((await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Change the address')).toHaveLength(1);
  expect(await page.evaluate(() => (window as any).violations)).toEqual([]);
  expect(problems).toEqual([]);
});

for (const [language, scheme] of [
  ['en', 'light'],
  ['ar', 'dark'],
] as const) {
  it(`a carousel works with the keyboard alone, and axe finds nothing with a card, a carousel and a file in the log (${language}, ${scheme})`, async () => {
    const { agent, chat, sendCards } = await openChat({ language, scheme });
    await sendCards({ cards: [orderCard(env.site.url)] });
    await sendCards({ cards: carousel, layout: 'carousel' });
    await agent.sendFile(chat.id, { bytes: PNG_1PX, name: 'label.png', type: 'image/png' });
    await agent.sendFile(chat.id, { bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), name: 'invoice.pdf', type: 'application/pdf' });
    const list = page.locator('parley-chat .carousel-track');
    await list.waitFor();
    await page.getByRole('link', { name: /invoice\.pdf/ }).waitFor();
    await expect.poll(() => page.getByRole('img', { name: 'label.png' }).evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1);
    expect(await list.getAttribute('aria-label')).toBe(language === 'en' ? '3 cards, side by side' : '3 cards, side by side');
    expect(await auditUnderCsp()).toEqual([]);

    // Keyboard only. The track takes the focus, and the arrow keys scroll it.
    const offset = () => list.evaluate((el) => Math.abs(el.scrollLeft));
    await list.focus();
    await page.keyboard.press(language === 'ar' ? 'ArrowLeft' : 'ArrowRight');
    await expect.poll(offset).toBeGreaterThan(10);
    // "Next card" moves on by a card; in right to left towards the left (scrollLeft goes negative).
    const next = page.getByRole('button', { name: 'Next card' });
    const previous = page.getByRole('button', { name: 'Previous card' });
    const before = await offset();
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(offset).toBeGreaterThan(before + 20);
    if (language === 'ar') expect(await list.evaluate((el) => el.scrollLeft)).toBeLessThan(0);
    // Back to the start with "Previous card": there it says it can do no more.
    await previous.focus();
    for (let i = 0; i < 4 && (await offset()) > 4; i++) {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(150);
    }
    await expect.poll(offset).toBeLessThan(5);
    await expect.poll(() => previous.getAttribute('aria-disabled')).toBe('true');
    // Tab into a card's button: a card off screen scrolls into view, and Enter sends its reply.
    await page.getByRole('button', { name: 'Pick 3' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await agent.transcript(chat.id)).messages.filter((m: any) => m.text === 'Plan 3').length).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Pick 1' }).isDisabled()).toBe(true);
    expect(await auditUnderCsp()).toEqual([]);
    expect(await page.evaluate(() => (window as any).violations)).toEqual([]);
    expect(problems).toEqual([]);
  });
}
