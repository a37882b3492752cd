// What leaves the sqlite folder: SqliteStore, the embedded driver. One SQLite file (WAL), for a
// single bridge process; every method runs in one transaction, so each is atomic even if several
// processes open the same file. Each port lives in its own file, all on one database (database.ts).
import type { Store } from '../ports';
import { assembled, type Driver } from '../shared';
import { sqliteCoordination } from './coordination';
import { openDatabase, type Db } from './database';
import { sqliteInbox } from './inbox';
import { sqliteLifecycle } from './lifecycle';
import { sqliteNotices } from './notices';
import { sqliteFiles } from './files';
import { sqliteOffline } from './offline';
import { sqliteOutbox } from './outbox';
import { sqliteSessions } from './sessions';

const ports: Driver<Db> = {
  sessions: sqliteSessions,
  inbox: sqliteInbox,
  outbox: sqliteOutbox,
  coordination: sqliteCoordination,
  offline: sqliteOffline,
  files: sqliteFiles,
  lifecycle: sqliteLifecycle,
  notices: sqliteNotices,
};

export class SqliteStore extends assembled(ports) implements Store {
  readonly driver = 'sqlite' as const;

  constructor(file: string) {
    super(openDatabase(file));
  }
}
