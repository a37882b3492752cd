// The Direct Line 3.0 client API under /v3/directline: tokens (generate, refresh), conversations
// (start, reconnect) and activities (post, get with a watermark). Shapes follow the API reference:
// generate/refresh answer { conversationId, token, expires_in }; start and reconnect add streamUrl
// (and referenceGrammarId); activities are { id } and { activities, watermark }.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { acceptFromUser, addMembers } from './activities';
import { conversationFor, streamUrlOf, type DirectLine } from './context';
import type { Conversation, User } from './conversations';
import { DirectLineError } from './errors';
import type { Auth } from './tokens';

type Json = Record<string, unknown>;
type Params = { conversationId: string };
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** Every conversation's bot sees the same grammar id; the real service sends one per bot. */
const REFERENCE_GRAMMAR_ID = randomUUID();

/** `{ user: { id, name } }` of a generate or start body, when it has one. */
function userIn(body: unknown): User | null {
  const user = obj(obj(body)?.user);
  if (!user || typeof user.id !== 'string' || !user.id) return null;
  if (user.id.length > 256 || /[\u0000-\u001f]/.test(user.id)) throw new DirectLineError('BadArgument', '"user.id" must be 1 to 256 printable characters');
  return { id: user.id, ...(typeof user.name === 'string' && user.name ? { name: user.name.slice(0, 256) } : {}) };
}

export async function clientApi(app: FastifyInstance, opts: { dl: DirectLine }): Promise<void> {
  const { dl } = opts;
  const auth = dl.tokens.authorize.bind(dl.tokens);

  /** Starts a conversation: the bot hears conversationUpdate with itself and the user (when known) added. */
  function start(conversation: Conversation): void {
    conversation.started = true;
    const members: (User & { role?: string })[] = [dl.bot.bot];
    if (conversation.user) members.push(conversation.user);
    addMembers(dl, conversation, members, conversation.user ?? { id: conversation.id });
  }

  const conversationBody = (conversation: Conversation, token: { token: string; expires_in: number }, watermark?: string) => ({
    conversationId: conversation.id,
    token: token.token,
    expires_in: token.expires_in,
    streamUrl: streamUrlOf(dl, conversation, watermark),
    referenceGrammarId: REFERENCE_GRAMMAR_ID,
  });

  const tokenFor = (who: Auth, conversation: Conversation, bearer: string) =>
    who.kind === 'token'
      ? { token: bearer, expires_in: Math.max(0, Math.floor((who.claims.exp - dl.now()) / 1000)) }
      : dl.tokens.issue(conversation.id, conversation.user ?? undefined);

  const bearerOf = (header: unknown) => (typeof header === 'string' ? header.replace(/^Bearer\s+/i, '').trim() : '');

  app.post('/v3/directline/tokens/generate', async (request) => {
    const who = auth(request);
    if (who.kind !== 'secret') throw new DirectLineError('Forbidden', 'Only the secret can generate tokens');
    const conversation = dl.conversations.create();
    conversation.user = userIn(request.body);
    return { conversationId: conversation.id, ...dl.tokens.issue(conversation.id, conversation.user ?? undefined) };
  });

  app.post('/v3/directline/tokens/refresh', async (request) => {
    const who = auth(request);
    if (who.kind !== 'token') throw new DirectLineError('BadArgument', 'Only a token can be refreshed; a secret does not expire');
    const conversation = conversationFor(dl, who, who.claims.conv);
    return { conversationId: conversation.id, ...dl.tokens.issue(conversation.id, conversation.user ?? undefined) };
  });

  app.post('/v3/directline/conversations', async (request, reply) => {
    const who = auth(request);
    if (who.kind === 'secret') {
      const conversation = dl.conversations.create();
      conversation.user = userIn(request.body);
      start(conversation);
      return reply.code(201).send(conversationBody(conversation, dl.tokens.issue(conversation.id, conversation.user ?? undefined)));
    }
    // A token from generate starts its conversation once; asked again, the same conversation (200).
    const conversation = conversationFor(dl, who, who.claims.conv);
    const token = tokenFor(who, conversation, bearerOf(request.headers.authorization));
    if (conversation.started) return reply.code(200).send(conversationBody(conversation, token));
    if (!conversation.user) conversation.user = userIn(request.body);
    start(conversation);
    return reply.code(201).send(conversationBody(conversation, token));
  });

  // Reconnect: a fresh streamUrl that resumes after the watermark.
  app.get<{ Params: Params; Querystring: { watermark?: string } }>('/v3/directline/conversations/:conversationId', async (request) => {
    const who = auth(request);
    const conversation = conversationFor(dl, who, request.params.conversationId);
    if (!conversation.started) throw new DirectLineError('NotFound', 'Conversation not started');
    conversation.after(request.query.watermark, 0);
    return conversationBody(conversation, tokenFor(who, conversation, bearerOf(request.headers.authorization)), request.query.watermark || undefined);
  });

  app.post<{ Params: Params }>('/v3/directline/conversations/:conversationId/activities', async (request) => {
    const who = auth(request);
    const conversation = conversationFor(dl, who, request.params.conversationId);
    const stored = await acceptFromUser(dl, conversation, who, request.body);
    return { id: stored.id };
  });

  app.get<{ Params: Params; Querystring: { watermark?: string } }>('/v3/directline/conversations/:conversationId/activities', async (request) => {
    const who = auth(request);
    const conversation = conversationFor(dl, who, request.params.conversationId);
    return conversation.after(request.query.watermark);
  });
}
