// The embedded driver: one SQLite file (WAL), for a single bridge process. Every method runs in
// one transaction, so each is atomic even if several processes open the same file.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Entry, InboxAdded, InboxEvent, Job, NewEntry, NewJob, OfflineMessage, Session, Store } from './ports';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_idle ON sessions (state, seen);
CREATE TABLE IF NOT EXISTS conversations (conversation_id TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_session ON conversations (session_id);
CREATE TABLE IF NOT EXISTS entries (
  session_id TEXT NOT NULL, idx INTEGER NOT NULL, key TEXT, json TEXT NOT NULL, PRIMARY KEY (session_id, idx)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_key ON entries (session_id, key) WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS inbox (
  event_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
  body TEXT, done INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (conversation_id, done);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, key TEXT,
  state TEXT NOT NULL, owner TEXT, token TEXT, lease_until INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (queue, id);
CREATE TABLE IF NOT EXISTS job_keys (key TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dead_jobs (
  id INTEGER PRIMARY KEY, queue TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, key TEXT, attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL, error TEXT NOT NULL, died_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (key TEXT NOT NULL, field TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (key, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rate (key TEXT PRIMARY KEY, tat REAL NOT NULL);
CREATE TABLE IF NOT EXISTS offline_messages (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS offline_received ON offline_messages (received_at);
`;

interface JobRow {
  id: number;
  queue: string;
  kind: string;
  data: string;
  key: string | null;
  state: string;
  owner: string | null;
  token: string | null;
  not_before: number;
  attempts: number;
  created_at: number;
  last_error: string | null;
}

const toJob = (row: JobRow): Job => ({
  id: String(row.id),
  queue: row.queue,
  kind: row.kind,
  data: JSON.parse(row.data) as Record<string, unknown>,
  key: row.key,
  notBefore: row.not_before,
  attempts: row.attempts,
  createdAt: row.created_at,
  token: row.token ?? '',
  lastError: row.last_error,
});

function entryJson(entry: NewEntry): string {
  const { key: _key, ...rest } = entry;
  return JSON.stringify(rest);
}

export class SqliteStore implements Store {
  readonly driver = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly s;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (SIGKILL); only a power cut can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.s = {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      claimSetting: db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)'),
      createSession: db.prepare('INSERT OR IGNORE INTO sessions (id, doc, version, kind, state, seen, updated_at) VALUES (@id, @doc, @version, @kind, @state, @seen, @now)'),
      getSession: db.prepare<[string], { doc: string }>('SELECT doc FROM sessions WHERE id = ?'),
      saveSession: db.prepare('UPDATE sessions SET doc = @doc, version = @version, state = @state, updated_at = @now WHERE id = @id AND version = @expected'),
      touch: db.prepare('UPDATE sessions SET seen = MAX(seen, ?) WHERE id = ?'),
      idle: db.prepare<[number, number], { id: string }>("SELECT id FROM sessions WHERE state != 'ended' AND kind = 'widget' AND seen < ? LIMIT ?"),
      count: db.prepare<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM sessions GROUP BY state'),
      bind: db.prepare('INSERT OR IGNORE INTO conversations (conversation_id, session_id) VALUES (?, ?)'),
      byConversation: db.prepare<[string], { session_id: string }>('SELECT session_id FROM conversations WHERE conversation_id = ?'),
      entryByKey: db.prepare<[string, string], { idx: number; json: string }>('SELECT idx, json FROM entries WHERE session_id = ? AND key = ?'),
      lastIndex: db.prepare<[string], { idx: number | null }>('SELECT MAX(idx) AS idx FROM entries WHERE session_id = ?'),
      insertEntry: db.prepare('INSERT INTO entries (session_id, idx, key, json) VALUES (?, ?, ?, ?)'),
      cursor: db.prepare<[string], { cursor: number }>('SELECT cursor FROM sessions WHERE id = ?'),
      readEntries: db.prepare<[string, number], { idx: number; json: string }>('SELECT idx, json FROM entries WHERE session_id = ? AND idx >= ? ORDER BY idx'),
      advance: db.prepare('UPDATE sessions SET cursor = ? WHERE id = ? AND cursor < ?'),
      inboxAdd: db.prepare('INSERT OR IGNORE INTO inbox (event_id, conversation_id, ts, received_at, body) VALUES (?, ?, ?, ?, ?)'),
      inboxPending: db.prepare<[string], { event_id: string; conversation_id: string; ts: number; received_at: number; body: string }>(
        'SELECT event_id, conversation_id, ts, received_at, body FROM inbox WHERE conversation_id = ? AND done = 0 ORDER BY ts, rowid',
      ),
      inboxDone: db.prepare('UPDATE inbox SET done = 1, body = NULL WHERE event_id = ? AND conversation_id = ?'),
      inboxWaiting: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM inbox WHERE event_id = ? AND conversation_id = ? AND done = 0'),
      claimKey: db.prepare('INSERT OR IGNORE INTO job_keys (key, created_at) VALUES (?, ?)'),
      insertJob: db.prepare("INSERT INTO jobs (queue, kind, data, key, state, not_before, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"),
      due: db.prepare<[number, number, number], JobRow>(
        `SELECT j.* FROM jobs j WHERE j.id = (SELECT MIN(k.id) FROM jobs k WHERE k.queue = j.queue)
         AND ((j.state = 'pending' AND j.not_before <= ?) OR (j.state = 'inflight' AND j.lease_until <= ?))
         ORDER BY j.not_before, j.id LIMIT ?`,
      ),
      take: db.prepare("UPDATE jobs SET state = 'inflight', owner = ?, token = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?"),
      complete: db.prepare('DELETE FROM jobs WHERE id = ? AND token = ?'),
      reschedule: db.prepare(
        "UPDATE jobs SET state = 'pending', owner = NULL, token = NULL, lease_until = 0, not_before = @notBefore, data = @data, last_error = @lastError, attempts = @attempts WHERE id = @id AND token = @token",
      ),
      saveData: db.prepare('UPDATE jobs SET data = ? WHERE id = ? AND token = ?'),
      jobRow: db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE id = ? AND token = ?'),
      bury: db.prepare('INSERT OR REPLACE INTO dead_jobs (id, queue, kind, data, key, attempts, created_at, error, died_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      release: db.prepare("UPDATE jobs SET state = 'pending', owner = NULL, token = NULL, lease_until = 0, attempts = MAX(attempts - 1, 0) WHERE owner = ? AND state = 'inflight'"),
      depth: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs'),
      nextDue: db.prepare<[], { at: number | null }>(
        "SELECT MIN(CASE j.state WHEN 'pending' THEN j.not_before ELSE j.lease_until END) AS at FROM jobs j WHERE j.id = (SELECT MIN(k.id) FROM jobs k WHERE k.queue = j.queue)",
      ),
      dead: db.prepare<[number], JobRow & { error: string }>('SELECT *, NULL AS token, NULL AS last_error, 0 AS not_before FROM dead_jobs ORDER BY died_at DESC LIMIT ?'),
      incr: db.prepare<[string, string, number], { value: number }>(
        'INSERT INTO counters (key, field, value) VALUES (?, ?, ?) ON CONFLICT (key, field) DO UPDATE SET value = value + excluded.value RETURNING value',
      ),
      counter: db.prepare<[string, string], { value: number }>('SELECT value FROM counters WHERE key = ? AND field = ?'),
      lease: db.prepare(
        'INSERT INTO leases (name, owner, until) VALUES (@name, @owner, @until) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.owner = excluded.owner OR leases.until <= @now',
      ),
      unlease: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
      rate: db.prepare<[string], { tat: number }>('SELECT tat FROM rate WHERE key = ?'),
      setRate: db.prepare('INSERT INTO rate (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat'),
      addOffline: db.prepare('INSERT OR IGNORE INTO offline_messages (id, received_at, json) VALUES (?, ?, ?)'),
      offline: db.prepare<[number, number], { json: string }>('SELECT json FROM offline_messages WHERE received_at >= ? ORDER BY received_at LIMIT ?'),
    };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async getSetting(key: string): Promise<string | null> {
    return this.s.getSetting.get(key)?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.s.setSetting.run(key, value);
  }

  async claimSetting(key: string, value: string): Promise<string> {
    return this.db
      .transaction(() => {
        this.s.claimSetting.run(key, value);
        return this.s.getSetting.get(key)!.value;
      })
      .immediate();
  }

  async createSession(session: Session): Promise<boolean> {
    const now = Date.now();
    const result = this.s.createSession.run({ id: session.id, doc: JSON.stringify(session), version: session.version, kind: session.kind, state: session.state, seen: now, now });
    return result.changes === 1;
  }

  async getSession(id: string): Promise<Session | null> {
    const row = this.s.getSession.get(id);
    return row ? (JSON.parse(row.doc) as Session) : null;
  }

  async saveSession(session: Session, expected: number): Promise<boolean> {
    const next = { ...session, version: expected + 1 };
    const result = this.s.saveSession.run({ id: session.id, doc: JSON.stringify(next), version: next.version, state: next.state, now: Date.now(), expected });
    if (result.changes === 1) session.version = next.version;
    return result.changes === 1;
  }

  async touchSession(id: string, at: number): Promise<void> {
    this.s.touch.run(at, id);
  }

  async idleSessions(before: number, limit: number): Promise<string[]> {
    return this.s.idle.all(before, limit).map((r) => r.id);
  }

  async countSessions(): Promise<Record<string, number>> {
    return Object.fromEntries(this.s.count.all().map((r) => [r.state, r.n]));
  }

  async bindConversation(conversationId: string, sessionId: string): Promise<void> {
    this.s.bind.run(conversationId, sessionId);
  }

  async sessionByConversation(conversationId: string): Promise<string | null> {
    return this.s.byConversation.get(conversationId)?.session_id ?? null;
  }

  async append(sessionId: string, entries: NewEntry[]): Promise<Entry[]> {
    return this.db
      .transaction(() => {
        let last = this.s.lastIndex.get(sessionId)?.idx ?? 0;
        return entries.map((entry) => {
          if (entry.key) {
            const existing = this.s.entryByKey.get(sessionId, entry.key);
            if (existing) return { ...(JSON.parse(existing.json) as Omit<Entry, 'index'>), index: existing.idx };
          }
          last += 1;
          this.s.insertEntry.run(sessionId, last, entry.key ?? null, entryJson(entry));
          const { key: _key, ...stored } = entry;
          return { ...stored, index: last };
        });
      })
      .immediate();
  }

  async findEntry(sessionId: string, key: string): Promise<Entry | null> {
    const row = this.s.entryByKey.get(sessionId, key);
    return row ? { ...(JSON.parse(row.json) as Omit<Entry, 'index'>), index: row.idx } : null;
  }

  async readEntries(sessionId: string, from: number | null): Promise<Entry[]> {
    return this.db
      .transaction(() => {
        const start = from ?? (this.s.cursor.get(sessionId)?.cursor ?? 0) + 1;
        const rows = this.s.readEntries.all(sessionId, Math.max(1, start));
        const last = rows.at(-1);
        if (last) this.s.advance.run(last.idx, sessionId, last.idx);
        return rows.map((r) => ({ ...(JSON.parse(r.json) as Omit<Entry, 'index'>), index: r.idx }));
      })
      .immediate();
  }

  /**
   * Group commit: events arriving together (one I/O turn of the event loop) are written in one
   * transaction, and each is acknowledged once it is committed.
   */
  inboxAdd(event: InboxEvent): Promise<InboxAdded> {
    return new Promise((resolve, reject) => {
      this.inboxBatch.push({ event, resolve, reject });
      if (this.inboxBatch.length === 1) setImmediate(() => this.flushInbox());
    });
  }

  private readonly inboxBatch: { event: InboxEvent; resolve: (r: InboxAdded) => void; reject: (e: unknown) => void }[] = [];

  private flushInbox(): void {
    const batch = this.inboxBatch.splice(0);
    try {
      const results = this.db
        .transaction(() =>
          batch.map(({ event }): InboxAdded => {
            const fresh = this.s.inboxAdd.run(event.eventId, event.conversationId, event.timestamp, event.receivedAt, JSON.stringify(event.body)).changes === 1;
            return {
              fresh,
              pending: fresh || this.s.inboxWaiting.get(event.eventId, event.conversationId) !== undefined,
              sessionId: this.s.byConversation.get(event.conversationId)?.session_id ?? null,
            };
          }),
        )
        .immediate();
      batch.forEach(({ resolve }, i) => resolve(results[i]!));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  async inboxPending(conversationId: string): Promise<InboxEvent[]> {
    return this.s.inboxPending.all(conversationId).map((r) => ({
      eventId: r.event_id,
      conversationId: r.conversation_id,
      timestamp: r.ts,
      receivedAt: r.received_at,
      body: JSON.parse(r.body) as Record<string, unknown>,
    }));
  }

  async inboxDone(conversationId: string, eventIds: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of eventIds) this.s.inboxDone.run(id, conversationId);
    })();
  }

  async enqueue(jobs: NewJob[]): Promise<number> {
    const now = Date.now();
    return this.db
      .transaction(() => {
        let added = 0;
        for (const job of jobs) {
          if (job.key && this.s.claimKey.run(job.key, now).changes === 0) continue;
          this.s.insertJob.run(job.queue, job.kind, JSON.stringify(job.data), job.key ?? null, job.notBefore ?? now, now);
          added++;
        }
        return added;
      })
      .immediate();
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
    const now = Date.now();
    return this.db
      .transaction(() => {
        const rows = this.s.due.all(now, now, limit);
        return rows.map((row) => {
          const token = randomBytes(8).toString('hex');
          this.s.take.run(owner, token, now + leaseMs, row.id);
          return toJob({ ...row, token, attempts: row.attempts + 1 });
        });
      })
      .immediate();
  }

  async complete(job: Job): Promise<boolean> {
    return this.s.complete.run(job.id, job.token).changes === 1;
  }

  async reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean> {
    const result = this.s.reschedule.run({
      id: job.id,
      token: job.token,
      notBefore,
      data: JSON.stringify(patch.data ?? job.data),
      lastError: patch.lastError === undefined ? job.lastError : patch.lastError,
      attempts: patch.attempts ?? job.attempts,
    });
    return result.changes === 1;
  }

  async saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean> {
    const ok = this.s.saveData.run(JSON.stringify(data), job.id, job.token).changes === 1;
    if (ok) job.data = data;
    return ok;
  }

  async bury(job: Job, error: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.s.jobRow.get(job.id, job.token);
        if (!row) return false;
        this.s.bury.run(row.id, row.queue, row.kind, row.data, row.key, row.attempts, row.created_at, error, Date.now());
        this.s.complete.run(job.id, job.token);
        return true;
      })
      .immediate();
  }

  async releaseClaims(owner: string): Promise<void> {
    this.s.release.run(owner);
  }

  async outboxDepth(): Promise<number> {
    return this.s.depth.get()!.n;
  }

  async nextDue(): Promise<number | null> {
    return this.s.nextDue.get()?.at ?? null;
  }

  async deadJobs(limit: number): Promise<(Job & { error: string })[]> {
    return this.s.dead.all(limit).map((row) => ({ ...toJob(row), error: row.error }));
  }

  async incrCounter(key: string, field: string, by = 1, onceId?: string): Promise<number> {
    return this.db
      .transaction(() => {
        if (onceId !== undefined && this.s.incr.get(key, `once:${onceId}`, 1)!.value > 1) return this.s.counter.get(key, field)?.value ?? 0;
        return this.s.incr.get(key, field, by)!.value;
      })
      .immediate();
  }

  async counted(key: string, onceId: string): Promise<boolean> {
    return (this.s.counter.get(key, `once:${onceId}`)?.value ?? 0) > 0;
  }

  async getCounter(key: string, field: string): Promise<number> {
    return this.s.counter.get(key, field)?.value ?? 0;
  }

  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.s.lease.run({ name, owner, until: now + ttlMs, now }).changes === 1;
  }

  async unlease(name: string, owner: string): Promise<void> {
    this.s.unlease.run(name, owner);
  }

  async reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number> {
    return this.db
      .transaction(() => {
        const now = Date.now();
        const tat = this.s.rate.get(key)?.tat ?? 0;
        const start = Math.max(tat, now);
        const wait = Math.max(0, Math.ceil(start - now));
        // A refused caller makes no call: moving the line on for it would push every later caller out too.
        if (wait <= maxWaitMs) this.s.setRate.run(key, start + intervalMs);
        return wait;
      })
      .immediate();
  }

  async addOfflineMessage(message: OfflineMessage): Promise<void> {
    this.s.addOffline.run(message.id, message.receivedAt, JSON.stringify(message));
  }

  async offlineMessages(since: number, limit: number): Promise<OfflineMessage[]> {
    return this.s.offline.all(since, limit).map((r) => JSON.parse(r.json) as OfflineMessage);
  }

  async purge(before: number): Promise<void> {
    this.db
      .transaction(() => {
        const old = "SELECT id FROM sessions WHERE state = 'ended' AND updated_at < ?";
        this.db.prepare(`DELETE FROM entries WHERE session_id IN (${old})`).run(before);
        this.db.prepare(`DELETE FROM counters WHERE key IN (SELECT 'conv:' || conversation_id FROM conversations WHERE session_id IN (${old}))`).run(before);
        this.db.prepare(`DELETE FROM conversations WHERE session_id IN (${old})`).run(before);
        this.db.prepare("DELETE FROM sessions WHERE state = 'ended' AND updated_at < ?").run(before);
        // Handled or not: an event this old is past any gateway retry, and its chat is long over.
        this.db.prepare('DELETE FROM inbox WHERE received_at < ?').run(before);
        this.db.prepare('DELETE FROM job_keys WHERE created_at < ?').run(before);
        this.db.prepare('DELETE FROM dead_jobs WHERE died_at < ?').run(before);
      })
      .immediate();
  }
}
