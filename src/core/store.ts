// Where the shared chat state is kept: IndexedDB through idb-keyval (one small store named for the
// project), or memory when the browser blocks storage (private modes, storage denied).
import { createStore, get, set, del, update, type UseStore } from 'idb-keyval';
import { DB_NAME, databaseListed } from './database';

export interface Store<T> {
  readonly kind: 'indexeddb' | 'memory';
  read(): Promise<T | undefined>;
  /** Atomic read-modify-write: across tabs, IndexedDB runs these one after another. */
  update(fn: (current: T | undefined) => T): Promise<T>;
  write(value: T): Promise<void>;
  clear(): Promise<void>;
}

const STORE_NAME = 'chat';

export function memoryStore<T>(): Store<T> {
  let value: T | undefined;
  return {
    kind: 'memory',
    read: async () => value,
    update: async (fn) => (value = fn(value)),
    write: async (v) => {
      value = v;
    },
    clear: async () => {
      value = undefined;
    },
  };
}

/** Whether the database exists already, without creating it (nothing is written before it is needed). */
async function databaseExists(): Promise<boolean> {
  const listed = await databaseListed();
  if (listed !== null) return listed;
  // Without databases() (Firefox before 126): open it, and abort the creation if it was not there.
  return new Promise((resolve) => {
    const request = indexedDB.open(DB_NAME);
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => {
      request.result.close();
      resolve(true);
    };
    request.onerror = () => resolve(false);
  });
}

/**
 * An IndexedDB-backed store for one key, opened lazily: reading a database that does not exist yet
 * answers "nothing" without creating it. Falls back to memory if IndexedDB fails at any point.
 */
export function openStore<T>(key: string): Store<T> {
  let idb: UseStore | null = null;
  let fallback: Store<T> | null = null;

  const db = (): UseStore => (idb ??= createStore(DB_NAME, STORE_NAME));
  const guard = async <R>(work: () => Promise<R>, onMemory: (memory: Store<T>) => Promise<R>): Promise<R> => {
    if (fallback) return onMemory(fallback);
    try {
      return await work();
    } catch {
      // Blocked or broken storage must not break the chat: keep going in memory.
      fallback = memoryStore<T>();
      return onMemory(fallback);
    }
  };

  const store: Store<T> = {
    get kind() {
      return fallback ? 'memory' : 'indexeddb';
    },
    read: () =>
      guard(
        async () => ((await databaseExists()) ? get<T>(key, db()) : undefined),
        (m) => m.read(),
      ),
    update: (fn) =>
      guard(
        async () => {
          let next!: T;
          await update<T>(key, (current) => (next = fn(current)), db());
          return next;
        },
        (m) => m.update(fn),
      ),
    write: (value) =>
      guard(
        () => set(key, value, db()),
        (m) => m.write(value),
      ),
    clear: () =>
      guard(
        async () => ((await databaseExists()) ? del(key, db()) : undefined),
        (m) => m.clear(),
      ),
  };
  return store;
}

/** Files waiting to be sent, by key: IndexedDB holds Blobs, so a reload keeps them. */
export interface BlobStore {
  put(key: string, blob: Blob): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  delete(key: string): Promise<void>;
}

/** The blob store next to the chat state (keys `file:…`), or memory when storage is blocked (a reload then loses the file: it shows as not sent). */
export function openBlobs(): BlobStore {
  const memory = new Map<string, Blob>();
  let idb: UseStore | null = null;
  let blocked = false;
  const db = (): UseStore => (idb ??= createStore(DB_NAME, STORE_NAME));
  const guard = async <R>(work: () => Promise<R>, onMemory: () => R): Promise<R> => {
    if (blocked) return onMemory();
    try {
      return await work();
    } catch {
      blocked = true;
      return onMemory();
    }
  };
  return {
    put: (key, blob) =>
      guard(
        () => set(`file:${key}`, blob, db()),
        () => void memory.set(key, blob),
      ),
    get: async (key) =>
      memory.get(key) ??
      guard(
        () => get<Blob>(`file:${key}`, db()),
        () => undefined,
      ),
    delete: async (key) => {
      memory.delete(key);
      await guard(
        () => del(`file:${key}`, db()),
        () => undefined,
      );
    },
  };
}
