// The message bus handed to the page in onInit, and the chainable chatApp facade mapped onto it.
// It lives in the loader so the page can use it before the app chunk has loaded: commands published
// early are queued for the app.

export type Handler = (data: unknown) => void;

export interface Bus {
  publish(topic: string, data?: unknown): void;
  subscribe(topic: string, handler: Handler): { remove(): void };
}

export type ChatApp = Record<string, (...args: any[]) => ChatApp>;

/** Topics the widget acts on; the rest pass between page subscribers only. */
export const COMMANDS = new Set([
  'customer:set-info',
  'customer:reset-info',
  'chat:set-language',
  'chat:set-variables',
  'chat:end',
  'chat:start',
  'chat:trigger-invitation',
  'chat:trigger-pre-chat',
  'chat:trigger-chat-window',
  'chat:set-invitation-quick-replies',
  'chat:set-notification-sound',
  'chat:set-proxy',
]);

/** Commands that mean "the customer is about to see the chat": load the app now. */
export const INTENTS = new Set(['chat:start', 'chat:trigger-invitation', 'chat:trigger-pre-chat', 'chat:trigger-chat-window']);

export interface BusCore {
  bus: Bus;
  /** Delivers to the page's subscribers (events the widget publishes). */
  emit(topic: string, data: unknown): void;
  /** Connects the app: queued commands first, then every later publish. */
  attach(app: (topic: string, data: unknown) => void): void;
  detach(): void;
}

export function createBus(onCommand: (topic: string) => void): BusCore {
  const subscribers = new Map<string, Set<Handler>>();
  const queue: [string, unknown][] = [];
  let app: ((topic: string, data: unknown) => void) | null = null;

  const emit = (topic: string, data: unknown) => {
    for (const handler of [...(subscribers.get(topic) ?? [])]) {
      try {
        handler(data);
      } catch (error) {
        console.error(`Parley: a subscriber of "${topic}" threw; the bus goes on`, error);
      }
    }
  };

  const bus: Bus = {
    publish(topic, data) {
      if (typeof topic !== 'string' || !topic) {
        console.error('Parley: bus.publish(topic, data) needs a topic string');
        return;
      }
      const payload = data === undefined ? null : data;
      emit(topic, payload);
      if (!COMMANDS.has(topic)) return;
      if (app) app(topic, payload);
      else queue.push([topic, payload]);
      onCommand(topic);
    },
    subscribe(topic, handler) {
      if (typeof topic !== 'string' || !topic || typeof handler !== 'function') {
        console.error('Parley: bus.subscribe(topic, handler) needs a topic string and a function');
        return { remove() {} };
      }
      if (!subscribers.has(topic)) subscribers.set(topic, new Set());
      // Wrapped so the same function subscribed twice is two subscriptions, each removable once.
      const entry: Handler = (data) => handler(data);
      subscribers.get(topic)!.add(entry);
      return {
        remove() {
          subscribers.get(topic)?.delete(entry);
        },
      };
    },
  };

  return {
    bus,
    emit,
    attach(fn) {
      app = fn;
      for (const [topic, data] of queue.splice(0)) fn(topic, data);
    },
    detach() {
      app = null;
      subscribers.clear();
    },
  };
}

/** The v2 `chatApp`: every method publishes on the bus and returns the facade, so calls chain. */
export function createChatApp(bus: Bus, unmount: () => void): ChatApp {
  const send = (topic: string, data?: unknown) => () => {
    bus.publish(topic, data);
    return app;
  };
  const app: ChatApp = {
    startChat: () => send('chat:start')(),
    endChat: () => send('chat:end')(),
    setCustomerInfo: (info: unknown) => send('customer:set-info', info)(),
    resetCustomerInfo: () => send('customer:reset-info')(),
    setCustomerLanguage: (language: unknown) => send('chat:set-language', language)(),
    setVariables: (variables: unknown) => send('chat:set-variables', variables)(),
    setInvitationQuickReplies: (replies: unknown) => send('chat:set-invitation-quick-replies', replies)(),
    setNotificationSoundToggle: (on: unknown) => send('chat:set-notification-sound', on)(),
    // The app connects the callbacks to its events (src/app/proxy.ts).
    setProxy: (callbacks: unknown) => send('chat:set-proxy', callbacks)(),
    unmount() {
      unmount();
      return app;
    },
  };
  return app;
}
