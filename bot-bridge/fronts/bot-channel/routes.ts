// The Bot Connector side of the Bot Framework channel: the bot's replies arrive at
// {serviceUrl}/v3/conversations/{conversationId}/activities[/{activityId}] (mounted under /v3).
// Each activity is read (./read.ts, ../../cards: text, cards, suggested actions as quick replies,
// files, an attached transcript) and handed to the session machine, which decides what the customer sees
// (sessions/bot.ts: nothing once an agent holds the chat) and starts the handover on handoff.initiate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../context';
import { readBotMessage } from '../../cards';
import { MAX_FILE_BYTES, fileResponseHeaders } from '../../customer-chat-api';
import { storeFile } from '../../files';
import { MAX_BASE64, base64Bytes, botFiles } from './bot-files';
import { short } from '../../ops';
import { botUserId, type BotActivity, type Session, type Sessions } from '../../sessions';
import { messageActivity, readActivity } from './read';

export interface BotChannelOptions {
  deps: Deps;
  sessions: Sessions;
}

type Json = Record<string, unknown>;
type ConversationRequest = FastifyRequest<{ Params: { conversationId: string; activityId?: string; token?: string } }>;

class ChannelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/**
 * An activity from the bot arrived, by either transport (this channel or Direct Line): read it (its
 * files kept, what was simplified counted) and hand it to the session machine. `id` keys what it
 * shows (the same id twice shows once).
 */
export async function botActivityArrived(deps: Deps, sessions: Sessions, session: Session, activity: Json, id: string): Promise<'ok' | 'empty' | 'handover'> {
  const name = obj(activity.from)?.name;
  const from = typeof name === 'string' && name.trim() ? name.slice(0, 100) : null;
  const read = activity.type === 'message' ? await message(deps, activity, id, from, session) : readActivity(activity, id, from);
  return sessions.botActivity(session, read);
}

/** A message: what could not be shown as it was is counted and logged (at debug: bots repeat themselves). */
async function message(deps: Deps, activity: Json, id: string, from: string | null, session: Session): Promise<BotActivity> {
  const read = readBotMessage(activity);
  const { attachments, unstored } = await botFiles(deps.store, session, read.files);
  const simplified = [...read.simplified, ...unstored.map(() => 'file' as const)];
  for (const kind of simplified) deps.metrics.botCardSimplifications.inc({ kind });
  if (simplified.length) deps.log.debug({ chat: short(session.id), simplified }, 'bot message simplified');
  return messageActivity(read, id, from, attachments, unstored);
}

