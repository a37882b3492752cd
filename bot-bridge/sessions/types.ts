// A session is one customer's bot-first chat: a widget chat (Customer Chat API) or a handover
// asked for through the generic API. It is a small JSON document, versioned for compare-and-set.
export type SessionState = 'bot' | 'handover' | 'queued' | 'agent' | 'ended';
export type EndReason = 'customer' | 'agent' | 'timeout' | 'bot' | 'contact-center';
export type Primitive = string | number | boolean;

/** The Chat Gateway's `user` (protocols/chat-gateway.md). */
export interface GatewayUser {
  name?: string;
  email?: string;
  phone?: string;
  userId?: string;
  company?: string;
  caseId?: string;
  language?: string;
}

export interface HistoryMessage {
  authorType: 'user' | 'bot';
  text: string;
}

export interface AgentRef {
  id: string;
  /** '' when the gateway does not tell (the widget then says "an agent"). */
  name: string;
  /** The agent's participantId in the Customer Chat API transcript. */
  participantId: string;
}

export interface Handover {
  seq: number;
  /** Random; sent as the "Parley reference" property so an ambiguous create can be recognised. */
  ref: string;
  requestedAt: number;
  queueId: string;
  /** The bot's context, flattened to strings (becomes additionalProperties). */
  context: Record<string, string>;
  /** The transcript the bot handed over; null = use the bridge's own record of the bot phase. */
  history: HistoryMessage[] | null;
  conversationId: string | null;
  /** User texts in the history sent at creation, by text (reconciling ambiguous sends counts them). */
  historyUserTexts: Record<string, number>;
  agent: AgentRef | null;
  /** After TRANSFER: the next agent left/joined pair is not the end. */
  transferring: boolean;
  agentTyping: boolean;
  /** Timestamps of the latest applied typing and membership events: late, older ones are dropped. */
  typingAt: number;
  memberAt: Record<string, number>;
  /** The gateway conversation is over (idle, or we removed the customer). */
  closed: boolean;
}

export interface Session {
  id: string;
  kind: 'widget' | 'api';
  version: number;
  createdAt: number;
  /** Widget chats: the ContactCenterId they belong to. */
  contactCenterId: string | null;
  state: SessionState;
  endedReason: EndReason | null;
  nickname: string;
  subject: string | null;
  /** Customer info and chat variables from the chat request (or the API's user extras). */
  userData: Record<string, Primitive>;
  user: GatewayUser;
  /** The queue a handover goes to unless the bot names another. */
  queueId: string;
  /** The Bot Framework conversation id (widget chats): not the chat id, which is the customer's credential. */
  botConversationId: string | null;
  /**
   * Widget chats: the secret in the serviceUrl the bot is given ({publicUrl}/bot/{token}/): only a
   * request carrying it is taken as the bot's. Absent in chats made before it existed.
   */
  botToken?: string | null;
  /** Generic API: where callbacks go. */
  callbackUrl: string | null;
  handover: Handover | null;
  handoverCount: number;
  /** Agents seen in this chat, by gateway id, with their transcript participantId. */
  agents: Record<string, AgentRef>;
  nextParticipantId: number;
  /** The bot's typing indicator is on (its next message, a handover or the end turns it off). */
  botTyping?: boolean;
  /**
   * Widget chats: who started it, as the outbox's fairness counts it (a hash of the client
   * address's limit key, never the address). Absent: the chat is its own origin.
   */
  origin?: string;
}

/** The fields every new session starts with; `fields` says what kind of chat it is and for whom. */
export function newSession(
  fields: Pick<Session, 'id' | 'kind' | 'contactCenterId' | 'state' | 'nickname' | 'subject' | 'userData' | 'user' | 'queueId' | 'botConversationId'> & Partial<Session>,
): Session {
  return {
    version: 1,
    createdAt: Date.now(),
    endedReason: null,
    callbackUrl: null,
    handover: null,
    handoverCount: 0,
    agents: {},
    // Transcript participant ids: 0 the system, 1 the customer (entries.ts), agents from 2 on.
    nextParticipantId: 2,
    ...fields,
  };
}
