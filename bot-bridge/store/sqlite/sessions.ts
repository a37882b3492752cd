// Sessions and transcripts in SQLite: a row per session (the document, plus the columns the queries
// need), a row per conversation binding, a row per entry.
import type { Entry, NewEntry, Session, SessionStore } from '../ports';
import { entryAt, entryJson } from '../shared';
import { immediate, type Db } from './database';
import { WATCHED } from './schema';

/** The session a gateway conversation is bound to; also read by the inbox, inside its transaction. */
export function boundSession(db: Db): (conversationId: string) => string | null {
  const byConversation = db.prepare<[string], { session_id: string }>('SELECT session_id FROM conversations WHERE conversation_id = ?');
  return (conversationId) => byConversation.get(conversationId)?.session_id ?? null;
}

export function sqliteSessions(db: Db): SessionStore {
  const s = {
    createSession: db.prepare('INSERT OR IGNORE INTO sessions (id, doc, version, kind, state, seen, updated_at) VALUES (@id, @doc, @version, @kind, @state, @seen, @now)'),
    getSession: db.prepare<[string], { doc: string }>('SELECT doc FROM sessions WHERE id = ?'),
    saveSession: db.prepare('UPDATE sessions SET doc = @doc, version = @version, state = @state, updated_at = @now WHERE id = @id AND version = @expected'),
    touch: db.prepare('INSERT INTO session_seen (id, seen) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seen = MAX(seen, excluded.seen)'),
    // Sessions whose row says silent since `before` but whose mark says seen since: the row catches
    // up, so the next looks do not consider them again (an optimisation: `idle` checks the mark itself).
    catchUp: db.prepare<[{ before: number }]>(
      `UPDATE sessions SET seen = (SELECT t.seen FROM session_seen t WHERE t.id = sessions.id) WHERE ${WATCHED} AND seen < @before AND EXISTS (SELECT 1 FROM session_seen t WHERE t.id = sessions.id AND t.seen >= @before)`,
    ),
    hasEntry: db.prepare('SELECT 1 FROM entries WHERE session_id = ? AND idx >= ? LIMIT 1'),
    // WATCHED: the partial index sessions_watched's terms, so the planner reads that index.
    idle: db.prepare<[{ before: number; limit: number }], { id: string }>(
      `SELECT id FROM sessions WHERE ${WATCHED} AND seen < @before AND NOT EXISTS (SELECT 1 FROM session_seen t WHERE t.id = sessions.id AND t.seen >= @before) LIMIT @limit`,
    ),
    count: db.prepare<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM sessions GROUP BY state'),
    bind: db.prepare('INSERT OR IGNORE INTO conversations (conversation_id, session_id) VALUES (?, ?)'),
    entryByKey: db.prepare<[string, string], { idx: number; json: string }>('SELECT idx, json FROM entries WHERE session_id = ? AND key = ?'),
    lastIndex: db.prepare<[string], { idx: number | null }>('SELECT MAX(idx) AS idx FROM entries WHERE session_id = ?'),
    insertEntry: db.prepare('INSERT INTO entries (session_id, idx, key, json) VALUES (?, ?, ?, ?)'),
    cursor: db.prepare<[string], { cursor: number }>('SELECT cursor FROM sessions WHERE id = ?'),
    readEntries: db.prepare<[string, number, number], { idx: number; json: string }>('SELECT idx, json FROM entries WHERE session_id = ? AND idx >= ? ORDER BY idx LIMIT ?'),
    advance: db.prepare('UPDATE sessions SET cursor = ? WHERE id = ? AND cursor < ?'),
  };
  const bound = boundSession(db);

  return {
    async createSession(session: Session): Promise<boolean> {
      const now = Date.now();
      const result = s.createSession.run({ id: session.id, doc: JSON.stringify(session), version: session.version, kind: session.kind, state: session.state, seen: now, now });
      return result.changes === 1;
    },

    async getSession(id: string): Promise<Session | null> {
      const row = s.getSession.get(id);
      return row ? (JSON.parse(row.doc) as Session) : null;
    },

    async saveSession(session: Session, expected: number): Promise<boolean> {
      const next = { ...session, version: expected + 1 };
      const result = s.saveSession.run({ id: session.id, doc: JSON.stringify(next), version: next.version, state: next.state, now: Date.now(), expected });
      if (result.changes === 1) session.version = next.version;
      return result.changes === 1;
    },

    async touchSessions(touches: readonly (readonly [string, number])[]): Promise<void> {
      if (touches.length) immediate(db, () => touches.forEach(([id, at]) => s.touch.run(id, at)));
    },

    async idleSessions(before: number, limit: number): Promise<string[]> {
      // Only a cut in the past (the sweeper's) has rows to catch up: marks are stamped when the
      // customer polls. A cut in the future (the Direct Line transport listing every watched chat
      // every few seconds) reads and writes nothing more.
      if (before <= Date.now()) s.catchUp.run({ before });
      return s.idle.all({ before, limit }).map((r) => r.id);
    },

    async countSessions(): Promise<Record<string, number>> {
      return Object.fromEntries(s.count.all().map((r) => [r.state, r.n]));
    },

    async bindConversation(conversationId: string, sessionId: string): Promise<void> {
      s.bind.run(conversationId, sessionId);
    },

    async sessionByConversation(conversationId: string): Promise<string | null> {
      return bound(conversationId);
    },

    async append(sessionId: string, entries: NewEntry[]): Promise<Entry[]> {
      return immediate(db, () => {
        let last = s.lastIndex.get(sessionId)?.idx ?? 0;
        return entries.map((entry) => {
          if (entry.key) {
            const existing = s.entryByKey.get(sessionId, entry.key);
            if (existing) return entryAt(existing.json, existing.idx);
          }
          last += 1;
          s.insertEntry.run(sessionId, last, entry.key ?? null, entryJson(entry));
          const { key: _key, ...stored } = entry;
          return { ...stored, index: last };
        });
      });
    },

    async findEntry(sessionId: string, key: string): Promise<Entry | null> {
      const row = s.entryByKey.get(sessionId, key);
      return row ? entryAt(row.json, row.idx) : null;
    },

    async readEntries(sessionId: string, from: number | null, limit?: number): Promise<Entry[]> {
      // Nothing to read, nothing to advance: no write transaction (most long-poll reads find nothing).
      if (from !== null && !s.hasEntry.get(sessionId, Math.max(1, from))) return [];
      return immediate(db, () => {
        const start = from ?? (s.cursor.get(sessionId)?.cursor ?? 0) + 1;
        // LIMIT -1: no limit.
        const rows = s.readEntries.all(sessionId, Math.max(1, start), limit ?? -1);
        const last = rows.at(-1);
        if (last) s.advance.run(last.idx, sessionId, last.idx);
        return rows.map((r) => entryAt(r.json, r.idx));
      });
    },
  };
}
