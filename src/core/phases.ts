// Which phase a trigger or the launcher leads to, by the bus note's rules and the chat script.
import type { ChatScript, Phase } from './types';

export type Trigger = 'invitation' | 'preChat' | 'chatWindow';

/** The note's guard for each trigger: where the customer may be for it to apply. */
export function triggerAllowed(phase: Phase, trigger: Trigger): boolean {
  switch (trigger) {
    case 'invitation':
    case 'preChat':
      return phase === 'closed' || phase === 'invitation';
    case 'chatWindow':
      return phase === 'closed' || phase === 'invitation' || phase === 'preChat';
  }
}

/** Whether the chat script has the step (the "Missing next step" log names it otherwise). */
export function stepExists(script: ChatScript, trigger: Trigger): boolean {
  return !!script[trigger]?.enabled;
}

export const MISSING_STEP: Record<Trigger, string> = {
  invitation: 'Missing next step from step initInvitation [invitation]',
  preChat: 'Missing next step from step initPreChat [preChat]',
  chatWindow: 'Missing next step from step initChatWindow [chatWindow]',
};

/** Where opening the chat leads (the launcher, startChat, accepting an invitation). */
export function entryPhase(script: ChatScript): Phase | null {
  if (!script.availability?.open) return script.offlineForm?.enabled ? 'offlineForm' : null;
  if (script.preChat?.enabled) return 'preChat';
  if (script.chatWindow?.enabled) return 'chatWindow';
  return null;
}

/** Where a trigger leads, or null when it does not apply; offline when nobody can answer. */
export function triggerTarget(script: ChatScript, trigger: Trigger): Phase {
  if (trigger !== 'invitation' && !script.availability?.open && script.offlineForm?.enabled) return 'offlineForm';
  return trigger;
}
