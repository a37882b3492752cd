// The message bus handed to the page in onInit, and the chainable chatApp facade mapped onto it.
// It lives in the loader so the page can use it before the app chunk has loaded: commands published
// early are queued for the app. Its types are the topic maps of src/bus/chat.ts.
import type { Bus, ChatApp, CommandArgs, CommandTopic, Dispatch, Emit } from '../bus';

export type { Bus, ChatApp };

export type Handler = (data: unknown) => void;

/** A set of topics whose has() tells the type checker which topic it holds (a Set at run time). */
interface TopicSet<T extends string> {
  has(topic: string): topic is T;
}

/** Topics the widget acts on; the rest pass between page subscribers only. */
const COMMAND_LIST = [
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
] as const satisfies readonly CommandTopic[];

/** A command of the map missing from the list above; the type check then names it. */
type Unlisted = Exclude<CommandTopic, (typeof COMMAND_LIST)[number]>;

export const COMMANDS = new Set<string>(COMMAND_LIST) as unknown as TopicSet<[Unlisted] extends [never] ? CommandTopic : { unlisted: Unlisted }>;

/** Commands that mean "the customer is about to see the chat": load the app now. */
export const INTENTS: ReadonlySet<CommandTopic> = new Set(['chat:start', 'chat:trigger-invitation', 'chat:trigger-pre-chat', 'chat:trigger-chat-window'] satisfies CommandTopic[]);

export interface BusCore {
  bus: Bus;
  /** Delivers to the page's subscribers (events the widget publishes). */
  emit: Emit;
  /** Connects the app: queued commands first, then every later publish. */
  attach(app: Dispatch): void;
  detach(): void;
}

export function createBus(onCommand: (topic: CommandTopic) => void): BusCore {
  const subscribers = new Map<string, Set<Handler>>();
  const queue: [CommandTopic, unknown][] = [];
  let app: Dispatch | null = null;

  const emit = (topic: string, data: unknown) => {
    for (const handler of [...(subscribers.get(topic) ?? [])]) {
      try {
        handler(data);
      } catch (error) {
        console.error(`Parley: a subscriber of "${topic}" threw; the bus goes on`, error);
      }
    }
  };

  // Implemented once for every topic, page-own ones included; the Bus type adds the maps' data types.
  const bus: Bus = {
    publish(topic: string, data?: unknown) {
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
    subscribe(topic: string, handler: Handler) {
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
  // Typed by the map (each method publishes its own topic with its data); one untyped body.
  const send: <K extends CommandTopic>(topic: K, ...data: CommandArgs<K>) => () => ChatApp = (topic: string, data?: unknown) => () => {
    bus.publish(topic, data);
    return app;
  };
  const app: ChatApp = {
    startChat: () => send('chat:start')(),
    endChat: () => send('chat:end')(),
    setCustomerInfo: (info) => send('customer:set-info', info)(),
    resetCustomerInfo: () => send('customer:reset-info')(),
    setCustomerLanguage: (language) => send('chat:set-language', language)(),
    setVariables: (variables) => send('chat:set-variables', variables)(),
    setInvitationQuickReplies: (replies) => send('chat:set-invitation-quick-replies', replies)(),
    setNotificationSoundToggle: (on) => send('chat:set-notification-sound', on)(),
    // The app connects the callbacks to its events (src/app/proxy.ts).
    setProxy: (callbacks) => send('chat:set-proxy', callbacks)(),
    unmount() {
      unmount();
      return app;
    },
  };
  return app;
}
