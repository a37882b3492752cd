// Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (no geckodriver, no
// display). Playwright cannot drive it: it needs its own patched Firefox build.
import puppeteer, { type KeyInput, type Page } from 'puppeteer-core';
import { BasePage, type DriverPrimitives } from './base-page';
import type { EngineBrowser, EngineContext, Key, ViewportSize } from './types';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const KEYS: Record<Exclude<Key, 'Shift+Tab'>, KeyInput> = {
  Enter: 'Enter',
  Escape: 'Escape',
  Tab: 'Tab',
  Space: 'Space',
  ArrowLeft: 'ArrowLeft',
  ArrowRight: 'ArrowRight',
  ArrowUp: 'ArrowUp',
  ArrowDown: 'ArrowDown',
  Backspace: 'Backspace',
};

function primitives(page: Page): DriverPrimitives {
  return {
    evaluateExpression: (expression) => page.evaluate(expression),
    clickAt: (x, y) => page.mouse.click(x, y),
    typeText: (text) => page.keyboard.type(text),
    pressKey: async (key) => {
      if (key !== 'Shift+Tab') return page.keyboard.press(KEYS[key]);
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
    },
    navigate: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
    reload: async () => void (await page.reload({ waitUntil: 'load' })),
    setViewport: (size: ViewportSize) => page.setViewport(size),
    screenshot: async () => Buffer.from(await page.screenshot()),
    close: () => page.close(),
  };
}

export async function launchFirefox(): Promise<EngineBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // No updates, telemetry or remote settings: this machine's network is closed.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  return {
    engine: 'firefox',
    async newContext(options = {}): Promise<EngineContext> {
      const context = await browser.createBrowserContext();
      return {
        newPage: async () => {
          const page = await context.newPage();
          await page.setViewport(options.viewport ?? { width: 1280, height: 720 });
          return new BasePage('firefox', primitives(page));
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
