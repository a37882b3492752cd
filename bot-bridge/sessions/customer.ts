// The customer's side of a session (a widget customer, or the customer behind a generic-API bot):
// the chat opening, messages, typing, and leaving. A customer's message goes to the bot while the
// bot holds the chat, and to the agent from the moment the handover begins.
import type { Draft } from './draft';
import { botOf, customerOf, joined, left, notice, text } from './entries';
import type { SessionEvent } from './events';
import { activity, job } from './outputs';

type Event<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

/** A new session's first lines and jobs: the bot greets a widget customer; an API handover is asked for. */
export function opened(d: Draft): void {
  const s = d.next;
  const { now } = d.ctx;
  if (s.kind === 'widget') {
    d.bind(`bot:${s.botConversationId}`);
    d.job(job.bot(s.id, activity.hello(d.ctx.newId(), now), `hello:${s.id}`));
    d.entry(joined(customerOf(s), now, 'joined'), joined(botOf(d.ctx.botName), now, 'bot-joined'));
    d.fact({ type: 'chat-requested', queueId: s.queueId });
    return;
  }
  const h = s.handover;
  if (!h) return;
  d.bind(`ref:${h.ref}`);
  d.job(job.handover(s.id, h.seq));
  d.fact({ type: 'handover-requested', seq: h.seq, queueId: h.queueId, via: 'api' });
}

export function customerMessage(d: Draft, e: Event<'customer-message'>): void {
  const s = d.next;
  if (s.state === 'ended') return d.fact({ type: 'refused', reason: 'ended' });
  // The clientMessageId makes a resent message one job and one entry.
  const key = e.clientMessageId ? `cmid:${e.clientMessageId}` : `msg:${d.ctx.newId()}`;
  const jobKey = `${s.id}:${key}`;
  const files = (e.attachments ?? []).map((a) => ({ id: a.id, name: a.name, contentType: a.contentType }));
  // The agent gets the files (uploaded to the gateway) and reads their names.
  const readable = files.length ? [e.text, ...files.map((f) => `File: ${f.name}`)].filter(Boolean).join('\n') : e.text;
  if (s.state !== 'bot' && s.handover) d.job(job.message(s.id, s.handover.seq, readable, jobKey, files));
  else d.job(job.bot(s.id, activity.message(e.text, e.clientMessageId ?? d.ctx.newId(), d.ctx.now, e.value, files), jobKey));
  if (s.kind === 'widget') d.entry(text(customerOf(s), readable, { key, at: d.ctx.now, ...(e.attachments?.length ? { own: e.text, attachments: e.attachments } : {}) }));
}

export function customerTyping(d: Draft, e: Event<'customer-typing'>): void {
  const s = d.next;
  if (s.state === 'ended') return d.fact({ type: 'refused', reason: 'ended' });
  // The gateway has no "stopped typing" (the indicator lapses), and a bot does not care.
  if (!e.on || e.recentlySent || !s.handover || !(s.state === 'queued' || s.state === 'agent')) return;
  d.job(job.typing(s.id, s.handover.seq, d.ctx.now));
  d.fact({ type: 'typing-sent' });
}

/** The customer ends the chat (Complete, DELETE) or stopped polling: the agent and the bot are left too. */
export function customerLeft(d: Draft, e: Event<'customer-left'>): void {
  const s = d.next;
  if (s.state === 'ended') return;
  const from = s.state;
  const h = s.handover;
  const open = h?.conversationId && !h.closed ? h.conversationId : null;
  s.state = 'ended';
  s.endedReason = e.reason;
  if (h) h.closed = true;
  if (open) d.job(job.leave(s.id, open));
  if (s.kind === 'widget') {
    d.job(job.bot(s.id, activity.end(d.ctx.newId(), d.ctx.now, e.reason), `end:${s.id}`));
    if (e.reason === 'timeout') d.entry(notice(d.ctx.texts.idleTimeout, 'idle-timeout', { key: 'idle-timeout', at: d.ctx.now }));
    d.entry(left(customerOf(s), d.ctx.now, 'customer-left'));
  } else {
    d.callback(`deleted:${s.id}`, 'handover.ended', { reason: 'deleted' });
  }
  d.fact({ type: 'chat-ended', reason: e.reason, from });
}
