// The chat with the contact center: the chat request, polling and the outbox (leader only), typing,
// and ending. Every change goes through the shared state, so all tabs show the same chat.
import { effect } from '@preact/signals';
import { isChatRequestError, type ChatApiClient } from './client';
import { createPoller, backoffDelay } from './poller';
import type { Shared, TabMessage } from './shared';
import type { Tabs } from './tabs';
import { afterAgentLeft, applyEntries } from './transcript';
import { isActive, type EndReason, type Item, type SharedState } from './types';
import { MAX_TEXT } from '../../bot-bridge/customer-chat-api/wire';

/** Polls between two GetChat checks (a chat can end with nothing in its messages). */
const CHECK_EVERY = 30;
/** Consecutive failures before the customer is told the connection is lost. */
const LOST_AFTER = 3;
const PRESENCE_TTL_MS = 15_000;
/** Messages in a burst (one after another within this) chime once. */
export const CHIME_GAP_MS = 3000;
/**
 * A chat request that has had no answer for this long was lost with the page that sent it (a reload or
 * a navigation while it was on its way: requests time out after 10 s). Without its id, the chat cannot
 * go on: it ends, and the customer can start another.
 */
export const REQUEST_LOST_MS = 20_000;

export interface Intervals {
  /** A tab shows the open chat window. */
  watching: number;
  /** A tab is visible but the window is minimized. */
  visible: number;
  /** Every tab is hidden. */
  hidden: number;
}

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
}

export interface ChatRequest {
  nickname: string;
  subject?: string | undefined;
  endpoint?: string | undefined;
  userData: Record<string, unknown>;
  startedBy: 'user' | 'chat-api';
}

const DEFAULT_INTERVALS: Intervals = { watching: 2000, visible: 5000, hidden: 15_000 };

const system = (key: string, extra: Partial<Extract<Item, { kind: 'system' }>> = {}): Item => ({ kind: 'system', key, at: Date.now(), ...extra });
const uuid = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

