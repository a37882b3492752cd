// The Customer Chat API (protocols/customer-chat-api.md) on the bridge's port, answering exactly as
// the contact center does, so the widget cannot tell which one it talks to: a chat starts with
// the bot, and the agent takes over after a handover. The protocol's rules (validation, envelope,
// CORS, ContactCenterId) are ../../customer-chat-api; here are the bridge's routes and state.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../context';
import {
  ChatApiError,
  checkChatScriptQuery,
  invalidState,
  notFound,
  parseIndex,
  parseOfflineMessage,
  parseOperation,
  parseRequestChat,
  serveCustomerChatApi,
  type ChatIdRequest,
  type ChatScriptResponse,
  type GetChatResponse,
  type GetMessagesResponse,
  type OfflineMessageResponse,
  type Ok,
  type RequestChatResponse,
} from '../../customer-chat-api';
import { SessionError, type Sessions } from '../../sessions/service';
import type { Session } from '../../sessions/types';
import { chatView } from './chat-view';
import { customerAttachments, customerFileRoutes, withFileUrls } from './files';
import { pollTracker } from './poll-tracker';

export interface CustomerChatOptions {
  deps: Deps;
  sessions: Sessions;
}

export async function customerChatApi(app: FastifyInstance, opts: CustomerChatOptions): Promise<void> {
  const { deps, sessions } = opts;
  const { config, store } = deps;
  const polls = pollTracker(store, config.chatIdleTimeoutS);

  const server = serveCustomerChatApi<Session>(app, {
    contactCenterIds: config.contactCenterIds,
    allowedOrigins: config.allowedOrigins,
    // Handover-API sessions have no Customer Chat API face: for the widget they do not exist.
    lookup: async (id) => {
      const session = await sessions.get(id);
      return session?.kind === 'widget' ? session : undefined;
    },
    ownerOf: (session) => session.contactCenterId,
    ended: (session) => session.state === 'ended',
    translate: (error) => (error instanceof SessionError ? (error.code === 'not-found' ? notFound() : invalidState(error.message)) : undefined),
    // Almost always the store being away for a moment: tell the client to try again.
    internalError: () => new ChatApiError(4, 'Temporarily unavailable, please retry', { httpStatus: 503 }),
  });

  // (ext) Customer uploads and the signed file links (files.ts).
  await customerFileRoutes(app, server, { store, publicUrl: deps.publicUrl });

  app.post('/chats', async (request): Promise<RequestChatResponse> => {
    const asked = parseRequestChat(request.body);
    const session = await sessions.requestChat({
      contactCenterId: server.contactCenterOf(request),
      nickname: asked.nickname,
      subject: asked.subject ?? null,
      queueId: asked.endpoint || config.chatScript.chatWindow.endpoint || config.gateway.queueId,
      userData: asked.userData,
    });
    polls.started(session.id);
    return { id: session.id, statusCode: 0, path: `/api/v2/chats/${session.id}` };
  });

  app.post('/chats/:id', async (request: ChatIdRequest): Promise<Ok> => {
    const operation = parseOperation(request.body);
    const session = await server.chatOf(request);
    switch (operation.operationName) {
      case 'SendMessage':
        // Sessions decide about an ended chat: a retried send is acknowledged, a new one refused.
        await sessions.customerMessage(session, operation.text, operation.clientMessageId ?? null, {
          ...(operation.value ? { value: operation.value } : {}),
          ...(operation.attachments?.length ? { attachments: await customerAttachments(store, session, operation.attachments) } : {}),
        });
        break;
      case 'SendStartTypingNotification':
      case 'SendStopTypingNotification':
        await sessions.customerTyping(server.open(session), operation.operationName === 'SendStartTypingNotification');
        break;
      case 'Complete':
        await sessions.end(server.open(session).id, 'customer');
        break;
    }
    return { statusCode: 0 };
  });

  const getChat = async (request: ChatIdRequest): Promise<GetChatResponse> => {
    const session = await server.chatOf(request);
    await polls.polled(session.id);
    return { chat: chatView(session, config.bot.name), statusCode: 0 };
  };
  app.get('/chats/:id', getChat);
  app.get('/me/chat/:id', getChat);

  const getMessages = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { index?: string } }>): Promise<GetMessagesResponse> => {
    const index = parseIndex(request.query.index);
    const session = await server.chatOf(request);
    await polls.polled(session.id);
    return { messages: await withFileUrls(store, await store.readEntries(session.id, index), deps.publicUrl()), statusCode: 0 };
  };
  app.get('/chats/:id/messages', getMessages);
  app.get('/me/chat/:id/messages', getMessages);

  app.get('/chat-script', async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>): Promise<ChatScriptResponse> => {
    checkChatScriptQuery(request.query);
    // The bot answers around the clock; the chat is closed only while the bot keeps failing.
    const health = deps.botHealth;
    const botDown = health.failedAt > health.okAt && Date.now() - health.failedAt < 60_000;
    return { statusCode: 0, ...config.chatScript, availability: { open: !botDown, reason: botDown ? 'bot-unavailable' : null } };
  });

  app.post('/offline-messages', async (request): Promise<OfflineMessageResponse> => {
    const { fields, userData } = parseOfflineMessage(request.body, config.chatScript.offlineForm?.fields ?? []);
    const message = { id: randomUUID(), contactCenterId: server.contactCenterOf(request), receivedAt: Date.now(), fields, userData };
    await store.addOfflineMessage(message);
    request.log.info({ offlineMessage: message.id }, 'offline message stored');
    return { statusCode: 0, id: message.id };
  });
}
