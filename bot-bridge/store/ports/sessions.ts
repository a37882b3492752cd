// Sessions and their transcripts. The store keeps each session as a versioned document and indexes
// what its queries need (state, kind, when the customer was last seen); the session machine decides
// every change, the store only writes it when the version still matches.
import type { Entry } from '../../customer-chat-api/wire';
import type { Session } from '../../sessions/types';

export type { Session };

/** Transcript entries are the Customer Chat API's own (index assigned by the store). */
export type { Entry };

export type NewEntry = Omit<Entry, 'index'> & {
  /** Idempotency key: appending the same key twice stores one entry (and returns it). */
  key?: string;
};

export interface SessionStore {
  /** false when the id exists. */
  createSession(session: Session): Promise<boolean>;
  getSession(id: string): Promise<Session | null>;
  /**
   * Writes `session` (with version = expected + 1) only if the stored version is `expected`.
   * false = someone else wrote first: reload and try again.
   */
  saveSession(session: Session, expected: number): Promise<boolean>;
  /** Marks customers as still there (idle timeout): [session id, when seen], many in one write. */
  touchSessions(touches: readonly (readonly [id: string, at: number])[]): Promise<void>;
  /** Sessions not ended whose customer has not been seen since `before` (widget chats only). */
  idleSessions(before: number, limit: number): Promise<string[]>;
  countSessions(): Promise<Record<string, number>>;
  bindConversation(conversationId: string, sessionId: string): Promise<void>;
  sessionByConversation(conversationId: string): Promise<string | null>;

  /** Appends entries in order; an entry whose key exists is not added again (the stored one is returned). */
  append(sessionId: string, entries: NewEntry[]): Promise<Entry[]>;
  /** The entry appended with this key, if any. */
  findEntry(sessionId: string, key: string): Promise<Entry | null>;
  /**
   * Entries from `from` (1-based) on, at most `limit` of them (default: all); `null` = after the
   * session's cursor. Advances the cursor to the last entry returned.
   */
  readEntries(sessionId: string, from: number | null, limit?: number): Promise<Entry[]>;
}
