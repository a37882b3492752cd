// The browser engines a visitor brings, behind one small interface (types.ts): a journey is
// written once and run in each. PARLEY_ENGINES (comma-separated) narrows which ones run.
import { launchChromium } from './chromium';
import { launchFirefox } from './firefox';
import type { EngineBrowser, EngineName } from './types';
import { launchWebKit } from './webkit';

export type { EngineBrowser, EngineContext, EngineName, EnginePage, Key, Target, ViewportSize } from './types';

const LAUNCH: Record<EngineName, () => Promise<EngineBrowser>> = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit };

export function launchEngine(name: EngineName): Promise<EngineBrowser> {
  return LAUNCH[name]();
}

/** Whether this run includes an engine (all of them unless PARLEY_ENGINES says otherwise). */
export function engineEnabled(name: EngineName): boolean {
  const only = process.env.PARLEY_ENGINES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return !only?.length || only.includes(name);
}
