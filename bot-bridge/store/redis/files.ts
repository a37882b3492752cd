// Files in Redis (keys.ts: f:<id>): one hash, the metadata and the bytes, expiring the retention
// after it was stored.
import type { FileStore, StoredFile } from '../ports';
import type { RedisConnection } from './connection';

export function redisFiles(c: RedisConnection): FileStore {
  const { redis, key } = c;
  return {
    async addFile(file: StoredFile, bytes: Buffer): Promise<void> {
      const k = key.file(file.id);
      await redis.multi().hset(k, 'meta', JSON.stringify(file), 'b', bytes).expire(k, c.ttlS).exec();
    },
    async getFile(id: string): Promise<StoredFile | null> {
      const meta = await redis.hget(key.file(id), 'meta');
      return meta ? (JSON.parse(meta) as StoredFile) : null;
    },
    async fileBytes(id: string): Promise<Buffer | null> {
      return redis.hgetBuffer(key.file(id), 'b');
    },
  };
}
