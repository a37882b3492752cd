// The bot's side of a session: what it sends (shown while it holds the chat; once the handover has
// begun a message is refused, which the bot's SDK reports to it, or shown with
// BOT_DURING_HANDOVER=show), its typing (ended by its next message), handoff.initiate and
// endOfConversation, and what the customer is told when it does not answer.
import type { Draft } from './draft';
import { botOf, left, notice, text, typing } from './entries';
import type { BotActivity, Fact, SessionEvent } from './events';
import { handoverRequested } from './handover';
import { activity, job } from './outputs';

type Event<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;
type Result = Extract<Fact, { type: 'bot-activity' }>['result'];

const typeOf = (a: BotActivity) => (a.type === 'handoff' ? 'event' : a.type === 'other' ? a.activityType : a.type);

export function botActivity(d: Draft, e: Event<'bot-activity'>): void {
  const s = d.next;
  const a = e.activity;
  const { now } = d.ctx;
  const count = (result: Result) => d.fact({ type: 'bot-activity', activity: typeOf(a), result });
  if (s.state === 'ended') return count('dropped_after_end');
  switch (a.type) {
    case 'message': {
      if (!a.text) return d.fact({ type: 'refused', reason: 'empty' });
      const during = s.state !== 'bot';
      if (during && d.ctx.botDuringHandover !== 'show') {
        d.fact({ type: 'refused', reason: 'handover' });
        return count('refused_during_handover');
      }
      stopTyping(d, a.from);
      d.entry(
        text(botOf(a.from ?? d.ctx.botName), a.text, {
          key: `bot:${a.id}`,
          at: now,
          quickReplies: a.quickReplies,
          ...(a.body !== undefined ? { own: a.body } : {}),
          ...(a.cards ? { cards: a.cards } : {}),
          ...(a.layout ? { layout: a.layout } : {}),
          ...(a.attachments ? { attachments: a.attachments } : {}),
        }),
      );
      return count(during ? 'shown_during_handover' : 'shown');
    }
    case 'typing':
      if (s.state !== 'bot') return count('dropped_after_handover');
      d.entry(typing(botOf(a.from ?? d.ctx.botName), true, now));
      s.botTyping = true;
      return count('shown');
    case 'handoff': {
      const started = handoverRequested(d, { context: a.context, history: a.history });
      if (started) stopTyping(d, null);
      return count(started ? 'handover' : 'ignored');
    }
    case 'endOfConversation':
      if (s.state !== 'bot') return count('ignored');
      stopTyping(d, a.from);
      s.state = 'ended';
      s.endedReason = 'bot';
      d.entry(notice(d.ctx.texts.conversationEnded, 'ended', { key: 'bot-ended', at: now }), left(botOf(a.from ?? d.ctx.botName), now, 'bot-left'));
      d.fact({ type: 'bot-ended' });
      return count('shown');
    case 'other':
      return count('ignored');
  }
}

/** The bot's typing indicator ends when its message comes (or it hands over, or ends the chat). */
function stopTyping(d: Draft, from: string | null): void {
  const s = d.next;
  if (!s.botTyping) return;
  s.botTyping = false;
  d.entry(typing(botOf(from ?? d.ctx.botName), false, d.ctx.now));
}

/**
 * The bot did not take an activity. Only a customer's turn needs an answer (a lost handoff.status
 * or goodbye is just logged): the customer is told, or, with BOT_FAILURE=handover, goes to an agent.
 */
export function botFailed(d: Draft, e: Event<'bot-failed'>): void {
  const s = d.next;
  if ((e.activityType !== 'message' && e.activityType !== 'conversationUpdate') || s.state !== 'bot') return;
  const { texts, now } = d.ctx;
  const key = `bot-failed:${e.activityId}`;
  if (d.ctx.botFailure === 'handover' && e.activityType === 'message') {
    d.entry(notice(texts.botUnavailableHandover, 'bot-unavailable', { key, at: now }));
    handoverRequested(d, { context: { Reason: 'The bot did not answer' }, history: null });
    return;
  }
  const timeout = e.why === 'timeout';
  d.entry(notice(timeout ? texts.botTimeout : texts.botUnavailable, timeout ? 'bot-timeout' : 'bot-unavailable', { key, at: now }));
}

/** A customer message waited for the bot while a handover began: the agent gets it instead. */
export function botTurnMissed(d: Draft, e: Event<'bot-turn-missed'>): void {
  const s = d.next;
  if (s.state === 'ended') return;
  if (s.state !== 'bot' && s.handover) d.job(job.message(s.id, s.handover.seq, e.text, `${e.jobKey}:to-agent`));
  // Back with the bot already (the handover failed meanwhile): the bot it is, after all.
  else d.job(job.bot(s.id, activity.message(e.text, d.ctx.newId(), d.ctx.now), `${e.jobKey}:to-bot`));
}
