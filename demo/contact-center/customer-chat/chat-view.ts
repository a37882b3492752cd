// An interaction as GetChat shows it: queued is WaitingForAgent, with an agent Chatting, ended Idle.
import { CAPABILITIES, type Chat, type Participant } from '../../../bot-bridge/customer-chat-api';
import type { Interaction } from '../core';
import { FILES_EXTENSION } from './files';

export function chatView(interaction: Interaction): Chat {
  const ended = interaction.state === 'ended';
  const participants: Participant[] = [];
  if (interaction.endedReason !== 'customer' && interaction.endedReason !== 'timeout') {
    participants.push(interaction.customerParticipant);
  }
  if (interaction.agent) {
    participants.push({ nickname: interaction.agent.name, participantId: interaction.agent.participantId, type: 'Agent' });
  }
  return {
    id: interaction.id,
    state: ended ? 'Idle' : interaction.state === 'active' ? 'Chatting' : 'WaitingForAgent',
    capabilities: ended ? [] : CAPABILITIES,
    participants,
    extensions: { files: FILES_EXTENSION },
  };
}
