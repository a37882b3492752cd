import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, type ContactCenter } from '../core';
import type { FileStore } from '../files';
import { attachmentRoutes } from './attachment-routes';
import type { WebhookDelivery } from './delivery';
import { Gateway, WEBHOOK_VERSION, type Channel, type Conversation, type GatewayHistoryMessage, type GatewayUser, type Webhook } from './gateway';
import { GatewayProblem, badMessage, conflict, invalid, notFound, unauthorized } from './problems';
import type { WebhookSigner } from './signer';
import { attachmentsOf, cardsOf } from './rich-input';
import { absoluteUri, body, obj, paginate, sortBy, str } from './validate';

export interface GatewayOptions {
  cc: ContactCenter;
  gateway: Gateway;
  delivery: WebhookDelivery;
  signer: WebhookSigner;
  apiKey: string;
  files: FileStore;
}

type Req<P = Record<string, string>> = FastifyRequest<{ Params: P; Querystring: Record<string, string | undefined> }>;

const USER_FIELDS = ['name', 'email', 'phone', 'userId', 'company', 'caseId', 'language'] as const;
const TYPING_TIMEOUT_MS = 5000;

/** The Chat Gateway (protocols/chat-gateway.md), mounted under /chat-gateway/v1. */
export async function chatGatewayApi(app: FastifyInstance, opts: GatewayOptions): Promise<void> {
  const { cc, gateway, delivery, signer } = opts;
  const typingTimers = new Map<string, NodeJS.Timeout>();
  app.addHook('onClose', async () => typingTimers.forEach((t) => clearTimeout(t)));

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config && (request.routeOptions.config as { public?: boolean }).public) return;
    if (request.headers['x-api-key'] !== opts.apiKey) throw unauthorized();
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    let problem: GatewayProblem;
    if (error instanceof GatewayProblem) problem = error;
    else if (error instanceof DomainError) {
      problem = error.code === 'not-found' ? notFound('Conversation', '?') : error.code === 'invalid-state' ? conflict(error.message) : invalid(error.message);
    } else if (error.statusCode && error.statusCode < 500) problem = invalid(`Malformed request: ${error.message}`, 'invalid_json_object');
    else {
      request.log.error({ err: error }, 'chat gateway failure');
      problem = new GatewayProblem(500, { message: 'Internal error.', errors: [{ code: 'internal_error', message: 'Internal error.' }] });
    }
    reply.code(problem.status).type('application/problem+json').send(problem.body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    reply
      .code(404)
      .type('application/problem+json')
      .send({ message: 'No such endpoint', errors: [`${request.method} ${request.url.split('?')[0]} does not exist`] });
  });

  const hal = (reply: { type(t: string): unknown }) => reply.type('application/hal+json');
  const selfUrl = (request: FastifyRequest) => request.url;

  // ---- webhooks ----
  const webhookBody = (raw: unknown, id: string): Webhook => {
    const b = body(raw);
    const name = str(b, 'name', { required: true, max: 256 })!;
    const uri = absoluteUri(str(b, 'uri', { required: true, max: 2048 })!, 'uri');
    const version = str(b, 'version') ?? str(b, 'notificationVersion') ?? WEBHOOK_VERSION;
    if (version !== WEBHOOK_VERSION) throw invalid(`version must be "${WEBHOOK_VERSION}"`);
    return { id, name, uri, version };
  };
  const webhook = (id: string) =>
    gateway.webhooks.get(id) ??
    (() => {
      throw notFound('WebHook', id);
    })();

  app.get('/webhooks', async (request: Req, reply) => {
    hal(reply);
    return paginate(sortBy([...gateway.webhooks.values()], request.query.sort, 'id:asc', ['id', 'name']), request.query, 'webhooks', selfUrl(request));
  });
  app.post('/webhooks', async (request, reply) => {
    const created = webhookBody(request.body, gateway.newId());
    gateway.webhooks.set(created.id, created);
    // Adding a webhook announces itself to the listener, as the vendor does.
    void delivery.verify(created.uri, { notificationVersion: WEBHOOK_VERSION, eventType: 'WEB_HOOK_VERIFY' });
    hal(reply);
    return created;
  });
  app.post('/webhooks/verify', async (request, reply) => {
    const b = body(request.body);
    const uri = absoluteUri(str(b, 'uri', { required: true, max: 2048 })!, 'uri');
    const ok = await delivery.verify(uri, { notificationVersion: WEBHOOK_VERSION, eventType: 'WEB_HOOK_VERIFY' });
    if (!ok) throw invalid(`The webhook at ${uri} did not answer the verification event with a 2xx status`, 'webhook_verification_failed');
    reply.code(204).send();
  });
  app.get('/webhooks/:id', async (request: Req<{ id: string }>, reply) => {
    hal(reply);
    return webhook(request.params.id);
  });
  app.put('/webhooks/:id', async (request: Req<{ id: string }>, reply) => {
    webhook(request.params.id);
    const updated = webhookBody(request.body, request.params.id);
    gateway.webhooks.set(updated.id, updated);
    hal(reply);
    return updated;
  });
  app.delete('/webhooks/:id', async (request: Req<{ id: string }>, reply) => {
    webhook(request.params.id);
    gateway.webhooks.delete(request.params.id);
    reply.code(204).send();
  });

  // ---- channels ----
  const channelBody = (raw: unknown, id: string): Channel => {
    const b = body(raw);
    const name = str(b, 'name', { required: true, max: 255 })!;
    const type = str(b, 'type', { max: 25 }) ?? 'ChatAPI';
    if (type !== 'ChatAPI') throw invalid('Only channels of type ChatAPI can be created through the API');
    const webHookId = str(b, 'webHookId', { required: true })!;
    if (!gateway.webhooks.has(webHookId)) throw invalid(`WebHook ${webHookId} does not exist`, 'invalid_webhook');
    const routing = obj(b, 'routingOptions', true)!;
    const routingType = str(routing, 'type', { path: 'routingOptions.type' }) ?? 'queue';
    if (routingType !== 'queue') throw invalid('routingOptions.type must be "queue"');
    const queueId = str(routing, 'id', { required: true, path: 'routingOptions.id' })!;
    if (!cc.queues.has(queueId)) throw invalid(`Queue ID ${queueId} is invalid.`, 'invalid_queue');
    return { id, name, type, webHookId, routingOptions: { type: 'queue', id: queueId } };
  };
  const channel = (id: string) =>
    gateway.channels.get(id) ??
    (() => {
      throw notFound('Channel', id);
    })();

  app.get('/channels', async (request: Req, reply) => {
    hal(reply);
    return paginate(sortBy([...gateway.channels.values()], request.query.sort, 'id:asc', ['id', 'name']), request.query, 'channels', selfUrl(request));
  });
  app.post('/channels', async (request, reply) => {
    const created = channelBody(request.body, gateway.newId());
    gateway.channels.set(created.id, created);
    hal(reply);
    return created;
  });
  app.get('/channels/:id', async (request: Req<{ id: string }>, reply) => {
    hal(reply);
    return channel(request.params.id);
  });
  app.put('/channels/:id', async (request: Req<{ id: string }>, reply) => {
    channel(request.params.id);
    const updated = channelBody(request.body, request.params.id);
    gateway.channels.set(updated.id, updated);
    hal(reply);
    return updated;
  });
  app.delete('/channels/:id', async (request: Req<{ id: string }>, reply) => {
    channel(request.params.id);
    gateway.channels.delete(request.params.id);
    reply.code(204).send();
  });

  // ---- conversations ----
  const userOf = (raw: Record<string, unknown>, path: string): GatewayUser => {
    const user: GatewayUser = {};
    for (const key of USER_FIELDS) {
      const value = str(raw, key, { max: 255, path: `${path}.${key}` });
      if (value !== undefined) user[key] = value;
    }
    const extra = raw.additionalProperties;
    if (extra !== undefined && extra !== null) {
      if (!Array.isArray(extra)) throw invalid(`${path}.additionalProperties must be an array of {key, value}`);
      if (extra.length > 30) throw invalid(`${path}.additionalProperties may have at most 30 items (got ${extra.length})`, 'too_many_properties');
      user.additionalProperties = extra.map((item, i) => {
        if (typeof item !== 'object' || item === null) throw invalid(`${path}.additionalProperties[${i}] must be an object`);
        const key = str(item as Record<string, unknown>, 'key', { required: true, max: 255, path: `${path}.additionalProperties[${i}].key` })!;
        const value = str(item as Record<string, unknown>, 'value', { max: 4000, path: `${path}.additionalProperties[${i}].value` }) ?? '';
        return { key, value };
      });
    }
    return user;
  };
  const queueOf = (raw: Record<string, unknown> | undefined, fallback: string) => {
    if (!raw) return fallback;
    const type = str(raw, 'type', { path: 'assignment.type' }) ?? 'queue';
    if (type !== 'queue') throw invalid('assignment.type must be "queue"');
    const id = str(raw, 'id', { required: true, path: 'assignment.id' })!;
    if (!cc.queues.has(id)) throw invalid(`Queue ID ${id} is invalid.`, 'invalid_queue');
    return id;
  };
  const historyOf = (raw: Record<string, unknown> | undefined): GatewayHistoryMessage[] => {
    if (!raw) return [];
    const messages = raw.messages;
    if (!Array.isArray(messages)) throw invalid('history.messages must be an array');
    if (messages.length > 200) throw invalid(`history.messages may have at most 200 items (got ${messages.length})`, 'too_many_messages');
    return messages.map((m, i) => {
      if (typeof m !== 'object' || m === null) throw invalid(`history.messages[${i}] must be an object`);
      const authorType = str(m as Record<string, unknown>, 'authorType', { path: `history.messages[${i}].authorType` }) ?? 'user';
      if (authorType !== 'user' && authorType !== 'bot') throw invalid(`history.messages[${i}].authorType must be user or bot`);
      const text = str(m as Record<string, unknown>, 'text', { max: 10_000, path: `history.messages[${i}].text` }) ?? '';
      const cards = cardsOf((m as Record<string, unknown>).cards, `history.messages[${i}].cards`, (message) => invalid(message));
      // Files are uploaded to a conversation, so none can exist before it: send them as messages afterwards.
      const attachments = (m as Record<string, unknown>).attachments;
      if (Array.isArray(attachments) ? attachments.length > 0 : attachments !== undefined && attachments !== null) {
        throw invalid(`history.messages[${i}].attachments: upload files after creating the conversation and send them in a message`);
      }
      return { authorType, text, ...(cards.length ? { cards } : {}) };
    });
  };
  const view = (c: Conversation) => ({ id: c.id, state: c.state, channelId: c.channelId, assignment: c.assignment, user: c.user });

  app.get('/conversations', async (request: Req, reply) => {
    hal(reply);
    const all = sortBy([...gateway.conversations.values()], request.query.sort, 'id:asc', ['id', 'createdAt', 'state']);
    return paginate(all.map(view), request.query, 'conversations', selfUrl(request));
  });

  app.post('/conversations', async (request, reply) => {
    const b = body(request.body);
    const channelId = str(b, 'channelId', { required: true })!;
    const ch = gateway.channels.get(channelId);
    if (!ch) throw invalid(`Channel ${channelId} does not exist`, 'invalid_channel');
    const user = userOf(obj(b, 'user', true)!, 'user');
    const queueId = queueOf(obj(b, 'assignment', false), ch.routingOptions.id);
    const history = historyOf(obj(b, 'history', false));
    const conversation: Conversation = {
      id: gateway.newId(),
      state: 'created',
      channelId,
      user,
      assignment: { type: 'queue', id: queueId },
      createdAt: new Date().toISOString(),
      messages: [],
      participants: [],
      interactions: [],
      postAgentAssignment: null,
    };
    gateway.openConversation(conversation, history);
    reply.code(202);
    hal(reply);
    return { conversationId: conversation.id, createdAt: conversation.createdAt };
  });

  app.get('/conversations/:id', async (request: Req<{ id: string }>, reply) => {
    hal(reply);
    return view(gateway.conversation(request.params.id));
  });

  const update = (full: boolean) => async (request: Req<{ id: string }>, reply: { code(n: number): unknown; type(t: string): unknown }) => {
    const c = gateway.conversation(request.params.id);
    const b = body(request.body);
    if (full && b.channelId !== undefined && b.channelId !== c.channelId) throw invalid('channelId cannot be changed');
    if (!full && b.channelId !== undefined) throw invalid('channelId cannot be patched');
    const rawUser = obj(b, 'user', false);
    const rawAssignment = obj(b, 'assignment', false);
    if (!rawUser && !rawAssignment) throw invalid('Give user and/or assignment');
    if (c.state === 'idle') throw conflict(`Conversation ${c.id} is idle`);
    const interaction = cc.interactions.get(c.id);
    if (rawAssignment) {
      const queueId = queueOf(rawAssignment, c.assignment.id);
      if (!interaction || interaction.state !== 'queued') throw conflict('The assignment can only change while the conversation is queued');
      if (queueId !== interaction.queueId) cc.requeue(c.id, queueId);
    }
    if (rawUser) {
      c.user = userOf(rawUser, 'user');
      if (interaction) {
        interaction.customer = { ...interaction.customer, ...Object.fromEntries(Object.entries(c.user).filter(([k]) => k !== 'additionalProperties')) } as Record<string, string>;
        if (c.user.name) interaction.customer.name = c.user.name;
        if (c.user.additionalProperties) {
          interaction.userData = Object.fromEntries(c.user.additionalProperties.map(({ key, value }) => [key, value]));
        }
      }
    }
    reply.code(202);
    reply.type('application/hal+json');
    return view(c);
  };
  app.put('/conversations/:id', update(true));
  app.patch('/conversations/:id', update(false));

  app.get('/conversations/:id/messages', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    hal(reply);
    const page = paginate(sortBy(c.messages, request.query.sort, 'createdAt:desc', ['createdAt', 'id']), request.query, 'messages', selfUrl(request));
    return { _embedded: page._embedded, page: page.page };
  });
  app.get('/conversations/:id/messages/:messageId', async (request: Req<{ id: string; messageId: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    const message = c.messages.find((m) => m.id === request.params.messageId);
    if (!message) throw notFound('Message', request.params.messageId);
    hal(reply);
    return message;
  });
  app.post('/conversations/:id/messages', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) throw badMessage('The request body must be a JSON object');
    const b = request.body as Record<string, unknown>;
    const authorType = b.authorType;
    if (authorType !== 'user' && authorType !== 'bot') throw badMessage(`Invalid authorType=${String(authorType)}, has to be one of user, bot`);
    if (b.text !== undefined && typeof b.text !== 'string') throw badMessage('text must be a string');
    const text = (b.text as string | undefined) ?? '';
    if (text.length > 10_000) throw badMessage('text must be at most 10000 characters');
    const cards = cardsOf(b.cards, 'cards', badMessage);
    const attachments = attachmentsOf(b.attachments, c.id, opts.files, badMessage);
    if (text.trim() === '' && cards.length === 0 && attachments.length === 0) throw badMessage('A message needs text, cards or attachments');
    gateway.post(c, authorType, text, cards, attachments);
    reply.code(202).send();
  });

  app.get('/conversations/:id/participants', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    hal(reply);
    return paginate(c.participants, request.query, 'participants', selfUrl(request));
  });
  app.patch('/conversations/:id/participants/user', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    const b = body(request.body);
    if (typeof b.removed !== 'boolean') throw invalid('removed must be a boolean');
    if (b.removed) gateway.userLeaves(c);
    reply.code(204).send();
  });
  app.get('/conversations/:id/interactions', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    hal(reply);
    return paginate(c.interactions, request.query, 'interactions', selfUrl(request));
  });

  const authorOf = (raw: unknown, allowed: string[]): string => {
    const b = body(raw);
    const authorType = b.authorType;
    if (typeof authorType !== 'string' || !allowed.includes(authorType)) {
      throw invalid(`authorType must be one of ${allowed.join(', ')}`);
    }
    return authorType;
  };
  app.post('/conversations/:id/typing', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    const authorType = authorOf(request.body, ['user', 'bot']);
    const interaction = cc.interactions.get(c.id);
    if (authorType === 'user' && interaction && interaction.state !== 'ended') {
      // The gateway has no "stopped typing": the indicator lapses on its own.
      cc.setTyping(c.id, 'customer', true);
      clearTimeout(typingTimers.get(c.id));
      const timer = setTimeout(() => {
        typingTimers.delete(c.id);
        const current = cc.interactions.get(c.id);
        if (current && current.state !== 'ended') cc.setTyping(c.id, 'customer', false);
      }, TYPING_TIMEOUT_MS);
      timer.unref();
      typingTimers.set(c.id, timer);
    }
    reply.code(204).send();
  });
  app.post('/conversations/:id/thinking', async (request: Req<{ id: string }>, reply) => {
    gateway.conversation(request.params.id);
    if (request.body !== undefined && request.body !== null) {
      const b = body(request.body);
      if (b.authorType !== undefined && b.authorType !== 'bot') throw invalid('authorType must be bot');
      const max = b.maxThinkingTimeSeconds;
      if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 600)) {
        throw invalid('maxThinkingTimeSeconds must be an integer from 1 to 600');
      }
    }
    reply.code(204).send();
  });
  app.post('/conversations/:id/read-receipt', async (request: Req<{ id: string }>, reply) => {
    gateway.conversation(request.params.id);
    authorOf(request.body, ['user', 'bot']);
    const readAt = (request.body as Record<string, unknown>).readAt;
    if (!Number.isInteger(readAt) || (readAt as number) < 0) throw invalid('readAt must be epoch milliseconds');
    reply.code(204).send();
  });
  app.post('/conversations/:id/post-agent-assignment', async (request: Req<{ id: string }>, reply) => {
    const c = gateway.conversation(request.params.id);
    const b = body(request.body);
    if (b.type !== 'webhook') throw invalid('type must be "webhook"');
    const id = str(b, 'id', { required: true })!;
    if (!gateway.webhooks.has(id)) throw invalid(`WebHook ${id} does not exist`);
    const config = obj(b, 'configuration', false, 'configuration');
    const range = (key: string, min: number, max: number) => {
      const value = config?.[key];
      if (value === undefined) return undefined;
      if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
        throw invalid(`configuration.${key} must be an integer from ${min} to ${max}`);
      }
      return value as number;
    };
    const configuration = config
      ? {
          notifyChannelWebhookIfExists: str(config, 'notifyChannelWebhookIfExists', { path: 'configuration.notifyChannelWebhookIfExists' }),
          maxTotalMinutes: range('maxTotalMinutes', 20, 600),
          userTimeoutInMinutes: range('userTimeoutInMinutes', 10, 300),
        }
      : undefined;
    gateway.setPostAgentAssignment(c, { type: 'webhook', id, ...(configuration ? { configuration } : {}) });
    reply.code(201).send();
  });

  // ---- attachments ----
  await app.register(attachmentRoutes, { gateway, files: opts.files });

  // ---- signing key ----
  app.get('/jwk/:kid/public', { config: { public: true } }, async (request: Req<{ kid: string }>) => {
    if (request.params.kid !== signer.kid) throw notFound('Jwk', request.params.kid);
    return signer.jwk();
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A Chat Gateway route that needs no x-api-key (the signing key). */
    public?: boolean;
  }
}
