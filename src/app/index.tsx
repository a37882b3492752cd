// The app chunk (dist/app.js): the composition root. The loader calls mount() with the host it
// created; everything the widget holds is built here and torn down by unmount().
import { render } from 'preact';
import type { Emit, Events } from '../bus';
import type { AppContext, MountedApp } from '../loader/index';
import { createClient, createCustomer, createShared, createTabs, openStore, type SharedState, type TabMessage } from '../core';
import { createConversation } from '../core/conversation';
import { App, WidgetContext, css, hostCss, loadStylesheet, themeCss, type WidgetView } from '../ui';
import { chime, closeSound } from './sound';
import { createProxy } from './proxy';
import { createNativeBridge, followVisualViewport } from './webview';
import { createWidget } from './widget';

const WEBVIEW_GRACE_MS = 500;

/** A short stable name for this visitor's chat with this contact center (store key, lock, channel). */
function scopeOf(domain: string, contactCenterId: string): string {
  let hash = 5381;
  for (const ch of `${domain}|${contactCenterId}`) hash = ((hash * 33) ^ ch.charCodeAt(0)) >>> 0;
  return hash.toString(36);
}

export function mount(ctx: AppContext): MountedApp {
  const { config, root } = ctx;
  const scope = scopeOf(config.domain, config.contactCenterId);
  // Rule messages also go to whoever captures them (the webview bridge answers its app with them).
  let captured: string[] | null = null;
  const capture = (publish: () => void) => {
    const outer = captured;
    const mine: string[] = (captured = []);
    try {
      publish();
    } finally {
      captured = outer;
    }
    return mine;
  };
  const log = {
    warn: (message: string) => {
      console.warn(message);
      captured?.push(message);
    },
    error: (message: string, detail?: unknown) => (detail === undefined ? console.error(`Parley: ${message}`) : console.error(`Parley: ${message}`, detail)),
  };

  const tabs = createTabs<TabMessage>(scope);
  const shared = createShared(openStore<SharedState>(`chat:${scope}`), tabs);
  const client = createClient({ domain: config.domain, contactCenterId: config.contactCenterId });
  const customer = createCustomer(log);
  const visibilityListeners = new Set<() => void>();
  const onVisibility = () => visibilityListeners.forEach((fn) => fn());
  document.addEventListener('visibilitychange', onVisibility);
  const conversation = createConversation({
    client,
    shared,
    tabs,
    isVisible: () => document.visibilityState === 'visible',
    onVisibilityChange: (fn) => {
      visibilityListeners.add(fn);
      return () => visibilityListeners.delete(fn);
    },
    notify: chime,
  });
  const proxy = createProxy(log);
  const webview = config.mode === 'webview';
  const native = webview ? createNativeBridge(ctx.bus, log, capture) : null;
  const emit: Emit = (topic, data) => {
    ctx.emit(topic, data);
    proxy.notify(topic, data);
    native?.send(topic, data);
    // In an app, a closed chat asks the app to close its screen.
    if (webview && topic === 'chat:closed') emit('webview:close-requested', data as Events['chat:closed']);
  };
  const widget = createWidget({ config, client, shared, conversation, customer, emit, log });

  // Constructable stylesheets: no <style> element, nothing a strict CSP refuses.
  const sheet = (text: string) => {
    const s = new CSSStyleSheet();
    s.replaceSync(text);
    return s;
  };
  const viewport = sheet('');
  root.adoptedStyleSheets = [sheet(hostCss), sheet(css), sheet(themeCss(config.themeCustom, log.warn)), viewport];
  const stopViewport = webview ? followVisualViewport(viewport) : () => {};
  const container = document.createElement('div');
  root.append(container);

  let gone = false;
  // A click on the loader's launcher after mount() opens the chat once the widget has started.
  let started = false;
  let openAsked = false;
  // The custom stylesheet is in place before the widget shows anything of its own.
  const styled = config.stylesheetURL ? loadStylesheet(root, config.stylesheetURL, config.nonce, log) : Promise.resolve();
  void styled.then(async () => {
    const hadFocus = gone ? false : await ctx.takeLauncher();
    if (gone) return;
    render(
      <WidgetContext.Provider value={widget satisfies WidgetView}>
        <App webview={webview} onCloseRequest={() => emit('webview:close-requested', null)} />
      </WidgetContext.Provider>,
      container,
    );
    if (hadFocus) root.querySelector<HTMLButtonElement>('.launcher')?.focus();
  });

  void Promise.all([shared.hydrate(), styled]).then(async () => {
    if (gone) return;
    // Commands the page published before the app loaded run now, in order.
    ctx.attach((topic, data) => (topic === 'chat:set-proxy' ? proxy.set(data) : widget.command(topic, data)));
    native?.start();
    await widget.start();
    if (webview) {
      // The app answers webview:ready with customer info and language: give it a moment, so they
      // travel with a chat that starts at once (no pre-chat form).
      emit('webview:ready', null);
      await new Promise((resolve) => setTimeout(resolve, WEBVIEW_GRACE_MS));
    }
    started = true;
    if ((ctx.reason === 'open' || openAsked) && !gone) await widget.open();
  });

  return {
    open() {
      if (started) void widget.open();
      else openAsked = true;
    },
    unmount() {
      gone = true;
      render(null, container);
      widget.destroy();
      conversation.destroy();
      tabs.close();
      document.removeEventListener('visibilitychange', onVisibility);
      closeSound();
      native?.dispose();
      stopViewport();
      container.remove();
      root.querySelector('link[data-parley-stylesheet]')?.remove();
    },
  };
}
