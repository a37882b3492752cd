// Offline messages in SQLite: a row per message, read back by arrival time.
import type { OfflineMessage, OfflineStore } from '../ports';
import type { Db } from './database';

export function sqliteOffline(db: Db): OfflineStore {
  const s = {
    addOffline: db.prepare('INSERT OR IGNORE INTO offline_messages (id, received_at, json) VALUES (?, ?, ?)'),
    offline: db.prepare<[number, number], { json: string }>('SELECT json FROM offline_messages WHERE received_at >= ? ORDER BY received_at LIMIT ?'),
  };

  return {
    async addOfflineMessage(message: OfflineMessage): Promise<void> {
      s.addOffline.run(message.id, message.receivedAt, JSON.stringify(message));
    },

    async offlineMessages(since: number, limit: number): Promise<OfflineMessage[]> {
      return s.offline.all(since, limit).map((r) => JSON.parse(r.json) as OfflineMessage);
    },
  };
}
