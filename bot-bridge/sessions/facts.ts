// What a carried-out transition is logged and counted as. The machine says what happened; this is
// the one place that turns it into log lines and metrics (chat ids shortened, no message texts).
import type { Deps } from '../context';
import { short } from '../ops';
import type { Fact } from './events';
import type { Session } from './types';

const FAILED = { closed: 'failed_closed', 'no-agents': 'failed_no_agents', error: 'failed_error', timeout: 'failed_error' } as const;

export function recordFacts(deps: Pick<Deps, 'log' | 'metrics'>, session: Session, facts: Fact[]): void {
  const { log, metrics } = deps;
  const chat = short(session.id);
  for (const fact of facts) {
    switch (fact.type) {
      case 'chat-requested':
        log.info({ chat, queue: fact.queueId }, 'chat requested');
        break;
      case 'chat-ended':
        log.info({ chat, reason: fact.reason, from: fact.from }, 'chat ended');
        break;
      case 'handover-requested':
        metrics.handovers.inc({ result: 'requested' });
        if (fact.via === 'api') log.info({ handover: chat, queue: fact.queueId }, 'handover requested through the API');
        else log.info({ chat, seq: fact.seq, queue: fact.queueId }, 'handover requested');
        break;
      case 'handover-created':
        metrics.handovers.inc({ result: 'created' });
        log.info({ chat, seq: fact.seq, conversation: fact.conversationId }, 'conversation created');
        break;
      case 'handover-failed':
        metrics.handovers.inc({ result: FAILED[fact.reason] });
        log.info({ chat, seq: fact.seq, reason: fact.reason }, 'handover failed');
        break;
      case 'handover-event':
        if (fact.happened === 'returned-to-bot') metrics.handovers.inc({ result: 'completed' });
        if (fact.happened === 'ended') metrics.handovers.inc({ result: 'ended' });
        log.info({ chat, conversation: fact.conversationId, happened: fact.happened }, 'handover event');
        break;
      case 'bot-activity':
        metrics.botActivities.inc({ type: fact.activity, result: fact.result });
        break;
      case 'bot-ended':
        log.info({ chat }, 'the bot ended the chat');
        break;
      case 'refused':
      case 'typing-sent':
      case 'redirected-to-bot':
        break;
    }
  }
}
