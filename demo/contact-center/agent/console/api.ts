// The agent console talks only to the emulator's agent API (same origin).
import type { Card } from '../../../../bot-bridge/customer-chat-api/wire';

export type { Card };

/** A file in the transcript; `url` is a signed, short-lived link on this origin. */
export interface FileView {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}
export interface InteractionView {
  id: string;
  source: 'customer-chat' | 'chat-gateway';
  state: 'queued' | 'active' | 'ended';
  queueId: string;
  queueName: string;
  position: number | null;
  customer: Record<string, string>;
  userData: Record<string, string | number | boolean>;
  history: { authorType: 'user' | 'bot'; text: string; cards?: Card[] }[];
  agentId: string | null;
  agentName: string | null;
  customerTyping: boolean;
  createdAt: number;
  endedAt: number | null;
  endedReason: string | null;
  startedByApi: boolean;
}

export interface Entry {
  index: number;
  type: 'ParticipantJoined' | 'ParticipantLeft' | 'Text' | 'TypingStarted' | 'TypingStopped' | 'Notice';
  from: { nickname: string; participantId: string; type: 'Customer' | 'Agent' | 'External' };
  text?: string;
  utcTime: number;
  cards?: Card[];
  layout?: 'list' | 'carousel';
  attachments?: FileView[];
  quickReplies?: { title: string; payload: string }[];
  /** A customer's reply-button value. */
  value?: Record<string, unknown>;
}

export interface Queue {
  id: string;
  name: string;
}

export class ApiError extends Error {}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  const response = await fetch(`/agent/api${path}`, {
    method,
    headers: body === undefined || form ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
  });
  const data = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new ApiError(data.error ?? `${method} ${path} failed (${response.status})`);
  return data;
}

export const api = {
  interactions: () => call<{ interactions: InteractionView[] }>('GET', '/interactions').then((r) => r.interactions),
  queues: () => call<{ queues: Queue[] }>('GET', '/queues').then((r) => r.queues),
  transcript: (id: string) => call<{ messages: Entry[] }>('GET', `/interactions/${id}/transcript`).then((r) => r.messages),
  accept: (id: string, agentId: string, agentName: string) => call('POST', `/interactions/${id}/accept`, { agentId, agentName }),
  send: (id: string, text: string) => call('POST', `/interactions/${id}/messages`, { text }),
  typing: (id: string, typing: boolean) => call('POST', `/interactions/${id}/typing`, { typing }),
  transfer: (id: string, queueId: string) => call('POST', `/interactions/${id}/transfer`, { queueId }),
  leave: (id: string) => call('POST', `/interactions/${id}/leave`),
  /** Sends a file to the customer (multipart: `file`). */
  sendFile: (id: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return call<{ index: number; file: FileView }>('POST', `/interactions/${id}/files`, form);
  },
};
