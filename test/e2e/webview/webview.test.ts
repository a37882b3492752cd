// Webview mode in phone profiles, with fake native handlers injected before the page loads: the
// same bus both ways, the on-screen keyboard, no horizontal scroll, and the app ending the chat.
import { devices, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';

let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

const HANDLERS = {
  'react-native': () => {
    (window as any).__native = [];
    (window as any).ReactNativeWebView = { postMessage: (s: string) => (window as any).__native.push(JSON.parse(s)) };
  },
  ios: () => {
    (window as any).__native = [];
    (window as any).webkit = { messageHandlers: { parley: { postMessage: (m: unknown) => (window as any).__native.push(structuredClone(m)) } } };
  },
  android: () => {
    (window as any).__native = [];
    (window as any).ParleyAndroid = { postMessage: (s: string) => (window as any).__native.push(JSON.parse(s)) };
  },
} as const;

const PROFILES = { iPhone: devices['iPhone 13'], Pixel: devices['Pixel 7'] };

const env = widgetEnvironment();
beforeAll(async () => {
  env.site.pages.set('/webview', {
    body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID, mode: 'webview' }).replace('initial-scale=1', 'initial-scale=1, viewport-fit=cover'),
  });
});
beforeEach(async () => {
  await resetEmulator(env.emu.url);
});
afterEach(() => context?.close());

async function openApp(profile: keyof typeof PROFILES, handler: keyof typeof HANDLERS) {
  const { defaultBrowserType: _ignored, ...device } = PROFILES[profile] as (typeof PROFILES)['iPhone'] & { defaultBrowserType?: string };
  context = await env.browser.newContext({ ...device, reducedMotion: 'reduce' });
  await context.addInitScript(HANDLERS[handler]);
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(`${env.site.url}/webview`);
}

const native = () => page.evaluate(() => (window as any).__native as { type: string; topic: string; data: any }[]);
const receive = (message: unknown) => page.evaluate((m) => (window as any).parley.receive(m), message);

for (const [profile, handler] of [
  ['iPhone', 'ios'],
  ['iPhone', 'react-native'],
  ['Pixel', 'android'],
  ['Pixel', 'react-native'],
] as const) {
  describe(`${profile} with the ${handler} bridge`, () => {
    it('opens full screen with no launcher, and carries the bus both ways', async () => {
      await openApp(profile, handler);
      await expect.poll(async () => (await native()).map((m) => m.topic)).toEqual(expect.arrayContaining(['chat:ready', 'chat:phase-changed', 'webview:ready']));
      expect((await native()).every((m) => m.type === 'bus')).toBe(true);
      expect(await page.locator('parley-chat .launcher').count()).toBe(0);
      const box = await page.locator('parley-chat .container').boundingBox();
      const viewport = page.viewportSize()!;
      expect(box).toMatchObject({ x: 0, width: viewport.width });
      // The app passes customer info and the language, as JSON or as an object.
      await receive(JSON.stringify({ type: 'bus', topic: 'customer:set-info', data: { 'App user': 'u-42', Plan: 'Gold' } }));
      await receive({ type: 'bus', topic: 'chat:set-language', data: 'pt' });
      await page.locator('parley-chat input[name=name]').fill('Ana');
      await page.locator('parley-chat form button[type=submit]').click();
      await expect
        .poll(async () => (await native()).find((m) => m.topic === 'customer:info-sent')?.data)
        .toEqual({ info: { 'App user': 'u-42', Plan: 'Gold' }, phase: 'chatWindow' });
      const agent = agentClient(env.emu.url);
      const [chat] = await agent.list();
      expect(chat.userData).toMatchObject({ 'App user': 'u-42', $language: 'pt' });
      await agent.accept(chat.id);
      await agent.say(chat.id, 'Olá Ana!');
      await expect.poll(async () => (await native()).filter((m) => m.topic === 'chat:message-received').map((m) => m.data.message.text)).toEqual(['Olá Ana!']);
      // 16 px fields: no zoom on focus in iOS.
      expect(await page.locator('parley-chat #message-field').evaluate((e) => getComputedStyle(e).fontSize)).toBe('16px');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      expect(consoleErrors).toEqual([]);
    });
  });
}

