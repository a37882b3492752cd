// What every engine's page does the same way, on top of the few primitives each driver has:
// evaluate an expression, click at a point, type text, press a key. Finding is in-page
// (in-page.ts); waiting is polling from here, so a navigation in between does not break it.
import { decodePng, type Image } from '../png';
import { describe, inPageCall } from './in-page';
import type { EngineName, EnginePage, Key, Target, ViewportSize } from './types';

export interface DriverPrimitives {
  /** Evaluates a JavaScript expression in the page; a promise it yields is awaited. */
  evaluateExpression(expression: string): Promise<unknown>;
  clickAt(x: number, y: number): Promise<void>;
  typeText(text: string): Promise<void>;
  pressKey(key: Key): Promise<void>;
  navigate(url: string): Promise<void>;
  reload(): Promise<void>;
  setViewport(size: ViewportSize): Promise<void>;
  screenshot(): Promise<Buffer>;
  /** The viewport's pixels as the display shows them, where the engine has a display (WebKit under Xvfb). */
  screen?(): Promise<Image>;
  close(): Promise<void>;
}

const ACTION_TIMEOUT_MS = 15_000;

/** Navigating, or a page between documents: worth asking again. */
const transient = (error: unknown) =>
  /context|navigat|destroyed|detached|no such (window|frame)|not (yet )?(available|ready)|JavaScript error/i.test(String((error as Error)?.message ?? error));

export class BasePage implements EnginePage {
  constructor(
    readonly engine: EngineName,
    private readonly driver: DriverPrimitives,
  ) {}

  goto(url: string): Promise<void> {
    return this.driver.navigate(url);
  }

  reload(): Promise<void> {
    return this.driver.reload();
  }

  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.driver.evaluateExpression(`(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`) as Promise<R>;
  }

  async waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, timeoutMs = ACTION_TIMEOUT_MS): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        if (await this.evaluate(fn, arg)) return;
      } catch (error) {
        if (!transient(error)) throw error;
        last = error;
      }
      if (Date.now() > until) throw new Error(`${this.engine}: timed out after ${timeoutMs} ms waiting for ${fn.toString().slice(0, 120)}${last ? ` (${String(last)})` : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Asks the page until the target is there (the widget renders asynchronously). */
  private async located<T>(op: 'point' | 'focus', target: Target): Promise<T> {
    const until = Date.now() + ACTION_TIMEOUT_MS;
    for (;;) {
      let answer: unknown = null;
      try {
        answer = await this.driver.evaluateExpression(inPageCall(op, target));
      } catch (error) {
        if (!transient(error)) throw error;
      }
      if (answer) return answer as T;
      if (Date.now() > until) throw new Error(`${this.engine}: no visible ${describe(target)} after ${ACTION_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async click(target: Target): Promise<void> {
    const { x, y } = await this.located<{ x: number; y: number }>('point', target);
    await this.driver.clickAt(x, y);
  }

  async fill(target: Target, text: string): Promise<void> {
    await this.located('focus', target);
    // The field's text is selected: typing replaces it, as a person selecting all and typing does.
    await this.driver.pressKey('Backspace');
    await this.driver.typeText(text);
  }

  press(key: Key): Promise<void> {
    return this.driver.pressKey(key);
  }

  async count(target: Target): Promise<number> {
    return (await this.driver.evaluateExpression(inPageCall('count', target))) as number;
  }

  async text(target: Target): Promise<string | null> {
    return (await this.driver.evaluateExpression(inPageCall('text', target))) as string | null;
  }

  setViewport(size: ViewportSize): Promise<void> {
    return this.driver.setViewport(size);
  }

  screenshot(): Promise<Buffer> {
    return this.driver.screenshot();
  }

  /**
   * The viewport's pixels as a visitor sees them: the display where there is one (WebKit under
   * Xvfb), else the engine's screenshot (headless Chromium and Firefox screenshot their compositor's output).
   */
  async pixels(): Promise<Image> {
    return this.driver.screen ? this.driver.screen() : decodePng(await this.driver.screenshot());
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
