// The journeys that matter to a visitor, written once and run in every engine (chromium.test.ts,
// firefox.test.ts, webkit.test.ts): embed and launcher, phases and triggers, a chat with the
// agent, reload and two tabs, strict CSP, right to left, webview mode, accessibility with axe-core,
// the unread badge. WebKit runs the smoke set (the chat, CSP, RTL, webview). Everything is found
// and acted on through the engine adapter (test/support/engines), so a failure in one engine and
// not another points at the engine, not at the test.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { captured, capturedPage, engineEnvironment, lines, publish } from '../../support/engine-env';
import type { EngineContext, EngineName, EnginePage } from '../../support/engines';
import { configScript } from '../../support/host-page';
import { differingPixels, type Region } from '../../support/png';

export type JourneySet = 'full' | 'smoke';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const QUEUED = 'We will be with you shortly.';
const JOINED = 'You are now chatting with Kristi.';

export function journeys(engine: EngineName, set: JourneySet): void {
  const env = engineEnvironment(engine);
  let context: EngineContext;
  const full = set === 'full' ? it : it.skip;
  const config = () => ({ domain: env.emu.url, contactCenterId: CC_ID });

  beforeEach(async () => {
    await resetEmulator(env.emu.url);
    context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  }, 60_000);
  afterEach(async () => {
    await context?.close();
  });

  async function open(path: string, body: string, headers: Record<string, string> = {}): Promise<EnginePage> {
    env.site.pages.set(path, { body, headers });
    const page = await context.newPage();
    await page.goto(`${env.site.url}${path}`);
    await page.waitFor(() => (window as any).bus);
    return page;
  }

  /** From the launcher through the pre-chat form to the queue. */
  async function startChat(page: EnginePage, name = 'Chris') {
    await page.click('.launcher');
    await page.fill({ label: /^Name/ }, name);
    await page.click({ role: 'button', name: 'Start chat' });
    await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(QUEUED);
  }

  async function agentTakes() {
    const agent = agentClient(env.emu.url);
    const chat = await agent.onlyChat();
    await agent.accept(chat.id, 'agent-kristi', 'Kristi');
    return { agent, chatId: chat.id as string };
  }

  const noErrors = async (page: EnginePage) => expect(await captured(page)).toEqual({ errors: [], violations: [] });

  describe(`${engine}: visitor journeys`, () => {
    full('embed and launcher: one host element, nothing else changed, the launcher opens the chat', async () => {
      const page = await open('/', capturedPage(config(), { body: '<div id="content" class="page">x</div>' }));
      await expect.poll(() => page.count('.launcher')).toBe(1);
      const host = await page.evaluate(() => ({
        hosts: document.querySelectorAll('parley-chat').length,
        bodyChildren: [...document.body.children].map((e) => e.localName).filter((n) => n !== 'script'),
        bodyAttributes: document.body.attributes.length,
        htmlStyle: document.documentElement.getAttribute('style'),
        globals: Object.keys(window).filter((k) => /parley|preact/i.test(k)),
      }));
      expect(host).toEqual({ hosts: 1, bodyChildren: ['main', 'parley-chat'], bodyAttributes: 0, htmlStyle: null, globals: [] });
      await page.click('.launcher');
      await expect.poll(() => page.count({ label: /^Name/ })).toBe(1);
      expect(await page.count('section.container')).toBe(1);
      await noErrors(page);
    });

    full('phases and triggers: the invitation, then the chat window straight to the queue, flagged as started by the chat API', async () => {
      await control(env.emu.url, { chatScript: { invitation: { enabled: true, delaySeconds: null, text: 'Need a hand?' } } });
      const page = await open('/', capturedPage(config()));
      await publish(page, 'chat:trigger-invitation');
      await expect.poll(() => page.count({ text: 'Need a hand?' })).toBe(1);
      await publish(page, 'customer:set-info', { Plan: 'Gold' });
      await publish(page, 'chat:trigger-chat-window');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(QUEUED);
      const chat = await agentClient(env.emu.url).onlyChat();
      expect(chat.userData).toMatchObject({ Plan: 'Gold', 'Started by': 'Chat API' });
      await noErrors(page);
    });

    it('a chat with the agent: queued, joined, both ways, each message once', async () => {
      const page = await open('/', capturedPage(config()));
      await startChat(page);
      const { agent, chatId } = await agentTakes();
      await agent.say(chatId, 'Hi Chris, how can I help?');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toEqual(expect.arrayContaining([JOINED, 'Kristi: Hi Chris, how can I help?']));
      await page.fill('#message-field', 'My order is late');
      await page.press('Enter');
      await eventually(async () => expect((await agent.transcript(chatId)).messages.filter((m: any) => m.text === 'My order is late')).toHaveLength(1), { timeoutMs: 15_000 });
      await expect.poll(() => lines(page)).toContain('You: My order is late');
      // The field is empty again and keeps the focus for the next message.
      expect(await page.evaluate(() => (document.querySelector('parley-chat')!.shadowRoot!.querySelector('#message-field') as HTMLTextAreaElement).value)).toBe('');
      await noErrors(page);
    });

    full('reload and two tabs: the history at once after a reload, one poller for the visitor, the reply in both', async () => {
      const page = await open('/', capturedPage(config()));
      await startChat(page);
      const { agent, chatId } = await agentTakes();
      await agent.say(chatId, 'First answer');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain('Kristi: First answer');
      await page.reload();
      await expect.poll(() => lines(page), { timeout: 15_000 }).toEqual([QUEUED, JOINED, 'Kristi: First answer']);
      const second = await context.newPage();
      await second.goto(`${env.site.url}/`);
      await expect.poll(() => lines(second), { timeout: 15_000 }).toContain('Kristi: First answer');
      // One tab holds the poller's lock; the other waits for it (Web Locks, shared by the visitor's tabs).
      const held = () => page.evaluate(async () => (await navigator.locks.query()).held?.length ?? 0);
      await expect.poll(held, { timeout: 10_000 }).toBe(1);
      expect(await second.evaluate(async () => (await navigator.locks.query()).held?.length ?? 0)).toBe(1);
      await agent.say(chatId, 'To both tabs');
      for (const p of [page, second]) await expect.poll(() => lines(p), { timeout: 15_000 }).toContain('Kristi: To both tabs');
      await noErrors(page);
      await noErrors(second);
    });

    it('strict Content-Security-Policy: a whole chat with no violation and no error', async () => {
      const csp = `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${env.emu.url}; img-src 'self' data:`;
      env.site.pages.set('/strict-config.js.txt', { body: configScript(config()) });
      const page = await open('/strict', capturedPage({}, { configSrc: '/strict-config.js' }), { 'content-security-policy': csp });
      await startChat(page);
      await page.fill('#message-field', 'Hello under CSP');
      await page.press('Enter');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain('You: Hello under CSP');
      await noErrors(page);
    });

    it('right to left: an Arabic chat window is rtl, with the send button on the left', async () => {
      await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
      const page = await open('/ar', capturedPage(config()));
      await publish(page, 'chat:set-language', 'ar');
      await publish(page, 'chat:trigger-chat-window');
      await expect.poll(() => page.count('#message-field'), { timeout: 15_000 }).toBe(1);
      const layout = await page.evaluate(() => {
        const root = document.querySelector('parley-chat')!.shadowRoot!;
        const box = (s: string) => root.querySelector(s)!.getBoundingClientRect();
        const widget = root.querySelector('.parley')!;
        return {
          dir: widget.getAttribute('dir'),
          lang: widget.getAttribute('lang'),
          direction: getComputedStyle(widget).direction,
          sendLeftOfField: box('.composer button.send').x < box('#message-field').x,
        };
      });
      expect(layout).toEqual({ dir: 'rtl', lang: 'ar', direction: 'rtl', sendLeftOfField: true });
      await noErrors(page);
    });

    it('webview mode: full screen with no launcher, the bus to and from the app', async () => {
      // The app's native handler (WKScriptMessageHandler on iOS), there before the widget loads.
      env.site.pages.set('/native.js.txt', {
        body: `window.__native = []; window.webkit = { messageHandlers: { parley: { postMessage: function (m) { window.__native.push(JSON.parse(JSON.stringify(m))); } } } };`,
      });
      const page = await context.newPage();
      await page.setViewport({ width: 390, height: 700 });
      env.site.pages.set('/webview', { body: capturedPage({ ...config(), mode: 'webview' }, { extraHead: '<script src="/native.js"></script>' }) });
      await page.goto(`${env.site.url}/webview`);
      const native = () => page.evaluate(() => (window as any).__native as { type: string; topic: string; data: any }[]);
      await expect.poll(async () => (await native()).map((m) => m.topic), { timeout: 15_000 }).toEqual(expect.arrayContaining(['chat:ready', 'webview:ready']));
      await expect.poll(() => page.count('section.container'), { timeout: 15_000 }).toBe(1);
      expect(await page.count('.launcher')).toBe(0);
      const fit = await page.evaluate(() => {
        const box = document.querySelector('parley-chat')!.shadowRoot!.querySelector('.container')!.getBoundingClientRect();
        return { left: box.left, width: Math.round(box.width), viewport: innerWidth, scrolls: document.documentElement.scrollWidth > innerWidth };
      });
      expect(fit).toEqual({ left: 0, width: fit.viewport, viewport: fit.viewport, scrolls: false });
      await page.evaluate(() => (window as any).parley.receive({ type: 'bus', topic: 'customer:set-info', data: { 'App user': 'u-42' } }));
      await page.fill('input[name=name]', 'Ana');
      await page.click('form button[type=submit]');
      await expect
        .poll(async () => (await native()).find((m) => m.topic === 'customer:info-sent')?.data, { timeout: 15_000 })
        .toEqual({ info: { 'App user': 'u-42' }, phase: 'chatWindow' });
      const { agent, chatId } = await agentTakes();
      await agent.say(chatId, 'Olá Ana!');
      await expect.poll(async () => (await native()).filter((m) => m.topic === 'chat:message-received').map((m) => m.data.message.text), { timeout: 15_000 }).toEqual(['Olá Ana!']);
      await noErrors(page);
    });

    it('the message field after a send looks as it did empty: its whole placeholder is painted again', async () => {
      await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
      const page = await open('/field', capturedPage(config()));
      await page.click('.launcher');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(QUEUED);
      await page.click('#message-field');
      // Settled: no animation runs, and a moment for the engine to paint. (Asking for an animation
      // frame here would make WebKit paint the field afresh and hide the fault this test is for.)
      const settled = async () => {
        await page.waitFor(() => document.querySelector('parley-chat')!.shadowRoot!.getAnimations().length === 0);
        await new Promise((r) => setTimeout(r, 500));
      };
      const picture = async () => {
        await settled();
        const field = await page.evaluate(() => {
          const box = document.querySelector('parley-chat')!.shadowRoot!.querySelector('#message-field')!.getBoundingClientRect();
          return { x: box.x, y: box.y, width: box.width, height: box.height, viewport: innerWidth };
        });
        const image = await page.pixels();
        return { image, field, scale: image.width / field.viewport };
      };
      const CARET = 16; // the caret blinks at the start of the field: compare the rest of it
      const restOf = (field: Region): Region => ({ ...field, x: field.x + CARET, width: field.width - CARET });
      // The empty field is the reference: taken again until two pictures agree, so that a busy
      // machine's late paint of the focused field is not taken for it (once, all four sends
      // differed from it by the same 71 pixels). A picture after a send is taken once: a second
      // one could be of a field the first capture had repainted, which would hide the fault.
      let empty = await picture();
      for (let i = 0; i < 5; i++) {
        const again = await picture();
        const same = differingPixels(empty.image, again.image, restOf(empty.field), empty.scale) === 0;
        empty = again;
        if (same) break;
      }
      // The fault shows after some sends and not others: several texts, each must leave the field as it was.
      const rest = restOf(empty.field);
      const unpainted: Record<string, number> = {};
      for (const text of ['Hi', 'Hello there', 'Ok', 'Thanks a lot']) {
        await page.fill('#message-field', text);
        await page.press('Enter');
        await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(`You: ${text}`);
        const after = await picture();
        expect(after.field).toEqual(empty.field);
        unpainted[text] = differingPixels(empty.image, after.image, rest, empty.scale);
      }
      // The field kept the focus throughout (the fault shows only while it has it).
      expect(await page.evaluate(() => document.querySelector('parley-chat')!.shadowRoot!.activeElement?.id)).toBe('message-field');
      expect(unpainted).toEqual({ Hi: 0, 'Hello there': 0, Ok: 0, 'Thanks a lot': 0 });
    });

    full('accessibility: axe-core finds no WCAG 2.2 A/AA violation at the launcher, in the pre-chat form, and in a chat', async () => {
      const page = await open('/', capturedPage(config()));
      const audit = async () => {
        // Not in the middle of the window's open animation: its opacity would fail the contrast rules.
        await page.waitFor(() => (document.querySelector('parley-chat')?.shadowRoot?.getAnimations().length ?? 0) === 0);
        if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate((source) => void (0, eval)(source), AXE);
        return page.evaluate(async () => {
          const result = await (window as any).axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
            resultTypes: ['violations'],
          });
          return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => JSON.stringify(n.target)).join(', ')}`);
        });
      };
      await expect.poll(() => page.count('.launcher')).toBe(1);
      const found: Record<string, string[]> = { launcher: await audit() };
      await page.click('.launcher');
      await expect.poll(() => page.count({ label: /^Name/ })).toBe(1);
      found.preChat = await audit();
      await page.fill({ label: /^Name/ }, 'Chris');
      await page.click({ role: 'button', name: 'Start chat' });
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(QUEUED);
      const { agent, chatId } = await agentTakes();
      await agent.say(chatId, 'How can I help?');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain('Kristi: How can I help?');
      found.chatting = await audit();
      expect(found).toEqual({ launcher: [], preChat: [], chatting: [] });
    });

    full('the unread badge: counts what arrives while minimized, and clears when opened', async () => {
      await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
      const page = await open('/', capturedPage(config()));
      await page.click('.launcher');
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(QUEUED);
      const { agent, chatId } = await agentTakes();
      await expect.poll(() => lines(page), { timeout: 15_000 }).toContain(JOINED);
      await page.click('.control.close');
      await expect.poll(() => page.count('section.container')).toBe(0);
      await agent.say(chatId, 'Are you there?');
      await agent.say(chatId, 'Hello?');
      await expect.poll(() => page.text('.badge'), { timeout: 15_000 }).toBe('2');
      expect(await page.count({ role: 'button', name: 'Open chat (2 unread)' })).toBe(1);
      await page.click('.launcher');
      await expect.poll(() => page.count('.badge')).toBe(0);
      await noErrors(page);
    });
  });
}
