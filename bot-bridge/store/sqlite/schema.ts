// The whole database, by port. Every statement is IF NOT EXISTS: opening an existing file changes
// nothing, so the layout may only grow by new tables and indexes.
import { ENDED, POLLED } from '../shared';

/** The sessions idleSessions() watches (a widget chat not ended): the partial index's terms, which a query must repeat word for word for the planner to use it. */
export const WATCHED = `state != '${ENDED}' AND kind = '${POLLED}'`;

export const SCHEMA = `
-- sessions and transcript
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_idle ON sessions (state, seen);
-- when each customer was last seen (touchSessions): a narrow row, so that a poll's mark rewrites a
-- few bytes, not the session's row and its index; sessions.seen catches up when the sweeper looks
CREATE TABLE IF NOT EXISTS session_seen (id TEXT PRIMARY KEY, seen INTEGER NOT NULL) WITHOUT ROWID;
-- the sessions idleSessions() watches (shared/session-index.ts: a widget chat not ended), by seen:
-- the sweeper reads the silent ones, not every open chat
CREATE INDEX IF NOT EXISTS sessions_watched ON sessions (seen) WHERE ${WATCHED};
CREATE TABLE IF NOT EXISTS conversations (conversation_id TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_session ON conversations (session_id);
CREATE TABLE IF NOT EXISTS entries (
  session_id TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT, json TEXT NOT NULL, PRIMARY KEY (session_id, idx)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_key ON entries (session_id, key) WHERE key IS NOT NULL;

-- inbox
CREATE TABLE IF NOT EXISTS inbox (
  event_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
  body TEXT, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (conversation_id, done);

-- outbox
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, key TEXT,
  state TEXT NOT NULL, owner TEXT, token TEXT, lease_until INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (queue, id);
CREATE TABLE IF NOT EXISTS job_keys (key TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
-- fairness: each waiting queue's origin (while it has jobs), and each origin's count of recent jobs
-- (forgotten once drained)
CREATE TABLE IF NOT EXISTS job_origins (queue TEXT PRIMARY KEY, origin TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS origin_use (origin TEXT PRIMARY KEY, level REAL NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dead_jobs (
  id INTEGER PRIMARY KEY, queue TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, key TEXT, attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL, error TEXT NOT NULL, died_at INTEGER NOT NULL);

-- coordination
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (key TEXT NOT NULL, field TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (key, field)) WITHOUT ROWID;
-- when each counter was last written, and first writers' claims: both forgotten after the retention
CREATE TABLE IF NOT EXISTS counter_writes (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counter_writes_at ON counter_writes (at);
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS claims_created ON claims (created_at);
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rate (key TEXT PRIMARY KEY, tat REAL NOT NULL);

-- offline messages
CREATE TABLE IF NOT EXISTS offline_messages (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS offline_received ON offline_messages (received_at);

-- files (kept the retention from when they were stored)
CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, meta TEXT NOT NULL, bytes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS files_created ON files (created_at);
`;
