// What a poll brings, applied to the shared state: the transcript, typing, and the unread count and
// the chime while nobody watches (the leader applies it, so the chime plays once across tabs).
import type { Shared } from '../shared';
import { applyEntries } from '../transcript';
import type { WireEntry } from '../types';
import type { Presence } from './presence';

/** Messages in a burst (one after another within this) chime once. */
export const CHIME_GAP_MS = 3000;

export interface ArrivalsDeps {
  shared: Shared;
  presence: Presence;
  /** Plays the notification sound. */
  notify(): void;
}

export interface Arrivals {
  /** Applies new entries; says whether the agent left in them (only GetChat tells what follows). */
  take(entries: WireEntry[]): Promise<{ agentLeft: boolean }>;
  /** The customer sees the chat window: nothing is unread any more. */
  markRead(): Promise<void>;
}

export function createArrivals({ shared, presence, notify }: ArrivalsDeps): Arrivals {
  let lastChime = -Infinity;

  return {
    async take(entries) {
      let applied!: ReturnType<typeof applyEntries>;
      await shared.commit((s) => {
        applied = applyEntries(s, entries);
        let next = applied.state;
        if (applied.typing) next = { ...next, typing: applied.typing.on ? applied.typing.name : null };
        if (applied.incoming.length && !presence.watching()) next = { ...next, unread: next.unread + applied.incoming.length };
        return next;
      });
      if (applied.incoming.length && !presence.watching() && shared.state.value.sound !== false) {
        const now = Date.now();
        if (now - lastChime >= CHIME_GAP_MS) notify();
        lastChime = now;
      }
      return { agentLeft: applied.agentLeft };
    },

    async markRead() {
      if (shared.state.value.unread > 0 && presence.watching()) await shared.commit((s) => ({ ...s, unread: 0 }));
    },
  };
}
