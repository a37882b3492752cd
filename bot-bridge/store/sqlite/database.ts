// The one connection every SQLite port works on: the file in WAL mode, with the schema applied.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SCHEMA } from './schema';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (SIGKILL); only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

/**
 * Runs `work` in one BEGIN IMMEDIATE transaction: a step that reads and then writes takes the write
 * lock before it reads, so two processes on one file never both read the old value.
 */
export function immediate<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}
