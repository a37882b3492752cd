// The Bot Connector side of the Bot Framework channel: the bot's replies arrive at
// {serviceUrl}/v3/conversations/{conversationId}/activities[/{activityId}] (mounted under /v3).
// Each activity is read here (text, hero cards, suggested actions as quick replies, an attached
// transcript) and handed to the session machine, which decides what the customer sees
// (sessions/bot.ts: nothing once an agent holds the chat) and starts the handover on handoff.initiate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readableContext } from '../../bot-transport/copilot';
import type { Deps } from '../../context';
import { botUserId, type BotActivity, type HistoryMessage, type Session, type Sessions } from '../../sessions';

export interface BotChannelOptions {
  deps: Deps;
  sessions: Sessions;
}

type Json = Record<string, unknown>;
type ConversationRequest = FastifyRequest<{ Params: { conversationId: string; activityId?: string } }>;

class ChannelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BOT_TEXT = 10_000;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** suggestedActions → quickReplies; the payload is what the customer "says" when picking one (imBack). */
export function quickRepliesOf(activity: Json): { title: string; payload: string }[] {
  const actions = obj(activity.suggestedActions)?.actions;
  const fromCards = Array.isArray(activity.attachments)
    ? activity.attachments.flatMap((a) => {
        const content = obj(obj(a)?.content);
        return obj(a)?.contentType === 'application/vnd.microsoft.card.hero' && Array.isArray(content?.buttons) ? content.buttons : [];
      })
    : [];
  const list = [...(Array.isArray(actions) ? actions : []), ...fromCards];
  const out: { title: string; payload: string }[] = [];
  for (const raw of list.slice(0, 20)) {
    const action = obj(raw);
    if (!action) continue;
    const title = typeof action.title === 'string' ? action.title : typeof action.value === 'string' ? action.value : '';
    const value = typeof action.value === 'string' ? action.value : title;
    if (title.trim() && value.trim()) out.push({ title: title.slice(0, 200), payload: value.slice(0, 1000) });
  }
  return out;
}

/** A message's text, plus the text of hero cards (title, subtitle, text) when it has some. */
export function textOf(activity: Json): string {
  const parts: string[] = [];
  if (typeof activity.text === 'string' && activity.text.trim()) parts.push(activity.text);
  if (Array.isArray(activity.attachments)) {
    for (const a of activity.attachments) {
      const content = obj(obj(a)?.content);
      if (obj(a)?.contentType !== 'application/vnd.microsoft.card.hero' || !content) continue;
      for (const key of ['title', 'subtitle', 'text']) if (typeof content[key] === 'string' && content[key]) parts.push(content[key] as string);
    }
  }
  return parts.join('\n').slice(0, MAX_BOT_TEXT);
}

/** The transcript a bot attaches to handoff.initiate: Bot Framework activities → gateway history. */
export function historyOf(activity: Json): HistoryMessage[] | null {
  if (!Array.isArray(activity.attachments)) return null;
  for (const a of activity.attachments) {
    const attachment = obj(a);
    const content = obj(attachment?.content);
    const isTranscript = attachment?.contentType === 'application/vnd.microsoft.activity.transcript' || attachment?.name === 'Transcript';
    const activities = Array.isArray(content?.activities) ? content.activities : Array.isArray(attachment?.content) ? (attachment.content as unknown[]) : null;
    if (!isTranscript || !activities) continue;
    const out: HistoryMessage[] = [];
    for (const raw of activities) {
      const item = obj(raw);
      if (!item || (item.type !== undefined && item.type !== 'message')) continue;
      const text = textOf(item);
      if (!text) continue;
      const role = obj(item.from)?.role;
      out.push({ authorType: role === 'bot' ? 'bot' : 'user', text });
    }
    return out;
  }
  return null;
}

/** The activity as the session machine takes it (either transport: the Bot Connector channel or Direct Line). */
export function read(activity: Json, id: string, from: string | null): BotActivity {
  switch (activity.type) {
    case 'message':
      return { type: 'message', id, from, text: textOf(activity), quickReplies: quickRepliesOf(activity) };
    case 'typing':
      return { type: 'typing', from };
    case 'endOfConversation':
      return { type: 'endOfConversation', from };
    case 'event':
      if (activity.name === 'handoff.initiate') return { type: 'handoff', context: readableContext(activity.value), history: historyOf(activity) };
      return { type: 'other', activityType: 'event' };
    default:
      return { type: 'other', activityType: activity.type as string };
  }
}

/**
 * An activity from the bot arrived, by whichever transport: read it and hand it to the session
 * machine. `id` keys what it shows (the same id twice shows once). false: a message with nothing to show.
 */
export async function botActivityArrived(sessions: Sessions, session: Session, activity: Json, id: string): Promise<boolean> {
  const name = obj(activity.from)?.name;
  const from = typeof name === 'string' && name.trim() ? name.slice(0, 100) : null;
  return sessions.botActivity(session, read(activity, id, from));
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
    return session;
  }

  const receive = async (request: ConversationRequest) => {
    const activity = obj(request.body);
    if (!activity || typeof activity.type !== 'string') throw new ChannelError(400, 'BadArgument', 'The body must be an activity with a "type"');
    const session = await sessionOf(request);
    const id = randomUUID();
    if (!(await botActivityArrived(sessions, session, activity, id))) throw new ChannelError(400, 'BadArgument', 'A message needs text (or a hero card with some)');
    return { id };
  };

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
