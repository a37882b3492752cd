// Cards an agent sends through the agent API, in the Customer Chat API's card model (wire.ts
// Card), checked field by field: sized strings, http(s) links only, a bounded number of
// everything. The model reaches customers as it is and the Chat Gateway as Adaptive Cards.
import { MAX_TEXT, type Card, type CardButton, type CardFact, type CardImage, type CardMedia } from '../../../bot-bridge/customer-chat-api';

export class CardInputError extends Error {
  override name = 'CardInputError';
}

export const CARD_LIMITS = {
  cards: 10,
  title: 500,
  facts: 20,
  factTitle: 200,
  factValue: 1000,
  images: 10,
  media: 5,
  buttons: 10,
  buttonTitle: 200,
  url: 2048,
  value: 4000,
  depth: 2,
} as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An absolute http(s) URL, or null. Nothing else is ever put in an href or a src. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > CARD_LIMITS.url) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function text(raw: Json, key: string, max: number, path: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CardInputError(`${path}.${key} must be a string`);
  if (value.length > max) throw new CardInputError(`${path}.${key} must be at most ${max} characters`);
  return value.trim() === '' ? undefined : value;
}

function list(raw: Json, key: string, max: number, path: string): unknown[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new CardInputError(`${path}.${key} must be an array`);
  if (value.length > max) throw new CardInputError(`${path}.${key} may have at most ${max} items`);
  return value;
}

function url(raw: Json, key: string, path: string): string {
  const value = httpUrl(raw[key]);
  if (!value) throw new CardInputError(`${path}.${key} must be an absolute http(s) URL`);
  return value;
}

function fact(raw: unknown, path: string): CardFact {
  if (!isObject(raw)) throw new CardInputError(`${path} must be an object`);
  return { title: text(raw, 'title', CARD_LIMITS.factTitle, path) ?? '', value: text(raw, 'value', CARD_LIMITS.factValue, path) ?? '' };
}

function image(raw: unknown, path: string, fallbackAlt: string): CardImage {
  if (!isObject(raw)) throw new CardInputError(`${path} must be an object`);
  const out: CardImage = { url: url(raw, 'url', path), alt: text(raw, 'alt', CARD_LIMITS.title, path) ?? fallbackAlt };
  for (const key of ['width', 'height'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 4096) throw new CardInputError(`${path}.${key} must be a whole number of pixels (1 to 4096)`);
    out[key] = value as number;
  }
  if (raw.link !== undefined) out.link = url(raw, 'link', path);
  return out;
}

function media(raw: unknown, path: string): CardMedia {
  if (!isObject(raw)) throw new CardInputError(`${path} must be an object`);
  if (raw.kind !== 'audio' && raw.kind !== 'video' && raw.kind !== 'animation') throw new CardInputError(`${path}.kind must be audio, video or animation`);
  const title = text(raw, 'title', CARD_LIMITS.title, path);
  return { kind: raw.kind, url: url(raw, 'url', path), ...(title ? { title } : {}), ...(raw.poster !== undefined ? { poster: url(raw, 'poster', path) } : {}) };
}

function button(raw: unknown, path: string, depth: number): CardButton {
  if (!isObject(raw)) throw new CardInputError(`${path} must be an object`);
  const title = text(raw, 'title', CARD_LIMITS.buttonTitle, path);
  if (!title) throw new CardInputError(`${path}.title is required`);
  switch (raw.type) {
    case 'openUrl':
      return { type: 'openUrl', title, value: url(raw, 'value', path) };
    case 'reply': {
      const value = raw.value ?? title;
      if (typeof value === 'string') {
        if (value.length > CARD_LIMITS.value) throw new CardInputError(`${path}.value must be at most ${CARD_LIMITS.value} characters`);
        return { type: 'reply', title, value };
      }
      if (!isObject(value) || JSON.stringify(value).length > CARD_LIMITS.value)
        throw new CardInputError(`${path}.value must be a string or a JSON object of at most ${CARD_LIMITS.value} characters`);
      return { type: 'reply', title, value };
    }
    case 'showCard':
      if (depth >= CARD_LIMITS.depth) throw new CardInputError(`${path}: cards may nest only ${CARD_LIMITS.depth} deep`);
      return { type: 'showCard', title, card: card(raw.card, `${path}.card`, depth + 1) };
    default:
      throw new CardInputError(`${path}.type must be openUrl, reply or showCard`);
  }
}

function card(raw: unknown, path: string, depth: number): Card {
  if (!isObject(raw)) throw new CardInputError(`${path} must be an object`);
  const out: Card = {};
  const title = text(raw, 'title', CARD_LIMITS.title, path);
  const subtitle = text(raw, 'subtitle', CARD_LIMITS.title, path);
  const body = text(raw, 'text', MAX_TEXT, path);
  if (title) out.title = title;
  if (subtitle) out.subtitle = subtitle;
  if (body) out.text = body;
  const facts = list(raw, 'facts', CARD_LIMITS.facts, path).map((f, i) => fact(f, `${path}.facts[${i}]`));
  const images = list(raw, 'images', CARD_LIMITS.images, path).map((m, i) => image(m, `${path}.images[${i}]`, title ?? 'Image'));
  const clips = list(raw, 'media', CARD_LIMITS.media, path).map((m, i) => media(m, `${path}.media[${i}]`));
  const buttons = list(raw, 'buttons', CARD_LIMITS.buttons, path).map((b, i) => button(b, `${path}.buttons[${i}]`, depth));
  if (facts.length) out.facts = facts;
  if (images.length) out.images = images;
  if (clips.length) out.media = clips;
  if (buttons.length) out.buttons = buttons;
  if (Object.keys(out).length === 0) throw new CardInputError(`${path} is empty: give a title, text, facts, images, media or buttons`);
  return out;
}

/** An agent's `cards`, checked; an absent value is no cards. */
export function parseCards(raw: unknown, path = 'cards'): Card[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new CardInputError(`${path} must be an array of cards`);
  if (raw.length > CARD_LIMITS.cards) throw new CardInputError(`${path} may have at most ${CARD_LIMITS.cards} cards`);
  return raw.map((c, i) => card(c, `${path}[${i}]`, 0));
}

export function parseLayout(raw: unknown): 'list' | 'carousel' | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw !== 'list' && raw !== 'carousel') throw new CardInputError('layout must be "list" or "carousel"');
  return raw;
}
