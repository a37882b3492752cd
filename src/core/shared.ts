// The state every tab of the visitor shares: one signal here, the same record in IndexedDB, and the
// same again in the other tabs. Every change is an atomic update of the stored record, then a
// broadcast; a tab applies a state only if it is newer (higher rev) than what it shows.
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Store } from './store';
import type { Tabs } from './tabs';
import { initialState, type SharedState } from './types';

export type TabMessage = { type: 'state'; state: SharedState } | { type: 'hello' } | { type: 'presence'; tab: string; visible: boolean };

export interface Shared {
  readonly state: ReadonlySignal<SharedState>;
  /** Loads what a previous page of this visitor left (if anything). */
  hydrate(): Promise<void>;
  /** Applies a change everywhere. `change` must be pure: across tabs it may run on a newer state. */
  commit(change: (state: SharedState) => SharedState): Promise<SharedState>;
  /** From now on, state is written to storage (the visitor has interacted, or a chat started). */
  allowPersist(): Promise<void>;
  readonly persisting: boolean;
}

export function createShared(store: Store<SharedState>, tabs: Tabs<TabMessage>): Shared {
  const state = signal<SharedState>(initialState());
  let persisting = false;
  let queue: Promise<unknown> = Promise.resolve();

  const apply = (next: SharedState) => {
    if (next.rev > state.value.rev) state.value = next;
  };

  tabs.onMessage((message) => {
    if (message.type === 'state') apply(message.state);
    else if (message.type === 'hello' && state.value.rev > 0) tabs.post({ type: 'state', state: state.value });
  });

  const valid = (value: unknown): value is SharedState => typeof value === 'object' && value !== null && (value as SharedState).v === 1;

  return {
    state,
    get persisting() {
      return persisting;
    },
    async hydrate() {
      const stored = await store.read().catch(() => undefined);
      if (valid(stored)) {
        persisting = true;
        apply(stored);
      }
      tabs.post({ type: 'hello' });
    },
    commit(change) {
      // Changes of this tab apply in the order they were asked for.
      const run = async () => {
        let next: SharedState;
        if (persisting) {
          next = await store.update((current) => {
            const base = valid(current) && current.rev >= state.value.rev ? current : state.value;
            return { ...change(base), rev: base.rev + 1 };
          });
        } else {
          next = { ...change(state.value), rev: state.value.rev + 1 };
        }
        apply(next);
        tabs.post({ type: 'state', state: next });
        return next;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async allowPersist() {
      if (persisting) return;
      persisting = true;
      const current = state.value;
      await store.write(current).catch(() => undefined);
    },
  };
}
