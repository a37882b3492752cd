// The generic handover API, for bots on other frameworks and channels (Bearer BRIDGE_API_KEY):
//   POST   /v1/handovers                 { user, context, history, queue?, callbackUrl } → 202 { id, state }
//   GET    /v1/handovers/{id}
//   POST   /v1/handovers/{id}/messages   { text, clientMessageId }                       → 202
//   POST   /v1/handovers/{id}/typing                                                      → 202
//   DELETE /v1/handovers/{id}            the customer leaves                              → 204
//   GET    /v1/offline-messages?since=   what customers left through the offline form
// What the agent does comes back as signed callbacks (jobs/callback.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../context';
import { checkUrl, type OutboundPolicy } from '../../net';
import { languageCode } from '../../sessions/payload';
import type { Sessions } from '../../sessions/service';
import { SessionError } from '../../sessions/service';
import type { GatewayUser, HistoryMessage, Primitive, Session } from '../../sessions/types';
import { openHandoverId, openHandoverKey } from './open-handover';

export interface HandoverApiOptions {
  deps: Deps;
  sessions: Sessions;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const USER_FIELDS = ['name', 'email', 'phone', 'userId', 'company', 'caseId', 'language'] as const;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const bad = (message: string) => new ApiError(400, 'invalid_request', message);

function body(raw: unknown): Json {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('The request body must be a JSON object');
  return raw as Json;
}

function text(b: Json, key: string, max: number, required: boolean): string | undefined {
  const value = b[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw bad(`"${key}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw bad(`"${key}" must be a string`);
  if (required && !value.trim()) throw bad(`"${key}" must not be empty`);
  if (value.length > max) throw bad(`"${key}" must be at most ${max} characters`);
  return value;
}

export function parseUser(raw: unknown): { user: GatewayUser; extra: Record<string, Primitive> } {
  if (raw === undefined || raw === null) return { user: {}, extra: {} };
  const u = body(raw);
  const user: GatewayUser = {};
  const extra: Record<string, Primitive> = {};
  for (const [key, value] of Object.entries(u)) {
    if ((USER_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'string') throw bad(`"user.${key}" must be a string`);
      if (value.length > 255) throw bad(`"user.${key}" must be at most 255 characters`);
      if (key === 'language') {
        const code = languageCode(value);
        if (!code) throw bad(`"user.language" must be one of the gateway's language codes (en, fr, zh-CN, …), got "${value}"`);
        user.language = code;
      } else user[key as Exclude<keyof GatewayUser, 'language'>] = value;
    } else if (key === 'additionalProperties') {
      if (!Array.isArray(value)) throw bad('"user.additionalProperties" must be an array of { key, value }');
      for (const [i, p] of value.entries()) {
        const prop = typeof p === 'object' && p !== null ? (p as Json) : null;
        if (!prop || typeof prop.key !== 'string' || !prop.key || typeof prop.value !== 'string')
          throw bad(`"user.additionalProperties[${i}]" must be { key: string, value: string }`);
        extra[prop.key.slice(0, 255)] = prop.value.slice(0, 4000);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      extra[key.slice(0, 255)] = typeof value === 'string' ? value.slice(0, 4000) : value;
    } else {
      throw bad(`"user.${key}" must be a string, a number or a boolean`);
    }
  }
  return { user, extra };
}

export function parseHistory(raw: unknown): HistoryMessage[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : Array.isArray((raw as Json).messages) ? ((raw as Json).messages as unknown[]) : null;
  if (!list) throw bad('"history" must be an array of { authorType: "user" | "bot", text } (or { messages: [...] })');
  if (list.length > 10_000) throw bad('"history" may have at most 10000 messages (the newest 200 reach the agent)');
  return list.map((m, i) => {
    const item = typeof m === 'object' && m !== null ? (m as Json) : null;
    const authorType = item?.authorType ?? 'user';
    if (!item || (authorType !== 'user' && authorType !== 'bot')) throw bad(`"history[${i}].authorType" must be "user" or "bot"`);
    if (typeof item.text !== 'string') throw bad(`"history[${i}].text" must be a string`);
    return { authorType, text: item.text };
  });
}

/**
 * The callbackUrl is the caller's choice of where the bridge POSTs: an SSRF risk. Refused here with
 * a clear 400: a scheme other than https (http with CALLBACK_ALLOW_HTTP), credentials, a host not in
 * CALLBACK_HOSTS, an IP literal that is not public (in any spelling). A name is resolved and judged
 * when each callback is sent (jobs/callback.ts → net/safe-request.ts), never here: its address may
 * change, and answering "that name is internal" would tell a caller about our network.
 */
function callbackUrl(raw: unknown, policy: OutboundPolicy): string {
  if (typeof raw !== 'string' || !raw) throw bad('"callbackUrl" is required: where agent messages and events are POSTed');
  const checked = checkUrl(raw, policy);
  if (!checked.ok) throw bad(`"callbackUrl" ${checked.message}`);
  return raw;
}

export async function handoverApi(app: FastifyInstance, opts: HandoverApiOptions): Promise<void> {
  const { deps, sessions } = opts;
  const { config, store } = deps;
  const expected = config.apiKey ? createHash('sha256').update(config.apiKey).digest() : null;

  // A handover carries its history.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= 1024 * 1024;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (error instanceof SessionError) return reply.code(409).send({ error: { code: 'ended', message: error.message } });
    if (error.statusCode === 413) return reply.code(413).send({ error: { code: 'too_large', message: 'The request body is too large' } });
    if (error.statusCode === 415) return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'Send application/json' } });
    if (error.statusCode && error.statusCode < 500) return reply.code(400).send({ error: { code: 'invalid_request', message: error.message } });
    request.log.error({ err: error }, 'handover API failure');
    return reply.code(503).send({ error: { code: 'unavailable', message: 'Temporarily unavailable, please retry' } });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `${request.method} ${request.url.split('?')[0]} does not exist` } }),
  );

  app.addHook('onRequest', async (request) => {
    if (!expected) throw new ApiError(403, 'disabled', 'The handover API is disabled: set BRIDGE_API_KEY to enable it');
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
    // Hash both sides: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
    if (!match || !timingSafeEqual(createHash('sha256').update(match[1]!).digest(), expected)) {
      throw new ApiError(401, 'unauthorized', 'Authorization: Bearer <BRIDGE_API_KEY> is required');
    }
  });

  async function find(request: IdRequest): Promise<Session> {
    const session = ID.test(request.params.id) ? await store.getSession(request.params.id) : null;
    if (!session || session.kind !== 'api') throw new ApiError(404, 'not_found', `No handover ${request.params.id}`);
    return session;
  }

  const view = (s: Session) => ({
    id: s.id,
    state: s.state === 'handover' ? 'pending' : s.state,
    endedReason: s.endedReason,
    queueId: s.handover?.queueId ?? s.queueId,
    conversationId: s.handover?.conversationId ?? null,
    agent: s.handover?.agent ? { id: s.handover.agent.id, name: s.handover.agent.name || null } : null,
    createdAt: s.createdAt,
  });

  app.post('/handovers', async (request, reply) => {
    const b = body(request.body);
    const idempotencyKey = request.headers['idempotency-key'];
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !/^[\w.:-]{1,200}$/.test(idempotencyKey))) {
      throw bad('Idempotency-Key must be 1 to 200 letters, digits or . _ : -');
    }
    const { user, extra } = parseUser(b.user);
    const context = b.context;
    if (context !== undefined && context !== null && typeof context !== 'string' && (typeof context !== 'object' || Array.isArray(context))) {
      throw bad('"context" must be an object (its entries reach the agent) or a string');
    }
    const history = parseHistory(b.history);
    const queue = text(b, 'queue', 100, false);
    if (queue !== undefined && !/^[\w.-]+$/.test(queue)) throw bad('"queue" must be a queue id');
    const url = callbackUrl(b.callbackUrl, config.callback);

    // With an Idempotency-Key, a retried or doubled request gets the same handover: the key picks
    // the id once, and creating a session with an id that exists creates nothing. Without one, the
    // customer and callback URL pick the id of their open handover (open-handover.ts).
    const derived = idempotencyKey ? null : openHandoverKey(config.apiKey ?? '', user, extra, url);
    const id = idempotencyKey ? await store.claimSetting(`idempotency:${idempotencyKey}`, randomUUID()) : derived ? await openHandoverId(store, derived) : randomUUID();
    const existing = await store.getSession(id);
    if (existing) return reply.code(202).send(view(existing));
    const available = await deps.availability.check(queue ?? config.gateway.queueId);
    if (!available.open) {
      deps.metrics.handovers.inc({ result: available.reason === 'closed' ? 'failed_closed' : 'failed_no_agents' });
      throw new ApiError(
        409,
        'unavailable',
        available.reason === 'closed' ? 'The contact center is closed now (schedule): no handover was made' : 'No agent is available in this queue now: no handover was made',
      );
    }
    const session = await sessions.createApiHandover({ id, user, userData: extra, context, history, queueId: queue ?? null, callbackUrl: url });
    return reply.code(202).send(view(session));
  });

  app.get('/handovers/:id', async (request: IdRequest) => view(await find(request)));

  app.post('/handovers/:id/messages', async (request: IdRequest, reply) => {
    const b = body(request.body);
    const message = text(b, 'text', 4000, true)!;
    const clientMessageId = text(b, 'clientMessageId', 100, true)!;
    if (!/^[\w.:-]+$/.test(clientMessageId)) throw bad('"clientMessageId" may only hold letters, digits and . _ : -');
    const session = await find(request);
    const result = await sessions.apiMessage(session, message, clientMessageId);
    return reply.code(202).send({ accepted: true, duplicate: result === 'duplicate' });
  });

  app.post('/handovers/:id/typing', async (request: IdRequest, reply) => {
    await sessions.apiTyping(await find(request));
    return reply.code(202).send({ accepted: true });
  });

  app.delete('/handovers/:id', async (request: IdRequest, reply) => {
    const session = await find(request);
    await sessions.end(session.id, 'customer');
    return reply.code(204).send();
  });

  app.get('/offline-messages', async (request: FastifyRequest<{ Querystring: { since?: string; limit?: string } }>) => {
    const { since = '0', limit = '100' } = request.query;
    if (!/^\d{1,15}$/.test(since) || !/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
      throw bad('"since" must be epoch milliseconds and "limit" 1 to 1000');
    }
    return { offlineMessages: await store.offlineMessages(Number(since), Number(limit)) };
  });

  app.get('/outbox/dead', async () => ({ jobs: (await store.deadJobs(100)).map(({ token: _t, ...job }) => job) }));
}
