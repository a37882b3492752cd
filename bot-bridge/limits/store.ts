// Where the limits keep their counts: one port, two drivers. In-process for one replica (SQLite
// deployments); Redis when several replicas share one budget. Every key forgets itself once it
// holds nothing worth keeping (a full bucket, an empty set), so nothing here needs a purge.
import type { Rate, Verdict } from './rate';

export interface LimitStore {
  /** Takes one token from the bucket `key` (atomically, across replicas for Redis). */
  take(key: string, rate: Rate): Promise<Verdict>;
  /** The members of the set `key` not yet expired. */
  members(key: string): Promise<string[]>;
  /** Adds a member that expires after `ttlMs` unless removed first. */
  add(key: string, member: string, ttlMs: number): Promise<void>;
  remove(key: string, members: string[]): Promise<void>;
  close(): Promise<void>;
}
