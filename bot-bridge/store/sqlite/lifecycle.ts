// The SQLite database as a whole: whether it answers, closing it, and retention (Redis forgets by
// TTL instead): one transaction forgets, across the ports, what no retry or reader can still ask for.
import { conversationCounters, type StoreLifecycle } from '../ports';
import { ENDED } from '../shared';
import { immediate, type Db } from './database';

export function sqliteLifecycle(db: Db): Omit<StoreLifecycle, 'driver'> {
  const old = 'SELECT id FROM sessions WHERE state = @ended AND updated_at < @before';
  const ofOldSessions = [
    db.prepare(`DELETE FROM entries WHERE session_id IN (${old})`),
    // Before the bindings go: they name the conversations whose counters go with them.
    db.prepare(`DELETE FROM counters WHERE key IN (SELECT @counters || conversation_id FROM conversations WHERE session_id IN (${old}))`),
    db.prepare(`DELETE FROM conversations WHERE session_id IN (${old})`),
    db.prepare('DELETE FROM sessions WHERE state = @ended AND updated_at < @before'),
  ];
  const olderThan = [
    // Handled or not: an event this old is past any gateway retry, and its chat is long over.
    db.prepare('DELETE FROM inbox WHERE received_at < ?'),
    db.prepare('DELETE FROM job_keys WHERE created_at < ?'),
    db.prepare('DELETE FROM dead_jobs WHERE died_at < ?'),
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
