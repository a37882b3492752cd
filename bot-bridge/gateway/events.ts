// Webhook bodies → one small event type. Accepts the Chat Gateway v1 envelope and the older Chat API
// v2 flat events (AGENT_JOINED, AGENT_LEFT, TEXT, …), which the protocol note says to accept too.
export type GatewayEvent =
  | { type: 'conversation'; state: string; user: Record<string, unknown> | null }
  | { type: 'queued'; queueId: string; queueName: string }
  | { type: 'member'; memberType: 'user' | 'agent'; change: 'joined' | 'left'; id: string; name: string | null }
  | { type: 'transfer' }
  | {
      type: 'message';
      isEcho: boolean;
      senderType: string;
      senderId: string;
      text: string;
      name: string | null;
      /** Files, by gateway id (fetched by id from the gateway, never from the preSignedUrl the event names). */
      attachments?: { id: string; name: string }[];
      /** Cards as the gateway has them (`{ contentType, content }`). */
      cards?: { contentType: string; content: unknown }[];
      /** Set by the inbox job once the files are the chat's own (stored by the bridge). */
      files?: Attachment[];
    }
  | { type: 'typing'; agentIds: string[] }
  | { type: 'ignored'; eventType: string };

import type { Attachment } from '../customer-chat-api/wire';

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

export function normalizeEvent(body: Json): GatewayEvent {
  const eventType = str(body.eventType);
  const data = obj(body.data);
  switch (eventType) {
    case 'CONVERSATION_UPDATE':
      return { type: 'conversation', state: str(data.state), user: Object.keys(obj(data.user)).length ? obj(data.user) : null };
    case 'QUEUED':
      return { type: 'queued', queueId: str(data.queueId ?? body.queueId), queueName: str(data.queueName ?? body.queueName) };
    case 'MEMBERS_CHANGED': {
      const memberType = data.memberType === 'agent' ? 'agent' : 'user';
      const change = data.change === 'left' ? 'left' : 'joined';
      if (!data.memberType || !data.change) return { type: 'ignored', eventType };
      return { type: 'member', memberType, change, id: str(data.id), name: str(data.name) || null };
    }
    case 'AGENT_JOINED':
    case 'AGENT_LEFT':
      return {
        type: 'member',
        memberType: 'agent',
        change: eventType === 'AGENT_JOINED' ? 'joined' : 'left',
        id: str(body.agentId ?? data.agentId),
        name: str(body.agentName ?? data.agentName) || null,
      };
    case 'TRANSFER':
      return { type: 'transfer' };
    case 'MESSAGE': {
      const sender = obj(data.sender);
      const attachments = (Array.isArray(data.attachments) ? data.attachments : [])
        .map((a) => obj(a))
        .filter((a) => typeof a.id === 'string' && /^[\w.-]{1,200}$/.test(a.id))
        .slice(0, 10)
        .map((a) => ({ id: a.id as string, name: str(a.fileName) || str(a.filename) || 'file' }));
      const cards = (Array.isArray(data.cards) ? data.cards : [])
        .map((c) => obj(c))
        .filter((c) => typeof c.contentType === 'string')
        .slice(0, 10)
        .map((c) => ({ contentType: c.contentType as string, content: c.content }));
      return {
        type: 'message',
        isEcho: data.isEcho === true,
        senderType: str(sender.type),
        senderId: str(sender.id),
        text: str(data.text),
        name: str(sender.name) || null,
        ...(attachments.length ? { attachments } : {}),
        ...(cards.length ? { cards } : {}),
      };
    }
    case 'TEXT':
      return {
        type: 'message',
        isEcho: body.messageType === 'USER' || body.isEcho === true,
        senderType: body.agentId ? 'agent' : str(body.messageType).toLowerCase() || 'agent',
        senderId: str(body.agentId),
        text: str(body.message ?? body.text),
        name: str(body.agentName) || null,
      };
    case 'ACTIVITY': {
      if (data.name !== 'typing') return { type: 'ignored', eventType: `ACTIVITY ${str(data.name)}` };
      const users = Array.isArray(obj(data.value).users) ? (obj(data.value).users as unknown[]) : [];
      return {
        type: 'typing',
        agentIds: users
          .map(obj)
          .filter((u) => u.type === 'agent')
          .map((u) => str(u.id)),
      };
    }
    default:
      return { type: 'ignored', eventType: eventType || '(none)' };
  }
}
