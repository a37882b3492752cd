// dist/chat.js: the tiny loader. It reads the configuration, creates the widget's one host element
// with a launcher, hands the page its bus, and loads the app chunk (relative to its own URL) on the
// first intent or when the browser is idle. No framework, nothing heavy up front.
import type { Dispatch, Emit } from '../bus';
import { INTENTS, createBus, createChatApp, type Bus } from './bus';
import { PREFIX, readConfig, type ChatConfig } from './config';
// The file, not the core's index: through the index this bundle keeps preact and @preact/signals (which
// hooks into preact as it loads, a side effect tree-shaking must keep), and chat.js grows from 2.9 to 10 KB gzip.
import { databaseListed } from '../core/database';
import { LAUNCHER_CSS, launcherButton } from './launcher';

export interface AppContext {
  config: ChatConfig;
  root: ShadowRoot;
  /** The page's bus (the webview bridge publishes the app's commands on it). */
  bus: Bus;
  emit: Emit;
  attach(app: Dispatch): void;
  /** What made the app load: "idle", "intent" (hover/focus), "open" (a click on the launcher) or a command. */
  reason: string;
  /**
   * Removes the loader's launcher for the app's own, once no press on it is under way; answers
   * whether it had the focus. A launcher replaced between a press and its release would eat the
   * click: the two land on different elements, and no click reaches either launcher.
   */
  takeLauncher(): Promise<boolean>;
}

export interface MountedApp {
  /** The visitor clicked the loader's launcher after mount(), before the app's launcher took its place. */
  open(): void;
  unmount(): void;
}

const TAG = 'parley-chat';

function start(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  if (document.querySelector(TAG)) {
    console.warn(`${PREFIX} the chat is already on this page; this second copy of chat.js does nothing`);
    return;
  }
  // Typed for integrators (src/bus/chat.ts), but a page's script may have put anything there.
  const config = readConfig(window.__8x8Chat as unknown, script?.dataset);
  if (!config) return;
  const base = new URL('.', script?.src || location.href).href;

  const host = document.createElement(TAG);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(LAUNCHER_CSS);
  root.adoptedStyleSheets = [sheet];
  host.setAttribute('data-align', config.align ?? 'right');
  host.setAttribute('data-mode', config.mode ?? 'embedded');
  if (config.colorScheme && config.colorScheme !== 'auto') host.setAttribute('data-scheme', config.colorScheme);
  // The brand's launcher colours from the first paint (the app applies the whole theme).
  const brand = config.themeCustom ?? {};
  const colours = ['buttonPrimaryBackgroundColor', 'buttonPrimaryTextColor']
    .filter((k) => /^[#\w(),.% -]+$/.test(brand[k] ?? '') && !/url/i.test(brand[k]!))
    .map((k) => `--parley-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:${brand[k]}`);
  if (colours.length) {
    const theme = new CSSStyleSheet();
    theme.replaceSync(`:host{${colours.join(';')}}`);
    root.adoptedStyleSheets = [sheet, theme];
  }

  let app: MountedApp | null = null;
  let loading: Promise<void> | null = null;
  let gone = false;
  // A click while the chunk is on its way still opens the chat when it arrives.
  let clicked = false;
  const core = createBus((topic) => {
    if (INTENTS.has(topic)) void load(topic);
  });

  const load = (reason: string): Promise<void> | void =>
    gone
      ? undefined
      : (loading ??= import(/* @vite-ignore */ new URL('app.js', base).href)
          .then((module: { mount(ctx: AppContext): MountedApp }) => {
            if (gone) return;
            app = module.mount({ config, root, bus: core.bus, emit: core.emit, attach: core.attach, reason: clicked ? 'open' : reason, takeLauncher });
          })
          .catch((error) => {
            loading = null;
            console.error(`${PREFIX} the chat could not load from ${base}`, error);
          }));

  const unmount = () => {
    if (gone) return;
    gone = true;
    app?.unmount();
    core.detach();
    host.remove();
  };

  // A press on the launcher, until its release has made its click. The app's launcher waits for it:
  // a visitor's press lasts about 100 ms, and the app often arrives (idle load, or the hover's) in it.
  let pressed: Promise<void> | null = null;
  const button = config.mode === 'webview' ? null : launcherButton();
  if (button) {
    button.addEventListener('pointerenter', () => void load('intent'), { once: true });
    button.addEventListener('focus', () => void load('intent'), { once: true });
    button.addEventListener('pointerdown', () => {
      pressed ??= new Promise((resolve) => {
        // Released anywhere, cancelled, or the window lost (a release outside it never comes).
        const over = () => {
          removeEventListener('pointerup', over, true);
          removeEventListener('pointercancel', over, true);
          removeEventListener('blur', over);
          // The click comes after the release, in the same task.
          setTimeout(() => {
            pressed = null;
            resolve();
          });
        };
        addEventListener('pointerup', over, true);
        addEventListener('pointercancel', over, true);
        addEventListener('blur', over);
      });
    });
    button.addEventListener('click', () => {
      if (app) return app.open();
      clicked = true;
      void load('open');
    });
    root.append(button);
  }
  const takeLauncher = async (): Promise<boolean> => {
    while (pressed) await pressed;
    const focused = !!button && root.activeElement === button;
    button?.remove();
    return focused;
  };
  (document.body ?? document.documentElement).append(host);

  const chatApp = createChatApp(core.bus, unmount);
  if (config.onInit) {
    try {
      config.onInit(core.bus, chatApp);
    } catch (error) {
      console.error(`${PREFIX} onInit threw`, error);
    }
  }

  if (config.mode === 'webview') {
    void load('open');
  } else {
    const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(() => void load('idle'), { timeout: 4000 }) : setTimeout(() => void load('idle'), 1500));
    if (document.readyState === 'complete') idle();
    else addEventListener('load', idle, { once: true });
    // A visitor with a stored chat (a reload, another page of the site) sees it at once. Blocked
    // storage rejects: the idle load still comes.
    databaseListed().then(
      (found) => found && load('resume'),
      () => 0,
    );
  }
}

start();
