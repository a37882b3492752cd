// The outbox in SQLite: a row per waiting job (the head of a queue is its lowest id), a row per
// idempotency key used, a row per buried job.
import { randomBytes } from 'node:crypto';
import type { Job, NewJob, OutboxStore } from '../ports';
import { immediate, type Db } from './database';

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

export function sqliteOutbox(db: Db): OutboxStore {
  const s = {
    claimKey: db.prepare('INSERT OR IGNORE INTO job_keys (key, created_at) VALUES (?, ?)'),
    insertJob: db.prepare("INSERT INTO jobs (queue, kind, data, key, state, not_before, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"),
    due: db.prepare<[number, number, number], JobRow>(
      `SELECT j.* FROM jobs j WHERE j.id = (SELECT MIN(k.id) FROM jobs k WHERE k.queue = j.queue)
         AND ((j.state = 'pending' AND j.not_before <= ?) OR (j.state = 'inflight' AND j.lease_until <= ?))
         ORDER BY j.not_before, j.id LIMIT ?`,
    ),
    take: db.prepare("UPDATE jobs SET state = 'inflight', owner = ?, token = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?"),
    complete: db.prepare('DELETE FROM jobs WHERE id = ? AND token = ?'),
    // Round-robin: the queue's next job becomes due no earlier than now, so it goes behind every
    // queue already waiting (one chat's backlog is served one job per round, not all at once).
    toBack: db.prepare('UPDATE jobs SET not_before = MAX(not_before, ?) WHERE id = (SELECT MIN(id) FROM jobs WHERE queue = ?)'),
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
  };

  return {
    async enqueue(jobs: NewJob[]): Promise<number> {
      const now = Date.now();
      return immediate(db, () => {
        let added = 0;
        for (const job of jobs) {
          if (job.key && s.claimKey.run(job.key, now).changes === 0) continue;
          s.insertJob.run(job.queue, job.kind, JSON.stringify(job.data), job.key ?? null, job.notBefore ?? now, now);
          added++;
        }
        return added;
      });
    },

    async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
      const now = Date.now();
      return immediate(db, () => {
        const rows = s.due.all(now, now, limit);
        return rows.map((row) => {
          const token = randomBytes(8).toString('hex');
          s.take.run(owner, token, now + leaseMs, row.id);
          return toJob({ ...row, token, attempts: row.attempts + 1 });
        });
      });
    },

    async complete(job: Job): Promise<boolean> {
      return immediate(db, () => {
        if (s.complete.run(job.id, job.token).changes !== 1) return false;
        s.toBack.run(Date.now(), job.queue);
        return true;
      });
    },

    async reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean> {
      const result = s.reschedule.run({
        id: job.id,
        token: job.token,
        notBefore,
        data: JSON.stringify(patch.data ?? job.data),
        lastError: patch.lastError === undefined ? job.lastError : patch.lastError,
        attempts: patch.attempts ?? job.attempts,
      });
      return result.changes === 1;
    },

    async saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean> {
      const ok = s.saveData.run(JSON.stringify(data), job.id, job.token).changes === 1;
      if (ok) job.data = data;
      return ok;
    },

    async bury(job: Job, error: string): Promise<boolean> {
      return immediate(db, () => {
        const row = s.jobRow.get(job.id, job.token);
        if (!row) return false;
        s.bury.run(row.id, row.queue, row.kind, row.data, row.key, row.attempts, row.created_at, error, Date.now());
        s.complete.run(job.id, job.token);
        s.toBack.run(Date.now(), row.queue);
        return true;
      });
    },

    async releaseClaims(owner: string): Promise<void> {
      s.release.run(owner);
    },

    async outboxDepth(): Promise<number> {
      return s.depth.get()!.n;
    },

    async nextDue(): Promise<number | null> {
      return s.nextDue.get()?.at ?? null;
    },

    async deadJobs(limit: number): Promise<(Job & { error: string })[]> {
      return s.dead.all(limit).map((row) => ({ ...toJob(row), error: row.error }));
    },
  };
}
