// Turns what happened in a handover into what each side sees: transcript entries for a widget chat,
// signed callbacks for a generic-API bot, handoff.status for a Bot Framework bot, and the gateway
// calls that follow. Every output's key derives from `key`, so applying an event twice adds nothing.
import { fill, type Texts } from '../config';
import type { NewEntry, NewJob } from '../store';
import { agentOf, botOf, joined, left, notice, text, typing } from '../sessions/entries';
import type { Happening } from '../sessions/relay';
import type { Session } from '../sessions/types';
import { activity, job } from './kinds';

export interface Outputs {
  entries: NewEntry[];
  jobs: NewJob[];
}

export function deliver(session: Session, happenings: Happening[], key: string, ctx: { texts: Texts; botName: string; at: number }): Outputs {
  const out: Outputs = { entries: [], jobs: [] };
  let n = 0;
  const k = () => `${key}:${n++}`;
  const at = ctx.at;
  for (const h of happenings) {
    if (session.kind === 'api') {
      const cb = (type: string, data: Record<string, unknown> = {}) => out.jobs.push(job.callback(session.id, { id: k(), type, handoverId: session.id, timestamp: at, data }));
      switch (h.type) {
        case 'queued':
          cb('queued', { queueId: h.queueId, queueName: h.queueName, ...(h.position !== null ? { position: h.position } : {}) });
          break;
        case 'agent-joined':
          cb('agent.joined', { agent: { id: h.agent.id, name: h.agent.name || null }, newAgent: h.again });
          break;
        case 'agent-left':
          cb('agent.left', { agent: { id: h.agent.id, name: h.agent.name || null }, transfer: h.transfer });
          break;
        case 'transfer':
          cb('transfer');
          break;
        case 'agent-message':
          cb('message', { agent: { id: h.agent.id, name: h.agent.name || null }, text: h.text });
          break;
        case 'system-message':
          cb('message', { agent: null, text: h.text });
          break;
        case 'agent-typing':
          cb('typing', { agent: { id: h.agent.id, name: h.agent.name || null }, typing: h.typing });
          break;
        case 'returned-to-bot':
          cb('handover.completed');
          out.jobs.push(job.leave(session.id, h.conversationId));
          break;
        case 'ended':
          cb('handover.ended', { reason: h.reason });
          if (h.conversationId) out.jobs.push(job.leave(session.id, h.conversationId));
          break;
      }
      continue;
    }
    switch (h.type) {
      case 'queued':
        out.entries.push(
          notice(fill(ctx.texts.queued, { queue: h.queueName }), 'queued', {
            key: k(),
            at,
            extra: { queueId: h.queueId, queueName: h.queueName, ...(h.position !== null ? { queuePosition: h.position } : {}) },
          }),
        );
        break;
      case 'agent-joined':
        out.entries.push(joined(agentOf(h.agent), k(), at));
        break;
      case 'agent-left':
        out.entries.push(left(agentOf(h.agent), k(), at));
        break;
      case 'transfer':
        out.entries.push(notice(ctx.texts.transfer, 'transfer', { key: k(), at }));
        break;
      case 'agent-message':
        out.entries.push(text(agentOf(h.agent), h.text, { key: k(), at }));
        break;
      case 'system-message':
        out.entries.push(notice(h.text, 'system', { key: k(), at }));
        break;
      case 'agent-typing':
        out.entries.push(typing(agentOf(h.agent), h.typing, k(), at));
        break;
      case 'returned-to-bot':
        out.entries.push(notice(ctx.texts.agentLeftBackToBot, 'returned-to-bot', { key: k(), at }), joined(botOf(ctx.botName), k(), at));
        out.jobs.push(job.bot(session.id, activity.handoffStatus(k(), 'completed'), `${key}:status`));
        break;
      case 'ended':
        if (h.reason === 'contact-center') out.entries.push(notice(ctx.texts.conversationEnded, 'ended', { key: k(), at }));
        if (h.reason === 'agent' && h.conversationId) out.jobs.push(job.leave(session.id, h.conversationId));
        out.jobs.push(job.bot(session.id, activity.end(k(), h.reason), `${key}:end`));
        break;
    }
  }
  return out;
}
