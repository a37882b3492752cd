// `npm run screenshots`: takes the README's pictures of the demo (the shop with the chat open, and
// the agent console answering it) and writes them to demo/screenshots/*.png.
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
    console.log('screenshots: wrote demo/screenshots/widget.png and demo/screenshots/agent-console.png');
  } finally {
    await browser.close();
    await site.close();
    await emulator.app.close();
  }
}

void main();
