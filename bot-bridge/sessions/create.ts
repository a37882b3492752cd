// New session documents: a widget chat (RequestChat) and a generic-API handover, and the handover
// record a session gets each time it is handed to an agent. Pure: ids and times are given.
import { own } from '../customer-chat-api/own';
import { flattenContext, userFromChat } from './payload';
import { newSession, type GatewayUser, type Handover, type HistoryMessage, type Primitive, type Session } from './types';

/** A fresh handover record. */
export function newHandover(seq: number, ref: string, queueId: string, context: Record<string, string>, history: Handover['history'], requestedAt: number): Handover {
  return {
    seq,
    ref,
    requestedAt,
    queueId,
    context,
    history,
    conversationId: null,
    historyUserTexts: {},
    agent: null,
    transferring: false,
    agentTyping: false,
    typingAt: 0,
    memberAt: {},
    closed: false,
  };
}

const QUEUE_ID = /^[\w.-]{1,100}$/;

/**
 * A bot may name the queue in its handoff context: { queue: "billing" } or { queueId: "billing" },
 * or the skill it needs: { skill: "billing" }, which SKILL_QUEUES maps to a queue (with a mapping,
 * an unknown skill goes to the default queue; without one, the skill is the queue id).
 */
export function pickQueue(context: unknown, skillQueues: Record<string, string> = {}): string | null {
  if (typeof context !== 'object' || context === null) return null;
  const c = context as Record<string, unknown>;
  const queue = c.queueId ?? c.queue;
  if (typeof queue === 'string' && QUEUE_ID.test(queue)) return queue;
  const skill = typeof c.skill === 'string' ? c.skill.trim() : '';
  if (!skill) return null;
  if (Object.keys(skillQueues).length) return own(skillQueues, skill.toLowerCase()) ?? null;
  return QUEUE_ID.test(skill) ? skill : null;
}

export interface ApiHandoverInput {
  id: string;
  user: GatewayUser;
  userData: Record<string, Primitive>;
  context: unknown;
  history: HistoryMessage[];
  queueId: string | null;
  callbackUrl: string;
}

/** A generic-API handover starts handed over: its first handover is asked for as it is made. */
export function newApiHandover(input: ApiHandoverInput, made: { ref: string; now: number; defaultQueueId: string; skillQueues?: Record<string, string> }): Session {
  const seq = 1;
  const queueId = input.queueId || pickQueue(input.context, made.skillQueues) || made.defaultQueueId;
  return newSession({
    id: input.id,
    kind: 'api',
    createdAt: made.now,
    contactCenterId: null,
    state: 'handover',
    nickname: input.user.name ?? '',
    subject: null,
    userData: input.userData,
    user: input.user,
    queueId,
    botConversationId: null,
    callbackUrl: input.callbackUrl,
    handover: newHandover(seq, made.ref, queueId, flattenContext(input.context), input.history, made.now),
    handoverCount: seq,
  });
}

export interface ChatRequest {
  contactCenterId: string;
  nickname: string;
  subject: string | null;
  queueId: string;
  userData: Record<string, Primitive>;
  /** Who asked (Session.origin). */
  origin?: string;
}

/** A widget chat starts with the bot. Its Bot Framework conversation id is not the chat id (the customer's credential). */
export function newWidgetChat(input: ChatRequest, made: { id: string; botConversationId: string; botToken?: string; now: number }): Session {
  return newSession({
    id: made.id,
    kind: 'widget',
    createdAt: made.now,
    contactCenterId: input.contactCenterId,
    state: 'bot',
    nickname: input.nickname,
    subject: input.subject,
    userData: input.userData,
    user: userFromChat(input.nickname, input.userData),
    queueId: input.queueId,
    botConversationId: made.botConversationId,
    ...(made.botToken ? { botToken: made.botToken } : {}),
    ...(input.origin ? { origin: input.origin } : {}),
  });
}
