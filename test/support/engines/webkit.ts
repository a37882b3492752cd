// WebKit: Debian's WebKitGTK MiniBrowser driven by selenium-webdriver through WebKitWebDriver,
// under a virtual display (xvfb-run). The 2.50 driver's known faults are worked around here:
// Element Click on an <input> in a shadow root is refused, so every click is a pointer action at a
// point; new tabs are hidden and hang pointer actions, so pages are windows; one session per
// driver, and a client that dies leaves it busy, so every context has its own driver process and
// every command a deadline. There is no BiDi: console output and errors are captured in the page.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, Key as SeleniumKey, Origin, type WebDriver } from 'selenium-webdriver';
import { crop, decodeXwd } from '../png';
import { BasePage, type DriverPrimitives } from './base-page';
import type { EngineBrowser, EngineContext, Key, ViewportSize } from './types';

export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const COMMAND_TIMEOUT_MS = 30_000;

const KEYS: Record<Key, string[]> = {
  Enter: [SeleniumKey.ENTER],
  Escape: [SeleniumKey.ESCAPE],
  Tab: [SeleniumKey.TAB],
  'Shift+Tab': [SeleniumKey.SHIFT, SeleniumKey.TAB],
  Space: [SeleniumKey.SPACE],
  ArrowLeft: [SeleniumKey.ARROW_LEFT],
  ArrowRight: [SeleniumKey.ARROW_RIGHT],
  ArrowUp: [SeleniumKey.ARROW_UP],
  ArrowDown: [SeleniumKey.ARROW_DOWN],
  Backspace: [SeleniumKey.BACK_SPACE],
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A WebKitWebDriver of its own, in its own process group, on its own virtual display (xvfb-run starts Xvfb beside it). */
async function startDriver(): Promise<{ url: string; display: { name: string; auth: string }; stop(): void }> {
  const port = await freePort();
  // The shell says which display xvfb-run chose, then becomes the driver.
  const child: ChildProcess = spawn(
    'xvfb-run',
    ['-a', '-s', '-screen 0 1400x1000x24', 'sh', '-c', `echo "$DISPLAY $XAUTHORITY"; exec WebKitWebDriver --port=${port} --host=127.0.0.1`],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let display: { name: string; auth: string } | null = null;
  child.stdout?.on('data', (chunk: Buffer) => {
    const [name = '', auth = ''] = chunk.toString().split('\n')[0]!.trim().split(' ');
    display ??= { name, auth };
  });
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && display) return { url, display, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > until || child.exitCode !== null) {
      stop();
      throw new Error('WebKitWebDriver did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every command of a session runs after the previous one, with a deadline. */
function serial() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const run = last.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`webkit: ${what} did not answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
          work().then(
            (value) => (clearTimeout(timer), resolve(value)),
            (error) => (clearTimeout(timer), reject(error)),
          );
        }),
    );
    last = run.catch(() => undefined);
    return run;
  };
}

function primitives(
  driver: WebDriver,
  handle: string,
  run: ReturnType<typeof serial>,
  viewport: { current: ViewportSize | null },
  display: { name: string; auth: string },
): DriverPrimitives {
  // Every command first brings this page's window forward: the session has one current window.
  const on = <T>(what: string, work: () => Promise<T>) =>
    run(what, async () => {
      await driver.switchTo().window(handle);
      return work();
    });
  const fitViewport = async (size: ViewportSize) => {
    // setRect sizes the whole window: correct by what the page reports as its viewport.
    await driver.manage().window().setRect({ width: size.width, height: size.height });
    const inner = (await driver.executeScript('return [innerWidth, innerHeight]')) as [number, number];
    await driver
      .manage()
      .window()
      .setRect({ width: size.width * 2 - inner[0], height: size.height * 2 - inner[1] });
  };
  return {
    evaluateExpression: (expression) =>
      on('script', async () => {
        const result = (await driver.executeAsyncScript(
          `const done = arguments[arguments.length - 1];
           Promise.resolve().then(() => ${expression}).then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }));`,
        )) as { value?: unknown; error?: string };
        if (result?.error) throw new Error(`webkit: JavaScript error in the page: ${result.error}`);
        return result?.value ?? null;
      }),
    clickAt: (x, y) => on('click', () => driver.actions({ async: true }).move({ x, y, origin: Origin.VIEWPORT }).click().perform()),
    typeText: (text) => on('type', () => driver.actions({ async: true }).sendKeys(text).perform()),
    pressKey: (key) =>
      on('key', () =>
        driver
          .actions({ async: true })
          .sendKeys(...KEYS[key])
          .perform(),
      ),
    navigate: (url) => on('navigate', () => driver.get(url)),
    reload: () => on('reload', () => driver.navigate().refresh()),
    setViewport: (size) =>
      on('viewport', async () => {
        viewport.current = size;
        await fitViewport(size);
      }),
    screenshot: () => on('screenshot', async () => Buffer.from(await driver.takeScreenshot(), 'base64')),
    // The viewport as the X server shows it: WebDriver's screenshot paints the page afresh, so it
    // cannot show a part of the page the engine failed to repaint; the display can.
    screen: () =>
      on('screen', async () => {
        const [x, y, outerWidth, outerHeight, width, height] = (await driver.executeScript(
          'return [screenX, screenY, outerWidth, outerHeight, innerWidth, innerHeight]',
        )) as number[];
        const dump = await new Promise<Buffer>((resolve, reject) =>
          execFile(
            'xwd',
            ['-root', '-silent', '-display', display.name],
            { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, XAUTHORITY: display.auth } },
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
          ),
        );
        // MiniBrowser's toolbar is above the page; nothing is beside it.
        return crop(decodeXwd(dump), { x: x! + (outerWidth! - width!) / 2, y: y! + (outerHeight! - height!), width: width!, height: height! });
      }),
    close: () =>
      on('close', async () => {
        await driver.close();
        const [next] = await driver.getAllWindowHandles();
        if (next) await driver.switchTo().window(next);
      }),
  };
}

export async function launchWebKit(): Promise<EngineBrowser> {
  const sessions = new Set<{ quit(): Promise<void> }>();
  return {
    engine: 'webkit',
    async newContext(options = {}): Promise<EngineContext> {
      const server = await startDriver();
      let driver: WebDriver;
      try {
        driver = await new Builder()
          .usingServer(server.url)
          .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] } })
          .build();
        await driver.manage().setTimeouts({ script: COMMAND_TIMEOUT_MS, pageLoad: COMMAND_TIMEOUT_MS });
      } catch (error) {
        server.stop();
        throw error;
      }
      const run = serial();
      const viewport = { current: options.viewport ?? null };
      let first: string | null = await driver.getWindowHandle();
      const session = {
        quit: async () => {
          sessions.delete(session);
          await Promise.race([driver.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
          server.stop();
        },
      };
      sessions.add(session);
      return {
        newPage: async () => {
          // The session's first window is the first page; the others are new windows (not tabs).
          const handle =
            first ??
            (await run('new window', async () => {
              await driver.switchTo().newWindow('window');
              return driver.getWindowHandle();
            }));
          first = null;
          const page = new BasePage('webkit', primitives(driver, handle, run, viewport, server.display));
          if (viewport.current) await page.setViewport(viewport.current);
          return page;
        },
        close: () => session.quit(),
      };
    },
    close: async () => {
      await Promise.all([...sessions].map((s) => s.quit()));
    },
  };
}
