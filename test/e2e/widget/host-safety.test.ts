// The host page is not ours: a strict CSP page, no inline style on any element of the widget, a
// hostile stylesheet, no layout shift (long tasks are measured in `npm run bench -- host-page`), and custom stylesheets only from https (or local http).
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, control, resetEmulator } from '../../support/emulator';
import { configScript, snippetPage } from '../../support/host-page';
import { WidgetPage } from './widget-page';

let context: BrowserContext;
let page: Page;
let consoleLines: { type: string; text: string }[];

const env = widgetEnvironment();
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  consoleLines = [];
  page.on('console', (m) => consoleLines.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => consoleLines.push({ type: 'pageerror', text: e.message }));
});
afterEach(() => context?.close());

const recordViolations = `window.violations = []; document.addEventListener('securitypolicyviolation', function (e) { window.violations.push(e.violatedDirective + ' ' + e.blockedURI); });`;

/**
 * Runs in the page before its own scripts: records every element of the widget (its host element and
 * all in its shadow roots) that gets a style attribute, however briefly. A JSX `style` prop is set
 * through the CSSOM, which no CSP refuses, so no violation would tell.
 */
function recordInlineStyles(): void {
  const seen: string[] = [];
  (window as any).inlineStyles = seen;
  const label = (el: Element) => `<${el.localName} class="${el.getAttribute('class') ?? ''}" style="${el.getAttribute('style')}">`;
  const check = (node: Node, deep: boolean) => {
    if (!(node instanceof Element)) return;
    for (const el of deep ? [node, ...node.querySelectorAll('[style]')] : [node]) if (el.hasAttribute('style')) seen.push(label(el));
  };
  const watch = (target: Node, subtree: boolean) =>
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') check(r.target, false);
        r.addedNodes.forEach((n) => check(n, true));
      }
    }).observe(target, { subtree, childList: subtree, attributes: true, attributeFilter: ['style'] });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    check(this, false);
    watch(this, false);
    watch(root, true);
    return root;
  };
}

/** The widget's elements that carry inline style now: the host element and its shadow trees. */
const inlineStyled = () =>
  page.evaluate(() => {
    const found: string[] = [];
    const visit = (el: Element) => {
      if (el.hasAttribute('style') || ((el as HTMLElement).style?.length ?? 0) > 0)
        found.push(`<${el.localName} class="${el.getAttribute('class') ?? ''}" style="${el.getAttribute('style')}">`);
      if (el.shadowRoot) el.shadowRoot.querySelectorAll('*').forEach(visit);
    };
    const host = document.querySelector('parley-chat');
    if (host) visit(host);
    return found;
  });

/** Launcher, pre-chat form, chatting: no element of the widget has inline style in any of them. */
async function startChat(widget: WidgetPage) {
  await widget.launcher.waitFor();
  expect(await inlineStyled()).toEqual([]);
  await widget.launcher.click();
  await page.getByLabel(/^Name/).fill('Chris');
  expect(await inlineStyled()).toEqual([]);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  expect(await inlineStyled()).toEqual([]);
}

