import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ContactCenter } from '../core/contact-center';
import type { Availability } from '../core/availability';
import { DomainError } from '../core/errors';
import type { Interaction, Primitive } from '../core/types';
import { CAPABILITIES, Chats } from './chats';
import { ChatApiError, badParameter } from './envelope';
import { MAX_TEXT, objectBody, optionalString, requiredString, userData } from './validate';

export interface ChatScript {
  invitation: unknown;
  preChat: unknown;
  chatWindow: { enabled: boolean; endpoint: string };
  offlineForm: { enabled: boolean; fields: { id: string; label: string; type: string; required?: boolean }[] };
}

export interface OfflineMessage {
  id: string;
  contactCenterId: string;
  receivedAt: number;
  fields: Record<string, string>;
  userData: Record<string, Primitive>;
}

export interface CustomerChatOptions {
  cc: ContactCenter;
  chats: Chats;
  availability: Availability;
  contactCenterIds: string[];
  defaultQueue: string;
  chatScript: ChatScript;
  /** The chat script as served now (tests may change parts of it through the control API). */
  scriptOverride: () => ChatScript;
  offlineMessages: OfflineMessage[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The Customer Chat API (protocols/customer-chat-api.md), mounted under /api/v2. */
export async function customerChatApi(app: FastifyInstance, opts: CustomerChatOptions): Promise<void> {
  const { cc, chats, availability, offlineMessages } = opts;
  const known = new Set(opts.contactCenterIds);

  // Browsers send a text/plain body to skip a preflight; we need one anyway for ContactCenterId,
  // but accept it so simple clients work.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(badParameter('The request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    reply.header('access-control-allow-origin', origin ?? '*');
    if (origin) reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') return;
    request.contactCenterId = contactCenterOf(request, known);
  });