export async function botChannel(app: FastifyInstance, opts: BotChannelOptions): Promise<void> {
  const { deps, sessions } = opts;
  const { store, config } = deps;

  // Activities with cards can be large; not unbounded.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= 256 * 1024;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof ChannelError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: { code: 'BadArgument', message: error.message } });
    request.log.error({ err: error }, 'bot channel failure');
    return reply.code(503).send({ error: { code: 'ServiceUnavailable', message: 'Temporarily unavailable, please retry' } });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: { code: 'NotFound', message: `${request.method} ${request.url.split('?')[0]} is not part of this channel` } }),
  );

  async function sessionOf(request: ConversationRequest): Promise<Session> {
    const id = request.params.conversationId;
    const sessionId = /^[0-9a-f-]{36}$/.test(id) ? await store.sessionByConversation(`bot:${id}`) : null;
    const session = sessionId ? await store.getSession(sessionId) : null;
    if (!session) throw new ChannelError(404, 'ConversationNotFound', `No conversation ${id}`);
    // The conversation id is in every activity the bot gets (and may be logged anywhere); the token
    // is only in the serviceUrl. A chat that has one takes nothing without it.
    if (session.botToken && !sameToken(request.params.token, session.botToken)) {
      throw new ChannelError(401, 'Unauthorized', 'Activities for this conversation go to the serviceUrl the bot was given with it');
    }
    return session;
  }

  const receive = async (request: ConversationRequest) => {
    const activity = obj(request.body);
    if (!activity || typeof activity.type !== 'string') throw new ChannelError(400, 'BadArgument', 'The body must be an activity with a "type"');
    const session = await sessionOf(request);
    const id = randomUUID();
    const result = await botActivityArrived(deps, sessions, session, activity, id);
    if (result === 'empty') throw new ChannelError(400, 'BadArgument', 'A message needs text, attachments or suggested actions');
    // botbuilder's sendActivity throws on this (a RestError with statusCode 409): the bot knows it was not shown.
    if (result === 'handover')
      throw new ChannelError(409, 'HandoverInProgress', 'The customer is with an agent (or waiting for one): bot messages are not shown now (BOT_DURING_HANDOVER=refuse)');
    return { id };
  };

  // ---- the Bot Connector attachments API (what 15.handling-attachments' "uploaded attachment" uses) ----

  app.post('/conversations/:conversationId/attachments', { bodyLimit: MAX_BASE64 * 2 + 64 * 1024 }, async (request: ConversationRequest) => {
    const session = await sessionOf(request);
    const body = obj(request.body);
    const bytes = base64Bytes(body?.originalBase64);
    if (!body || !bytes) throw new ChannelError(400, 'BadArgument', `originalBase64 must be the file's bytes, base64, at most ${MAX_FILE_BYTES / 1024 / 1024} MB`);
    const name = typeof body.name === 'string' ? body.name : 'file';
    const file = await storeFile(store, session, { name, bytes, uploadedBy: 'bot', claimedType: typeof body.type === 'string' ? body.type : undefined });
    return { id: file.id };
  });

  type AttachmentRequest = FastifyRequest<{ Params: { attachmentId: string; viewId?: string; token?: string } }>;
  /** A file this chat's bot may read: its token in the path, and the file of its chat. */
  async function botFile(request: AttachmentRequest) {
    const file = /^[0-9a-f-]{36}$/.test(request.params.attachmentId) ? await store.getFile(request.params.attachmentId) : null;
    const session = file ? await store.getSession(file.sessionId) : null;
    if (!file || !session || !session.botToken || !sameToken(request.params.token, session.botToken)) throw new ChannelError(404, 'NotFound', 'No such attachment');
    return file;
  }
  app.get('/attachments/:attachmentId', async (request: AttachmentRequest) => {
    const file = await botFile(request);
    return { name: file.name, type: file.contentType, views: [{ viewId: 'original', size: file.size }] };
  });
  app.get('/attachments/:attachmentId/views/:viewId', async (request: AttachmentRequest, reply) => {
    const file = await botFile(request);
    const bytes = await store.fileBytes(file.id);
    if (!bytes) throw new ChannelError(404, 'NotFound', 'The attachment is no longer kept');
    return reply.headers(fileResponseHeaders(file)).send(bytes);
  });

  app.post('/conversations/:conversationId/activities', receive);
  app.post('/conversations/:conversationId/activities/:activityId', receive);

  const members = async (request: ConversationRequest) => {
    const session = await sessionOf(request);
    return [
      { id: botUserId(session), name: session.nickname, role: 'user' },
      { id: config.bot.id, name: config.bot.name, role: 'bot' },
    ];
  };
  app.get('/conversations/:conversationId/members', members);
  app.get('/conversations/:conversationId/activities/:activityId/members', members);

  const unsupported = async () => {
    throw new ChannelError(405, 'MethodNotAllowed', 'This channel keeps a written transcript: activities cannot be updated or deleted');
  };
  app.put('/conversations/:conversationId/activities/:activityId', unsupported);
  app.delete('/conversations/:conversationId/activities/:activityId', unsupported);
  app.post('/conversations', async () => {
    throw new ChannelError(405, 'MethodNotAllowed', 'The bot cannot start conversations on this channel: customers do');
  });
}
