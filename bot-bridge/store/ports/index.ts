// What leaves the ports folder: one interface per concern, and Store, all of them together, which
// both drivers (SQLite, Redis) implement. Everything that must survive a crash or be shared by
// replicas lives behind it. Each method is atomic on its own; the callers make multi-step work safe
// by giving every effect an idempotency key instead of relying on cross-method transactions (which
// Redis cannot offer cheaply). A caller that needs one concern can ask for just that port.
import type { CoordinationStore } from './coordination';
import type { FileStore } from './files';
import type { InboxStore } from './inbox';
import type { StoreLifecycle } from './lifecycle';
import type { EntryNotices } from './notices';
import type { OfflineStore } from './offline';
import type { OutboxStore } from './outbox';
import type { SessionStore } from './sessions';

export type { Entry, NewEntry, Session, SessionStore } from './sessions';
export type { InboxAdded, InboxEvent, InboxStore } from './inbox';
export type { Job, NewJob, OutboxStore } from './outbox';
export { ORIGIN_DRAIN_MS } from './outbox';
export type { CoordinationStore } from './coordination';
export { conversationCounters } from './coordination';
export type { OfflineMessage, OfflineStore } from './offline';
export type { StoreLifecycle } from './lifecycle';
export type { EntryNotices } from './notices';
export type { FileStore, StoredFile } from './files';

export interface Store extends StoreLifecycle, SessionStore, InboxStore, OutboxStore, CoordinationStore, OfflineStore, EntryNotices, FileStore {}
