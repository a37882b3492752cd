// Webview mode's native bridge: the same bus both ways between the page and a mobile app.
// To the app: every event the widget publishes, as { type: "bus", topic, data }, through whichever
// native handler exists (React Native, iOS WKScriptMessageHandler "parley", Android "ParleyAndroid").
// From the app: window.parley.receive(messageOrJson) publishes a command topic on the bus.
import type { Emit, NativeEvents, ToAppMessage } from '../bus';
import { COMMANDS, type Bus } from '../loader/bus';

type Post = (message: ToAppMessage) => void;

interface NativeWindow {
  ReactNativeWebView?: { postMessage(message: string): void };
  webkit?: { messageHandlers?: { parley?: { postMessage(message: unknown): void } } };
  ParleyAndroid?: { postMessage(message: string): void };
  parley?: { receive(message: unknown): void };
}

/** The native handler present at this moment, if any (apps inject theirs before the page loads). */
export function nativeTarget(w: NativeWindow = window as NativeWindow): { name: string; post: Post } | null {
  if (typeof w.ReactNativeWebView?.postMessage === 'function') return { name: 'react-native', post: (m) => w.ReactNativeWebView!.postMessage(JSON.stringify(m)) };
  const ios = w.webkit?.messageHandlers?.parley;
  if (ios && typeof ios.postMessage === 'function') return { name: 'ios', post: (m) => ios.postMessage(m) };
  if (typeof w.ParleyAndroid?.postMessage === 'function') return { name: 'android', post: (m) => w.ParleyAndroid!.postMessage(JSON.stringify(m)) };
  return null;
}

export interface NativeBridge {
  /** Forwards an event the widget published to the app. */
  send: Emit;
  /** The app is attached to the bus: the app's messages so far, and from now on, are published. */
  start(): void;
  dispose(): void;
}

/** Runs a publish and returns the rule messages it logged (the bus rules report by console warning). */
export type Capture = (publish: () => void) => string[];

export function createNativeBridge(bus: Bus, log: { error(message: string, detail?: unknown): void }, capture: Capture): NativeBridge {
  const w = window as NativeWindow;
  const send = <K extends keyof NativeEvents>(topic: K, data: NativeEvents[K]) => {
    const target = nativeTarget(w);
    if (!target) return;
    try {
      // Structured data only: what JSON cannot carry does not cross to the app.
      target.post({ type: 'bus', topic, data: data === undefined ? null : JSON.parse(JSON.stringify(data ?? null)) } as ToAppMessage);
    } catch (error) {
      log.error(`the app's ${target.name} message handler failed`, error);
    }
  };
  const refuse = (message: string, received: unknown) => {
    log.error(`webview message refused: ${message}`);
    send('bus:error', { message, received: typeof received === 'string' ? received.slice(0, 500) : (received ?? null) });
  };
  let started = false;
  const early: unknown[] = [];
  const receive = (input: unknown) => {
    // Before the app is attached a command would only queue, and its rule messages come later.
    if (!started) return void early.push(input);
    let message = input;
    if (typeof input === 'string') {
      try {
        message = JSON.parse(input);
      } catch {
        return refuse('not valid JSON', input);
      }
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return refuse('expected an object { type: "bus", topic, data }', input);
    const { type, topic, data } = message as { type?: unknown; topic?: unknown; data?: unknown };
    if (type !== 'bus') return refuse(`unknown message type ${JSON.stringify(type)}; expected "bus"`, input);
    if (typeof topic !== 'string' || !COMMANDS.has(topic)) return refuse(`unknown command topic ${JSON.stringify(topic)}`, input);
    // The same rules as the page's bus (the data crosses unchecked, as a page script's does); what
    // they refuse goes back to the app too.
    const messages = capture(() => (bus.publish as (topic: string, data: unknown) => void)(topic, data ?? null));
    if (messages.length) send('bus:error', { message: messages.join(' '), topic, received: data ?? null });
  };
  const entry = { receive };
  if (!w.parley) w.parley = entry;
  return {
    // Every event of the map is one of the app's (NativeEvents extends Events).
    send: send as Emit,
    start() {
      started = true;
      for (const input of early.splice(0)) receive(input);
    },
    dispose() {
      if (w.parley === entry) delete w.parley;
    },
  };
}

/**
 * Keeps the window inside the visual viewport, so the on-screen keyboard never covers the message
 * field: the viewport's height and offset become custom properties of the widget.
 */
export function followVisualViewport(sheet: CSSStyleSheet): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => {};
  const update = () => sheet.replaceSync(`:host { --parley-vv-height: ${Math.round(vv.height)}px; --parley-vv-top: ${Math.round(vv.offsetTop)}px; }`);
  update();
  vv.addEventListener('resize', update);
  vv.addEventListener('scroll', update);
  return () => {
    vv.removeEventListener('resize', update);
    vv.removeEventListener('scroll', update);
  };
}
