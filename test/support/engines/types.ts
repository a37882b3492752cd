// The few things a visitor's journey needs from a browser, the same in every engine: Chromium
// through playwright-core, Firefox through puppeteer-core (WebDriver BiDi), WebKitGTK through
// selenium-webdriver (WebDriver classic). A journey is written once against these and run in each.
import type { Image } from '../png';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/**
 * What to act on, found inside the page and every open shadow root:
 * a CSS selector (matched within each root, so '.launcher' finds the widget's launcher), an ARIA
 * role with its accessible name, a form control by its label, or the innermost element showing a text.
 */
export type Target = string | { role: string; name?: string | RegExp } | { label: string | RegExp } | { text: string | RegExp };

export interface ViewportSize {
  width: number;
  height: number;
}

export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `fn` in the page (it must be self-contained: it is serialised). Promises are awaited. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Waits until `fn` returns a truthy value in the page (polled; navigations in between are fine). */
  waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, timeoutMs?: number): Promise<void>;
  /** Waits for the target to be there and visible, then clicks its centre with the engine's pointer. */
  click(target: Target): Promise<void>;
  /** Focuses the target, clears it, and types `text` with the engine's keyboard. */
  fill(target: Target, text: string): Promise<void>;
  /** Presses one key on whatever has the focus: Enter, Escape, Tab, ArrowLeft… */
  press(key: Key): Promise<void>;
  /** How many visible elements match. */
  count(target: Target): Promise<number>;
  /** The text of the first match, or null. */
  text(target: Target): Promise<string | null>;
  setViewport(size: ViewportSize): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(): Promise<Buffer>;
  /** The viewport's pixels as a visitor sees them (see BasePage.pixels). */
  pixels(): Promise<Image>;
  close(): Promise<void>;
}

export type Key = 'Enter' | 'Escape' | 'Tab' | 'Shift+Tab' | 'Space' | 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Backspace';

/** Pages that share storage (one visitor's tabs), isolated from every other context. */
export interface EngineContext {
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  readonly engine: EngineName;
  newContext(options?: { viewport?: ViewportSize; locale?: string }): Promise<EngineContext>;
  close(): Promise<void>;
}
