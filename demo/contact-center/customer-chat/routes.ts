// The Customer Chat API (protocols/customer-chat-api.md), mounted under /api/v2: the emulator's
// routes and its per-chat state, on the protocol module the bridge serves it with too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localWatchers } from '../../../bot-bridge/store/shared/local-watchers';
import { randomUUID } from 'node:crypto';
import * as chatApi from '../../../bot-bridge/customer-chat-api';
import { clientKey } from '../../../bot-bridge/limits/client-address';
import { memoryLimitStore } from '../../../bot-bridge/limits/memory';
import { parseRate } from '../../../bot-bridge/limits/rate';
import { DomainError, type Availability, type ContactCenter } from '../core';
import { refOf, type FileStore } from '../files';
import { chatView } from './chat-view';
import type { Chats, CustomerChat } from './chats';
import { entryView } from './entries';
import { customerFiles } from './files';

export type OfflineMessage = chatApi.OfflineMessage;

/** The emulator's chat script (chat-script.json): every step is configured. */
export type ChatScript = chatApi.ChatScriptSteps & {
  chatWindow: { enabled: boolean; endpoint: string };
  offlineForm: { enabled: boolean; fields: chatApi.FormField[] };
};

export interface CustomerChatOptions {
  cc: ContactCenter;
  chats: Chats;
  availability: Availability;
  contactCenterIds: string[];
  defaultQueue: string;
  chatScript: ChatScript;
  /** The chat script as served now (tests may change parts of it through the control API). */
  scriptOverride: () => ChatScript;
  offlineMessages: chatApi.OfflineMessage[];
  /** Files customers upload and agents send. */
  files: FileStore;
  /** The emulator's origin as clients reach it (file URLs in entries are absolute). */
  publicUrl: () => string;
  /** RequestChat calls per client address, as "30/min" or "off" (the bridge's bucket, in memory). */
  chatsPerAddress: string;
  /** GetMessages' longest long-poll wait (seconds); 0 = no long-poll (not advertised). */
  longPollMaxWaitS: number;
}

