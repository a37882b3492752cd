// The Customer Chat API (protocols/customer-chat-api.md) on the bridge's port, answering exactly as
// the contact center does, so the widget cannot tell which one it talks to: a chat starts with
// the bot, and the agent takes over after a handover. The protocol's rules (validation, envelope,
// CORS, ContactCenterId) are ../../customer-chat-api; here are the bridge's routes and state.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../context';
import {
  ChatApiError,
  checkChatScriptQuery,
  invalidState,
  LIMITS,
  longPolls,
  notFound,
  parseIndex,
  parseOfflineMessage,
  parseOperation,
  parseRequestChat,
  parseWaitSeconds,
  serveCustomerChatApi,
  tooLarge,
  tooManyRequests,
  type ChatIdRequest,
  type ChatScriptResponse,
  type GetChatResponse,
  type GetMessagesResponse,
  type OfflineMessageResponse,
  type Ok,
  type RequestChatResponse,
} from '../../customer-chat-api';
import { clientKey, clientOrigin, type Limiter, type Refusal } from '../../limits';
import { SessionError, type Sessions } from '../../sessions/service';
import type { Session } from '../../sessions/types';
import { chatView } from './chat-view';
import { customerAttachments, customerFileRoutes, withFileUrls } from './files';
import { pollTracker } from './poll-tracker';

export interface CustomerChatOptions {
  deps: Deps;
  sessions: Sessions;
  limiter: Limiter;
}

/** What a refused client reads: which budget it ran out of, never whose. */
const REFUSED: Record<Refusal['limit'], string> = {
  'chats-per-address': 'Too many chats started from this address: retry after the Retry-After header',
  'chats-per-contact-center': 'Too many chats are starting right now: retry after the Retry-After header',
  'open-chats-per-address': 'Too many chats are open from this address: end one, or retry after the Retry-After header',
  'messages-per-address': 'Too many messages from this address: retry after the Retry-After header',
  'messages-per-contact-center': 'Too many messages right now: retry after the Retry-After header',
  'messages-per-chat': 'Too many messages in this chat: retry after the Retry-After header',
  'typing-per-address': 'Too many typing notifications from this address: retry after the Retry-After header',
  'typing-per-contact-center': 'Too many typing notifications right now: retry after the Retry-After header',
};

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

export async function customerChatApi(app: FastifyInstance, opts: CustomerChatOptions): Promise<void> {
  const { deps, sessions, limiter } = opts;
  const { config, store, metrics } = deps;
  const polls = pollTracker(store, config.chatIdleTimeoutS);
  const { userDataMaxBytes, offlineMessageMaxBytes } = config.limits;

  const refuse = (refusal: Refusal | null): void => {
    if (!refusal) return;
    metrics.refused.inc({ limit: refusal.limit });
    throw tooManyRequests(REFUSED[refusal.limit], refusal.retryAfterMs);
  };
  const { maxWaitS } = config.longPoll;
  // GetMessages' long-poll, woken by the store's entry notices (sessions/apply.ts announces).
  const waits = longPolls({ watch: (id, wake) => store.watchEntries(id, wake), maxPerAddress: config.longPoll.maxPerAddress });
  app.addHook('preClose', async () => {
    waits.close();
    await polls.flush();
  });

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
    const size = jsonBytes(asked.userData);
    if (size > userDataMaxBytes) {
      metrics.refused.inc({ limit: 'userdata-size' });
      throw tooLarge(`"userData" is ${size} bytes of JSON; at most ${userDataMaxBytes} are allowed`);
    }
    const address = clientKey(request.ip);
    refuse(await limiter.chat(address, server.contactCenterOf(request)));
    const session = await sessions.requestChat({
      contactCenterId: server.contactCenterOf(request),
      nickname: asked.nickname,
      subject: asked.subject ?? null,
      queueId: asked.endpoint || config.chatScript.chatWindow.endpoint || config.gateway.queueId,
      userData: asked.userData,
      origin: clientOrigin(address),
    });
    polls.started(session.id);
    await limiter.opened(address, session.id);
    return { id: session.id, statusCode: 0, path: `/api/v2/chats/${session.id}` };
  });

  app.post('/chats/:id', async (request: ChatIdRequest): Promise<Ok> => {
    const operation = parseOperation(request.body);
    const session = await server.chatOf(request);
    const address = clientKey(request.ip);
    switch (operation.operationName) {
      case 'SendMessage':
        if (session.state !== 'ended') refuse(await limiter.message(address, server.contactCenterOf(request), session.id));
        // Sessions decide about an ended chat: a retried send is acknowledged, a new one refused.
        await sessions.customerMessage(session, operation.text, operation.clientMessageId ?? null, {
          ...(operation.value ? { value: operation.value } : {}),
          ...(operation.attachments?.length ? { attachments: await customerAttachments(store, session, operation.attachments) } : {}),
        });
        break;
      case 'SendStartTypingNotification':
      case 'SendStopTypingNotification':
        refuse(await limiter.typing(address, server.contactCenterOf(request)));
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
    polls.polled(session.id);
    const chat = chatView(session, config.bot.name);
    // An ended chat gets nothing new: nothing to wait for.
    if (maxWaitS > 0 && session.state !== 'ended') chat.extensions = { ...chat.extensions, longPoll: { maxWaitSeconds: maxWaitS } };
    return { chat, statusCode: 0 };
  };
  app.get('/chats/:id', getChat);
  app.get('/me/chat/:id', getChat);

  const getMessages = async (
    request: FastifyRequest<{ Params: { id: string }; Querystring: { index?: string; waitSeconds?: string } }>,
    reply: FastifyReply,
  ): Promise<GetMessagesResponse> => {
    const index = parseIndex(request.query.index);
    const waitS = parseWaitSeconds(request.query.waitSeconds, maxWaitS);
    // Only the id and state are kept while the request is held (thousands are, at once): not the session.
    const { id, state } = await server.chatOf(request);
    polls.polled(id);
    const read = () => store.readEntries(id, index, LIMITS.pageEntries);
    // An ended chat gets nothing new: no reason to hold its request.
    const messages = await waits.hold(id, state === 'ended' ? 0 : waitS, request, reply, read);
    return { messages: await withFileUrls(store, messages, deps.publicUrl()), ...(messages.length === LIMITS.pageEntries ? { more: true } : {}), statusCode: 0 };
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
    const size = jsonBytes({ fields, userData });
    if (size > offlineMessageMaxBytes) {
      metrics.refused.inc({ limit: 'offline-message-size' });
      throw tooLarge(`The offline message is ${size} bytes of JSON; at most ${offlineMessageMaxBytes} are allowed`);
    }
    // Stored and kept like a chat: it spends the same budget (not the open-chats cap).
    refuse(await limiter.chat(clientKey(request.ip), server.contactCenterOf(request), { open: false }));
    const message = { id: randomUUID(), contactCenterId: server.contactCenterOf(request), receivedAt: Date.now(), fields, userData };
    await store.addOfflineMessage(message);
    request.log.info({ offlineMessage: message.id }, 'offline message stored');
    return { statusCode: 0, id: message.id };
  });
}
