// A page on another site, in Chromium, tries to drive the emulator's control API the ways a browser
// allows without asking first: `no-cors` fetches (text/plain, a form body, no body) and a real form
// submission, and a JSON fetch (which needs a preflight). None of them changes the emulator.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { control, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { launchBrowser, startSite } from '../../support/browser';

let emu: RunningEmulator;
let browser: Browser;
let site: Awaited<ReturnType<typeof startSite>>;

beforeAll(async () => {
  emu = await startEmulator();
  browser = await launchBrowser();
  site = await startSite({ '/': () => ({ type: 'text/html; charset=utf-8', body: '<!doctype html><title>elsewhere</title><p>a page on another site</p>' }) });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await emu?.close();
});

it('cannot be reset or reconfigured by a page on another site', async () => {
  expect((await control(emu.url, { agentsAvailable: 7 })).status).toBe(200);
  const page = await browser.newPage();
  await page.goto(site.url);
  const outcomes = await page.evaluate(async (emulator) => {
    const tries: [string, RequestInit][] = [
      ['/emulator/api/reset', { method: 'POST', mode: 'no-cors' }],
      ['/emulator/api/reset', { method: 'POST', mode: 'no-cors', body: '{}' }],
      ['/emulator/api/control', { method: 'POST', mode: 'no-cors', body: '{"agentsAvailable":0,"scheduleOpen":false}' }],
      ['/emulator/api/control', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ agentsAvailable: '0' }) }],
      ['/emulator/api/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
    ];
    const results: string[] = [];
    for (const [path, init] of tries) {
      results.push(
        await fetch(emulator + path, init).then(
          (r) => r.type,
          (e: Error) => `refused: ${e.name}`,
        ),
      );
    }
    return results;
  }, emu.url);
  // The no-cors requests went out (opaque answers); the JSON one was stopped by its preflight.
  expect(outcomes).toEqual(['opaque', 'opaque', 'opaque', 'opaque', 'refused: TypeError']);

  // A plain HTML form posted to the reset URL (a top-level navigation, no CORS at all).
  await page.setContent(`<form method="post" action="${emu.url}/emulator/api/reset" enctype="text/plain"><input name='{"a":"' value='"}'></form>`);
  await Promise.all([page.waitForURL(/emulator\/api\/reset/), page.evaluate(() => document.querySelector('form')!.submit())]);
  expect(await page.textContent('body')).toMatch(/JSON only/);

  const settings = (await http(`${emu.url}/emulator/api/control`)).body;
  expect(settings.agentsAvailable.support).toBe(7);
  expect(settings.scheduleOpen).toBeNull();
  await page.close();
});
