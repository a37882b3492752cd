// The one interface both store drivers (SQLite, Redis) implement. Everything that must survive a
// crash or be shared by replicas lives behind it: sessions, transcripts, the webhook inbox, the
// outbox, counters, leases and the gateway rate limiter. Each method is atomic on its own; the
// callers make multi-step work safe by giving every effect an idempotency key instead of relying
// on cross-method transactions (which Redis cannot offer cheaply).
import type { Session } from '../sessions/types';

export type { Session };

/** One Customer Chat API transcript entry (protocols/customer-chat-api.md), index assigned by the store. */
export interface Entry {
  index: number;
  type: 'ParticipantJoined' | 'ParticipantLeft' | 'Text' | 'TypingStarted' | 'TypingStopped' | 'Notice';
  from: { nickname: string; participantId: string; type: 'Customer' | 'Agent' | 'External' };
  text?: string;
  utcTime: number;
  notice?: Record<string, unknown>;
  quickReplies?: { title: string; payload: string }[];
}

export type NewEntry = Omit<Entry, 'index'> & {
  /** Idempotency key: appending the same key twice stores one entry (and returns it). */
  key?: string;
};

export interface InboxEvent {
  /** x-8x8-event-id: the dedupe key. */
  eventId: string;
  conversationId: string;
  /** The payload's timestamp (ms): the order events are applied in. */
  timestamp: number;
  /**
   * When it arrived, for ordering: it is applied `reorderMs` after this. A redelivered event counts
   * as arriving later (see the webhook route), so the earlier ones redelivered after it still go first.
   */
  receivedAt: number;
  /** The verified raw body, parsed. */
  body: Record<string, unknown>;
}

export interface InboxAdded {
  fresh: boolean;
  pending: boolean;
  sessionId: string | null;
}

export interface NewJob {
  /** Jobs of one queue run one at a time, in enqueue order. */
  queue: string;
  kind: string;
  data: Record<string, unknown>;
  /** Idempotency key: enqueuing the same key twice (within the retention) adds one job. */
  key?: string;
  notBefore?: number;
}

export interface Job extends Required<Omit<NewJob, 'key'>> {
  id: string;
  key: string | null;
  attempts: number;
  createdAt: number;
  /** Fencing token of the current claim: only its holder may finish or reschedule the job. */
  token: string;
  lastError: string | null;
}

export interface Store {
  readonly driver: 'sqlite' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** Sets the value only if the key is free; returns the value that holds (ours or the earlier one). */
  claimSetting(key: string, value: string): Promise<string>;

  /** false when the id exists. */
  createSession(session: Session): Promise<boolean>;
  getSession(id: string): Promise<Session | null>;
  /**
   * Writes `session` (with version = expected + 1) only if the stored version is `expected`.
   * false = someone else wrote first: reload and try again.
   */
  saveSession(session: Session, expected: number): Promise<boolean>;
  /** Marks the customer as still there (idle timeout). */
  touchSession(id: string, at: number): Promise<void>;
  /** Sessions not ended whose customer has not been seen since `before` (widget chats only). */
  idleSessions(before: number, limit: number): Promise<string[]>;
  countSessions(): Promise<Record<string, number>>;
  bindConversation(conversationId: string, sessionId: string): Promise<void>;
  sessionByConversation(conversationId: string): Promise<string | null>;

  /** Appends entries in order; an entry whose key exists is not added again (the stored one is returned). */
  append(sessionId: string, entries: NewEntry[]): Promise<Entry[]>;
  /** The entry appended with this key, if any. */
  findEntry(sessionId: string, key: string): Promise<Entry | null>;
  /** Entries from `from` (1-based) on; `null` = after the session's cursor. Advances the cursor. */
  readEntries(sessionId: string, from: number | null): Promise<Entry[]>;

  /**
   * Records a webhook event. `fresh: false` = this event id was seen before (a retry or a replay).
   * `pending` = the event (fresh or not) is recorded and not yet done. Also tells which session the
   * event's conversation is bound to (one round trip for the intake).
   */
  inboxAdd(event: InboxEvent): Promise<InboxAdded>;
  inboxPending(conversationId: string): Promise<InboxEvent[]>;
  inboxDone(conversationId: string, eventIds: string[]): Promise<void>;

  /** Returns how many jobs were new. */
  enqueue(jobs: NewJob[]): Promise<number>;
  /** Claims up to `limit` due heads of distinct queues for `leaseMs`. */
  claim(owner: string, limit: number, leaseMs: number): Promise<Job[]>;
  /** Done: the job leaves its queue (its key stays claimed). */
  complete(job: Job): Promise<boolean>;
  /** Not done: run again at `notBefore` (the job stays at its queue's head). */
  reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean>;
  /** Keeps the claim, saves progress (e.g. "a send is in flight") so a crash is seen by the next owner. */
  saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean>;
  /** Given up: moved to the dead-letter list, the queue goes on. */
  bury(job: Job, error: string): Promise<boolean>;
  /** Jobs of the owner go back to their queues (shutdown). */
  releaseClaims(owner: string): Promise<void>;
  outboxDepth(): Promise<number>;
  /** When the next waiting job is due (ms), or null when none waits; shutdown drains what is due soon. */
  nextDue(): Promise<number | null>;
  deadJobs(limit: number): Promise<(Job & { error: string })[]>;

  /**
   * Adds `by` to a counter. With `onceId`, the increment happens at most once per id (a retried
   * step after a crash does not count twice); the current value is returned either way.
   */
  incrCounter(key: string, field: string, by?: number, onceId?: string): Promise<number>;
  /** Whether an increment with this onceId has happened. */
  counted(key: string, onceId: string): Promise<boolean>;
  getCounter(key: string, field: string): Promise<number>;

  /** Takes or renews a named lease; true when `owner` holds it now. */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlease(name: string, owner: string): Promise<void>;

  /**
   * Reserves the next slot of a rate limit shared by every replica: one call per `intervalMs`.
   * Returns how long to wait (ms) before using the slot; 0 = now. A slot more than `maxWaitMs`
   * away is not reserved (the budget stays for callers that will use it): the answer, above
   * `maxWaitMs`, then only says how far out the next free slot is.
   */
  reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number>;

  addOfflineMessage(message: OfflineMessage): Promise<void>;
  offlineMessages(since: number, limit: number): Promise<OfflineMessage[]>;

  /** Forgets ended sessions, handled events and job keys older than `before`. */
  purge(before: number): Promise<void>;
}

export interface OfflineMessage {
  id: string;
  contactCenterId: string;
  receivedAt: number;
  fields: Record<string, string>;
  userData: Record<string, string | number | boolean>;
}
