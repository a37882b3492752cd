// The file-store port on both drivers: a file's bytes and metadata come back as stored; in Redis
// the key expires within the retention, in SQLite the purge drops files past it.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisStore, SqliteStore, type StoredFile } from '../../../bot-bridge/store';
import { REDIS_URL, redisPrefix } from '../../support/bridge';

const file = (id: string, createdAt: number): StoredFile => ({
  id,
  sessionId: 's1',
  name: 'a.png',
  contentType: 'image/png',
  size: 3,
  uploadedBy: 'customer',
  createdAt,
  secret: 'k',
});

describe('file store', () => {
  it('sqlite: stores, reads back, and the purge forgets files past the retention', async () => {
    const store = new SqliteStore(':memory:');
    await store.addFile(file('f-old', 1000), Buffer.from([1, 2, 3]));
    await store.addFile(file('f-new', 5000), Buffer.from([4, 5, 6]));
    expect(await store.getFile('f-new')).toEqual(file('f-new', 5000));
    expect(await store.fileBytes('f-new')).toEqual(Buffer.from([4, 5, 6]));
    await store.purge(2000);
    expect(await store.getFile('f-old')).toBeNull();
    expect(await store.fileBytes('f-old')).toBeNull();
    expect(await store.getFile('f-new')).not.toBeNull();
    await store.close();
  });

  it('redis: stores, reads back, and the key carries a TTL within the retention', async () => {
    const prefix = redisPrefix();
    const store = new RedisStore(REDIS_URL, prefix, 2);
    const raw = new Redis(REDIS_URL);
    try {
      await store.addFile(file('f1', Date.now()), Buffer.from([0, 255, 7]));
      expect(await store.getFile('f1')).toMatchObject({ id: 'f1', contentType: 'image/png' });
      expect(await store.fileBytes('f1')).toEqual(Buffer.from([0, 255, 7]));
      expect(await store.getFile('nope')).toBeNull();
      const ttl = await raw.pttl(`${prefix}f:f1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2 * 3_600_000);
    } finally {
      await store.dropAll();
      await store.close();
      raw.disconnect();
    }
  });
});
