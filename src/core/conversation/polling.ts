// The leader's polling: how often (faster while someone watches the chat window, slow while every
// tab is hidden, backing off while the server fails), GetMessages from the last index seen, the
// connection shown as lost after repeated failures, and GetChat now and then. Where GetChat
// advertises the longPoll extension, each GetMessages is a long-poll instead: the server holds it
// until something comes, and the next one goes out as soon as it answers (one held request per
// visitor, from the leader tab). Hidden tabs long-poll too, with the same wait: fewer requests than
// the hidden cadence, and nothing arrives late. A server that answers at once anyway (it ignores
// waitSeconds) is polled no faster than the plain cadence.
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
/** Long-polling: GetChat at most this often (ms), whatever the number of polls. */
const CHECK_EVERY_MS = 60_000;
/** The longest wait asked for, whatever a server advertises (s). */
const MAX_WAIT_S = 120;
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
  now?: () => number;
}

/** The wait GetChat's extensions offer (seconds), or null: poll plainly. */
export function longPollWait(view: { extensions?: { longPoll?: { maxWaitSeconds?: unknown } } }): number | null {
  const wait = view.extensions?.longPoll?.maxWaitSeconds;
  return typeof wait === 'number' && Number.isFinite(wait) && wait >= 1 ? Math.min(Math.floor(wait), MAX_WAIT_S) : null;
}

export function createPolling(deps: PollingDeps): Poller {
  const { client, shared, presence, intervals } = deps;
  const now = deps.now ?? Date.now;
  let polls = 0;
  /** The chat whose GetChat told whether it long-polls, and the wait it offers (null: plain). */
  let learnedFor: string | null = null;
  let wait: number | null = null;
  let checkedAt = 0;
  let inFlight: AbortController | null = null;

  const interval = (): number | null => {
    const chat = shared.state.value.chat;
    if (deps.lifetime.over || !deps.leader() || !isActive(chat) || !chat.id) return null;
    if (!presence.someoneSees()) return intervals.hidden;
    return presence.watching() ? intervals.watching : intervals.visible;
  };

  async function poll(): Promise<number | void> {
    const chat = shared.state.value.chat;
    if (!isActive(chat) || !chat.id) return;
    const id = chat.id;
    const controller = new AbortController();
    inFlight = controller;
    let page;
    let started = now();
    try {
      // A new leader (or chat) asks GetChat first: whether the server long-polls, and whether the chat ended meanwhile.
      if (learnedFor !== id) {
        await checkChat(id);
        learnedFor = id;
        if (!isActive(shared.state.value.chat) || controller.signal.aborted) return;
        started = now();
      }
      // From the last index this visitor has seen, in any tab or before a reload: nothing twice.
      page = await client.getMessages(id, chat.lastIndex + 1, wait ? { waitSeconds: wait, signal: controller.signal } : {});
    } catch (error) {
      // Cut short on purpose (this tab stopped leading, or the chat is gone from this page): not a failure.
      if (controller.signal.aborted) return;
      if (isChatRequestError(error) && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        // The server no longer knows the chat (it ended long ago, or the contact center changed).
        await deps.endLocally('timeout', 'sessionDisconnected');
        return;
      }
      throw error;
    } finally {
      if (inFlight === controller) inFlight = null;
    }
    if (controller.signal.aborted) return;
    const entries = page.messages;
    if (entries.length) {
      const { agentLeft } = await deps.arrivals.take(entries);
      if (agentLeft) await checkChat(id);
      if (shared.state.value.outbox.some(unsent)) void deps.outbox.flush();
    }
    if (wait ? now() - checkedAt >= CHECK_EVERY_MS : ++polls % CHECK_EVERY === 0) await checkChat(id);
    // A full page: the rest at once.
    if (page.more && entries.length) return 0;
    if (!wait) return;
    if (entries.length) return 0;
    // An empty answer that came back sooner than the plain cadence: the server did not hold it.
    const plain = interval() ?? 0;
    return Math.max(0, plain - (now() - started));
  }

  /** GetChat: tells a transfer from the end after the agent left, and catches ends the messages missed. */
  async function checkChat(id: string): Promise<void> {
    const view = await client.getChat(id);
    checkedAt = now();
    wait = longPollWait(view);
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
  const stop = () => {
    poller.stop();
    inFlight?.abort();
    inFlight = null;
    // The next leader term asks GetChat again (the server may have changed meanwhile).
    learnedFor = null;
  };
  deps.lifetime.hold(stop);
  return {
    start: () => poller.start(),
    stop,
    kick: (delayMs) => poller.kick(delayMs),
    get running() {
      return poller.running;
    },
  };
}
