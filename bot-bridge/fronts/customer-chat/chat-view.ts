// A session as GetChat shows it: the bot counts as present (Chatting), a handover waits for an agent.
import { CAPABILITIES, type Chat, type Participant } from '../../customer-chat-api';
import { agentOf, botOf, customerOf } from '../../sessions/entries';
import type { Session } from '../../sessions/types';
import { FILES_EXTENSION } from './files';

export function chatView(session: Session, botName: string): Chat {
  const h = session.handover;
  const state = session.state === 'ended' ? 'Idle' : session.state === 'bot' || (session.state === 'agent' && h?.agent) ? 'Chatting' : 'WaitingForAgent';
  const participants: Participant[] = [];
  if (session.endedReason !== 'customer' && session.endedReason !== 'timeout') participants.push(customerOf(session));
  if (session.state === 'bot') participants.push(botOf(botName));
  if (session.state === 'agent' && h?.agent) participants.push(agentOf(h.agent));
  const ended = session.state === 'ended';
  // (ext) An open chat takes files (an ended one takes nothing).
  return { id: session.id, state, capabilities: ended ? [] : CAPABILITIES, participants, ...(ended ? {} : { extensions: { files: FILES_EXTENSION } }) };
}
