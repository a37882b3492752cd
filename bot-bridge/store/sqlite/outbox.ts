// The outbox in SQLite: a row per waiting job (the head of a queue is its lowest id), a row per
// idempotency key used, a row per buried job; for fairness, each waiting queue's origin and each
// origin's count of recent jobs.
import { randomBytes } from 'node:crypto';
import { ORIGIN_DRAIN_MS, type Job, type NewJob, type OutboxStore } from '../ports';
import { pickFairly } from '../shared';
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
  origin: string;
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
  origin: row.origin,
});

export function sqliteOutbox(db: Db): OutboxStore {
  const s = {
    claimKey: db.prepare('INSERT OR IGNORE INTO job_keys (key, created_at) VALUES (?, ?)'),
    insertJob: db.prepare("INSERT INTO jobs (queue, kind, data, key, state, not_before, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"),
    // Due heads, the least used origins first (their count drained to now), then the longest due.
    // The heads come from the (queue, id) index in one pass, and only their ids and ranks are
    // sorted: this runs on every claim, and under a flood the table holds thousands of jobs.
    due: db.prepare<{ now: number; drain: number; limit: number }, { id: number; origin: string; used: number }>(
      `SELECT h.id, COALESCE(o.origin, h.queue) AS origin,
           MAX(0, COALESCE(u.level, 0) - (@now - COALESCE(u.at, @now)) * 1.0 / @drain) AS used
         FROM (SELECT queue, MIN(id) AS id FROM jobs GROUP BY queue) h JOIN jobs j ON j.id = h.id
         LEFT JOIN job_origins o ON o.queue = h.queue LEFT JOIN origin_use u ON u.origin = COALESCE(o.origin, h.queue)
         WHERE (j.state = 'pending' AND j.not_before <= @now) OR (j.state = 'inflight' AND j.lease_until <= @now)
         ORDER BY used, j.not_before, j.id LIMIT @limit`,
    ),
    row: db.prepare<[number], Omit<JobRow, 'origin'>>('SELECT * FROM jobs WHERE id = ?'),
    setOrigin: db.prepare('INSERT OR IGNORE INTO job_origins (queue, origin) VALUES (?, ?)'),
    dropOrigin: db.prepare('DELETE FROM job_origins WHERE queue = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE queue = ?)'),
    use: db.prepare<{ origin: string; now: number; drain: number; n: number }>(
      `INSERT INTO origin_use (origin, level, at) VALUES (@origin, @n, @now)
         ON CONFLICT (origin) DO UPDATE SET level = MAX(0, level - (@now - at) * 1.0 / @drain) + @n, at = @now`,
    ),
    // An origin whose count has drained to nothing is forgotten.
    forgetUse: db.prepare<{ now: number; drain: number }>('DELETE FROM origin_use WHERE level <= (@now - at) * 1.0 / @drain'),
    take: db.prepare("UPDATE jobs SET state = 'inflight', owner = ?, token = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?"),
    complete: db.prepare('DELETE FROM jobs WHERE id = ? AND token = ?'),
    // Round-robin: the queue's next job becomes due no earlier than now, so it goes behind every
    // queue already waiting (one chat's backlog is served one job per round, not all at once).
    toBack: db.prepare('UPDATE jobs SET not_before = MAX(not_before, ?) WHERE id = (SELECT MIN(id) FROM jobs WHERE queue = ?)'),
    reschedule: db.prepare(
      "UPDATE jobs SET state = 'pending', owner = NULL, token = NULL, lease_until = 0, not_before = @notBefore, data = @data, last_error = @lastError, attempts = @attempts WHERE id = @id AND token = @token",
    ),
    saveData: db.prepare('UPDATE jobs SET data = ? WHERE id = ? AND token = ?'),
    jobRow: db.prepare<[string, string], Omit<JobRow, 'origin'>>('SELECT * FROM jobs WHERE id = ? AND token = ?'),
    bury: db.prepare('INSERT OR REPLACE INTO dead_jobs (id, queue, kind, data, key, attempts, created_at, error, died_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    release: db.prepare("UPDATE jobs SET state = 'pending', owner = NULL, token = NULL, lease_until = 0, attempts = MAX(attempts - 1, 0) WHERE owner = ? AND state = 'inflight'"),
    depth: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs'),
    nextDue: db.prepare<[], { at: number | null }>(
      "SELECT MIN(CASE j.state WHEN 'pending' THEN j.not_before ELSE j.lease_until END) AS at FROM jobs j WHERE j.id = (SELECT MIN(k.id) FROM jobs k WHERE k.queue = j.queue)",
    ),
    dead: db.prepare<[number], JobRow & { error: string }>(
      'SELECT *, NULL AS token, NULL AS last_error, 0 AS not_before, queue AS origin FROM dead_jobs ORDER BY died_at DESC LIMIT ?',
    ),
  };
  let claims = 0;

  return {
    async enqueue(jobs: NewJob[]): Promise<number> {
      const now = Date.now();
      return immediate(db, () => {
        let added = 0;
        for (const job of jobs) {
          if (job.key && s.claimKey.run(job.key, now).changes === 0) continue;
          s.insertJob.run(job.queue, job.kind, JSON.stringify(job.data), job.key ?? null, job.notBefore ?? now, now);
          if (job.origin) s.setOrigin.run(job.queue, job.origin);
          added++;
        }
        return added;
      });
    },

    async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
      const now = Date.now();
      return immediate(db, () => {
        // A few more candidates than asked, so one origin with many due queues does not fill the claim.
        const picked = pickFairly(s.due.all({ now, drain: ORIGIN_DRAIN_MS, limit: limit * 4 }), limit);
        const jobs = picked.map(({ id, origin }) => {
          const row = s.row.get(id)!;
          const token = randomBytes(8).toString('hex');
          s.take.run(owner, token, now + leaseMs, id);
          s.use.run({ origin, now, drain: ORIGIN_DRAIN_MS, n: 1 });
          return toJob({ ...row, origin, token, attempts: row.attempts + 1 });
        });
        if (++claims % 100 === 0) s.forgetUse.run({ now, drain: ORIGIN_DRAIN_MS });
        return jobs;
      });
    },

    async complete(job: Job): Promise<boolean> {
      return immediate(db, () => {
        if (s.complete.run(job.id, job.token).changes !== 1) return false;
        s.toBack.run(Date.now(), job.queue);
        s.dropOrigin.run(job.queue, job.queue);
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
        s.dropOrigin.run(row.queue, row.queue);
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
