// Shapes shared by the widget's core: the Customer Chat API as the widget reads it, and the chat's
// own state. The wire types are the servers' (bot-bridge/customer-chat-api/wire.ts, types only).
import type { Attachment, Card, Chat, ChatExtensions, Entry, Open, Participant, QuickReply } from '../../bot-bridge/customer-chat-api/wire';
import type { Language } from '../i18n/languages';

export type { Attachment, Card, CardButton, CardImage, ChatScript, FormField, QuickReply } from '../../bot-bridge/customer-chat-api/wire';

/** What the server lets the customer upload (GetChat's extensions.files). */
export type FileLimits = NonNullable<ChatExtensions['files']>;

export type Phase = 'closed' | 'invitation' | 'preChat' | 'chatWindow' | 'offlineForm';
export type EndReason = 'user' | 'chat-api' | 'agent' | 'timeout';

/** A participant as read: a type a newer server adds is kept, and ignored. */
type WireParticipant = Omit<Participant, 'type'> & { type: Open<Participant['type']> };

/** One GetMessages entry as read: unknown entry types are skipped, a missing utcTime is "now". */
export interface WireEntry extends Omit<Entry, 'type' | 'from' | 'utcTime'> {
  type: Open<Entry['type']>;
  from: WireParticipant;
  utcTime?: number;
}

/** GetChat's chat as read: an unknown state or capability is not an error. */
export interface WireChat extends Omit<Chat, 'state' | 'capabilities' | 'participants'> {
  state: Open<Chat['state']>;
  capabilities: readonly Open<Chat['capabilities'][number]>[];
  participants: WireParticipant[];
}

/** What the transcript shows: messages and system lines, in the order they happened. */
export type Item =
  | {
      kind: 'message';
      index: number;
      from: 'customer' | 'agent' | 'bot';
      name: string;
      /** The readable text (with cards or files: the server's fallback summary, what the saved log and the page's events carry). */
      text: string;
      at: number;
      quickReplies?: QuickReply[];
      /** With cards or files: the author's own words, shown instead of `text` next to them. */
      body?: string;
      cards?: Card[];
      layout?: 'list' | 'carousel';
      attachments?: Attachment[];
      /** A reply button of this message was used: its buttons are disabled in every tab. */
      replied?: boolean;
    }
  | { kind: 'system'; index?: number; key: string; agent?: string; text?: string; at: number };

export type OutgoingStatus = 'sending' | 'retrying' | 'sent' | 'failed';

/** A file the customer sends: its bytes wait in the blob store under `key` until the upload worked. */
export interface OutgoingFile {
  key: string;
  name: string;
  type: string;
  size: number;
  /** The server's id, once uploaded (a retry of the message does not upload it again). */
  uploaded?: string;
}

/** A customer message not yet seen in the server's transcript. */
export interface Outgoing {
  id: string;
  text: string;
  at: number;
  status: OutgoingStatus;
  attempts: number;
  /** Files sent with it (uploaded first, then referenced by the SendMessage). */
  files?: OutgoingFile[];
  /** A reply button's JSON value. */
  value?: Record<string, unknown>;
  /** Why it was not sent, when the server refused it for good (a system message key). */
  error?: string;
}

export interface ChatSession {
  /** Null while the chat request is on its way. */
  id: string | null;
  /** Which tab's request this is (two tabs must not both start a chat). */
  requestId: string;
  status: 'requesting' | 'queued' | 'chatting' | 'ended';
  lastIndex: number;
  agent: { name: string } | null;
  agentsSeen: number;
  queuePosition: number | null;
  startedAt: number;
  startedBy: 'user' | 'chat-api';
  /** Set when this side asked to end the chat, before the server confirmed. */
  ending: EndReason | null;
  /** What the customer may upload, from GetChat (null: no uploads; absent: not asked yet). */
  files?: FileLimits | null;
  endReason: EndReason | null;
}

/** Everything every tab of this visitor shares, persisted with idb-keyval. */
export interface SharedState {
  v: 1;
  rev: number;
  phase: Phase;
  chat: ChatSession | null;
  transcript: Item[];
  outbox: Outgoing[];
  /** Whether the widget is expanded (in every tab), as opposed to just the launcher. */
  open: boolean;
  unread: number;
  language: Language | null;
  invitationDismissed: boolean;
  /** The agent (or bot) typing right now, by name. */
  typing: string | null;
  /** The leader's view of the connection: lost after repeated failures, until a request works. */
  connection: 'ok' | 'lost';
  /** The notification sound (setNotificationSoundToggle); the leader plays it, whichever tab set it. Absent: on. */
  sound?: boolean;
}

export const initialState = (): SharedState => ({
  v: 1,
  rev: 0,
  phase: 'closed',
  chat: null,
  transcript: [],
  outbox: [],
  open: false,
  unread: 0,
  language: null,
  invitationDismissed: false,
  typing: null,
  connection: 'ok',
});

export const isActive = (chat: ChatSession | null): chat is ChatSession => !!chat && chat.status !== 'ended';
