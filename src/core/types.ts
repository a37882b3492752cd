// Shapes shared by the widget's core: the Customer Chat API's wire types and the chat's own state.
import type { Language } from '../i18n/languages';

export type Phase = 'closed' | 'invitation' | 'preChat' | 'chatWindow' | 'offlineForm';
export type EndReason = 'user' | 'chat-api' | 'agent' | 'timeout';

export interface QuickReply {
  title: string;
  payload: string;
}

/** One GetMessages entry (protocols/customer-chat-api.md). */
export interface WireEntry {
  index: number;
  type: 'ParticipantJoined' | 'ParticipantLeft' | 'Text' | 'TypingStarted' | 'TypingStopped' | 'Notice' | string;
  from: { nickname: string; participantId: string; type: 'Customer' | 'Agent' | 'External' | string };
  text?: string;
  utcTime?: number;
  /** (ext) queuePosition; `event` names what happened (queued, transfer, returned-to-bot, …). */
  notice?: { queuePosition?: number; event?: string; [key: string]: unknown };
  quickReplies?: QuickReply[];
}

export interface WireChat {
  id: string;
  state: 'WaitingForAgent' | 'Chatting' | 'Idle' | string;
  capabilities: string[];
  participants: { nickname: string; participantId: string; type: string }[];
}

export interface FormField {
  id: string;
  label: string;
  type: 'text' | 'email' | 'textarea' | 'number' | 'language' | string;
  required?: boolean;
}

export interface ChatScript {
  invitation?: { enabled: boolean; delaySeconds: number | null; text?: string; quickReplies?: string[] };
  preChat?: { enabled: boolean; fields: FormField[] };
  chatWindow?: { enabled: boolean; endpoint?: string };
  offlineForm?: { enabled: boolean; fields: FormField[] };
  availability: { open: boolean; agentsAvailable?: number; reason?: string | null };
}

/** What the transcript shows: messages and system lines, in the order they happened. */
export type Item =
  | { kind: 'message'; index: number; from: 'customer' | 'agent' | 'bot'; name: string; text: string; at: number; quickReplies?: QuickReply[] }
  | { kind: 'system'; index?: number; key: string; agent?: string; text?: string; at: number };

export type OutgoingStatus = 'sending' | 'retrying' | 'sent' | 'failed';

/** A customer message not yet seen in the server's transcript. */
export interface Outgoing {
  id: string;
  text: string;
  at: number;
  status: OutgoingStatus;
  attempts: number;
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