export async function customerChatApi(app: FastifyInstance, opts: CustomerChatOptions): Promise<void> {
  const { cc, chats, availability, offlineMessages } = opts;

  const server = chatApi.serveCustomerChatApi<CustomerChat>(app, {
    contactCenterIds: opts.contactCenterIds,
    allowedOrigins: ['*'],
    lookup: (id) => chats.get(id),
    ownerOf: (chat) => chat.interaction.contactCenterId,
    ended: (chat) => chat.interaction.state === 'ended',
    translate: (error) => (error instanceof DomainError ? domainToChat(error) : undefined),
  });
  await customerFiles(app, server, opts);

  // Like the real contact center, an anonymous API limits who may start chats how often. The
  // emulator sits on one machine: the socket's address counts (no proxy is trusted).
  const chatRate = parseRate(opts.chatsPerAddress);
  const buckets = memoryLimitStore();
  app.addHook('onClose', () => buckets.close());
  // The long-poll, woken by every entry the contact center appends.
  const maxWaitS = opts.longPollMaxWaitS;
  const watchers = localWatchers();
  const stopWatching = cc.onEntry((id) => watchers.wake(id));
  const waits = chatApi.longPolls({ watch: async (id, wake) => watchers.watch(id, wake) });
  app.addHook('preClose', async () => waits.close());
  app.addHook('onClose', async () => void stopWatching());

  app.post('/chats', async (request): Promise<chatApi.RequestChatResponse> => {
    const asked = chatApi.parseRequestChat(request.body);
    if (chatRate) {
      const verdict = await buckets.take(`a:${clientKey(request.ip)}`, chatRate);
      if (!verdict.ok) throw chatApi.tooManyRequests('Too many chats started from this address: retry after the Retry-After header', verdict.retryAfterMs);
    }
    const endpoint = asked.endpoint ?? opts.defaultQueue;
    if (!cc.queues.has(endpoint)) throw chatApi.badParameter(`Unknown endpoint "${endpoint}"`);
    const interaction = cc.open({
      source: 'customer-chat',
      contactCenterId: server.contactCenterOf(request),
      queueId: endpoint,
      customerName: asked.nickname,
      customer: asked.subject ? { subject: asked.subject } : {},
      userData: asked.userData,
    });
    chats.add(interaction);
    return { id: interaction.id, statusCode: 0, path: `/api/v2/chats/${interaction.id}` };
  });

  app.post('/chats/:id', async (request: chatApi.ChatIdRequest): Promise<chatApi.Ok> => {
    const operation = chatApi.parseOperation(request.body);
    const chat = await server.chatOf(request);
    const id = chat.interaction.id;
    switch (operation.operationName) {
      case 'SendMessage': {
        const { clientMessageId } = operation;
        // A retried send is acknowledged again but recorded once, even after the chat has ended.
        if (clientMessageId && chat.record.clientMessageIds.has(clientMessageId)) break;
        server.open(chat);
        const attachments = (operation.attachments ?? []).map(({ id: fileId }) => {
          const file = opts.files.of(id, fileId);
          if (!file || file.uploadedBy !== 'customer') throw chatApi.badParameter(`Unknown file ${fileId}: upload it to this chat first (POST …/files)`);
          return refOf(file);
        });
        cc.say(id, 'customer', operation.text, { attachments, ...(operation.value ? { value: operation.value } : {}) });
        if (clientMessageId) chat.record.clientMessageIds.add(clientMessageId);
        break;
      }
      case 'SendStartTypingNotification':
      case 'SendStopTypingNotification':
        server.open(chat);
        cc.setTyping(id, 'customer', operation.operationName === 'SendStartTypingNotification');
        break;
      case 'Complete':
        server.open(chat);
        cc.customerLeave(id, 'customer');
        break;
    }
    return { statusCode: 0 };
  });

  const getChat = async (request: chatApi.ChatIdRequest): Promise<chatApi.GetChatResponse> => {
    const { interaction, record } = await server.chatOf(request);
    record.lastReadAt = Date.now();
    const chat = chatView(interaction);
    if (maxWaitS > 0 && interaction.state !== 'ended') chat.extensions = { ...chat.extensions, longPoll: { maxWaitSeconds: maxWaitS } };
    return { chat, statusCode: 0 };
  };
  app.get('/chats/:id', getChat);
  app.get('/me/chat/:id', getChat);

  const getMessages = async (
    request: FastifyRequest<{ Params: { id: string }; Querystring: { index?: string; waitSeconds?: string } }>,
    reply: FastifyReply,
  ): Promise<chatApi.GetMessagesResponse> => {
    const index = chatApi.parseIndex(request.query.index);
    // Without the extension the parameter is ignored, as the vendor's servers do.
    const waitS = maxWaitS > 0 ? chatApi.parseWaitSeconds(request.query.waitSeconds, maxWaitS) : 0;
    const { interaction, record } = await server.chatOf(request);
    record.lastReadAt = Date.now();
    const read = async () => {
      // Without index: what this chat's client has not received yet (the cursor moves on), a page at a time.
      const from = index === null ? record.cursor + 1 : Math.max(1, index);
      const page = interaction.transcript.slice(from - 1, from - 1 + chatApi.LIMITS.pageEntries);
      const last = page.at(-1);
      if (last && last.index > record.cursor) record.cursor = last.index;
      return page;
    };
    const page = await waits.hold(interaction.id, interaction.state === 'ended' ? 0 : waitS, request, reply, read);
    // A held request is the client still being there, when it ends as when it starts.
    record.lastReadAt = Date.now();
    const messages = page.map((entry) => entryView(entry, opts.files, opts.publicUrl()));
    return { messages, ...(messages.length === chatApi.LIMITS.pageEntries ? { more: true } : {}), statusCode: 0 };
  };
  app.get('/chats/:id/messages', getMessages);
  app.get('/me/chat/:id/messages', getMessages);

  app.get('/chat-script', async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>): Promise<chatApi.ChatScriptResponse> => {
    chatApi.checkChatScriptQuery(request.query);
    const current = opts.scriptOverride();
    return { statusCode: 0, ...current, availability: availability.forQueue(current.chatWindow.endpoint) };
  });

  app.post('/offline-messages', async (request): Promise<chatApi.OfflineMessageResponse> => {
    const { fields, userData } = chatApi.parseOfflineMessage(request.body, opts.scriptOverride().offlineForm.fields);
    const message: chatApi.OfflineMessage = { id: randomUUID(), contactCenterId: server.contactCenterOf(request), receivedAt: Date.now(), fields, userData };
    offlineMessages.push(message);
    return { statusCode: 0, id: message.id };
  });
}

function domainToChat(error: DomainError) {
  if (error.code === 'not-found') return chatApi.notFound();
  if (error.code === 'invalid-state') return chatApi.invalidState(error.message);
  return chatApi.badParameter(error.message);
}
