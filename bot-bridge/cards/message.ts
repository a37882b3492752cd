// A Bot Framework message activity as the customer gets it: the bot's own words (body), its cards
// in the card model with their layout, its suggested actions as quick replies, the files it sent,
// a readable fallback text for clients that know none of it, and what had to be simplified on
// the way. Pure: files are listed here and stored by the caller.
import { MAX_TEXT, type Card, type QuickReply } from '../customer-chat-api/wire';
import { AdaptiveReader } from './adaptive';
import { CONTENT_TYPES, cardAction, heroCard, mediaCard, receiptCard, signinCard } from './bot-framework';
import { fallbackText } from './fallback';
import { CARD_BOUNDS, Notes, arr, clip, isObject, str, type Json, type Simplification } from './read-kit';

/** A file a bot sent (an attachment with a contentUrl): an http(s) link, a data: URL, or the Bot Connector's own /v3/attachments URL. */
export interface BotFile {
  name: string;
  contentType: string;
  url: string;
}

export interface BotMessage {
  /** What the bot wrote itself ('' when it sent only cards or files). */
  body: string;
  /** The readable fallback: body, then what the cards and files say. */
  text: string;
  cards: Card[];
  layout?: 'list' | 'carousel';
  quickReplies: QuickReply[];
  files: BotFile[];
  simplified: Simplification[];
}

/** Attachments that are not content for the customer (a handoff's transcript). */
const NOT_SHOWN = new Set(['application/vnd.microsoft.activity.transcript']);
const MAX_QUICK_REPLIES = 20;

/** One attachment: a card, a file, or (noted) a line saying what it was. */
function attachment(raw: Json, notes: Notes): { card?: Card; file?: BotFile } | null {
  const contentType = typeof raw.contentType === 'string' ? raw.contentType.slice(0, 200) : '';
  if (NOT_SHOWN.has(contentType) || raw.name === 'Transcript') return null;
  const content = isObject(raw.content) ? raw.content : null;
  switch (contentType) {
    case CONTENT_TYPES.hero:
    case CONTENT_TYPES.thumbnail:
      return content ? { card: heroCard(content, notes) } : null;
    case CONTENT_TYPES.receipt:
      return content ? { card: receiptCard(content, notes) } : null;
    case CONTENT_TYPES.signin:
    case CONTENT_TYPES.oauth:
      return content ? { card: signinCard(content, notes) } : null;
    case CONTENT_TYPES.animation:
      return content ? { card: mediaCard(content, 'animation', notes) } : null;
    case CONTENT_TYPES.audio:
      return content ? { card: mediaCard(content, 'audio', notes) } : null;
    case CONTENT_TYPES.video:
      return content ? { card: mediaCard(content, 'video', notes) } : null;
    case CONTENT_TYPES.adaptive: {
      // botbuilder sends the card as an object; some bots send it serialised.
      const adaptive = content ?? (typeof raw.content === 'string' ? parse(raw.content) : null);
      return adaptive ? { card: new AdaptiveReader(notes).read(adaptive) } : null;
    }
  }
  if (typeof raw.contentUrl === 'string' && raw.contentUrl) {
    const name = str(raw.name, 200) ?? 'file';
    return { file: { name, contentType: contentType || 'application/octet-stream', url: raw.contentUrl } };
  }
  notes.add('unknown-card');
  const own = typeof raw.content === 'string' ? str(raw.content) : content ? (str(content.text) ?? str(content.fallbackText) ?? str(content.title)) : undefined;
  return { card: { text: own ?? `(${str(raw.name, 200) ?? 'A card'} that cannot be shown here${contentType ? `: ${contentType}` : ''})` } };
}

function parse(text: string): Json | null {
  if (text.length > 256 * 1024) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Suggested actions: answers become quick replies; links a card of link buttons (a quick reply would send the URL as text). */
function suggested(activity: Json, notes: Notes): { quickReplies: QuickReply[]; links: Card | null } {
  const quickReplies: QuickReply[] = [];
  const links: Card = {};
  for (const raw of arr(isObject(activity.suggestedActions) ? activity.suggestedActions.actions : undefined).slice(0, MAX_QUICK_REPLIES)) {
    const button = cardAction(raw, notes);
    if (!button) continue;
    if (button.type === 'openUrl') (links.buttons ??= []).push(button);
    else if (button.type === 'reply') quickReplies.push({ title: button.title, payload: typeof button.value === 'string' ? button.value : button.title });
  }
  return { quickReplies, links: links.buttons ? links : null };
}

export function readBotMessage(activity: Json): BotMessage {
  const notes = new Notes();
  const body = typeof activity.text === 'string' ? clip(activity.text, MAX_TEXT) : '';
  const cards: Card[] = [];
  const files: BotFile[] = [];
  const list = arr(activity.attachments);
  if (list.length > CARD_BOUNDS.cards) notes.add('truncated');
  for (const raw of list.slice(0, CARD_BOUNDS.cards)) {
    if (!isObject(raw)) continue;
    const read = attachment(raw, notes);
    if (read?.card && Object.keys(read.card).length) cards.push(read.card);
    else if (read?.card) notes.add('unknown-card');
    if (read?.file) files.push(read.file);
  }
  const { quickReplies, links } = suggested(activity, notes);
  if (links) cards.push(links);
  const layout = activity.attachmentLayout === 'carousel' && cards.length > 1 ? 'carousel' : activity.attachmentLayout === 'list' && cards.length > 1 ? 'list' : undefined;
  // A message with only speech (speak) still says something.
  const spoken = !body.trim() && !cards.length && !files.length ? (str(activity.speak) ?? '') : '';
  const own = body || spoken;
  return {
    body: own,
    text: fallbackText(own, cards, files),
    cards,
    ...(layout ? { layout } : {}),
    quickReplies,
    files,
    simplified: notes.list,
  };
}
