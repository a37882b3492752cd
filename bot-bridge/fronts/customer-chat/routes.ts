// The Customer Chat API (protocols/customer-chat-api.md) on the bridge's port, answering exactly as
// the contact center does, so the widget cannot tell which one it talks to: a chat starts with
// the bot, and the agent takes over after a handover.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../context';
import { botOf, customerOf, agentOf } from '../../sessions/entries';
import { SessionError, type Sessions } from '../../sessions/service';
import type { Session } from '../../sessions/types';
import { ChatApiError, badParameter, forbidden, invalidState, notFound } from './envelope';
import { MAX_TEXT, clientMessageId, objectBody, optionalString, requiredString, userData } from './validate';

export const CAPABILITIES = ['SendMessage', 'SendStartTypingNotification', 'SendStopTypingNotification', 'Complete'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CHAT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface CustomerChatOptions {
  deps: Deps;
  sessions: Sessions;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export function chatView(session: Session, botName: string) {
  const h = session.handover;
  const state = session.state === 'ended' ? 'Idle' : session.state === 'bot' || (session.state === 'agent' && h?.agent) ? 'Chatting' : 'WaitingForAgent';
  const participants = [];
  if (session.endedReason !== 'customer' && session.endedReason !== 'timeout') participants.push(customerOf(session));
  if (session.state === 'bot') participants.push(botOf(botName));
  if (session.state === 'agent' && h?.agent) participants.push(agentOf(h.agent));
  return { id: session.id, state, capabilities: session.state === 'ended' ? [] : CAPABILITIES, participants };
}

export async function customerChatApi(app: FastifyInstance, opts: CustomerChatOptions): Promise<void> {
  const { deps, sessions } = opts;
  const { config, store } = deps;
  const known = new Set(config.contactCenterIds);
  const anyOrigin = config.allowedOrigins.includes('*');
  const origins = new Set(config.allowedOrigins);
  /** When this replica last recorded that a chat's client polled (the idle timeout needs no more). */
  const touched = new Map<string, number>();
  const touchEvery = Math.min(10_000, (config.chatIdleTimeoutS * 1000) / 4);

  // Browsers may send a text/plain body to skip a preflight; accept it so simple clients work.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(badParameter('The request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!anyOrigin && !origins.has(origin)) throw forbidden(`Origin ${origin} may not use this chat (ALLOWED_ORIGINS)`);
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    } else if (anyOrigin) {
      reply.header('access-control-allow-origin', '*');
    }
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

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    let failure: ChatApiError;
    if (error instanceof ChatApiError) failure = error;
    else if (error instanceof SessionError) failure = error.code === 'not-found' ? notFound() : invalidState(error.message);
    else if (error.statusCode === 413) failure = badParameter('The request body is too large');
    else if (error.statusCode === 415) failure = badParameter('Content-Type must be application/json');
    else if (error.statusCode && error.statusCode < 500) failure = badParameter(`Malformed request: ${error.message}`);
    else {
      request.log.error({ err: error }, 'customer chat API failure');
      // Almost always the store being away for a moment: tell the client to try again.
      failure = new ChatApiError(4, 'Temporarily unavailable, please retry', 503);
    }
    reply.code(failure.httpStatus).send(failure.toBody());
  });

  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404).send(new ChatApiError(6, `No such resource: ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  /** The chat, if it exists and belongs to this contact center; 404 otherwise (no hint that it exists). */
  async function find(request: IdRequest): Promise<Session> {
    const id = request.params.id;
    if (!CHAT_ID.test(id)) throw notFound();
    const session = await sessions.get(id);
    if (!session || session.kind !== 'widget' || session.contactCenterId !== request.contactCenterId) throw notFound();
    return session;
  }

  function open(session: Session): Session {
    if (session.state === 'ended') throw invalidState('The chat has ended: no operation is valid any more');
    return session;
  }

  async function touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (touched.get(id) ?? 0) < touchEvery) return;
    touched.set(id, now);
    if (touched.size > 50_000) for (const [key, at] of touched) if (now - at > touchEvery) touched.delete(key);
    await store.touchSession(id, now);
  }

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
    const subject = optionalString(body, 'subject', 500) ?? null;
    const endpoint = optionalString(body, 'endpoint', 100);
    if (endpoint !== undefined && !/^[\w.-]{1,100}$/.test(endpoint)) throw badParameter(`Unknown endpoint "${endpoint}"`);
    const session = await sessions.requestChat({
      contactCenterId: request.contactCenterId!,
      nickname,
      subject,
      queueId: endpoint || config.chatScript.chatWindow.endpoint || config.gateway.queueId,
      userData: userData(body.userData),
    });
    touched.set(session.id, Date.now());
    return { id: session.id, statusCode: 0, path: `/api/v2/chats/${session.id}` };
  });

  app.post('/chats/:id', async (request: IdRequest) => {
    const body = objectBody(request.body);
    const session = await find(request);
    switch (body.operationName) {
      case 'SendMessage': {
        const text = requiredString(body, 'text', Number.MAX_SAFE_INTEGER);
        if (text.length > MAX_TEXT) throw badParameter(`"text" must be at most ${MAX_TEXT} characters`);
        await sessions.customerMessage(session, text, clientMessageId(body));
        return { statusCode: 0 };
      }
      case 'SendStartTypingNotification':
      case 'SendStopTypingNotification':
        await sessions.customerTyping(open(session), body.operationName === 'SendStartTypingNotification');
        return { statusCode: 0 };
      case 'Complete':
        open(session);
        await sessions.end(session.id, 'customer');
        return { statusCode: 0 };
      case undefined:
        throw badParameter('"operationName" is required');
      default:
        throw badParameter(`Unknown operationName ${JSON.stringify(body.operationName)}`);
    }
  });

  const getChat = async (request: IdRequest) => {
    const session = await find(request);
    await touch(session.id);
    return { chat: chatView(session, config.bot.name), statusCode: 0 };
  };
  app.get('/chats/:id', getChat);
  app.get('/me/chat/:id', getChat);

  const getMessages = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { index?: string } }>) => {
    const raw = request.query.index;
    if (raw !== undefined && !/^\d{1,9}$/.test(raw)) throw badParameter('"index" must be a whole number (0 or more)');
    const session = await find(request);
    await touch(session.id);
    const messages = await store.readEntries(session.id, raw === undefined ? null : Number(raw));
    return { messages, statusCode: 0 };
  };
  app.get('/chats/:id/messages', getMessages);
  app.get('/me/chat/:id/messages', getMessages);

  app.get('/chat-script', async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>) => {
    for (const key of ['tenant', 'channel', 'uuid']) {
      const value = request.query[key];
      if (value !== undefined && (typeof value !== 'string' || value.length > 200)) throw badParameter(`"${key}" must be a string of at most 200 characters`);
    }
    // The bot answers around the clock; the chat is closed only while the bot keeps failing.
    const health = deps.botHealth;
    const botDown = health.failedAt > health.okAt && Date.now() - health.failedAt < 60_000;
    return { statusCode: 0, ...config.chatScript, availability: { open: !botDown, reason: botDown ? 'bot-unavailable' : null } };
  });

  app.post('/offline-messages', async (request, reply: FastifyReply) => {
    const body = objectBody(request.body);
    if (typeof body.fields !== 'object' || body.fields === null || Array.isArray(body.fields)) throw badParameter('"fields" must be an object of strings');
    const fields: Record<string, string> = {};
    const entries = Object.entries(body.fields as Record<string, unknown>);
    if (entries.length > 50) throw badParameter('"fields" may have at most 50 entries');
    for (const [key, value] of entries) {
      if (typeof value !== 'string') throw badParameter(`"fields.${key}" must be a string`);
      if (key.length > 100) throw badParameter('"fields" keys must have at most 100 characters');
      if (value.length > MAX_TEXT) throw badParameter(`"fields.${key}" must be at most ${MAX_TEXT} characters`);
      fields[key] = value;
    }
    for (const field of config.chatScript.offlineForm?.fields ?? []) {
      const value = fields[field.id]?.trim();
      if (field.required && !value) throw badParameter(`"fields.${field.id}" is required`);
      if (value && field.type === 'email' && !EMAIL.test(value)) throw badParameter(`"fields.${field.id}" is not an e-mail address`);
    }
    const message = { id: randomUUID(), contactCenterId: request.contactCenterId!, receivedAt: Date.now(), fields, userData: userData(body.userData) };
    await store.addOfflineMessage(message);
    request.log.info({ offlineMessage: message.id }, 'offline message stored');
    reply.code(200);
    return { statusCode: 0, id: message.id };
  });
}

function contactCenterOf(request: FastifyRequest, known: Set<string>): string {
  if (request.headers.authorization !== undefined) {
    throw forbidden('The Customer Chat API is anonymous: requests must not carry an Authorization header');
  }
  const header = request.headers.contactcenterid;
  if (header === undefined || header === '') throw forbidden('Missing ContactCenterId header: say which contact center serves this chat');
  if (Array.isArray(header) || !known.has(header)) throw forbidden('Unknown ContactCenterId: no contact center has this id');
  return header;
}

declare module 'fastify' {
  interface FastifyRequest {
    contactCenterId?: string;
  }
}