it('works under a strict Content-Security-Policy with no violation', async () => {
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${env.emu.url}`;
  env.site.pages.set('/strict-config.js', {
    body: `${recordViolations}\n${configScript({ domain: env.emu.url, contactCenterId: CC_ID, stylesheetURL: `${env.site.url}/theme.css` })}`,
    headers: { 'content-type': 'text/javascript' },
  });
  env.site.pages.set('/theme.css', { body: '.header { background: rgb(1, 2, 3); }', headers: { 'content-type': 'text/css' } });
  env.site.pages.set('/strict', { body: snippetPage({}, { configSrc: '/strict-config.js' }), headers: { 'content-security-policy': csp } });
  await page.addInitScript(recordInlineStyles);
  await page.goto(`${env.site.url}/strict`);
  const widget = new WidgetPage(page);
  await startChat(widget);
  await widget.send('Hello under CSP');
  await expect.poll(() => widget.lines()).toContain('You: Hello under CSP');
  expect(await inlineStyled()).toEqual([]);
  expect(await page.evaluate(() => (window as any).violations)).toEqual([]);
  // Nor at any moment in between (an inline style set and removed again).
  expect(await page.evaluate(() => (window as any).inlineStyles)).toEqual([]);
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'pageerror')).toEqual([]);
  // The custom stylesheet applied inside the shadow root, over the widget's own styles, without !important.
  expect(await page.locator('parley-chat .header').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(1, 2, 3)');
});

it('honours a nonce for the custom stylesheet under a nonce-based style-src', async () => {
  const csp = `default-src 'self'; script-src 'self'; style-src 'nonce-n0nc3'; connect-src ${env.emu.url}`;
  env.site.pages.set('/nonce-config.js', {
    body: `${recordViolations}\n${configScript({ domain: env.emu.url, contactCenterId: CC_ID, stylesheetURL: `${env.site.url}/theme.css`, nonce: 'n0nc3' })}`,
    headers: { 'content-type': 'text/javascript' },
  });
  env.site.pages.set('/theme.css', { body: '.header { background: rgb(4, 5, 6); }', headers: { 'content-type': 'text/css' } });
  env.site.pages.set('/nonce', { body: snippetPage({}, { configSrc: '/nonce-config.js' }), headers: { 'content-security-policy': csp } });
  await page.goto(`${env.site.url}/nonce`);
  const widget = new WidgetPage(page);
  await widget.launcher.click();
  await expect.poll(() => page.locator('parley-chat .header').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(4, 5, 6)');
  expect(await page.evaluate(() => (window as any).violations)).toEqual([]);
});

it('refuses a stylesheet that is not https (or local http), with a clear error', async () => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  env.site.pages.set('/http-theme', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID, stylesheetURL: 'http://cdn.example.test/theme.css' }) });
  await page.goto(`${env.site.url}/http-theme`);
  const widget = new WidgetPage(page);
  await widget.launcher.click();
  await expect.poll(() => widget.window.count()).toBe(1);
  expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual([
    'Parley: stylesheetURL must be an https URL (http is allowed for localhost and 127.0.0.1 only): "http://cdn.example.test/theme.css" will not be loaded',
  ]);
  expect(requested.filter((u) => u.includes('example.test'))).toEqual([]);
});

it('is not changed by a hostile host stylesheet, and does not change the host', async () => {
  const hostile = `<style>
    * { all: unset !important; }
    div, section, button, ol, li, p { display: none !important; }
    html { font-size: 48px !important; }
    parley-chat { position: static !important; display: none !important; transform: scale(3) !important; }
    button { background: red !important; color: yellow !important; font-size: 40px !important; }
  </style>`;
  env.site.pages.set('/plain', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }) });
  env.site.pages.set('/hostile', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID }, { extraHead: hostile }) });
  const measure = async (path: string) => {
    // A context each: tabs of one context share the chat (and its open window).
    const own = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const p = await own.newPage();
    await p.goto(`${env.site.url}${path}`);
    const w = new WidgetPage(p);
    await w.launcher.click();
    await p.getByLabel(/^Name/).waitFor();
    const result = await p.evaluate(() => {
      const root = document.querySelector('parley-chat')!.shadowRoot!;
      const box = (sel: string) => {
        const r = root.querySelector(sel)!.getBoundingClientRect();
        return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
      };
      const style = (sel: string, prop: string) => getComputedStyle(root.querySelector(sel)!).getPropertyValue(prop);
      return {
        launcher: box('.launcher'),
        window: box('.container'),
        title: [style('.title', 'font-size'), style('.title', 'color'), style('.header', 'background-color')],
        button: [style('button.primary', 'background-color'), style('button.primary', 'font-size')],
      };
    });
    await own.close();
    return result;
  };
  const plain = await measure('/plain');
  const hostilePage = await measure('/hostile');
  expect(hostilePage).toEqual(plain);
});

// How long the widget's tasks take depends on the machine's load: that is measured in
// `npm run bench -- host-page` (target: no task over 50 ms). What does not depend on it is here: no
// layout shift at all, and the widget's work split into tasks — the first launcher is on the page,
// painted by the small loader, before the app chunk is even asked for.
it('causes no layout shift on the host page, and shows the launcher before it fetches the app', async () => {
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  env.site.pages.set('/perf', {
    body: snippetPage(
      { domain: env.emu.url, contactCenterId: CC_ID },
      {
        extraHead: `<script>
          window.shifts = 0;
          new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.shifts += e.value; }); }).observe({ type: 'layout-shift', buffered: true });
          new MutationObserver(function () { if (!window.hostAt && document.querySelector('parley-chat')) window.hostAt = performance.now(); }).observe(document.documentElement, { childList: true, subtree: true });
        </script>`,
        body: '<p>'.concat('Lorem ipsum dolor sit amet. '.repeat(200), '</p>'),
      },
    ),
  });
  await page.goto(`${env.site.url}/perf`, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as any).bus);
  const widget = new WidgetPage(page);
  await widget.launcher.waitFor();
  await expect.poll(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/app.js'))), { timeout: 10_000 }).toBe(true);
  const order = await page.evaluate(() => ({
    hostAt: (window as any).hostAt as number,
    appRequestedAt: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/app.js'))!.startTime,
    loadEventEnd: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
  }));
  // The loader's launcher first, in its own task; the app chunk only after the page's load event.
  expect(order.hostAt).toBeLessThan(order.appRequestedAt);
  expect(order.appRequestedAt).toBeGreaterThanOrEqual(order.loadEventEnd);
  await widget.launcher.click();
  await expect.poll(() => widget.lines()).toContain('We will be with you shortly.');
  expect(await page.evaluate(() => (window as any).shifts)).toBe(0);
});
