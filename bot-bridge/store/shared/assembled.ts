// A driver is one factory per port, all over the driver's one connection (a SQLite database, a
// Redis client), so both drivers are split the same way and the compiler checks each port's
// methods against its interface. The driver's class extends `assembled(driver)`: the ports' methods
// (closures over the connection, with no `this`) are copied onto the instance, so `new SqliteStore()`
// is a Store and `instanceof` works.
import type { CoordinationStore, EntryNotices, FileStore, InboxStore, OfflineStore, OutboxStore, SessionStore, Store, StoreLifecycle } from '../ports';

export interface Driver<C> {
  sessions(connection: C): SessionStore;
  inbox(connection: C): InboxStore;
  outbox(connection: C): OutboxStore;
  coordination(connection: C): CoordinationStore;
  offline(connection: C): OfflineStore;
  files(connection: C): FileStore;
  lifecycle(connection: C): Omit<StoreLifecycle, 'driver'>;
  notices(connection: C): EntryNotices;
}

export function assembled<C>(driver: Driver<C>): new (connection: C) => Omit<Store, 'driver'> {
  return class {
    constructor(c: C) {
      Object.assign(
        this,
        driver.sessions(c),
        driver.inbox(c),
        driver.outbox(c),
        driver.coordination(c),
        driver.offline(c),
        driver.files(c),
        driver.lifecycle(c),
        driver.notices(c),
      );
    }
  } as new (connection: C) => Omit<Store, 'driver'>;
}
