// The Bot Connector API the bot calls back on (its serviceUrl is this service): replies and
// proactive messages at /v3/conversations/{id}/activities[/{replyToId}], the members, and the
// attachments API (/v3/conversations/{id}/attachments, /v3/attachments/{id}[/views/{viewId}]).
// What the bot sends is given an id, stored with its watermark and pushed to the client's stream.
// The bot's credentials are not checked (see connector.ts): keep this service off the internet.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { CHANNEL_ID } from './connector';
import type { DirectLine } from './context';
import type { Conversation } from './conversations';
import { DirectLineError } from './errors';
import { INLINE_TYPES, type StoredFile } from './files';

type Json = Record<string, unknown>;
type Params = { conversationId: string; activityId?: string };

const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** Activity types a channel does not pass on to the user: answered, then dropped. */
const NOT_FOR_USERS = new Set(['trace', 'conversationUpdate', 'invokeResponse', 'delay', 'installationUpdate']);
/** Fields the connector sets itself, whatever the bot wrote. */
const OWN_FIELDS = ['id', 'timestamp', 'serviceUrl', 'channelId', 'conversation'];

export async function connectorApi(app: FastifyInstance, opts: { dl: DirectLine }): Promise<void> {
  const { dl } = opts;

  const receive = async (request: { params: Params; body: unknown }) => {
    const body = obj(request.body);
    if (!body || typeof body.type !== 'string' || !body.type) throw new DirectLineError('MissingProperty', 'The body must be an activity with a "type"');
    const conversation = dl.conversations.get(request.params.conversationId);
    if (NOT_FOR_USERS.has(body.type)) return { id: randomBytes(8).toString('hex') };
    const activity: Json & { type: string } = { type: body.type };
    for (const [key, value] of Object.entries(body)) if (!OWN_FIELDS.includes(key)) activity[key] = value;
    const from = obj(body.from);
    activity.from = typeof from?.id === 'string' && from.id ? { ...from, role: 'bot' } : dl.bot.bot;
    activity.conversation = { id: conversation.id };
    activity.channelId = CHANNEL_ID;
    if (!obj(activity.recipient) && conversation.user) activity.recipient = { ...conversation.user, role: 'user' };
    const replyTo = request.params.activityId ?? body.replyToId;
    if (typeof replyTo === 'string' && replyTo) activity.replyToId = replyTo;
    const stored = conversation.append(activity, dl.now());
    return { id: stored.id };
  };
  app.post<{ Params: Params }>('/v3/conversations/:conversationId/activities', receive);
  app.post<{ Params: Params }>('/v3/conversations/:conversationId/activities/:activityId', receive);

  const members = (conversation: Conversation) => [...[...conversation.members.values()].map((m) => ({ ...m, role: 'user' })), dl.bot.bot];
  app.get<{ Params: Params }>('/v3/conversations/:conversationId/members', async (request) => members(dl.conversations.get(request.params.conversationId)));
  app.get<{ Params: Params }>('/v3/conversations/:conversationId/activities/:activityId/members', async (request) => members(dl.conversations.get(request.params.conversationId)));
  app.get<{ Params: Params & { memberId: string } }>('/v3/conversations/:conversationId/members/:memberId', async (request) => {
    const found = members(dl.conversations.get(request.params.conversationId)).find((m) => m.id === request.params.memberId);
    if (!found) throw new DirectLineError('NotFound', 'Member not found');
    return found;
  });

  // Direct Line keeps a written transcript: its clients never see an activity change or vanish.
  const unsupported = async () => {
    throw new DirectLineError('MethodNotAllowed', 'Direct Line does not support updating or deleting activities');
  };
  app.put('/v3/conversations/:conversationId/activities/:activityId', unsupported);
  app.delete('/v3/conversations/:conversationId/activities/:activityId', unsupported);
  app.post('/v3/conversations', async () => {
    throw new DirectLineError('MethodNotAllowed', 'Direct Line conversations are started by clients, not by the bot');
  });

  // The attachments API: the bot stores a file and links to its view in an activity.
  const maxBase64 = Math.ceil((dl.config.uploadMaxBytes * 4) / 3) + 64 * 1024;
  app.post<{ Params: Params }>('/v3/conversations/:conversationId/attachments', { bodyLimit: maxBase64 }, async (request) => {
    const body = obj(request.body);
    const conversation = dl.conversations.get(request.params.conversationId);
    if (!body || typeof body.originalBase64 !== 'string' || !body.originalBase64) throw new DirectLineError('MissingProperty', 'AttachmentData needs "originalBase64"');
    if (!/^[A-Za-z0-9+/=\s]*$/.test(body.originalBase64)) throw new DirectLineError('BadArgument', '"originalBase64" is not base64');
    const stored = dl.files.put(conversation, {
      name: typeof body.name === 'string' ? body.name : undefined,
      type: typeof body.type === 'string' ? body.type : undefined,
      bytes: Buffer.from(body.originalBase64, 'base64'),
    });
    return { id: stored.id };
  });
  app.get<{ Params: { attachmentId: string } }>('/v3/attachments/:attachmentId', async (request) => {
    const file = dl.files.get(request.params.attachmentId);
    return { name: file.name, type: file.type, views: [{ viewId: 'original', size: file.bytes.length }] };
  });
  app.get<{ Params: { attachmentId: string; viewId: string } }>('/v3/attachments/:attachmentId/views/:viewId', async (request, reply) => {
    const file = dl.files.get(request.params.attachmentId);
    if (request.params.viewId !== 'original' && request.params.viewId !== 'thumbnail') throw new DirectLineError('NotFound', 'No such view');
    return serveFile(reply, file);
  });
}

/** A stored file, never as something a browser would run: nosniff, a sandbox, and a download unless a plain image. */
export function serveFile(reply: FastifyReply, file: StoredFile): FastifyReply {
  const filename = encodeURIComponent(file.name);
  return reply
    .header('content-type', file.type)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('content-disposition', `${INLINE_TYPES.has(file.type) ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`)
    .header('cache-control', 'private, max-age=3600')
    .send(file.bytes);
}
