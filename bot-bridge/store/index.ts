// What leaves the store folder: the interface, and openStore() that picks the driver from BRIDGE_STORE.
import { RedisStore } from './redis';
import { SqliteStore } from './sqlite';
import type { Store } from './types';

export type { Entry, InboxAdded, InboxEvent, Job, NewEntry, NewJob, OfflineMessage, Store } from './types';
export { RedisStore } from './redis';
export { SqliteStore } from './sqlite';

/** `sqlite:<file>` (`sqlite::memory:`) or `redis://…` / `rediss://…`. */
export function openStore(url: string, options: { redisPrefix: string; retentionH: number }): Store {
  if (url.startsWith('sqlite:')) return new SqliteStore(url.slice('sqlite:'.length));
  if (/^rediss?:\/\//.test(url)) return new RedisStore(url, options.redisPrefix, options.retentionH);
  throw new Error(`unknown store "${url}": use sqlite:<file> or redis://host:port`);
}
