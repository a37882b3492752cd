// The session machine: every change to a session, and everything the customer is shown, decided in
// one pure function. `transition(session, event, ctx)` answers the session afterwards (the same
// object when nothing changed), the transcript entries to show, the outbox jobs to queue, the
// conversations to bind, and facts to log and count. No I/O and no clock or randomness of its own:
// `ctx` brings the time and an id source, so the same inputs give the same answer. sessions/apply.ts
// carries a transition out; the table of what each event does is below, one module per side.
//
//   customer.ts  the chat opening, customer messages, typing, leaving (Complete, DELETE, idle)
//   bot.ts       bot messages and typing, handoff.initiate, endOfConversation, a bot that fails
//   handover.ts  handover requested, created, failed; messages that find no handover
//   relay.ts     the gateway's events: queued, agents joining and leaving, transfer, messages,
//                typing, idle; what happens when the agent leaves
import { botActivity, botFailed, botTurnMissed } from './bot';
import { customerLeft, customerMessage, customerTyping, opened } from './customer';
import { Draft } from './draft';
import type { MachineContext, SessionEvent, Transition } from './events';
import { agentTurnMissed, handoverCreated, handoverFailed, historyCounted, messageNotDelivered } from './handover';
import { relay } from './relay';
import type { Session } from './types';

export function transition(session: Session, event: SessionEvent, ctx: MachineContext): Transition {
  const d = new Draft(session, ctx);
  switch (event.type) {
    case 'opened':
      opened(d);
      break;
    case 'customer-message':
      customerMessage(d, event);
      break;
    case 'customer-typing':
      customerTyping(d, event);
      break;
    case 'customer-left':
      customerLeft(d, event);
      break;
    case 'bot-activity':
      botActivity(d, event);
      break;
    case 'bot-failed':
      botFailed(d, event);
      break;
    case 'bot-turn-missed':
      botTurnMissed(d, event);
      break;
    case 'agent-turn-missed':
      agentTurnMissed(d, event);
      break;
    case 'message-not-delivered':
      messageNotDelivered(d, event);
      break;
    case 'handover-created':
      handoverCreated(d, event);
      break;
    case 'handover-failed':
      handoverFailed(d, event);
      break;
    case 'history-counted':
      historyCounted(d, event);
      break;
    case 'gateway':
      relay(d, event);
      break;
  }
  return d.done();
}
