// Files in SQLite: a row per file, its bytes a BLOB; the purge drops those past the retention.
import type { FileStore, StoredFile } from '../ports';
import type { Db } from './database';

export function sqliteFiles(db: Db): FileStore {
  const s = {
    add: db.prepare('INSERT OR IGNORE INTO files (id, created_at, meta, bytes) VALUES (?, ?, ?, ?)'),
    meta: db.prepare<[string], { meta: string }>('SELECT meta FROM files WHERE id = ?'),
    bytes: db.prepare<[string], { bytes: Buffer }>('SELECT bytes FROM files WHERE id = ?'),
  };
  return {
    async addFile(file: StoredFile, bytes: Buffer): Promise<void> {
      s.add.run(file.id, file.createdAt, JSON.stringify(file), bytes);
    },
    async getFile(id: string): Promise<StoredFile | null> {
      const row = s.meta.get(id);
      return row ? (JSON.parse(row.meta) as StoredFile) : null;
    },
    async fileBytes(id: string): Promise<Buffer | null> {
      return s.bytes.get(id)?.bytes ?? null;
    },
  };
}
