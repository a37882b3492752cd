// The SQLite database as a whole: whether it answers, closing it, and retention (Redis forgets by
// TTL instead): one transaction forgets, across the ports, what no retry or reader can still ask for:
// ended sessions with their transcript, bindings, last-seen marks and counters; event ids, job keys, dead jobs,
// claims, other counters, offline messages and the outbox's counts per origin older than the retention.
import { conversationCounters, type StoreLifecycle } from '../ports';
import { ENDED } from '../shared';
import { immediate, type Db } from './database';

export function sqliteLifecycle(db: Db): Omit<StoreLifecycle, 'driver'> {
  const old = 'SELECT id FROM sessions WHERE state = @ended AND updated_at < @before';
  const ofOldSessions = [
    db.prepare(`DELETE FROM entries WHERE session_id IN (${old})`),
    // Before the bindings go: they name the conversations whose counters go with them.
    db.prepare(`DELETE FROM counters WHERE key IN (SELECT @counters || conversation_id FROM conversations WHERE session_id IN (${old}))`),
    db.prepare(`DELETE FROM counter_writes WHERE key IN (SELECT @counters || conversation_id FROM conversations WHERE session_id IN (${old}))`),
    db.prepare(`DELETE FROM conversations WHERE session_id IN (${old})`),
    // And any mark whose session is gone already (a poll's mark written as its session was purged).
    db.prepare(`DELETE FROM session_seen WHERE id IN (${old}) OR id NOT IN (SELECT id FROM sessions)`),
    db.prepare('DELETE FROM sessions WHERE state = @ended AND updated_at < @before'),
    // Any other counter last written before the retention, except a bound (so live) conversation's:
    // those go with their session, as above.
    db.prepare(`DELETE FROM counters WHERE key IN (SELECT key FROM counter_writes WHERE at < @before) AND key NOT IN (SELECT @counters || conversation_id FROM conversations)`),
    db.prepare(`DELETE FROM counter_writes WHERE at < @before AND key NOT IN (SELECT @counters || conversation_id FROM conversations)`),
  ];
  const olderThan = [
    // Handled or not: an event this old is past any gateway retry, and its chat is long over.
    db.prepare('DELETE FROM inbox WHERE received_at < ?'),
    db.prepare('DELETE FROM job_keys WHERE created_at < ?'),
    db.prepare('DELETE FROM dead_jobs WHERE died_at < ?'),
    db.prepare('DELETE FROM claims WHERE created_at < ?'),
    // Picked up by the CRM long ago, or never: either way not kept for ever.
    db.prepare('DELETE FROM offline_messages WHERE received_at < ?'),
    // A file is kept the retention from when it was stored, whatever its chat does.
    db.prepare('DELETE FROM files WHERE created_at < ?'),
    // An origin's count of recent jobs is forgotten once drained (outbox.ts); one not used for the
    // retention goes whatever is left of it.
    db.prepare('DELETE FROM origin_use WHERE at < ?'),
  ];
  // The key prefix of every conversation's counters.
  const counters = conversationCounters('');

  return {
    async ping(): Promise<void> {
      db.prepare('SELECT 1').get();
    },

    async close(): Promise<void> {
      if (db.open) db.close();
    },

    async purge(before: number): Promise<void> {
      immediate(db, () => {
        for (const statement of ofOldSessions) statement.run({ ended: ENDED, before, counters });
        for (const statement of olderThan) statement.run(before);
      });
    },
  };
}
