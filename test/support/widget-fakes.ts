// The widget core's edges, faked once for every test of src/core and src/app: the tabs of one visitor
// (Web Locks and BroadcastChannel), the Customer Chat API client, and a store that counts its writes.
import { signal, type Signal } from '@preact/signals';
import { ChatRequestError, memoryStore, type ChatApiClient, type ChatScript, type SharedState, type Store, type TabMessage, type Tabs, type WireEntry } from '../../src/core';

/** A tab whose leadership the test decides (Web Locks would). */
export interface FakeTab extends Tabs<TabMessage> {
  readonly isLeader: Signal<boolean>;
}

/**
 * Tabs of one visitor joined by an in-memory channel: what one posts, the others get (as a copy, as
 * with BroadcastChannel). Ids are unique within a group only: keep what you count per test.
 */
export function tabGroup() {
  const members: { tab: FakeTab; handlers: Set<(m: TabMessage) => void> }[] = [];
  const make = (leader: boolean): FakeTab => {
    const handlers = new Set<(m: TabMessage) => void>();
    const tab: FakeTab = {
      id: `t${members.length}`,
      isLeader: signal(leader),
      post: (m) => members.filter((x) => x.tab !== tab).forEach((x) => x.handlers.forEach((h) => h(structuredClone(m)))),
      onMessage: (h) => (handlers.add(h), () => handlers.delete(h)),
      close: () => handlers.clear(),
    };
    members.push({ tab, handlers });
    return tab;
  };
  return { make };
}

/** One tab alone, leading (a visitor with one tab open). */
export const loneTab = (): FakeTab => tabGroup().make(true);

const NICKNAMES: Record<string, string> = { Agent: 'Kristi', External: 'FAQ bot', Customer: 'Chris' };

/**
 * A Customer Chat API that keeps one chat's transcript, records what it is asked, and can be told to
 * fail: before doing anything (`failNext`), after doing it (`loseAnswers`: the server holds the
 * message, the answer never arrives), or to keep polls waiting (`holdPolls`).
 */
