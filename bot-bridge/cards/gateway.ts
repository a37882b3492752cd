// An agent's cards from the Chat Gateway (`{ contentType, content }`: Adaptive Cards, hero cards,
// 8x8 quick replies, …) in the card model, read as a bot's would be; quick replies apart.
import type { Card, QuickReply } from '../customer-chat-api/wire';
import { readBotMessage } from './message';
import { arr, isObject, str, type Simplification } from './read-kit';

export const QUICK_REPLIES = 'application/8x8.quick.replies';

export function readGatewayCards(cards: { contentType: string; content: unknown }[]): { cards: Card[]; quickReplies: QuickReply[]; simplified: Simplification[] } {
  const quickReplies: QuickReply[] = [];
  const others = [];
  for (const card of cards) {
    if (card.contentType !== QUICK_REPLIES) {
      others.push(card);
      continue;
    }
    for (const option of arr(isObject(card.content) ? card.content.options : undefined).slice(0, 20)) {
      if (!isObject(option)) continue;
      const title = str(option.title, 200);
      const postback = isObject(option.data) ? str(option.data.postback, 1000) : undefined;
      if (title) quickReplies.push({ title, payload: postback ?? title });
    }
  }
  const read = readBotMessage({ type: 'message', attachments: others });
  return { cards: read.cards, quickReplies, simplified: read.simplified };
}
