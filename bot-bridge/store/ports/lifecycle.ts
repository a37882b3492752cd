// The store as a whole: which driver, whether it answers, closing it, and forgetting old data.

export interface StoreLifecycle {
  readonly driver: 'sqlite' | 'redis';
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Forgets ended sessions, handled events and job keys older than `before`. */
  purge(before: number): Promise<void>;
}
