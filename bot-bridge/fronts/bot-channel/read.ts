// What a bot's activity says, as the session machine takes it: a message's words, cards, quick
// replies and files (bot-bridge/cards), typing, the end, handoff.initiate with the transcript the
// bot attached. Pure.
import { readableContext } from '../../bot-transport/copilot';
import { fallbackText, fileCard, readBotMessage, type BotFile, type BotMessage } from '../../cards';
import type { Attachment } from '../../customer-chat-api/wire';
import type { BotActivity, HistoryMessage } from '../../sessions';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** suggestedActions → quickReplies; the payload is what the customer "says" when picking one (imBack). */
export const quickRepliesOf = (activity: Json) => readBotMessage(activity).quickReplies;

/** A message's readable text: its own words, then what its cards and files say. */
export const textOf = (activity: Json) => readBotMessage(activity).text;

/** The transcript a bot attaches to handoff.initiate: Bot Framework activities → gateway history, cards and files as readable lines. */
export function historyOf(activity: Json): HistoryMessage[] | null {
  if (!Array.isArray(activity.attachments)) return null;
  for (const a of activity.attachments) {
    const attachment = obj(a);
    const content = obj(attachment?.content);
    const isTranscript = attachment?.contentType === 'application/vnd.microsoft.activity.transcript' || attachment?.name === 'Transcript';
    const activities = Array.isArray(content?.activities) ? content.activities : Array.isArray(attachment?.content) ? (attachment.content as unknown[]) : null;
    if (!isTranscript || !activities) continue;
    const out: HistoryMessage[] = [];
    for (const raw of activities.slice(0, 1000)) {
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

/**
 * A message activity for the machine: the files the caller stored are attachments, the others
 * (not stored: none given) are shown as cards (fileCard: a picture, a link, or a line).
 */
export function messageActivity(message: BotMessage, id: string, from: string | null, attachments: Attachment[] = [], unstored: BotFile[] = message.files): BotActivity {
  const cards = [...message.cards, ...unstored.map(fileCard)];
  const rich = cards.length > 0 || attachments.length > 0;
  const layout = cards.length > 1 ? message.layout : undefined;
  return {
    type: 'message',
    id,
    from,
    text: fallbackText(message.body, cards, attachments),
    quickReplies: message.quickReplies,
    ...(rich ? { body: message.body } : {}),
    ...(cards.length ? { cards } : {}),
    ...(layout ? { layout } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

/** Any activity but a message (which is read with readBotMessage, its files stored first) for the machine. */
export function readActivity(activity: Json, id: string, from: string | null): BotActivity {
  switch (activity.type) {
    case 'message':
      return messageActivity(readBotMessage(activity), id, from);
    case 'typing':
      return { type: 'typing', from };
    case 'endOfConversation':
      return { type: 'endOfConversation', from };
    case 'event':
      if (activity.name === 'handoff.initiate') return { type: 'handoff', context: readableContext(activity.value), history: historyOf(activity) };
      return { type: 'other', activityType: 'event' };
    default:
      return { type: 'other', activityType: String(activity.type) };
  }
}