it('refuses malformed messages from the app with a console error and a bus:error back', async () => {
  await openApp('Pixel', 'android');
  await expect.poll(async () => (await native()).some((m) => m.topic === 'webview:ready')).toBe(true);
  await receive('{not json');
  await receive({ type: 'bus', topic: 'chat:explode' });
  await receive([1, 2]);
  await receive({ type: 'rpc', topic: 'chat:end' });
  const errors = (await native()).filter((m) => m.topic === 'bus:error').map((m) => m.data.message);
  expect(errors).toEqual([
    'not valid JSON',
    'unknown command topic "chat:explode"',
    'expected an object { type: "bus", topic, data }',
    'unknown message type "rpc"; expected "bus"',
  ]);
  expect(consoleErrors).toHaveLength(4);
  expect(consoleErrors[0]).toBe('Parley: webview message refused: not valid JSON');
  // Well-formed, but data the topic's rules refuse: the rule's message, back to the app as well.
  await receive({ type: 'bus', topic: 'chat:set-language', data: 'xx' });
  await receive({ type: 'bus', topic: 'customer:set-info', data: 'John' });
  await receive({ type: 'bus', topic: 'chat:set-language', data: 'ja' });
  const refused = (await native())
    .filter((m) => m.topic === 'bus:error')
    .slice(4)
    .map((m) => m.data);
  expect(refused).toEqual([
    { message: expect.stringContaining('xx'), topic: 'chat:set-language', received: 'xx' },
    { message: 'Customer info John is not of a primitive type and will be discarded', topic: 'customer:set-info', received: 'John' },
  ]);
});

it('keeps the message field above the on-screen keyboard', async () => {
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  await openApp('iPhone', 'ios');
  const field = page.locator('parley-chat #message-field');
  await field.waitFor();
  await field.click();
  const full = page.viewportSize()!;
  // The keyboard takes the lower part of the screen: the visual viewport shrinks.
  await page.setViewportSize({ width: full.width, height: full.height - 330 });
  await expect
    .poll(async () => {
      const box = await field.boundingBox();
      const vv = await page.evaluate(() => ({ top: visualViewport!.offsetTop, height: visualViewport!.height }));
      return box!.y >= vv.top && box!.y + box!.height <= vv.top + vv.height;
    })
    .toBe(true);
  await page.keyboard.type('typed above the keyboard');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('parley-chat .chat-outgoing-msg').count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
});

it('lets the app end the chat, then asks the app to close the screen', async () => {
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  await openApp('Pixel', 'react-native');
  await page.locator('parley-chat #message-field').waitFor();
  const agent = agentClient(env.emu.url);
  await eventually(async () => expect(await agent.list()).toHaveLength(1));
  await receive({ type: 'bus', topic: 'chat:end' });
  await expect
    .poll(async () => (await native()).filter((m) => ['chat:ended', 'chat:closed', 'webview:close-requested'].includes(m.topic)).map((m) => [m.topic, m.data]))
    .toEqual([
      ['chat:ended', { reason: 'chat-api' }],
      ['chat:closed', { reason: 'chat-api' }],
      ['webview:close-requested', { reason: 'chat-api' }],
    ]);
  await eventually(async () => expect((await agent.list())[0]).toMatchObject({ state: 'ended', endedReason: 'customer' }));
});

it('asks the app to close when the customer taps close', async () => {
  await openApp('iPhone', 'ios');
  await page.locator('parley-chat .control.close').click();
  await expect.poll(async () => (await native()).filter((m) => m.topic === 'webview:close-requested')).toHaveLength(1);
});
