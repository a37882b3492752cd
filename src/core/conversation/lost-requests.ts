// A chat request lost with the page that sent it (a reload or a navigation while it was on its way)
// leaves a chat without an id that cannot go on: once it is surely lost, it ends, and the customer
// can start another. A request this tab still waits on is never taken for lost.
import { effect } from '@preact/signals';
import type { Shared } from '../shared';
import type { Lifetime } from './lifetime';
import { systemLine } from './system-line';

/** Requests time out after 10 s: one without an answer for this long is lost. */
export const REQUEST_LOST_MS = 20_000;

export interface LostRequestsDeps {
  shared: Shared;
  lifetime: Lifetime;
  /** How long a chat request may go unanswered before it counts as lost. */
  lostMs: number;
}

export interface LostRequests {
  /** Chat requests this tab waits on (the others' may have been lost with their page). */
  readonly waiting: Set<string>;
  /** A chat request that failed: the chat ends, and what the customer typed meanwhile shows as not sent. */
  fail(requestId: string, key: string): Promise<void>;
}

export function watchLostRequests({ shared, lifetime, lostMs }: LostRequestsDeps): LostRequests {
  const waiting = new Set<string>();

  async function fail(requestId: string, key: string): Promise<void> {
    await shared.commit((s) =>
      s.chat?.requestId === requestId && s.chat.status === 'requesting'
        ? {
            ...s,
            chat: { ...s.chat, status: 'ended', endReason: 'timeout' },
            outbox: s.outbox.map((o) => (o.status === 'sent' ? o : { ...o, status: 'failed' })),
            transcript: [...s.transcript, systemLine(key)],
          }
        : s,
    );
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  lifetime.hold(() => clearTimeout(timer));
  lifetime.hold(
    effect(() => {
      const chat = shared.state.value.chat;
      clearTimeout(timer);
      if (!chat || chat.status !== 'requesting' || chat.id || waiting.has(chat.requestId)) return;
      const { requestId } = chat;
      timer = setTimeout(() => void fail(requestId, 'errorInvalidLogin'), Math.max(0, chat.startedAt + lostMs - Date.now()));
    }),
  );

  return { waiting, fail };
}
