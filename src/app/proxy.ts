// chatApp.setProxy(callbacks): the v2 lifecycle callbacks, each fed by one of the widget's events.
import type { EventTopic, Events, Phase, ProxyCallbacks } from '../bus';

type Callbacks = Required<ProxyCallbacks>;

/** The event a callback follows, the phase it needs (for phase changes), and its arguments from the event's data. */
type Route<N extends keyof Callbacks> = {
  [E in EventTopic]: { event: E; phase?: Phase; args(data: Events[E]): Parameters<Callbacks[N]> };
}[EventTopic];

// Objects, not tuples: the type checker picks each route's event data by its `event` field.
const PROXY: { [N in keyof Callbacks]: Route<N> } = {
  onAppStart: { event: 'chat:ready', args: () => [] },
  onAppEnd: { event: 'chat:closed', args: (d) => [d.reason] },
  onOpenInvitation: { event: 'chat:phase-changed', phase: 'invitation', args: () => [] },
  onOpenOnlineForm: { event: 'chat:phase-changed', phase: 'preChat', args: () => [] },
  onOpenChat: { event: 'chat:phase-changed', phase: 'chatWindow', args: () => [] },
  onOpenOfflineForm: { event: 'chat:phase-changed', phase: 'offlineForm', args: () => [] },
  onCustomerInfoSent: { event: 'customer:info-sent', args: (d) => [d] },
  onSessionCreated: { event: 'chat:session-created', args: (d) => [d] },
  onSessionEnd: { event: 'chat:ended', args: (d) => [d.reason] },
  onSessionError: { event: 'chat:error', args: (d) => [d] },
};

export interface ProxyTable {
  /** The page's callbacks, as it gave them (checked here: anything may come from a page). */
  set(callbacks: unknown): void;
  /** Called with every event the widget publishes. */
  notify<K extends EventTopic>(topic: K, data: Events[K]): void;
}

export function createProxy(log: { error(message: string, detail?: unknown): void }): ProxyTable {
  let callbacks: Partial<Record<string, unknown>> = {};
  return {
    set(value) {
      if (typeof value !== 'object' || value === null) {
        log.error('setProxy(callbacks) needs an object of functions');
        return;
      }
      callbacks = { ...callbacks, ...value };
    },
    notify(topic, data) {
      for (const [name, { event, phase, args }] of Object.entries(PROXY) as [string, Route<keyof Callbacks>][]) {
        const fn = callbacks[name];
        if (event !== topic || typeof fn !== 'function') continue;
        if (phase && (data as Events['chat:phase-changed']).to !== phase) continue;
        try {
          // The route matched this topic, so its arguments are built from this topic's data.
          fn(...(args as (d: Events[EventTopic]) => unknown[])(data));
        } catch (error) {
          log.error(`the ${name} callback threw; the chat goes on`, error);
        }
      }
    },
  };
}
