// One poller per visitor: the tabs of one visitor elect a leader with Web Locks and share state over
// a BroadcastChannel. Without Web Locks every tab leads (each polls); without BroadcastChannel tabs
// simply do not hear each other.
import { signal, type ReadonlySignal } from '@preact/signals';

export interface Tabs<M> {
  readonly id: string;
  readonly isLeader: ReadonlySignal<boolean>;
  post(message: M): void;
  onMessage(handler: (message: M) => void): () => void;
  close(): void;
}

export function createTabs<M>(name: string): Tabs<M> {
  const id = Math.random().toString(36).slice(2, 10);
  const isLeader = signal(false);
  const handlers = new Set<(message: M) => void>();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`parley:${name}`) : null;
  if (channel) channel.onmessage = (event: MessageEvent<M>) => handlers.forEach((h) => h(event.data));

  const abort = new AbortController();
  let release: () => void = () => {};
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks?.request) {
    locks
      .request(`parley:${name}`, { signal: abort.signal }, () => {
        isLeader.value = true;
        // Held until this tab closes or the widget unmounts; then the next tab in line leads.
        return new Promise<void>((resolve) => (release = resolve));
      })
      .catch(() => undefined);
  } else {
    isLeader.value = true;
  }

  return {
    id,
    isLeader,
    post(message) {
      try {
        channel?.postMessage(message);
      } catch {
        /* a closed channel: nothing to tell */
      }
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close() {
      abort.abort();
      release();
      isLeader.value = false;
      handlers.clear();
      channel?.close();
    },
  };
}
