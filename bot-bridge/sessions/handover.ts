// Asking for an agent and what the gateway answers: the handover requested (by the bot's
// handoff.initiate, or for a bot that does not answer), created, or failed; and the customer
// messages that find no handover to go to.
import { fill } from '../config';
import { newHandover, pickQueue } from './create';
import type { Draft } from './draft';
import { notice } from './entries';
import type { SessionEvent } from './events';
import { activity, job } from './outputs';
import { flattenContext } from './payload';
import type { HistoryMessage } from './types';

type Event<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

/**
 * Starts a handover once: a second request while one runs is ignored (false). After the agent, a
 * new handover starts a new conversation (the previous one is left first).
 */
export function handoverRequested(d: Draft, request: { context: unknown; history: HistoryMessage[] | null }): boolean {
  const s = d.next;
  if (s.state !== 'bot') return false;
  const old = s.handover;
  const previous = old?.conversationId && !old.closed ? old.conversationId : null;
  const seq = s.handoverCount + 1;
  const ref = d.ctx.newId();
  const queueId = pickQueue(request.context, d.ctx.skillQueues) || s.queueId;
  s.handoverCount = seq;
  s.handover = newHandover(seq, ref, queueId, flattenContext(request.context), request.history, d.ctx.now);
  s.state = 'handover';
  // Bound before the create job runs: its conversation is recognised by this reference.
  d.bind(`ref:${ref}`);
  if (previous) d.job(job.leave(s.id, previous));
  d.job(job.handover(s.id, seq));
  d.fact({ type: 'handover-requested', seq, queueId, via: 'bot' });
  return true;
}

/** The conversation exists: remember it, tell the bot, and apply the events that came before we knew. */
export function handoverCreated(d: Draft, e: Event<'handover-created'>): void {
  const s = d.next;
  const h = s.handover;
  if (!h || h.seq !== e.seq || (h.conversationId && h.conversationId !== e.conversationId)) return;
  const first = !h.conversationId;
  if (first) {
    h.conversationId = e.conversationId;
    if (s.state === 'handover') s.state = 'queued';
  }
  // Told again when the create job runs again (a crash after this): every output has its key.
  d.job(job.inbox(e.conversationId, d.ctx.now));
  if (s.state === 'ended') {
    // The customer left while the conversation was being made: do not leave an agent waiting.
    d.job(job.leave(s.id, e.conversationId));
  } else if (s.kind === 'widget') {
    d.job(job.bot(s.id, activity.handoffStatus(d.ctx.newId(), d.ctx.now, 'accepted'), `status:${s.id}:${e.seq}:accepted`));
    if (d.ctx.afterAgent === 'bot' && d.ctx.postAgent) d.job(job.postAgent(s.id, e.conversationId));
  } else {
    d.callback(`accepted:${s.id}:${e.seq}`, 'handover.accepted', { conversationId: e.conversationId });
  }
  if (first) d.fact({ type: 'handover-created', seq: e.seq, conversationId: e.conversationId });
}

/** Closed, no agents, refused, or not created in time: a widget customer stays with the bot; an API handover ends. */
export function handoverFailed(d: Draft, e: Event<'handover-failed'>): void {
  const s = d.next;
  const h = s.handover;
  if (!h || h.seq !== e.seq || s.state !== 'handover') return;
  h.closed = true;
  if (s.kind === 'widget') {
    s.state = 'bot';
    d.job(job.bot(s.id, activity.handoffStatus(d.ctx.newId(), d.ctx.now, 'failed', e.reason), `status:${s.id}:${e.seq}:failed`));
  } else {
    s.state = 'ended';
    s.endedReason = 'contact-center';
    d.callback(`failed:${s.id}:${e.seq}`, 'handover.failed', { reason: e.reason, message: e.detail });
  }
  d.fact({ type: 'handover-failed', seq: e.seq, reason: e.reason });
}

export function historyCounted(d: Draft, e: Event<'history-counted'>): void {
  const h = d.next.handover;
  if (h?.seq === e.seq) h.historyUserTexts = e.counts;
}

/** A message whose handover did not happen or is over: a widget customer is with the bot again, so the bot gets it; otherwise the sender is told. */
export function agentTurnMissed(d: Draft, e: Event<'agent-turn-missed'>): void {
  const s = d.next;
  if (s.kind === 'widget' && s.state === 'bot') {
    d.job(job.bot(s.id, activity.message(e.text, d.ctx.newId(), d.ctx.now), `${e.jobKey}:to-bot`));
    d.fact({ type: 'redirected-to-bot' });
    return;
  }
  messageNotDelivered(d, { type: 'message-not-delivered', text: e.text, why: 'the conversation is over', jobId: e.jobId });
}

export function messageNotDelivered(d: Draft, e: Event<'message-not-delivered'>): void {
  const s = d.next;
  if (s.kind === 'api') return d.callback(`undelivered:${e.jobId}`, 'message.failed', { reason: e.why });
  const shown = e.text.length > 60 ? `${e.text.slice(0, 57)}…` : e.text;
  d.entry(notice(fill(d.ctx.texts.messageNotDelivered, { text: shown }), 'not-delivered', { key: `undelivered:${e.jobId}`, at: d.ctx.now }));
}