export function createConversation(deps: ConversationDeps) {
  const { client, shared, tabs } = deps;
  const intervals = { ...DEFAULT_INTERVALS, ...deps.intervals };
  const random = deps.random ?? Math.random;
  const newId = deps.newId ?? uuid;
  const presence = new Map<string, { visible: boolean; at: number }>();
  let destroyed = false;
  let sending = false;
  let polls = 0;
  let lastChime = -Infinity;
  /** Chat requests this tab is waiting on (the others' may have been lost with their page). */
  const inFlight = new Set<string>();
  const cleanups: (() => void)[] = [];
  const state = () => shared.state.value;
  const leader = () => tabs.isLeader.value;

  const someoneSees = () => deps.isVisible() || [...presence.values()].some((p) => p.visible && Date.now() - p.at < PRESENCE_TTL_MS);
  const watching = () => someoneSees() && state().open && state().phase === 'chatWindow';

  // ---- presence: the leader needs to know whether any tab is looking ----
  const announce = () => tabs.post({ type: 'presence', tab: tabs.id, visible: deps.isVisible() });
  cleanups.push(
    tabs.onMessage((message) => {
      if (message.type === 'presence') {
        const before = presence.get(message.tab);
        presence.set(message.tab, { visible: message.visible, at: Date.now() });
        // A heartbeat that changes nothing must not cost a request.
        if (before?.visible !== message.visible) poller.kick(50);
      }
    }),
  );
  cleanups.push(
    deps.onVisibilityChange(() => {
      announce();
      if (deps.isVisible()) void markRead();
      poller.kick(50);
    }),
  );
  const heartbeat = setInterval(announce, 5000);
  cleanups.push(() => clearInterval(heartbeat));
  announce();

  // ---- polling (leader) ----
  const interval = (): number | null => {
    const chat = state().chat;
    if (destroyed || !leader() || !isActive(chat) || !chat.id) return null;
    if (!someoneSees()) return intervals.hidden;
    return watching() ? intervals.watching : intervals.visible;
  };

  const poller = createPoller({
    interval,
    random,
    tick: poll,
    onResult(failures) {
      const lost = failures >= LOST_AFTER;
      if ((state().connection === 'lost') !== lost && (lost || failures === 0)) {
        void shared.commit((s) => ({ ...s, connection: lost ? 'lost' : 'ok' }));
      }
    },
  });

  async function poll(): Promise<void> {
    const chat = state().chat;
    if (!isActive(chat) || !chat.id) return;
    const id = chat.id;
    let entries;
    try {
      entries = await client.getMessages(id, chat.lastIndex + 1);
    } catch (error) {
      if (isChatRequestError(error) && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        // The server no longer knows the chat (it ended long ago, or the contact center changed).
        await endLocally('timeout', 'sessionDisconnected');
        return;
      }
      throw error;
    }
    if (entries.length) {
      let applied!: ReturnType<typeof applyEntries>;
      await shared.commit((s) => {
        applied = applyEntries(s, entries);
        let next = applied.state;
        if (applied.typing) next = { ...next, typing: applied.typing.on ? applied.typing.name : null };
        if (applied.incoming.length && !watching()) next = { ...next, unread: next.unread + applied.incoming.length };
        return next;
      });
      if (applied.incoming.length && !watching() && state().sound !== false) {
        const now = Date.now();
        if (now - lastChime >= CHIME_GAP_MS) deps.notify();
        lastChime = now;
      }
      if (applied.agentLeft) await checkChat(id);
      if (state().outbox.some((o) => o.status !== 'sent' && o.status !== 'failed')) void flush();
    }
    if (++polls % CHECK_EVERY === 0) await checkChat(id);
  }

  /** GetChat: tells a transfer from the end after the agent left, and catches ends the messages missed. */
  async function checkChat(id: string): Promise<void> {
    const view = await client.getChat(id);
    const chat = state().chat;
    if (!isActive(chat) || chat.id !== id) return;
    if (!chat.agent && chat.agentsSeen > 0) {
      await shared.commit((s) => afterAgentLeft(s, view.state, view.participants).state);
    } else if (view.state === 'Idle') {
      await endLocally(chat.agent ? 'agent' : 'timeout', chat.agent ? 'agentDisconnected' : 'sessionDisconnected');
    }
  }

  // ---- the outbox (leader): one message in flight, in order, retried with the same id ----
  async function flush(): Promise<void> {
    if (sending || destroyed) return;
    sending = true;
    try {
      for (;;) {
        const chat = state().chat;
        if (!leader() || !isActive(chat) || !chat.id) return;
        const next = state().outbox.find((o) => o.status === 'sending' || o.status === 'retrying');
        if (!next) return;
        try {
          await client.sendMessage(chat.id, next.text, next.id);
          await shared.commit((s) => ({ ...s, outbox: s.outbox.map((o) => (o.id === next.id && o.status !== 'failed' ? { ...o, status: 'sent' } : o)) }));
          poller.kick(300);
        } catch (error) {
          if (isChatRequestError(error) && !error.transient) {
            await shared.commit((s) => ({
              ...s,
              outbox: s.outbox.map((o) => (o.id === next.id ? { ...o, status: 'failed' } : o)),
              transcript: [...s.transcript, system('errorGenericMessage')],
            }));
            if (error.kind === 'state' || error.kind === 'not-found') await endLocally('timeout', 'sessionDisconnected');
            continue;
          }
          const attempts = next.attempts + 1;
          await shared.commit((s) => ({ ...s, outbox: s.outbox.map((o) => (o.id === next.id ? { ...o, status: 'retrying', attempts } : o)) }));
          await sleep(backoffDelay(1000, attempts, 30_000, random));
        }
      }
    } finally {
      sending = false;
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cleanups.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  // Leadership and state decide what this tab does.
  cleanups.push(
    effect(() => {
      const chat = shared.state.value.chat;
      const lead = tabs.isLeader.value;
      if (lead && isActive(chat) && chat.id) {
        if (!poller.running) poller.start();
        else poller.kick(100);
        if (shared.state.value.outbox.some((o) => o.status === 'sending' || o.status === 'retrying')) void flush();
      } else {
        poller.stop();
      }
    }),
  );

  // A request without an answer that no tab here waits on: end it once it is surely lost.
  let lostTimer: ReturnType<typeof setTimeout> | undefined;
  cleanups.push(() => clearTimeout(lostTimer));
  cleanups.push(
    effect(() => {
      const chat = shared.state.value.chat;
      clearTimeout(lostTimer);
      if (!chat || chat.status !== 'requesting' || chat.id || inFlight.has(chat.requestId)) return;
      const { requestId } = chat;
      lostTimer = setTimeout(() => void failRequest(requestId, 'errorInvalidLogin'), Math.max(0, chat.startedAt + (deps.requestLostMs ?? REQUEST_LOST_MS) - Date.now()));
    }),
  );

  /** A chat request that failed: the chat ends, and what the customer typed meanwhile shows as not sent. */
  async function failRequest(requestId: string, key: string): Promise<void> {
    await shared.commit((s) =>
      s.chat?.requestId === requestId && s.chat.status === 'requesting'
        ? {
            ...s,
            chat: { ...s.chat, status: 'ended', endReason: 'timeout' },
            outbox: s.outbox.map((o) => (o.status === 'sent' ? o : { ...o, status: 'failed' })),
            transcript: [...s.transcript, system(key)],
          }
        : s,
    );
  }

  async function endLocally(reason: EndReason, key: string): Promise<void> {
    await shared.commit((s) =>
      isActive(s.chat) ? { ...s, chat: { ...s.chat, status: 'ended', endReason: reason, agent: null }, typing: null, transcript: [...s.transcript, system(key)] } : s,
    );
  }

  /** Ends the chat on the server (Complete), then shows it as ended. */
  async function end(reason: EndReason): Promise<void> {
    const chat = state().chat;
    if (!isActive(chat)) return;
    await shared.commit((s) => (isActive(s.chat) ? { ...s, chat: { ...s.chat, ending: reason } } : s));
    if (!chat.id) return; // still requesting: request() completes it when the id arrives
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await client.complete(chat.id);
        break;
      } catch (error) {
        if (!isChatRequestError(error) || !error.transient) break; // already over on the server
        await sleep(backoffDelay(1000, attempt, 8000, random));
      }
    }
    await endLocally(reason, reason === 'chat-api' ? 'endChatNotification' : 'chatEnded');
  }

  async function markRead(): Promise<void> {
    if (state().unread > 0 && watching()) await shared.commit((s) => ({ ...s, unread: 0 }));
  }

  return {
    /** Asks for a chat; resolves with its id, or null when another tab or request got there first. */
    async request(request: ChatRequest): Promise<string | null> {
      const requestId = newId();
      // Known as ours before the state shows it, so no timer here takes it for lost.
      inFlight.add(requestId);
      await shared.allowPersist();
      const claimed = await shared.commit((s) =>
        isActive(s.chat)
          ? s
          : {
              ...s,
              chat: {
                id: null,
                requestId,
                status: 'requesting',
                lastIndex: 0,
                agent: null,
                agentsSeen: 0,
                queuePosition: null,
                startedAt: Date.now(),
                startedBy: request.startedBy,
                ending: null,
                endReason: null,
              },
              transcript: [],
              typing: null,
              connection: 'ok',
            },
      );
      if (claimed.chat?.requestId !== requestId) {
        inFlight.delete(requestId);
        return null;
      }
      try {
        const { id } = await client.requestChat({ nickname: request.nickname, subject: request.subject, endpoint: request.endpoint, userData: request.userData });
        const after = await shared.commit((s) =>
          s.chat?.requestId === requestId && s.chat.status === 'requesting'
            ? { ...s, chat: { ...s.chat, id, status: 'queued' }, transcript: [...s.transcript, system('chatQueued')] }
            : s,
        );
        const ours = after.chat?.requestId === requestId && after.chat.id === id;
        // Ended while the request was on its way: end it on the server too.
        if (ours && after.chat!.ending) await end(after.chat!.ending);
        // Given up on meanwhile (another tab took it for lost): nobody will use this chat.
        if (!ours) await client.complete(id).catch(() => undefined);
        return ours ? id : null;
      } catch (error) {
        await failRequest(requestId, isChatRequestError(error) && error.transient ? 'errorServerUnavailable' : 'errorInvalidLogin');
        throw error;
      } finally {
        inFlight.delete(requestId);
      }
    },

    /** Queues a customer message; it reaches the server once, whatever happens to the network or the tab. */
    async send(raw: string): Promise<void> {
      const text = raw.trim();
      if (!text) return;
      const cut = text.length > MAX_TEXT;
      const entry = { id: newId(), text: cut ? text.slice(0, MAX_TEXT) : text, at: Date.now(), status: 'sending' as const, attempts: 0 };
      await shared.commit((s) => ({
        ...s,
        outbox: [...s.outbox, entry],
        transcript: cut ? [...s.transcript, system('chatMsgTooLong')] : s.transcript,
      }));
      if (leader()) void flush();
    },

    /** Typing goes from the tab the customer types in; it is best effort and never retried. */
    typing(on: boolean): void {
      const chat = state().chat;
      if (isActive(chat) && chat.id) void client.typing(chat.id, on).catch(() => undefined);
    },

    end,

    async setSound(on: boolean): Promise<void> {
      await shared.commit((s) => ({ ...s, sound: on }));
    },

    markRead,
    watching,

    destroy(): void {
      destroyed = true;
      poller.stop();
      cleanups.splice(0).forEach((fn) => fn());
    },
  };
}

export type Conversation = ReturnType<typeof createConversation>;
export type { SharedState };
