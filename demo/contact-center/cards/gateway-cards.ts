// Cards on the Chat Gateway are `{ contentType, content }` (protocols/chat-gateway.md): Adaptive
// Cards and 8x8 quick replies among others. The emulator sends an agent's cards as Adaptive Cards
// and reads what a channel posts into the card model, so the agent console can show it. Reading
// is forgiving (an element it does not know is skipped, a type it does not know becomes a line
// saying so) and bounded (depth, number of elements).
import { MAX_TEXT, type Card, type CardButton, type CardImage } from '../../../bot-bridge/customer-chat-api';
import type { QuickReply } from '../core/types';
import { httpUrl } from './validate';

export const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
export const HERO = 'application/vnd.microsoft.card.hero';
export const THUMBNAIL = 'application/vnd.microsoft.card.thumbnail';
export const QUICK_REPLIES = 'application/8x8.quick.replies';

export interface GatewayCard {
  contentType: string;
  content: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, MAX_TEXT) : undefined);
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// ---- the card model → an Adaptive Card (an agent's cards on a MESSAGE webhook) ------------------

function adaptiveActions(buttons: CardButton[] | undefined): Json[] {
  return (buttons ?? []).map((b) => {
    if (b.type === 'openUrl') return { type: 'Action.OpenUrl', title: b.title, url: b.value };
    if (b.type === 'reply') return { type: 'Action.Submit', title: b.title, data: b.value };
    return { type: 'Action.ShowCard', title: b.title, card: toAdaptiveContent(b.card) };
  });
}

function toAdaptiveContent(card: Card): Json {
  const body: Json[] = [];
  if (card.title) body.push({ type: 'TextBlock', text: card.title, weight: 'Bolder', size: 'Medium', wrap: true });
  if (card.subtitle) body.push({ type: 'TextBlock', text: card.subtitle, isSubtle: true, wrap: true });
  if (card.text) body.push({ type: 'TextBlock', text: card.text, wrap: true });
  if (card.facts?.length) body.push({ type: 'FactSet', facts: card.facts.map((f) => ({ title: f.title, value: f.value })) });
  for (const image of card.images ?? []) {
    body.push({
      type: 'Image',
      url: image.url,
      altText: image.alt,
      ...(image.width ? { width: `${image.width}px` } : {}),
      ...(image.link ? { selectAction: { type: 'Action.OpenUrl', url: image.link } } : {}),
    });
  }
  for (const clip of card.media ?? []) {
    body.push({ type: 'Media', sources: [{ url: clip.url }], ...(clip.poster ? { poster: clip.poster } : {}), ...(clip.title ? { altText: clip.title } : {}) });
  }
  const actions = adaptiveActions(card.buttons);
  return { type: 'AdaptiveCard', version: '1.5', body, ...(actions.length ? { actions } : {}) };
}

export function toGatewayCard(card: Card): GatewayCard {
  return { contentType: ADAPTIVE, content: toAdaptiveContent(card) };
}

// ---- a channel's gateway cards → the card model (what the agent console shows) -----------------

const MAX_DEPTH = 8;
const MAX_ELEMENTS = 300;

/** Images a card may show: http(s), or an inline picture of a safe type (never SVG). */
function imageUrl(value: unknown): string | null {
  if (typeof value === 'string' && /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(value) && value.length <= 1_500_000) return value;
  return httpUrl(value);
}

class AdaptiveReader {
  private elements = 0;
  readonly card: Card = {};
  private readonly lines: string[] = [];

  read(content: Json, depth = 0): Card {
    this.items(arr(content.body), depth);
    this.actions(arr(content.actions), depth);
    if (this.lines.length) this.card.text = this.lines.join('\n').slice(0, MAX_TEXT);
    const fallback = str(content.fallbackText);
    if (Object.keys(this.card).length === 0 && fallback) this.card.text = fallback;
    return this.card;
  }

  private items(items: unknown[], depth: number): void {
    if (depth > MAX_DEPTH) return;
    for (const item of items) {
      if (!isObject(item) || ++this.elements > MAX_ELEMENTS) continue;
      this.element(item, depth);
    }
  }

