// What every widget browser test needs, started once per file: an emulator, a host site serving
// dist/, and Debian's Chromium. Use the fields inside tests and hooks (they exist once beforeAll ran).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser';
import type { EmulatorConfig } from '../../demo/contact-center/config';
import { startEmulator, type RunningEmulator } from './emulator';
import { startHostSite, type HostSite } from './host-page';

export interface WidgetEnvironment {
  emu: RunningEmulator;
  site: HostSite;
  browser: Browser;
}

/** `emulator`: settings of its emulator, e.g. `{ longPollMaxWaitS: 0 }` for plain polling (LONG_POLL=0). */
export function widgetEnvironment(emulator: Partial<EmulatorConfig> = {}): WidgetEnvironment {
  const env = {} as WidgetEnvironment;
  beforeAll(async () => {
    env.emu = await startEmulator(emulator);
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
