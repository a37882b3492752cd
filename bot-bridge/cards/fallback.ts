// The readable text of a bot message for a client that knows neither cards nor files (an older
// widget, the vendor's, the agent's transcript): the bot's own words, then what each card says,
// line by line, then a line per file.
import { MAX_TEXT, type Card } from '../customer-chat-api/wire';
import { clip, httpUrl } from './read-kit';

export function cardLines(card: Card): string[] {
  const lines: string[] = [];
  if (card.title) lines.push(card.title);
  if (card.subtitle) lines.push(card.subtitle);
  if (card.text) lines.push(card.text);
  for (const fact of card.facts ?? []) lines.push(fact.title && fact.value ? `${fact.title}: ${fact.value}` : fact.title || fact.value);
  for (const clipOf of card.media ?? []) lines.push(`${clipOf.title ?? clipOf.kind}: ${clipOf.url}`);
  for (const button of card.buttons ?? []) lines.push(button.type === 'openUrl' ? `${button.title}: ${button.value}` : `[${button.title}]`);
  if (lines.length === 0) for (const image of card.images ?? []) lines.push(image.link ? `${image.alt}: ${image.link}` : image.alt);
  return lines;
}

export function fallbackText(body: string, cards: readonly Card[], files: readonly { name: string }[] = []): string {
  const lines = body.trim() ? [body] : [];
  for (const card of cards) lines.push(...cardLines(card));
  for (const file of files) lines.push(`File: ${file.name}`);
  return clip(lines.join('\n'), MAX_TEXT);
}

/**
 * A file the bridge does not keep itself, as a card: an http(s) picture shown, another http(s)
 * file a download link; a data: URL or a link the bot alone can read is only named.
 */
export function fileCard(file: { name: string; contentType: string; url: string }): Card {
  const url = httpUrl(file.url);
  if (url && /^image\/(png|jpeg|gif|webp)$/.test(file.contentType)) return { images: [{ url, alt: file.name }] };
  if (url) return { text: file.name, buttons: [{ type: 'openUrl', title: `Download ${clip(file.name, 180)}`, value: url }] };
  return { text: `(${file.name}: a file that cannot be shown here)` };
}
