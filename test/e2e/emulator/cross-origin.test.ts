// A page on one origin calls the Customer Chat API on another, with the ContactCenterId header:
// Chromium sends a real CORS preflight, and the emulator must answer it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CC_ID, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { launchBrowser, startSite } from '../../support/browser';

let emu: RunningEmulator;
let site: Awaited<ReturnType<typeof startSite>>;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator();
  site = await startSite({ '/': () => ({ type: 'text/html', body: '<!doctype html><title>shop</title><h1>Shop</h1>' }) });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
});

it('lets a page on another origin request a chat and poll it with the ContactCenterId header', async () => {
  const page = await browser.newPage();
  await page.goto(site.url);
  const since = Date.now();
  const result = await page.evaluate(
    async ({ api, ccId }) => {
      const headers = { ContactCenterId: ccId, 'Content-Type': 'application/json' };
      const created = await fetch(`${api}/api/v2/chats`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ operationName: 'RequestChat', nickname: 'Browser' }),
      }).then((r) => r.json());
      const messages = await fetch(`${api}/api/v2/me/chat/${created.id}/messages`, { headers: { ContactCenterId: ccId } }).then((r) => r.json());
      return { created, messages, origin: location.origin };
    },
    { api: emu.url, ccId: CC_ID },
  );
  expect(result.origin).not.toBe(emu.url);
  expect(result.created.statusCode).toBe(0);
  expect(result.messages.messages[0]).toMatchObject({ type: 'ParticipantJoined', from: { nickname: 'Browser' } });
  const seen = (await http(`${emu.url}/emulator/api/requests?since=${since}`)).body.requests.map((r: any) => `${r.method} ${r.path}`);
  expect(seen).toContain('OPTIONS /api/v2/chats');
  expect(seen).toContain('POST /api/v2/chats');
  await page.close();
});

it('blocks, in the browser, a request that adds an Authorization header', async () => {
  const page = await browser.newPage();
  await page.goto(site.url);
  const outcome = await page.evaluate(
    async ({ api, ccId }) => {
      try {
        await fetch(`${api}/api/v2/chat-script`, { headers: { ContactCenterId: ccId, Authorization: 'Bearer x' } });
        return 'sent';
      } catch (error) {
        return (error as Error).name;
      }
    },
    { api: emu.url, ccId: CC_ID },
  );
  expect(outcome).toBe('TypeError');
  await page.close();
});
