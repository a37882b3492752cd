// The leader's polling: how often (faster while someone watches the chat window, slow while every
// tab is hidden, backing off while the server fails), GetMessages from the last index seen, the
// connection shown as lost after repeated failures, and GetChat now and then.
import { isChatRequestError, type ChatApiClient } from '../client';
import { createPoller, type Poller } from '../poller';
import type { Shared } from '../shared';
import { afterAgentLeft } from '../transcript';
import { isActive } from '../types';
import type { Arrivals } from './arrivals';
import type { Ending } from './ending';
import type { Lifetime } from './lifetime';
import { unsent, type Outbox } from './outbox';
import type { Presence } from './presence';

/** Polls between two GetChat checks (a chat can end with nothing in its messages). */
const CHECK_EVERY = 30;
/** Consecutive failures before the customer is told the connection is lost. */
const LOST_AFTER = 3;

export interface Intervals {
  /** A tab shows the open chat window. */
  watching: number;
  /** A tab is visible but the window is minimized. */
  visible: number;
  /** Every tab is hidden. */
  hidden: number;
}

export const DEFAULT_INTERVALS: Intervals = { watching: 2000, visible: 5000, hidden: 15_000 };

export interface PollingDeps {
  client: ChatApiClient;
  shared: Shared;
  leader(): boolean;
  presence: Presence;
  arrivals: Arrivals;
  outbox: Outbox;
  endLocally: Ending['endLocally'];
  lifetime: Lifetime;
  intervals: Intervals;
  random: () => number;
}

export function createPolling(deps: PollingDeps): Poller {
  const { client, shared, presence, intervals } = deps;
  let polls = 0;

  const interval = (): number | null => {
    const chat = shared.state.value.chat;
    if (deps.lifetime.over || !deps.leader() || !isActive(chat) || !chat.id) return null;
    if (!presence.someoneSees()) return intervals.hidden;
    return presence.watching() ? intervals.watching : intervals.visible;
  };

  async function poll(): Promise<void> {
    const chat = shared.state.value.chat;
    if (!isActive(chat) || !chat.id) return;
    const id = chat.id;
    let entries;
    try {
      // From the last index this visitor has seen, in any tab or before a reload: nothing twice.
      entries = await client.getMessages(id, chat.lastIndex + 1);
    } catch (error) {
      if (isChatRequestError(error) && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        // The server no longer knows the chat (it ended long ago, or the contact center changed).
        await deps.endLocally('timeout', 'sessionDisconnected');
        return;
      }
      throw error;
    }
    if (entries.length) {
      const { agentLeft } = await deps.arrivals.take(entries);
      if (agentLeft) await checkChat(id);
      if (shared.state.value.outbox.some(unsent)) void deps.outbox.flush();
    }
    if (++polls % CHECK_EVERY === 0) await checkChat(id);
  }

  /** GetChat: tells a transfer from the end after the agent left, and catches ends the messages missed. */
  async function checkChat(id: string): Promise<void> {
    const view = await client.getChat(id);
    const chat = shared.state.value.chat;
    if (!isActive(chat) || chat.id !== id) return;
    if (!chat.agent && chat.agentsSeen > 0) {
      await shared.commit((s) => afterAgentLeft(s, view.state, view.participants).state);
    } else if (view.state === 'Idle') {
      await deps.endLocally(chat.agent ? 'agent' : 'timeout', chat.agent ? 'agentDisconnected' : 'sessionDisconnected');
    }
  }

  const poller = createPoller({
    interval,
    random: deps.random,
    tick: poll,
    onResult(failures) {
      const lost = failures >= LOST_AFTER;
      if ((shared.state.value.connection === 'lost') !== lost && (lost || failures === 0)) {
        void shared.commit((s) => ({ ...s, connection: lost ? 'lost' : 'ok' }));
      }
    },
  });
  deps.lifetime.hold(() => poller.stop());
  return poller;
}
