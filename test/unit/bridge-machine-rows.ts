// Helpers for the session machine's table tests: sessions in each state, a fixed clock and id
// source, and outputs written the way a reader would say them ("Notice[queued]", "gateway leave
// conv-1"), so that each row reads as state, event → state, what the customer sees, what is queued.
import { expect } from 'vitest';
import { DEFAULT_TEXTS } from '../../bot-bridge/config';
import type { GatewayEvent } from '../../bot-bridge/gateway';
import { newHandover } from '../../bot-bridge/sessions/create';
import type { MachineContext, SessionEvent, Transition } from '../../bot-bridge/sessions/events';
import { transition } from '../../bot-bridge/sessions/machine';
import type { CallbackEvent, QueuedActivity } from '../../bot-bridge/sessions/outputs';
import type { AgentRef, Session, SessionState } from '../../bot-bridge/sessions/types';
import type { NewEntry, NewJob } from '../../bot-bridge/store';
import { sessionFixture } from '../support/sessions';

export const CID = 'conv-1';
export const NOW = 1_000_000;
export const KRISTI: AgentRef = { id: 'agent-kristi', name: 'Kristi', participantId: '2' };

/** The machine's context with a fixed clock and ids id-1, id-2, … */
export function context(overrides: Partial<MachineContext> = {}): MachineContext {
  let n = 0;
  return { now: NOW, newId: () => `id-${++n}`, texts: DEFAULT_TEXTS, botName: 'Assistant', afterAgent: 'bot', botFailure: 'notice', postAgent: true, ...overrides };
}

/**
 * A session in `state`, as it gets there: `handover` has asked (no conversation yet), `queued` has
 * conversation conv-1, `agent` has Kristi in it; `bot` and `ended` have no handover unless told.
 */
export function chat(state: SessionState, kind: Session['kind'] = 'widget', patch: Partial<Session> = {}): Session {
  const live = state === 'handover' || state === 'queued' || state === 'agent';
  const handover = live ? newHandover(1, 'ref-1', 'support', { Reason: 'asked' }, null, NOW - 5000) : null;
  if (handover && state !== 'handover') handover.conversationId = CID;
  if (handover && state === 'agent') {
    handover.agent = KRISTI;
    handover.memberAt = { [KRISTI.id]: NOW - 1000 };
  }
  return sessionFixture({
    id: 's1',
    kind,
    state,
    nickname: 'Chris',
    botConversationId: kind === 'widget' ? 'botconv-1' : null,
    callbackUrl: kind === 'api' ? 'http://bot.example/callbacks' : null,
    handover,
    handoverCount: handover ? 1 : 0,
    agents: state === 'agent' ? { [KRISTI.id]: KRISTI } : {},
    nextParticipantId: state === 'agent' ? 3 : 2,
    endedReason: state === 'ended' ? 'customer' : null,
    ...patch,
  });
}

/** The chat back with the bot after an agent: its handover's conversation is still open. */
export function backWithBot(kind: Session['kind'] = 'widget'): Session {
  const s = chat('agent', kind);
  s.state = 'bot';
  s.handover!.agent = null;
  return s;
}

let eventIds = 0;
/** A webhook event of conv-1 as the inbox hands it over; `at` is its own timestamp. */
export function gw(
  event: GatewayEvent,
  extra: { at?: number; agentName?: string | null; queuePosition?: number | null; conversationId?: string; eventId?: string } = {},
): SessionEvent {
  return {
    type: 'gateway',
    eventId: extra.eventId ?? `e${++eventIds}`,
    conversationId: extra.conversationId ?? CID,
    timestamp: extra.at ?? NOW,
    event,
    agentName: extra.agentName ?? null,
    queuePosition: extra.queuePosition ?? null,
  };
}
export const joinedEv = (id: string): GatewayEvent => ({ type: 'member', memberType: 'agent', change: 'joined', id, name: null });
export const leftEv = (id: string): GatewayEvent => ({ type: 'member', memberType: 'agent', change: 'left', id, name: null });
export const says = (id: string, text: string): GatewayEvent => ({ type: 'message', isEcho: false, senderType: 'agent', senderId: id, text, name: null });

/** An entry as a reader says it: `Text(Agent Kristi): Hello`, `Notice[queued]`, `ParticipantJoined(Bot)`. */
export function shown(e: NewEntry): string {
  if (e.type === 'Notice') return `Notice[${String(e.notice?.event)}]`;
  const who = e.from.type === 'Agent' ? `Agent ${e.from.nickname}` : e.from.type === 'Customer' ? 'Customer' : e.from.participantId === 'bot' ? 'Bot' : 'System';
  return `${e.type}(${who})${e.text !== undefined ? `: ${e.text}` : ''}`;
}

/** A job as a reader says it: `bot handoff.status completed`, `callback agent.left`, `gateway leave conv-1`. */
export function queued(j: NewJob): string {
  const d = j.data as { seq?: number; text?: string; conversationId?: string; activity?: QueuedActivity; event?: CallbackEvent };
  switch (j.kind) {
    case 'bot.send': {
      const a = d.activity!;
      if (a.type === 'event') return `bot ${a.name} ${(a.value as { state: string }).state}`;
      if (a.type === 'endOfConversation') return `bot endOfConversation ${(a.value as { code: string }).code}`;
      return a.type === 'message' ? `bot message "${a.text}"` : `bot ${a.type}`;
    }
    case 'callback.send':
      return `callback ${d.event!.type}`;
    case 'gateway.handover':
      return `gateway create #${d.seq}`;
    case 'gateway.message':
      return `gateway message #${d.seq} "${d.text}"`;
    case 'gateway.typing':
      return `gateway typing #${d.seq}`;
    case 'gateway.leave':
      return `gateway leave ${d.conversationId}`;
    case 'gateway.post-agent':
      return `gateway post-agent ${d.conversationId}`;
    case 'inbox.apply':
      return `inbox ${d.conversationId}`;
    default:
      return j.kind;
  }
}

export interface Expected {
  state: SessionState;
  shown?: string[];
  queued?: string[];
}

export type Row = [what: string, session: Session, event: SessionEvent, expected: Expected, ctx?: Partial<MachineContext>];

/** Runs one row: the session is left untouched, and the answer is what the row says. */
export function check(session: Session, event: SessionEvent, expected: Expected, ctx: Partial<MachineContext> = {}): Transition {
  const copy = structuredClone(session);
  const result = transition(session, event, context(ctx));
  expect(session).toEqual(copy);
  expect({ state: result.session.state, shown: result.entries.map(shown), queued: result.jobs.map(queued) }).toEqual({ shown: [], queued: [], ...expected });
  return result;
}

/** Events in turn, as the inbox applies them: the last session and every output. */
export function run(start: Session, events: SessionEvent[], ctx: Partial<MachineContext> = {}) {
  let session = start;
  const all: Transition[] = [];
  for (const event of events) {
    const t = transition(session, event, context(ctx));
    session = t.session;
    all.push(t);
  }
  return {
    session,
    shown: all.flatMap((t) => t.entries.map(shown)),
    queued: all.flatMap((t) => t.jobs.map(queued)),
    entries: all.flatMap((t) => t.entries),
    jobs: all.flatMap((t) => t.jobs),
    facts: all.flatMap((t) => t.facts),
  };
}
