// `npm run screenshots`: takes the README's pictures of the demo (the shop with the chat open, the
// agent console answering it, and the chat with an agent's card and file) and writes them to
// demo/screenshots/*.png.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { buildEmulator } from './contact-center/app';
import { ensureAgentConsole } from './contact-center/agent';
import { startSite } from './site/server';

const out = (name: string) => fileURLToPath(new URL(`./screenshots/${name}`, import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn' });
  await build({ root, mode: 'loader', logLevel: 'warn' });
  await ensureAgentConsole();
  const emulator = await buildEmulator();
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const emulatorUrl = `http://127.0.0.1:${(emulator.app.server.address() as { port: number }).port}`;
  const site = await startSite({ port: 0, host: '127.0.0.1', emulatorUrl, bridgeUrl: 'http://127.0.0.1:4020', contactCenterId: emulator.config.contactCenterIds[0]! });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  try {
    const shop = await (await browser.newContext({ viewport: { width: 1200, height: 760 }, reducedMotion: 'reduce' })).newPage();
    await shop.goto(`${site.url}/`);
    await shop.locator('parley-chat .launcher').click();
    await shop.locator('parley-chat input[name=name]').fill('Chris');
    await shop.locator('parley-chat input[name=email]').fill('chris@example.com');
    await shop.locator('parley-chat form button[type=submit]').click();
    await shop.locator('parley-chat #message-field').fill('Hi! Does the Summit Jacket run small?');
    await shop.locator('parley-chat #message-field').press('Enter');

    const agentPage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
    await agentPage.goto(`${emulatorUrl}/agent`);
    await agentPage.getByLabel('Your name').fill('Kristi');
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await agentPage.locator('[data-interaction-id]').first().click();
    await agentPage.getByRole('button', { name: 'Accept' }).click();
    await agentPage.getByText('Does the Summit Jacket run small?').waitFor();
    await agentPage.getByLabel('Reply').fill('Hi Chris! It runs true to size; if you are between sizes, take the larger one. Size guide: https://example.com/sizes');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await shop.locator('parley-chat .chat-incoming-msg').waitFor({ timeout: 15_000 });
    await shop.waitForTimeout(300);
    await shop.screenshot({ path: out('widget.png') });
    await agentPage.screenshot({ path: out('agent-console.png') });

    // A card and a file from the agent (through the agent API, as the console sends them), on a
    // phone-sized screen (the chat takes it whole), so that both show.
    await shop.setViewportSize({ width: 420, height: 900 });
    const interactions = (await (await fetch(`${emulatorUrl}/agent/api/interactions`)).json()) as { interactions: { id: string }[] };
    const id = interactions.interactions[0]!.id;
    const card = {
      title: 'Summit Jacket',
      subtitle: 'Waterproof shell, recycled nylon',
      images: [{ url: `${site.url}/summit-jacket.svg`, alt: 'The Summit Jacket in blue', width: 480, height: 270 }],
      facts: [
        { title: 'Fit', value: 'True to size' },
        { title: 'In stock', value: 'S, M, L, XL' },
      ],
      buttons: [
        { type: 'reply', title: 'Size M, please', value: { size: 'M' } },
        { type: 'openUrl', title: 'Size guide', value: 'https://example.com/sizes' },
      ],
    };
    const said = await fetch(`${emulatorUrl}/agent/api/interactions/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Here it is:', cards: [card] }),
    });
    if (!said.ok) throw new Error(`the agent API refused the card: ${said.status}`);
    const form = new FormData();
    form.append('file', new Blob([`%PDF-1.4\n${'%'.repeat(180_000)}\n%%EOF\n`], { type: 'application/pdf' }), 'summit-jacket-size-chart.pdf');
    const sent = await fetch(`${emulatorUrl}/agent/api/interactions/${id}/files`, { method: 'POST', body: form });
    if (!sent.ok) throw new Error(`the agent API refused the file: ${sent.status}`);
    await shop.locator('parley-chat .attachment-file').waitFor({ timeout: 15_000 });
    await shop.getByRole('img', { name: 'The Summit Jacket in blue' }).evaluate((img: HTMLImageElement) => img.decode());
    await shop.waitForTimeout(500);
    // From the card's message down: the picture, the facts, the buttons and the file.
    await shop.locator('parley-chat .message-wrapper.has-cards').evaluate((li) => {
      const log = li.closest('.message-history')!;
      log.scrollTop = (li as HTMLElement).offsetTop - 8;
    });
    await shop.waitForTimeout(200);
    await shop.screenshot({ path: out('widget-cards.png') });
    console.log('screenshots: wrote demo/screenshots/widget.png, agent-console.png and widget-cards.png');
  } finally {
    await browser.close();
    await site.close();
    await emulator.app.close();
  }
}

void main();
