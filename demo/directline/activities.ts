// What happens to an activity a client sends: it is checked, given an id and stored (the client's
// stream sees its echo, with its channelData, as Web Chat expects), then delivered to the bot. The
// client's POST is answered once the bot has taken it: `{ id }`, or 502 when the bot failed or
// timed out (the activity is in the transcript then, and the bot may have seen it: the real
// service behaves so, and clients must not blindly post it again).
import type { DirectLine } from './context';
import type { Activity, Conversation, User } from './conversations';
import { DirectLineError } from './errors';
import type { Auth } from './tokens';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** Activity types a client may send (conversationUpdate and contactRelationUpdate are the channel's). */
const CLIENT_TYPES = new Set(['message', 'typing', 'event', 'invoke', 'endOfConversation', 'messageReaction']);
/** Fields the service sets itself, whatever the client wrote. */
const OWN_FIELDS = ['id', 'timestamp', 'serviceUrl', 'channelId', 'conversation', 'recipient'];
const USER_ID = /^[^\u0000-\u001f]{1,256}$/;

/** The user an activity is from: the token's user when it names one (a client cannot post as someone else). */
function userOf(auth: Auth, conversation: Conversation, from: Json | null): User {
  if (auth.kind === 'token' && auth.claims.user) {
    return { id: auth.claims.user, ...(auth.claims.userName ? { name: auth.claims.userName } : typeof from?.name === 'string' ? { name: from.name } : {}) };
  }
  const id = from?.id;
  if (typeof id !== 'string' || !USER_ID.test(id)) throw new DirectLineError('MissingProperty', 'The activity needs "from.id"');
  // "dl_" user ids are reserved for ids embedded in a token, so that they cannot be forged.
  if (id.startsWith('dl_') && conversation.user?.id !== id) throw new DirectLineError('BadArgument', 'User ids starting with "dl_" must come from the token');
  return { id, ...(typeof from?.name === 'string' && from.name ? { name: from.name.slice(0, 256) } : {}) };
}

/** Tells the bot about a user the first time it hears from them (or when the conversation starts). */
export function addMembers(dl: DirectLine, conversation: Conversation, users: (User & { role?: string })[], from: User): void {
  const fresh = users.filter((u) => !conversation.members.has(u.id));
  if (fresh.length === 0) return;
  for (const user of fresh) if (user.id !== dl.config.botId) conversation.members.set(user.id, { id: user.id, ...(user.name ? { name: user.name } : {}) });
  const update = { type: 'conversationUpdate', id: conversation.hiddenId(), timestamp: new Date(dl.now()).toISOString(), from: { ...from, role: 'user' }, membersAdded: fresh };
  dl.bot
    .deliver(conversation, update)
    .catch((error: Error) => dl.log.warn({ conversation: conversation.id.slice(0, 8), why: error.message }, 'the bot refused a conversationUpdate'));
}

/** Validates, stores and delivers a client's activity; resolves with the stored activity once the bot has it. */
export async function acceptFromUser(dl: DirectLine, conversation: Conversation, auth: Auth, raw: unknown): Promise<Activity> {
  const body = obj(raw);
  if (!body) throw new DirectLineError('BadArgument', 'The body must be an activity');
  if (typeof body.type !== 'string' || !body.type) throw new DirectLineError('MissingProperty', 'The activity needs a "type"');
  if (!CLIENT_TYPES.has(body.type)) throw new DirectLineError('BadArgument', `Clients cannot send "${body.type}" activities`);
  if (!conversation.started) throw new DirectLineError('BadArgument', 'The conversation has not been started (POST /v3/directline/conversations)');
  const user = userOf(auth, conversation, obj(body.from));

  const activity: Json & { type: string } = { type: body.type };
  for (const [key, value] of Object.entries(body)) if (!OWN_FIELDS.includes(key)) activity[key] = value;
  activity.from = { ...user, role: 'user' };
  activity.conversation = { id: conversation.id };
  activity.channelId = 'directline';

  addMembers(dl, conversation, [user], user);
  const stored = conversation.append(activity, dl.now());
  await dl.bot.deliver(conversation, stored);
  return stored;
}
