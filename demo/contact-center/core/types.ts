// The emulated contact center's domain: queues, interactions and their transcripts.
// Both sources (the Customer Chat API and the Chat Gateway) are views of the same interactions.
import type { Card } from '../../../bot-bridge/customer-chat-api';

export type { Card };

export type Source = 'customer-chat' | 'chat-gateway';
export type InteractionState = 'queued' | 'active' | 'ended';
export type EndReason = 'customer' | 'agent' | 'timeout';
export type ParticipantType = 'Customer' | 'Agent' | 'External';
export type EntryType = 'ParticipantJoined' | 'ParticipantLeft' | 'Text' | 'TypingStarted' | 'TypingStopped' | 'Notice';
export type Author = 'customer' | 'bot' | 'agent';
export type Primitive = string | number | boolean;

export interface Queue {
  id: string;
  name: string;
}

export interface Participant {
  nickname: string;
  participantId: string;
  type: ParticipantType;
}

export interface QuickReply {
  title: string;
  payload: string;
}

/** One transcript entry, in the Customer Chat API's message shape. */
export interface Entry {
  from: Participant;
  index: number;
  type: EntryType;
  text?: string;
  utcTime: number;
  notice?: { queuePosition?: number; queueId?: string; event?: string };
  quickReplies?: QuickReply[];
  /** Rich content in the Customer Chat API's card model (an agent's cards, a channel's gateway cards mapped). */
  cards?: Card[];
  layout?: 'list' | 'carousel';
  /** Files sent with the message; each view adds a fresh signed URL. */
  attachments?: FileRef[];
  /** A customer's reply-button value (JSON), as sent with SendMessage. */
  value?: Record<string, unknown>;
}

/** A stored file as a transcript names it (the bytes stay in the file store). */
export interface FileRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** What a message may carry besides its text. */
export interface MessageExtras {
  quickReplies?: QuickReply[];
  cards?: Card[];
  layout?: 'list' | 'carousel';
  attachments?: FileRef[];
  value?: Record<string, unknown>;
  /** The Chat Gateway cards a channel posted, as posted (echoed back and kept in its message list). */
  gatewayCards?: unknown[];
}

export interface Agent {
  id: string;
  name: string;
  participantId: string;
}

export interface HistoryMessage {
  authorType: 'user' | 'bot';
  text: string;
  /** The message's gateway cards in the card model, for the agent to read. */
  cards?: Card[];
}

export interface Interaction {
  id: string;
  source: Source;
  contactCenterId: string;
  state: InteractionState;
  queueId: string;
  /** When it entered its current queue (ms); orders the queue. */
  queuedAt: number;
  createdAt: number;
  endedAt: number | null;
  endedReason: EndReason | null;
  /** What the agent sees of the customer: name, email, subject... */
  customer: Record<string, string>;
  /** Customer info and chat variables (chat request userData, or gateway additionalProperties). */
  userData: Record<string, Primitive>;
  /** The bot transcript handed over with the conversation (gateway only). */
  history: HistoryMessage[];
  customerParticipant: Participant;
  agent: Agent | null;
  transcript: Entry[];
  /** The queue position last announced to the customer. */
  announcedPosition: number | null;
  typing: { customer: boolean; agent: boolean };
  nextParticipantId: number;
  /** Monotonic tie-breaker for queue order. */
  seq: number;
}

export type ContactCenterEvent =
  | { type: 'queued'; interaction: Interaction; queue: Queue; first: boolean }
  | { type: 'agent-joined'; interaction: Interaction; agent: Agent }
  | { type: 'agent-left'; interaction: Interaction; agent: Agent; transfer: boolean }
  | { type: 'transfer'; interaction: Interaction; from: Agent }
  | { type: 'message'; interaction: Interaction; author: Author; text: string; agent: Agent | null; extras: MessageExtras }
  | { type: 'typing'; interaction: Interaction; author: 'customer' | 'agent'; typing: boolean; agent: Agent | null }
  | { type: 'ended'; interaction: Interaction; reason: EndReason };
