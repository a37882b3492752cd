// The chat with the contact center, put together from its parts: the chat request, presence, the
// leader's polling and outbox, lost requests, and the end. Every change goes through the shared
// state (`shared.commit`), so all tabs show the same chat.
import { isChatRequestError, type ChatApiClient } from '../client';
import type { Shared, TabMessage } from '../shared';
import { openBlobs, type BlobStore } from '../store';
import type { Tabs } from '../tabs';
import { isActive } from '../types';
import { createArrivals } from './arrivals';
import { createEnding } from './ending';
import { followExtensions } from './extensions';
import { followFileLinks } from './file-links';
import { followLeadership } from './leadership';
import { createLifetime } from './lifetime';
import { REQUEST_LOST_MS, watchLostRequests } from './lost-requests';
import { createOutbox } from './outbox';
import { DEFAULT_INTERVALS, createPolling, type Intervals } from './polling';
import { createPresence } from './presence';
import { createRequest } from './request';

export interface ConversationDeps {
  client: ChatApiClient;
  shared: Shared;
  tabs: Tabs<TabMessage>;
  isVisible(): boolean;
  onVisibilityChange(listener: () => void): () => void;
  /** Plays the notification sound (the leader calls it, so it plays once across tabs). */
  notify(): void;
  intervals?: Partial<Intervals>;
  /** How long a chat request may go unanswered before it counts as lost (REQUEST_LOST_MS). */
  requestLostMs?: number;
  random?: () => number;
  newId?: () => string;
  /** Where files wait for their upload (IndexedDB by default). */
  blobs?: BlobStore;
}

const uuid = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

export function createConversation(deps: ConversationDeps) {
  const { client, shared, tabs } = deps;
  const random = deps.random ?? Math.random;
  const newId = deps.newId ?? uuid;
  const leader = () => tabs.isLeader.value;
  const lifetime = createLifetime();
  let typingQuietUntil = 0;

  // The parts call each other back (a sent message asks for a poll, a poll for the outbox): the
  // callbacks below run only once all parts exist.
  const ending = createEnding({ client, shared, lifetime, random });
  const outbox = createOutbox({
    client,
    shared,
    leader,
    lifetime,
    random,
    newId,
    endLocally: ending.endLocally,
    onSent: () => polling.kick(300),
    blobs: deps.blobs ?? openBlobs(),
  });
  const presence = createPresence({
    shared,
    tabs,
    isVisible: deps.isVisible,
    onVisibilityChange: deps.onVisibilityChange,
    lifetime,
    onChange(own) {
      if (own && deps.isVisible()) void arrivals.markRead();
      polling.kick(50);
    },
  });
  const arrivals = createArrivals({ shared, presence, notify: deps.notify });
  const intervals = { ...DEFAULT_INTERVALS, ...deps.intervals };
  const polling = createPolling({ client, shared, leader, presence, arrivals, outbox, endLocally: ending.endLocally, lifetime, intervals, random });
  followLeadership({ shared, tabs, polling, outbox, lifetime });
  followExtensions({ client, shared, leader, lifetime });
  const fileLinks = followFileLinks({ client, shared, leader, lifetime });
  const lost = watchLostRequests({ shared, lifetime, lostMs: deps.requestLostMs ?? REQUEST_LOST_MS });

  return {
    request: createRequest({ client, shared, lost, end: ending.end, newId, sleep: (ms) => lifetime.sleep(ms) }),
    send: outbox.send,
    attach: outbox.attach,
    cancel: outbox.cancel,
    retry: outbox.retry,
    progress: outbox.progress,
    blob: outbox.blob,
    /** A file's picture did not load: its link may have expired; the leader fetches fresh ones. */
    refreshFiles: fileLinks.refresh,
    /** A reply button: sends its text (and value), and disables the message's buttons in every tab. */
    async reply(index: number, text: string, value?: Record<string, unknown>): Promise<void> {
      await shared.commit((s) => ({ ...s, transcript: s.transcript.map((i) => (i.kind === 'message' && i.index === index ? { ...i, replied: true } : i)) }));
      await outbox.send(text, value);
    },
    /**
     * Typing goes from the tab the customer types in; it is best effort and never retried. After a
     * refusal by the server's limits, "started typing" stays quiet for the Retry-After ("stopped" still goes).
     */
    typing(on: boolean): void {
      const chat = shared.state.value.chat;
      if (!isActive(chat) || !chat.id || (on && Date.now() < typingQuietUntil)) return;
      void client.typing(chat.id, on).catch((error: unknown) => {
        if (isChatRequestError(error) && error.rateLimited) typingQuietUntil = Date.now() + (error.retryAfterMs ?? 5000);
      });
    },
    end: ending.end,
    async setSound(on: boolean): Promise<void> {
      await shared.commit((s) => ({ ...s, sound: on }));
    },
    markRead: arrivals.markRead,
    watching: presence.watching,
    destroy: lifetime.end,
  };
}

export type Conversation = ReturnType<typeof createConversation>;
