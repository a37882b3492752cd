// What leaves the store folder: the ports (one interface per concern) and Store, all of them
// together; the two drivers; and openStore(), which picks the driver from BRIDGE_STORE.
import type { Store } from './ports';
import { RedisStore } from './redis';
import { SqliteStore } from './sqlite';

export type {
  CoordinationStore,
  Entry,
  FileStore,
  InboxAdded,
  InboxEvent,
  InboxStore,
  Job,
  NewEntry,
  NewJob,
  OfflineMessage,
  OfflineStore,
  OutboxStore,
  SessionStore,
  Store,
  StoreLifecycle,
  StoredFile,
} from './ports';
export { conversationCounters } from './ports';
export { RedisStore } from './redis';
export { SqliteStore } from './sqlite';

/** `sqlite:<file>` (`sqlite::memory:`) or `redis://…` / `rediss://…`. */
export function openStore(url: string, options: { redisPrefix: string; retentionH: number }): Store {
  if (url.startsWith('sqlite:')) return new SqliteStore(url.slice('sqlite:'.length));
  if (/^rediss?:\/\//.test(url)) return new RedisStore(url, options.redisPrefix, options.retentionH);
  throw new Error(`unknown store "${url}": use sqlite:<file> or redis://host:port`);
}
