// Chromium: Debian's build driven by playwright-core (the flags this machine needs are in ../browser.ts).
import type { Page } from 'playwright-core';
import { launchBrowser } from '../browser';
import { BasePage, type DriverPrimitives } from './base-page';
import type { EngineBrowser, EngineContext, Key, ViewportSize } from './types';

const KEYS: Record<Key, string> = {
  Enter: 'Enter',
  Escape: 'Escape',
  Tab: 'Tab',
  'Shift+Tab': 'Shift+Tab',
  Space: ' ',
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
    pressKey: (key) => page.keyboard.press(KEYS[key]),
    navigate: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    setViewport: (size: ViewportSize) => page.setViewportSize(size),
    screenshot: () => page.screenshot(),
    close: () => page.close(),
  };
}

export async function launchChromium(): Promise<EngineBrowser> {
  const browser = await launchBrowser();
  return {
    engine: 'chromium',
    async newContext(options = {}): Promise<EngineContext> {
      const context = await browser.newContext({ ...(options.viewport ? { viewport: options.viewport } : {}), ...(options.locale ? { locale: options.locale } : {}) });
      return {
        newPage: async () => new BasePage('chromium', primitives(await context.newPage())),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