  private element(item: Json, depth: number): void {
    switch (item.type) {
      case 'TextBlock': {
        const text = str(item.text);
        if (!text) return;
        const heading = item.weight === 'Bolder' || ['medium', 'large', 'extralarge'].includes(String(item.size).toLowerCase());
        if (!this.card.title && heading && this.lines.length === 0) this.card.title = text;
        else if (this.card.title && !this.card.subtitle && item.isSubtle === true && this.lines.length === 0) this.card.subtitle = text;
        else this.lines.push(text);
        return;
      }
      case 'RichTextBlock': {
        const text = arr(item.inlines)
          .map((inline) => (typeof inline === 'string' ? inline : isObject(inline) ? (str(inline.text) ?? '') : ''))
          .join('');
        if (text.trim()) this.lines.push(text);
        return;
      }
      case 'FactSet':
        for (const fact of arr(item.facts)) {
          if (isObject(fact)) (this.card.facts ??= []).push({ title: str(fact.title) ?? '', value: str(fact.value) ?? '' });
        }
        return;
      case 'Image':
        this.image(item);
        return;
      case 'ImageSet':
        for (const image of arr(item.images)) if (isObject(image)) this.image(image);
        return;
      case 'Media': {
        const source = arr(item.sources).find(isObject);
        const url = httpUrl(source?.url);
        if (url) (this.card.media ??= []).push({ kind: 'video', url, ...(str(item.altText) ? { title: str(item.altText)! } : {}) });
        return;
      }
      case 'Container':
        this.items(arr(item.items), depth + 1);
        return;
      case 'ColumnSet':
        for (const column of arr(item.columns)) if (isObject(column)) this.items(arr(column.items), depth + 1);
        return;
      case 'Column':
        this.items(arr(item.items), depth + 1);
        return;
      case 'ActionSet':
        this.actions(arr(item.actions), depth);
        return;
      default:
        // An element the emulator does not show: its fallback element, if it names one ("drop" or none: nothing).
        if (isObject(item.fallback) && depth < MAX_DEPTH) this.element(item.fallback, depth + 1);
    }
  }

  private image(item: Json): void {
    const url = imageUrl(item.url);
    if (!url) return;
    const image: CardImage = { url, alt: str(item.altText) ?? this.card.title ?? 'Image' };
    const link = isObject(item.selectAction) ? httpUrl(item.selectAction.url) : null;
    if (link) image.link = link;
    (this.card.images ??= []).push(image);
  }

  private actions(actions: unknown[], depth: number): void {
    for (const action of actions) {
      if (!isObject(action) || ++this.elements > MAX_ELEMENTS) continue;
      const title = str(action.title) ?? '';
      switch (action.type) {
        case 'Action.OpenUrl': {
          const url = httpUrl(action.url);
          if (url) (this.card.buttons ??= []).push({ type: 'openUrl', title: title || url, value: url });
          break;
        }
        case 'Action.Submit':
        case 'Action.Execute': {
          const data = action.data;
          const value = typeof data === 'string' ? data : isObject(data) ? data : title;
          if (title) (this.card.buttons ??= []).push({ type: 'reply', title, value });
          break;
        }
        case 'Action.ShowCard':
          if (title && isObject(action.card) && depth < MAX_DEPTH) {
            (this.card.buttons ??= []).push({ type: 'showCard', title, card: new AdaptiveReader().read(action.card, depth + 1) });
          }
          break;
      }
    }
  }
}

function fromHero(content: Json): Card {
  const card: Card = {};
  const title = str(content.title);
  const subtitle = str(content.subtitle);
  const text = str(content.text);
  if (title) card.title = title;
  if (subtitle) card.subtitle = subtitle;
  if (text) card.text = text;
  const images = arr(content.images).flatMap((image): CardImage[] => {
    const url = isObject(image) ? imageUrl(image.url) : null;
    return url && isObject(image) ? [{ url, alt: str(image.alt) ?? title ?? 'Image' }] : [];
  });
  if (images.length) card.images = images;
  const buttons = arr(content.buttons).flatMap((b): CardButton[] => {
    if (!isObject(b)) return [];
    const label = str(b.title) ?? (typeof b.value === 'string' ? b.value : '');
    if (b.type === 'openUrl' || b.type === 'signin') {
      const url = httpUrl(b.value);
      return url ? [{ type: 'openUrl', title: label || url, value: url }] : [];
    }
    const value = typeof b.value === 'string' ? b.value : isObject(b.value) ? b.value : label;
    return label ? [{ type: 'reply', title: label, value }] : [];
  });
  if (buttons.length) card.buttons = buttons;
  return card;
}

/** What a channel's cards say, in the card model; quick replies apart (they are answers, not cards). */
export function readGatewayCards(cards: GatewayCard[]): { cards: Card[]; quickReplies: QuickReply[] } {
  const out: Card[] = [];
  const quickReplies: QuickReply[] = [];
  for (const { contentType, content } of cards) {
    if (contentType === QUICK_REPLIES) {
      for (const option of arr(content.options)) {
        if (!isObject(option)) continue;
        const title = str(option.title);
        const postback = isObject(option.data) ? str(option.data.postback) : undefined;
        if (title) quickReplies.push({ title, payload: postback ?? title });
      }
      continue;
    }
    const card = contentType === ADAPTIVE ? new AdaptiveReader().read(content) : contentType === HERO || contentType === THUMBNAIL ? fromHero(content) : null;
    out.push(card && Object.keys(card).length ? card : { text: `(A card of type ${contentType.slice(0, 100)} that the emulator does not show)` });
  }
  return { cards: out, quickReplies };
}
