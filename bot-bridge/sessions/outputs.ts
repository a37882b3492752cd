// What a session transition asks the outbox to do: the job kinds and their queues, the Bot Framework
// activities queued for the bot, and the generic API's callback events. Jobs of one queue run one at
// a time in order: every session has a queue towards the gateway, one towards its bot, one towards
// its callback URL, and every gateway conversation has one for applying its webhook events. The
// handlers of these kinds live in jobs/; times and ids are given, so building a job is pure.
import type { NewJob } from '../store';
import type { Session } from './types';

export const queueOf = {
  gateway: (sessionId: string) => `gw:${sessionId}`,
  bot: (sessionId: string) => `bot:${sessionId}`,
  callback: (sessionId: string) => `cb:${sessionId}`,
  inbox: (conversationId: string) => `in:${conversationId}`,
};

/** A Bot Framework activity as the bridge queues it; conversation, from, recipient and serviceUrl are added when sent. */
export interface QueuedActivity {
  type: 'message' | 'conversationUpdate' | 'event' | 'endOfConversation';
  id: string;
  timestamp: string;
  text?: string;
  name?: string;
  value?: unknown;
  membersAdded?: 'customer'[];
  /** The customer's files: the bot gets each as an attachment with a short-lived contentUrl (jobs/bot.ts). */
  files?: { id: string; name: string; contentType: string }[];
}

export interface CallbackEvent {
  id: string;
  type: string;
  handoverId: string;
  timestamp: number;
  data: Record<string, unknown>;
}

/** The id the bot knows the customer by: stable per chat, and not the chat id (the customer's credential). */
export const botUserId = (session: Pick<Session, 'botConversationId'>) => `customer-${session.botConversationId}`;

export const job = {
  bot: (sessionId: string, activity: QueuedActivity, key?: string): NewJob => ({
    queue: queueOf.bot(sessionId),
    kind: 'bot.send',
    data: { sessionId, activity },
    ...(key ? { key } : {}),
  }),
  callback: (sessionId: string, event: CallbackEvent): NewJob => ({
    queue: queueOf.callback(sessionId),
    kind: 'callback.send',
    data: { sessionId, event },
    key: `cb:${event.id}`,
  }),
  handover: (sessionId: string, seq: number): NewJob => ({
    queue: queueOf.gateway(sessionId),
    kind: 'gateway.handover',
    data: { sessionId, seq },
    key: `handover:${sessionId}:${seq}`,
  }),
  /** `files`: the customer's files, uploaded to the gateway and sent with the text. */
  message: (sessionId: string, seq: number, text: string, key: string, files?: { id: string; name: string }[]): NewJob => ({
    queue: queueOf.gateway(sessionId),
    kind: 'gateway.message',
    data: { sessionId, seq, text, ...(files?.length ? { files } : {}) },
    key,
  }),
  typing: (sessionId: string, seq: number, at: number): NewJob => ({
    queue: queueOf.gateway(sessionId),
    kind: 'gateway.typing',
    data: { sessionId, seq, at },
  }),
  leave: (sessionId: string, conversationId: string): NewJob => ({
    queue: queueOf.gateway(sessionId),
    kind: 'gateway.leave',
    data: { sessionId, conversationId },
    key: `leave:${conversationId}`,
  }),
  postAgent: (sessionId: string, conversationId: string): NewJob => ({
    queue: queueOf.gateway(sessionId),
    kind: 'gateway.post-agent',
    data: { sessionId, conversationId },
    key: `post-agent:${conversationId}`,
  }),
  inbox: (conversationId: string, notBefore: number): NewJob => ({
    queue: queueOf.inbox(conversationId),
    kind: 'inbox.apply',
    data: { conversationId },
    notBefore,
  }),
};

const iso = (at: number) => new Date(at).toISOString();

export const activity = {
  message: (text: string, id: string, at: number, value?: Record<string, unknown>, files?: QueuedActivity['files']): QueuedActivity => ({
    type: 'message',
    id,
    timestamp: iso(at),
    text,
    ...(value ? { value } : {}),
    ...(files?.length ? { files } : {}),
  }),
  hello: (id: string, at: number): QueuedActivity => ({ type: 'conversationUpdate', id, timestamp: iso(at), membersAdded: ['customer'] }),
  handoffStatus: (id: string, at: number, state: 'accepted' | 'failed' | 'completed', message?: string): QueuedActivity => ({
    type: 'event',
    id,
    timestamp: iso(at),
    name: 'handoff.status',
    value: { state, ...(message ? { message } : {}) },
  }),
  end: (id: string, at: number, reason: string): QueuedActivity => ({ type: 'endOfConversation', id, timestamp: iso(at), value: { code: reason } }),
};
