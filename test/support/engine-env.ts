// What every cross-engine journey needs, started once per file: an emulator, a host site serving
// dist/, and one engine's browser. Pages load a capture script first (same origin, so strict CSP
// pages run it too) that keeps page errors, console errors and CSP violations in the page: the one
// way that works in every engine (WebKitWebDriver has no BiDi to report them).
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type RunningEmulator } from './emulator';
import { launchEngine, type EngineBrowser, type EngineName, type EnginePage } from './engines';
import { snippetPage, startHostSite, type HostSite } from './host-page';

export interface EngineEnvironment {
  emu: RunningEmulator;
  site: HostSite;
  browser: EngineBrowser;
}

export const CAPTURE_PATH = '/test/capture.js';

const CAPTURE = `(function () {
  var captured = (window.__captured = { errors: [], violations: [] });
  window.addEventListener('error', function (e) { captured.errors.push('error: ' + (e.message || String(e.error))); });
  window.addEventListener('unhandledrejection', function (e) { captured.errors.push('unhandled: ' + String(e.reason && e.reason.message || e.reason)); });
  document.addEventListener('securitypolicyviolation', function (e) { captured.violations.push(e.violatedDirective + ' ' + e.blockedURI); });
  var error = console.error;
  console.error = function () { captured.errors.push('console: ' + [].map.call(arguments, String).join(' ')); return error.apply(console, arguments); };
})();`;

export function engineEnvironment(engine: EngineName): EngineEnvironment {
  const env = {} as EngineEnvironment;
  beforeAll(async () => {
    env.emu = await startEmulator();
    env.site = await startHostSite();
    env.site.pages.set(`${CAPTURE_PATH}.txt`, { body: CAPTURE });
    env.browser = await launchEngine(engine);
  }, 120_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.emu?.close();
  });
  return env;
}

/** The documented snippet with the capture script in front of everything. */
export function capturedPage(config: Record<string, unknown>, options: Parameters<typeof snippetPage>[1] = {}): string {
  return snippetPage(config, { ...options, extraHead: `<script src="${CAPTURE_PATH}"></script>${options.extraHead ?? ''}` });
}

/** What the capture script kept: page errors and console errors, and CSP violations. */
export const captured = (page: EnginePage) => page.evaluate(() => (window as any).__captured as { errors: string[]; violations: string[] });

/** Texts of the messages and system lines, in order (as the Chromium page object reads them). */
export const lines = (page: EnginePage) =>
  page.evaluate(() => {
    const root = document.querySelector('parley-chat')?.shadowRoot;
    return [...(root?.querySelectorAll('.message-history li') ?? [])].map((li) => {
      const content = li.querySelector('.message-content');
      const status = li.querySelector('.delivery');
      const text = (e: Element | null) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
      return content ? `${text(li.querySelector('.author'))}: ${text(content)}${status ? ` [${text(status)}]` : ''}` : text(li);
    });
  });

/** Publishes on the bus the page got in onInit (the snippet keeps it as window.bus). */
export const publish = (page: EnginePage, topic: string, data?: unknown) =>
  page.evaluate(([t, d]) => (window as any).bus.publish(t, d), [topic, data ?? null] as [string, unknown]);
