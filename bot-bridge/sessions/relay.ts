// The handover's rules, as a pure function: given a session and one gateway event, the session
// afterwards and what happened, in words any front can turn into its own shape (transcript entries
// for the widget, callbacks for the generic API, handoff.status for the bot).
import type { GatewayEvent } from '../gateway/events';
import type { AgentRef, EndReason, Handover, Session } from './types';

export type Happening =
  | { type: 'queued'; queueId: string; queueName: string; position: number | null }
  | { type: 'agent-joined'; agent: AgentRef; again: boolean }
  | { type: 'agent-left'; agent: AgentRef; transfer: boolean }
  | { type: 'transfer' }
  | { type: 'agent-message'; agent: AgentRef; text: string }
  | { type: 'system-message'; text: string }
  | { type: 'agent-typing'; agent: AgentRef; typing: boolean }
  | { type: 'returned-to-bot'; conversationId: string }
  | { type: 'ended'; reason: EndReason; conversationId: string | null };

export interface RelayInput {
  event: GatewayEvent;
  conversationId: string;
  /** The event's own timestamp (ms). */
  timestamp: number;
  /** The agent's display name when the gateway told it (participants list), else null. */
  agentName: string | null;
  /** Estimated place in the queue, for QUEUED. */
  queuePosition: number | null;
  afterAgent: 'bot' | 'end';
}

export interface RelayResult {
  /** The same object when nothing changed (no write needed). */
  session: Session;
  happenings: Happening[];
}

const LIVE = new Set(['handover', 'queued', 'agent']);

export function relay(session: Session, input: RelayInput): RelayResult {
  const current = session.handover;
  const none: RelayResult = { session, happenings: [] };
  // Events of an older conversation (a previous handover) change nothing any more.
  if (!current || current.conversationId !== input.conversationId || session.state === 'ended') return none;

  const next: Session = structuredClone(session);
  const h = next.handover!;
  const happenings: Happening[] = [];
  const { event, timestamp } = input;

  const agentRef = (id: string): AgentRef => {
    const known = next.agents[id];
    const name = input.agentName ?? known?.name ?? '';
    if (known) {
      if (name && known.name !== name) known.name = name;
      return known;
    }
    const created: AgentRef = { id, name, participantId: String(next.nextParticipantId++) };
    next.agents[id] = created;
    return created;
  };

  switch (event.type) {
    case 'queued':
      if (!LIVE.has(next.state) || h.agent) return none;
      next.state = 'queued';
      happenings.push({ type: 'queued', queueId: event.queueId, queueName: event.queueName || event.queueId, position: input.queuePosition });
      break;

    case 'member': {
      if (event.memberType !== 'agent' || !event.id || !LIVE.has(next.state)) return none;
      // A late event older than what we applied for this agent is history: drop it.
      if ((h.memberAt[event.id] ?? 0) > timestamp) return none;
      h.memberAt[event.id] = timestamp;
      if (event.change === 'joined') {
        if (h.agent?.id === event.id) return none;
        const again = Object.keys(h.memberAt).some((id) => id !== event.id) || h.transferring;
        const agent = agentRef(event.id);
        h.agent = agent;
        h.transferring = false;
        h.agentTyping = false;
        next.state = 'agent';
        happenings.push({ type: 'agent-joined', agent, again });
      } else {
        if (h.agent?.id !== event.id) return none;
        const agent = h.agent;
        h.agent = null;
        h.agentTyping = false;
        if (h.transferring) {
          next.state = 'queued';
          happenings.push({ type: 'agent-left', agent, transfer: true });
        } else {
          happenings.push({ type: 'agent-left', agent, transfer: false });
          if (input.afterAgent === 'bot' && next.kind === 'widget') {
            next.state = 'bot';
            happenings.push({ type: 'returned-to-bot', conversationId: input.conversationId });
          } else if (input.afterAgent === 'bot') {
            // A generic-API bot takes the customer back on its own channel: the handover is over here.
            next.state = 'ended';
            next.endedReason = 'agent';
            happenings.push({ type: 'returned-to-bot', conversationId: input.conversationId });
          } else {
            next.state = 'ended';
            next.endedReason = 'agent';
            h.closed = true;
            happenings.push({ type: 'ended', reason: 'agent', conversationId: input.conversationId });
          }
        }
      }
      break;
    }

    case 'transfer':
      if (!LIVE.has(next.state) || h.transferring) return none;
      h.transferring = true;
      happenings.push({ type: 'transfer' });
      break;

    case 'message':
      if (event.isEcho || !event.text) return none;
      if (event.senderType === 'agent' && event.senderId) happenings.push({ type: 'agent-message', agent: agentRef(event.senderId), text: event.text });
      else if (event.senderType === 'system') happenings.push({ type: 'system-message', text: event.text });
      else return none;
      break;

    case 'typing': {
      if (next.state !== 'agent' || !h.agent || timestamp < h.typingAt) return none;
      h.typingAt = timestamp;
      const typing = event.agentIds.length > 0;
      if (typing !== h.agentTyping) {
        h.agentTyping = typing;
        happenings.push({ type: 'agent-typing', agent: h.agent, typing });
      }
      break;
    }

    case 'conversation':
      if (event.state !== 'idle' || h.closed) return none;
      h.closed = true;
      if (LIVE.has(next.state)) {
        if (h.agent) happenings.push({ type: 'agent-left', agent: h.agent, transfer: false });
        h.agent = null;
        next.state = 'ended';
        next.endedReason = 'contact-center';
        happenings.push({ type: 'ended', reason: 'contact-center', conversationId: input.conversationId });
      }
      break;

    default:
      return none;
  }
  const changed = JSON.stringify(next) !== JSON.stringify(session);
  return { session: changed ? next : session, happenings };
}

/** A fresh handover record. */
export function newHandover(seq: number, ref: string, queueId: string, context: Record<string, string>, history: Handover['history']): Handover {
  return {
    seq,
    ref,
    requestedAt: Date.now(),
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
