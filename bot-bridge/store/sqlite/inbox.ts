// The webhook inbox in SQLite: a row per event id, its body dropped once the event is done (the
// row stays, so a late retry is still recognised, until the purge).
import type { InboxAdded, InboxEvent, InboxStore } from '../ports';
import { groupCommit } from '../shared';
import { immediate, type Db } from './database';
import { boundSession } from './sessions';

export function sqliteInbox(db: Db): InboxStore {
  const s = {
    inboxAdd: db.prepare('INSERT OR IGNORE INTO inbox (event_id, conversation_id, ts, received_at, body) VALUES (?, ?, ?, ?, ?)'),
    inboxPending: db.prepare<[string], { event_id: string; conversation_id: string; ts: number; received_at: number; body: string }>(
      'SELECT event_id, conversation_id, ts, received_at, body FROM inbox WHERE conversation_id = ? AND done = 0 ORDER BY ts, rowid',
    ),
    inboxDone: db.prepare('UPDATE inbox SET done = 1, body = NULL WHERE event_id = ? AND conversation_id = ?'),
    inboxWaiting: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM inbox WHERE event_id = ? AND conversation_id = ? AND done = 0'),
  };
  const bound = boundSession(db);

  // The events arriving together are written in one transaction.
  const add = groupCommit((events: InboxEvent[]) =>
    immediate(db, () =>
      events.map((event): InboxAdded => {
        const fresh = s.inboxAdd.run(event.eventId, event.conversationId, event.timestamp, event.receivedAt, JSON.stringify(event.body)).changes === 1;
        return {
          fresh,
          pending: fresh || s.inboxWaiting.get(event.eventId, event.conversationId) !== undefined,
          sessionId: bound(event.conversationId),
        };
      }),
    ),
  );

  return {
    inboxAdd: add,

    async inboxPending(conversationId: string): Promise<InboxEvent[]> {
      return s.inboxPending.all(conversationId).map((r) => ({
        eventId: r.event_id,
        conversationId: r.conversation_id,
        timestamp: r.ts,
        receivedAt: r.received_at,
        body: JSON.parse(r.body) as Record<string, unknown>,
      }));
    },

    async inboxDone(conversationId: string, eventIds: string[]): Promise<void> {
      db.transaction(() => {
        for (const id of eventIds) s.inboxDone.run(id, conversationId);
      })();
    },
  };
}
