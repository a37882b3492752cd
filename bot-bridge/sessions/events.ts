// The session machine's vocabulary: every event that changes a session or shows the customer
// something, what the machine is given besides the session (the clock, an id source, the texts and
// the settings that decide transitions), and what it answers. Types only.
import type { Texts } from '../config';
import type { Attachment, Card } from '../customer-chat-api/wire';
import type { GatewayEvent } from '../gateway';
import type { NewEntry, NewJob } from '../store';
import type { EndReason, HistoryMessage, Session, SessionState } from './types';

export type BotFailure = 'timeout' | 'unreachable' | 'error';
export type HandoverFailure = 'closed' | 'no-agents' | 'error' | 'timeout';

/** What the bot sent to its Bot Connector (the bridge), already read by the bot channel front. */
export type BotActivity =
  | {
      type: 'message';
      id: string;
      from: string | null;
      /** The readable fallback (the bot's words, then what its cards and files say). */
      text: string;
      quickReplies: { title: string; payload: string }[];
      /** The bot's own words when it sent cards or files too ('' when it wrote nothing). */
      body?: string;
      cards?: Card[];
      layout?: 'list' | 'carousel';
      attachments?: Attachment[];
    }
  | { type: 'typing'; from: string | null }
  | { type: 'handoff'; context: unknown; history: HistoryMessage[] | null }
  | { type: 'endOfConversation'; from: string | null }
  /** Anything else (another event, another activity type): counted, nothing more. */
  | { type: 'other'; activityType: string };

export type SessionEvent =
  /** The session was just made (RequestChat, or the generic API's POST): its opening lines and jobs. */
  | { type: 'opened' }
  /** A customer's message (widget or generic API): to the bot, or to the agent once the handover has begun. */
  | {
      type: 'customer-message';
      text: string;
      clientMessageId: string | null;
      /** A reply button's JSON value (Adaptive Action.Submit data): the bot gets it as the activity's value. */
      value?: Record<string, unknown>;
      /** Files the customer uploaded first (url filled in when read). */
      attachments?: Attachment[];
    }
  /** `recentlySent`: this replica told the gateway the customer types less than 3 s ago. */
  | { type: 'customer-typing'; on: boolean; recentlySent: boolean }
  /** The customer ends the chat (Complete, DELETE), or stopped polling (idle timeout). */
  | { type: 'customer-left'; reason: 'customer' | 'timeout' }
  | { type: 'bot-activity'; activity: BotActivity }
  /** The bot did not take an activity (jobs/bot.ts gave up on it). */
  | { type: 'bot-failed'; activityType: string; activityId: string; why: BotFailure }
  /** A customer message waited for the bot while a handover began: it is the agent's now. */
  | { type: 'bot-turn-missed'; text: string; jobKey: string }
  /** A customer message for a handover that did not happen or is over. */
  | { type: 'agent-turn-missed'; text: string; jobKey: string; jobId: string }
  /** The gateway would not take a customer message at all. */
  | { type: 'message-not-delivered'; text: string; why: string; jobId: string }
  | { type: 'handover-created'; seq: number; conversationId: string }
  | { type: 'handover-failed'; seq: number; reason: HandoverFailure; detail: string }
  /** The user texts in the history sent at creation (reconciling ambiguous sends counts them). */
  | { type: 'history-counted'; seq: number; counts: Record<string, number> }
  /** A webhook event from the inbox, with what the inbox job looked up for it. */
  | {
      type: 'gateway';
      eventId: string;
      conversationId: string;
      /** The event's own timestamp (ms). */
      timestamp: number;
      event: GatewayEvent;
      /** The agent's display name when the gateway told it (participants list), else null. */
      agentName: string | null;
      /** Estimated place in the queue, for QUEUED. */
      queuePosition: number | null;
    };

export interface MachineContext {
  /** The time of this transition: every entry and job is stamped with it (gateway events use their own). */
  now: number;
  /** A new unique id (activity ids, handover references). */
  newId(): string;
  texts: Texts;
  botName: string;
  /** When the agent leaves: back to the bot, or the end of the chat. */
  afterAgent: 'bot' | 'end';
  /** A customer whose bot does not answer: tell them, or hand them to an agent. */
  botFailure: 'notice' | 'handover';
  /** Whether the gateway can be asked to keep the conversation with the bot after the agent (its webhook is known). */
  postAgent: boolean;
  /** A bot message once the handover has begun: refused (the front answers 409) or shown. Default refuse. */
  botDuringHandover?: 'refuse' | 'show';
  /** A handoff's `skill` → queue id (SKILL_QUEUES); empty: the skill is the queue id. */
  skillQueues?: Record<string, string>;
}

/** What happened, for the caller to log and count (logs and metrics are not the machine's business). */
export type Fact =
  /** Nothing was done: the chat has ended, or a bot message had nothing to show. */
  | { type: 'refused'; reason: 'ended' | 'empty' | 'handover' }
  | { type: 'chat-requested'; queueId: string }
  | { type: 'chat-ended'; reason: EndReason; from: SessionState }
  | { type: 'handover-requested'; seq: number; queueId: string; via: 'bot' | 'api' }
  | { type: 'handover-created'; seq: number; conversationId: string }
  | { type: 'handover-failed'; seq: number; reason: HandoverFailure }
  | { type: 'handover-event'; happened: 'agent-joined' | 'agent-left' | 'transfer' | 'returned-to-bot' | 'ended'; conversationId: string }
  | { type: 'bot-activity'; activity: string; result: BotActivityResult }
  | { type: 'bot-ended' }
  /** The customer typing was passed on to the gateway. */
  | { type: 'typing-sent' }
  /** A message found no handover to go to and went to the bot instead. */
  | { type: 'redirected-to-bot' };

export type BotActivityResult = 'shown' | 'shown_during_handover' | 'handover' | 'ignored' | 'refused_during_handover' | 'dropped_after_handover' | 'dropped_after_end';

export interface Transition {
  /** The same object when nothing changed (no write needed). */
  session: Session;
  /** Transcript entries for the customer, each with an idempotency key where a repeat must not show twice. */
  entries: NewEntry[];
  /** Outbox jobs, each with an idempotency key where a repeat must not run twice. */
  jobs: NewJob[];
  /** Conversation keys to bind to this session (`bot:<id>`, `ref:<reference>`) before any job runs. */
  binds: string[];
  facts: Fact[];
}
