// chatApp.setProxy(callbacks): the v2 lifecycle callbacks, each fed by one of the widget's events.
type Callback = (...args: unknown[]) => void;

/** callback name → the event it follows, the phase it needs (for phase changes), and its arguments. */
const PROXY: [string, string, string | null, (data: any) => unknown[]][] = [
  ['onAppStart', 'chat:ready', null, () => []],
  ['onAppEnd', 'chat:closed', null, (d) => [d?.reason]],
  ['onOpenInvitation', 'chat:phase-changed', 'invitation', () => []],
  ['onOpenOnlineForm', 'chat:phase-changed', 'preChat', () => []],
  ['onOpenChat', 'chat:phase-changed', 'chatWindow', () => []],
  ['onOpenOfflineForm', 'chat:phase-changed', 'offlineForm', () => []],
  ['onCustomerInfoSent', 'customer:info-sent', null, (d) => [d]],
  ['onSessionCreated', 'chat:session-created', null, (d) => [d]],
  ['onSessionEnd', 'chat:ended', null, (d) => [d?.reason]],
  ['onSessionError', 'chat:error', null, (d) => [d]],
];

export interface ProxyTable {
  set(callbacks: unknown): void;
  /** Called with every event the widget publishes. */
  notify(topic: string, data: unknown): void;
}

export function createProxy(log: { error(message: string, detail?: unknown): void }): ProxyTable {
  let callbacks: Record<string, Callback> = {};
  return {
    set(value) {
      if (typeof value !== 'object' || value === null) {
        log.error('setProxy(callbacks) needs an object of functions');
        return;
      }
      callbacks = { ...callbacks, ...(value as Record<string, Callback>) };
    },
    notify(topic, data) {
      for (const [name, event, phase, args] of PROXY) {
        const fn = callbacks[name];
        if (event !== topic || typeof fn !== 'function') continue;
        if (phase && (data as { to?: string } | null)?.to !== phase) continue;
        try {
          fn(...args(data));
        } catch (error) {
          log.error(`the ${name} callback threw; the chat goes on`, error);
        }
      }
    },
  };
}
