// The chat script the bridge serves to the widget (GET /api/v2/chat-script), minus availability,
// which is computed per request. Replace it with BRIDGE_CHAT_SCRIPT=<file.json>.
export interface ChatScript {
  invitation?: { enabled: boolean; delaySeconds: number | null; text?: string; quickReplies?: string[] };
  preChat?: { enabled: boolean; fields: FormField[] };
  chatWindow: { enabled: boolean; endpoint?: string };
  offlineForm?: { enabled: boolean; fields: FormField[] };
}

export interface FormField {
  id: string;
  label: string;
  type: string;
  required?: boolean;
}

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