export function fakeChatApi(
  options: { script?: ChatScript; longPoll?: { maxWaitSeconds: number; ignoreWait?: boolean }; pageSize?: number; files?: { maxBytes: number; contentTypes: string[] } } = {},
) {
  const script = options.script ?? { availability: { open: true } };
  const transcript: WireEntry[] = [];
  /** Long-polls held right now: each ends when an entry comes, its wait ends, it is aborted, or cut. */
  const held = new Set<{ wake: () => void; cut: () => void }>();
  /** Every long-poll's `waitSeconds` (0 for a plain poll), and how many were aborted by the client. */
  const waits: number[] = [];
  let aborted = 0;
  /** Every SendMessage the server handled, retries included. */
  const sends: { text: string; id: string; attachments?: { id: string }[]; value?: Record<string, unknown> }[] = [];
  /** Every upload the server took: the file id it answered, the name and the size. */
  const uploads: { id: string; name: string; size: number }[] = [];
  let uploadFailures: ChatRequestError[] = [];
  let uploadGate: Promise<void> | null = null;
  const seenIds = new Set<string>();
  /** Every GetMessages: from which index, and by which tab (see `clientOf`). */
  const polls: { index: number; by: string | null }[] = [];
  /** The operations asked for, in order (polls are in `polls`). */
  const calls: string[] = [];
  let failures = 0;
  let refusals = { sends: 0, requests: 0, retryAfterMs: 0 };
  let lostAnswers = 0;
  let requestAnswer: Promise<{ id: string }> | null = null;
  let pollGate: Promise<void> | null = null;
  let heldPolls = 0;

  const add = (type: string, who: string, extra: Partial<WireEntry> = {}) => {
    transcript.push({ index: transcript.length + 1, type, from: { nickname: NICKNAMES[who] ?? 'Chris', participantId: who, type: who }, ...extra });
    for (const h of [...held]) h.wake();
  };
  /** A long-poll held until something comes (or its wait ends, or the client aborts it, or cut()). */
  const hold = (index: number, waitSeconds: number, signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (transcript.length >= index) return resolve();
      const timer = setTimeout(() => done(resolve), waitSeconds * 1000);
      const entry = {
        wake: () => transcript.length >= index && done(resolve),
        cut: () => done(() => reject(new ChatRequestError('network', 'connection reset'))),
      };
      const onAbort = () => {
        aborted++;
        done(() => reject(new ChatRequestError('network', 'aborted')));
      };
      const done = (finish: () => void) => {
        clearTimeout(timer);
        held.delete(entry);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      held.add(entry);
      signal?.addEventListener('abort', onAbort);
    });
  const maybeFail = () => {
    if (failures > 0) {
      failures--;
      throw new ChatRequestError('network', 'offline');
    }
  };

  const clientOf = (by: string | null): ChatApiClient => ({
    chatScript: async () => (calls.push('script'), script),
    requestChat: async () => {
      calls.push('request');
      if (refusals.requests > 0) {
        refusals.requests--;
        throw new ChatRequestError('server', 'Too many chats', 429, 7, refusals.retryAfterMs);
      }
      if (requestAnswer) return requestAnswer;
      add('ParticipantJoined', 'Customer');
      return { id: 'chat-1' };
    },
    sendMessage: async (_id, text, clientMessageId, extra = {}) => {
      calls.push('send');
      maybeFail();
      if (refusals.sends > 0) {
        refusals.sends--;
        throw new ChatRequestError('server', 'Too many messages', 429, 7, refusals.retryAfterMs);
      }
      sends.push({ text, id: clientMessageId, ...extra });
      // As the Customer Chat API does: a clientMessageId it has seen is a retry, not a new message.
      if (!seenIds.has(clientMessageId)) {
        seenIds.add(clientMessageId);
        const files = (extra.attachments ?? []).map(({ id }) => uploads.find((u) => u.id === id)!);
        add(
          'Text',
          'Customer',
          files.length
            ? {
                text: text || files.map((f) => `File: ${f.name}`).join('\n'),
                body: text,
                attachments: files.map((f) => ({ id: f.id, name: f.name, size: f.size, contentType: 'image/png', url: `https://files.example/${f.id}` })),
              }
            : { text },
        );
      }
      if (lostAnswers > 0) {
        lostAnswers--;
        throw new ChatRequestError('timeout', 'The server did not answer in time');
      }
    },
    upload: async (_id, file, name, options = {}) => {
      calls.push('upload');
      options.onProgress?.(0.5);
      if (uploadGate) await uploadGate;
      if (options.signal?.aborted) throw new ChatRequestError('network', 'Cancelled');
      const failure = uploadFailures.shift();
      if (failure) throw failure;
      const stored = { id: `file-${uploads.length + 1}`, name, size: file.size };
      uploads.push(stored);
      return { ...stored, contentType: file.type, url: `https://files.example/${stored.id}` };
    },
    typing: async () => undefined,
    complete: async () => {
      calls.push('complete');
      add('ParticipantLeft', 'Customer');
    },
    getChat: async () => ({
      id: 'chat-1',
      state: 'Chatting',
      capabilities: [],
      participants: [],
      ...(options.longPoll || options.files
        ? { extensions: { ...(options.longPoll ? { longPoll: { maxWaitSeconds: options.longPoll.maxWaitSeconds } } : {}), ...(options.files ? { files: options.files } : {}) } }
        : {}),
    }),
    getMessages: async (_id, index, poll = {}) => {
      polls.push({ index, by });
      waits.push(poll.waitSeconds ?? 0);
      while (pollGate) {
        heldPolls++;
        await pollGate.finally(() => heldPolls--);
      }
      maybeFail();
      if (options.longPoll && !options.longPoll.ignoreWait && poll.waitSeconds) await hold(index, Math.min(poll.waitSeconds, options.longPoll.maxWaitSeconds), poll.signal);
      const page = transcript.slice(index - 1, options.pageSize ? index - 1 + options.pageSize : undefined);
      return { messages: page, more: options.pageSize !== undefined && page.length === options.pageSize };
    },
    offlineMessage: async () => ({ id: 'o' }),
  });

  return {
    client: clientOf(null),
    /** The same server, with each poll recorded as made by tab `by`. */
    clientOf,
    transcript,
    sends,
    polls,
    calls,
    add,
    uploads,
    /** The next uploads fail with these errors, one each. */
    failUploads: (...errors: ChatRequestError[]) => void (uploadFailures = errors),
    /** Uploads wait until the returned function is called. */
    holdUploads(): () => void {
      let open!: () => void;
      uploadGate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        uploadGate = null;
        open();
      };
    },
    /** The next `n` sends or polls fail before the server does anything. */
    failNext: (n: number) => void (failures = n),
    /** The next sends and chat requests are refused by the server's limits (429, statusCode 7, Retry-After). */
    refuseNext: (next: { sends?: number; requests?: number; retryAfterMs: number }) => void (refusals = { sends: 0, requests: 0, ...next }),
    /** The next `n` sends are recorded, then time out: the server holds the message, the tab does not know. */
    loseAnswers: (n: number) => void (lostAnswers = n),
    /** RequestChat never answers from now on. */
    hangRequests: () => void (requestAnswer = new Promise(() => {})),
    /** Polls wait until the returned function is called (then they answer with the transcript as it is). */
    holdPolls(): () => void {
      let open!: () => void;
      pollGate = new Promise<void>((resolve) => (open = resolve));
      return () => {
        pollGate = null;
        open();
      };
    },
    /** Polls waiting behind `holdPolls` right now. */
    get heldPolls() {
      return heldPolls;
    },
    /** Long-polls held by the server right now. */
    get heldWaits() {
      return held.size;
    },
    /** Long-polls the client aborted. */
    get abortedWaits() {
      return aborted;
    },
    waits,
    /** Every held long-poll fails as if the connection dropped. */
    cutWaits: () => [...held].forEach((h) => h.cut()),
  };
}

export type FakeChatApi = ReturnType<typeof fakeChatApi>;

/** A store (in memory) that counts what is written to it. */
export function countingStore(): Store<SharedState> & { writes: number } {
  const inner = memoryStore<SharedState>();
  const store = {
    kind: 'memory' as const,
    writes: 0,
    read: () => inner.read(),
    update: (fn: (c: SharedState | undefined) => SharedState) => (store.writes++, inner.update(fn)),
    write: (v: SharedState) => (store.writes++, inner.write(v)),
    clear: () => inner.clear(),
  };
  return store;
}
