// The customer's messages on their way: queued in the shared state (so a reload or another tab keeps
// them), sent by the leader one at a time and in order, and retried with the same clientMessageId,
// so the server can tell a retry from a new message and records each once.
import { MAX_TEXT } from '../../../bot-bridge/customer-chat-api/wire';
import { isChatRequestError, type ChatApiClient } from '../client';
import { backoffDelay } from '../poller';
import type { Shared } from '../shared';
import { isActive, type Outgoing } from '../types';
import type { Ending } from './ending';
import type { Lifetime } from './lifetime';
import { systemLine } from './system-line';

export interface OutboxDeps {
  client: ChatApiClient;
  shared: Shared;
  leader(): boolean;
  lifetime: Lifetime;
  random: () => number;
  newId(): string;
  endLocally: Ending['endLocally'];
  /** A message went through: its line in the transcript comes with the next poll. */
  onSent(): void;
}

export interface Outbox {
  /** Queues a customer message; it reaches the server once, whatever happens to the network or the tab. */
  send(raw: string): Promise<void>;
  /** Sends what waits, if this tab leads; a second call while sending does nothing. */
  flush(): Promise<void>;
}

/** Whether a message still waits to go out. */
export const unsent = (o: Outgoing) => o.status === 'sending' || o.status === 'retrying';

export function createOutbox(deps: OutboxDeps): Outbox {
  const { client, shared, lifetime, random } = deps;
  let sending = false;

  const mark = (id: string, change: Partial<Outgoing>, unlessFailed = false) =>
    shared.commit((s) => ({ ...s, outbox: s.outbox.map((o) => (o.id === id && !(unlessFailed && o.status === 'failed') ? { ...o, ...change } : o)) }));

  async function flush(): Promise<void> {
    if (sending || lifetime.over) return;
    sending = true;
    try {
      for (;;) {
        const chat = shared.state.value.chat;
        if (!deps.leader() || !isActive(chat) || !chat.id) return;
        const next = shared.state.value.outbox.find(unsent);
        if (!next) return;
        try {
          await client.sendMessage(chat.id, next.text, next.id);
          await mark(next.id, { status: 'sent' }, true);
          deps.onSent();
        } catch (error) {
          if (isChatRequestError(error) && !error.transient) {
            await shared.commit((s) => ({
              ...s,
              outbox: s.outbox.map((o) => (o.id === next.id ? { ...o, status: 'failed' } : o)),
              transcript: [...s.transcript, systemLine('errorGenericMessage')],
            }));
            if (error.kind === 'state' || error.kind === 'not-found') await deps.endLocally('timeout', 'sessionDisconnected');
            continue;
          }
          // The server may hold it already (only the answer got lost): the retry carries the same id.
          const attempts = next.attempts + 1;
          const limited = isChatRequestError(error) && error.rateLimited;
          // A refusal by the server's limits is routine: the first one shows nothing (the message
          // stays "sending" and goes when the server said it may), later ones say it is retrying.
          await mark(next.id, { status: limited && attempts === 1 ? 'sending' : 'retrying', attempts });
          const backoff = backoffDelay(1000, attempts, 30_000, random);
          await lifetime.sleep(limited ? Math.max(Math.min(error.retryAfterMs ?? backoff, 120_000), 250) : backoff);
        }
      }
    } finally {
      sending = false;
    }
  }

  async function send(raw: string): Promise<void> {
    const text = raw.trim();
    if (!text) return;
    const cut = text.length > MAX_TEXT;
    const entry: Outgoing = { id: deps.newId(), text: cut ? text.slice(0, MAX_TEXT) : text, at: Date.now(), status: 'sending', attempts: 0 };
    await shared.commit((s) => ({
      ...s,
      outbox: [...s.outbox, entry],
      transcript: cut ? [...s.transcript, systemLine('chatMsgTooLong')] : s.transcript,
    }));
    if (deps.leader()) void flush();
  }

  return { send, flush };
}
