// The webhook inbox: every gateway event recorded under its event id before it is acknowledged,
// so a retry or replay is recognised and a crash after the 200 loses nothing.

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

export interface InboxStore {
  /**
   * Records a webhook event. `fresh: false` = this event id was seen before (a retry or a replay).
   * `pending` = the event (fresh or not) is recorded and not yet done. Also tells which session the
   * event's conversation is bound to (one round trip for the intake).
   */
  inboxAdd(event: InboxEvent): Promise<InboxAdded>;
  inboxPending(conversationId: string): Promise<InboxEvent[]>;
  inboxDone(conversationId: string, eventIds: string[]): Promise<void>;
}