  app.options('/*', async (_request, reply) => {
    reply
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'ContactCenterId, Content-Type')
      .header('access-control-max-age', '7200')
      .code(204)
      .send();
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let failure: ChatApiError;
    if (error instanceof ChatApiError) failure = error;
    else if (error instanceof DomainError) failure = domainToChat(error);
    else if (error.statusCode === 413) failure = badParameter('The request body is too large');
    else if (error.statusCode === 415) failure = badParameter('Content-Type must be application/json');
    else if (error.statusCode && error.statusCode < 500) failure = badParameter(`Malformed request: ${error.message}`);
    else {
      request.log.error({ err: error }, 'customer chat API failure');
      failure = new ChatApiError(4, 'Internal error');
    }
    reply.code(failure.httpStatus).send(failure.toBody());
  });

  app.setNotFoundHandler(async (request, reply) => {
    const failure = new ChatApiError(6, `No such resource: ${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).send(failure.toBody());
  });

  app.post('/chats', async (request) => {
    const body = objectBody(request.body);
    if (body.operationName !== 'RequestChat') {
      throw badParameter(
        body.operationName === undefined
          ? '"operationName" is required (RequestChat)'
          : `Unknown operationName for this path: ${JSON.stringify(body.operationName)}; expected RequestChat`,
      );
    }
    const nickname = requiredString(body, 'nickname', 100);
    const subject = optionalString(body, 'subject', 500);
    const endpoint = optionalString(body, 'endpoint', 100) ?? opts.defaultQueue;
    if (!cc.queues.has(endpoint)) throw badParameter(`Unknown endpoint "${endpoint}"`);
    const data = userData(body.userData);
    const customer: Record<string, string> = {};
    if (subject) customer.subject = subject;
    const interaction = cc.open({
      source: 'customer-chat',
      contactCenterId: request.contactCenterId!,
      queueId: endpoint,
      customerName: nickname,
      customer,
      userData: data,
    });
    chats.add(interaction);
    return { id: interaction.id, statusCode: 0, path: `/api/v2/chats/${interaction.id}` };
  });

  app.post<{ Params: { id: string } }>('/chats/:id', async (request) => {
    const body = objectBody(request.body);
    const ccId = request.contactCenterId!;
    const id = request.params.id;
    switch (body.operationName) {
      case 'SendMessage': {
        const text = requiredString(body, 'text', Number.MAX_SAFE_INTEGER);
        if (text.length > MAX_TEXT) throw badParameter(`"text" must be at most ${MAX_TEXT} characters`);
        const clientMessageId = optionalString(body, 'clientMessageId', 100);
        const { record } = chats.find(id, ccId);
        // A retried send is acknowledged again but recorded once, even after the chat has ended.
        if (clientMessageId && record.clientMessageIds.has(clientMessageId)) return { statusCode: 0 };
        chats.open(id, ccId);
        cc.say(id, 'customer', text);
        if (clientMessageId) record.clientMessageIds.add(clientMessageId);
        return { statusCode: 0 };
      }
      case 'SendStartTypingNotification':
      case 'SendStopTypingNotification':
        chats.open(id, ccId);
        cc.setTyping(id, 'customer', body.operationName === 'SendStartTypingNotification');
        return { statusCode: 0 };
      case 'Complete':
        chats.open(id, ccId);
        cc.customerLeave(id, 'customer');
        return { statusCode: 0 };
      case undefined:
        chats.find(id, ccId);
        throw badParameter('"operationName" is required');
      default:
        chats.find(id, ccId);
        throw badParameter(`Unknown operationName ${JSON.stringify(body.operationName)}`);
    }
  });

  const getChat = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { interaction, record } = chats.find(request.params.id, request.contactCenterId!);
    record.lastReadAt = Date.now();
    return { chat: chatView(interaction), statusCode: 0 };
  };
  app.get('/chats/:id', getChat);
  app.get('/me/chat/:id', getChat);

  const getMessages = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { index?: string } }>) => {
    const { interaction, record } = chats.find(request.params.id, request.contactCenterId!);
    record.lastReadAt = Date.now();
    const raw = request.query.index;
    let from: number;
    if (raw === undefined) {
      from = record.cursor + 1;
    } else {
      if (!/^\d{1,9}$/.test(raw)) throw badParameter('"index" must be a whole number (0 or more)');
      from = Math.max(1, Number(raw));
    }
    const messages = interaction.transcript.slice(from - 1);
    const last = messages.at(-1);
    if (last && last.index > record.cursor) record.cursor = last.index;
    return { messages, statusCode: 0 };
  };
  app.get('/chats/:id/messages', getMessages);
  app.get('/me/chat/:id/messages', getMessages);

  app.get('/chat-script', async (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    for (const key of ['tenant', 'channel', 'uuid']) {
      const value = request.query[key];
      if (value !== undefined && (typeof value !== 'string' || value.length > 200)) {
        throw badParameter(`"${key}" must be a string of at most 200 characters`);
      }
    }
    const current = opts.scriptOverride();
    return { statusCode: 0, ...current, availability: availability.forQueue(current.chatWindow.endpoint) };
  });

  app.post('/offline-messages', async (request) => {
    const body = objectBody(request.body);
    if (typeof body.fields !== 'object' || body.fields === null || Array.isArray(body.fields)) {
      throw badParameter('"fields" must be an object of strings');
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(body.fields as Record<string, unknown>)) {
      if (typeof value !== 'string') throw badParameter(`"fields.${key}" must be a string`);
      if (value.length > MAX_TEXT) throw badParameter(`"fields.${key}" must be at most ${MAX_TEXT} characters`);
      fields[key] = value;
    }
    for (const field of opts.scriptOverride().offlineForm.fields) {
      const value = fields[field.id]?.trim();
      if (field.required && !value) throw badParameter(`"fields.${field.id}" is required`);
      if (value && field.type === 'email' && !EMAIL.test(value)) throw badParameter(`"fields.${field.id}" is not an e-mail address`);
    }
    const message: OfflineMessage = {
      id: randomUUID(),
      contactCenterId: request.contactCenterId!,
      receivedAt: Date.now(),
      fields,
      userData: userData(body.userData),
    };
    offlineMessages.push(message);
    return { statusCode: 0, id: message.id };
  });
}

function contactCenterOf(request: FastifyRequest, known: Set<string>): string {
  if (request.headers.authorization !== undefined) {
    throw new ChatApiError(3, 'The Customer Chat API is anonymous: requests must not carry an Authorization header');
  }
  const header = request.headers.contactcenterid;
  if (header === undefined || header === '') {
    throw new ChatApiError(3, 'Missing ContactCenterId header: say which contact center serves this chat');
  }
  if (Array.isArray(header) || !known.has(header)) {
    throw new ChatApiError(3, 'Unknown ContactCenterId: no contact center has this id');
  }
  return header;
}

function chatView(interaction: Interaction) {
  const ended = interaction.state === 'ended';
  const participants = [];
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
  };
}

function domainToChat(error: DomainError): ChatApiError {
  if (error.code === 'not-found') return new ChatApiError(6, 'No such chat');
  if (error.code === 'invalid-state') return new ChatApiError(2, error.message);
  return badParameter(error.message);
}

declare module 'fastify' {
  interface FastifyRequest {
    contactCenterId?: string;
  }
}
