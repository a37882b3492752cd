// What every widget browser test needs, started once per file: an emulator, a host site serving
// dist/, and Debian's Chromium. Use the fields inside tests and hooks (they exist once beforeAll ran).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser';
import { startEmulator, type RunningEmulator } from './emulator';
import { startHostSite, type HostSite } from './host-page';

export interface WidgetEnvironment {
  emu: RunningEmulator;
  site: HostSite;
  browser: Browser;
}

export function widgetEnvironment(): WidgetEnvironment {
  const env = {} as WidgetEnvironment;
  beforeAll(async () => {
    env.emu = await startEmulator();
    env.site = await startHostSite();
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.emu?.close();
  });
  return env;
}
