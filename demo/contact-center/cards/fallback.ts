// The readable text of a message for a reader that knows neither cards nor files (an older
// widget, the vendor's): the author's own text when there is one, else what the cards and files
// say, line by line.
import { MAX_TEXT, type Card } from '../../../bot-bridge/customer-chat-api';

function cardLines(card: Card): string[] {
  const lines: string[] = [];
  if (card.title) lines.push(card.title);
  if (card.subtitle) lines.push(card.subtitle);
  if (card.text) lines.push(card.text);
  for (const fact of card.facts ?? []) lines.push(`${fact.title}: ${fact.value}`);
  for (const clip of card.media ?? []) lines.push(`${clip.title ?? clip.kind}: ${clip.url}`);
  for (const button of card.buttons ?? []) lines.push(button.type === 'openUrl' ? `${button.title}: ${button.value}` : `[${button.title}]`);
  if (lines.length === 0 && card.images?.length) lines.push(...card.images.map((image) => image.alt));
  return lines;
}

export function fallbackText(text: string | undefined, cards: readonly Card[] = [], files: readonly { name: string }[] = []): string {
  if (text && text.trim()) return text;
  const lines = cards.flatMap(cardLines);
  for (const file of files) lines.push(`File: ${file.name}`);
  return lines.join('\n').slice(0, MAX_TEXT);
}
