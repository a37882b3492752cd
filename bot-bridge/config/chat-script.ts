// The chat script the bridge serves to the widget (GET /api/v2/chat-script), minus availability,
// which is computed per request. Replace it with BRIDGE_CHAT_SCRIPT=<file.json>.
import type { ChatScriptSteps } from '../customer-chat-api/wire';

/** The Customer Chat API's chat-script steps; the bridge always has a chat window. */
export type ChatScript = ChatScriptSteps & { chatWindow: NonNullable<ChatScriptSteps['chatWindow']> };

export const DEFAULT_CHAT_SCRIPT: ChatScript = {
  invitation: { enabled: false, delaySeconds: null },
  preChat: {
    enabled: true,
    fields: [
      { id: 'name', label: 'Name', type: 'text', required: true },
      { id: 'email', label: 'Email', type: 'email', required: false },
      { id: 'language', label: 'Language', type: 'language' },
    ],
  },
  chatWindow: { enabled: true, endpoint: 'support' },
  offlineForm: {
    enabled: true,
    fields: [
      { id: 'name', label: 'Name', type: 'text', required: false },
      { id: 'email', label: 'Email', type: 'email', required: true },
      { id: 'message', label: 'Message', type: 'textarea', required: true },
    ],
  },
};
