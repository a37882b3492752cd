// What every reader of a bot's cards shares: forgiving accessors for untrusted JSON, the URLs a
// card may carry (http(s) only: nothing else is ever put in an href or a src), the bounds that
// keep a huge or deeply nested card small, and the list of what had to be simplified.
import { MAX_TEXT, type CardButton } from '../customer-chat-api/wire';

export type Json = Record<string, unknown>;

/** Why part of an activity could not be shown as it was (the label of parley_bot_card_simplifications_total). */
export const SIMPLIFICATIONS = [
  /** An attachment content type the bridge does not know: a line saying so (or its own text). */
  'unknown-card',
  /** An Adaptive Card element the bridge does not show, with no fallback element. */
  'unknown-element',
  /** An Adaptive Card input (Input.Text, Input.ChoiceSet, …): the customer answers by typing. */
  'input',
  /** An action the card model has no button for (Action.ToggleVisibility, call, …). */
  'action',
  /** A link or picture that is not http(s) (javascript:, tel:, a data: URL the card cannot carry). */
  'unsafe-url',
  /** A sign-in button without a link (an OAuth card needs a token service this channel does not have). */
  'sign-in',
  /** The card's fallbackText stood in for what could not be shown. */
  'fallback-text',
  /** Cut to the limits: too many cards, elements, too deep, too long. */
  'truncated',
  /** A file the bot sent that is shown as a link or a line only. */
  'file',
] as const;
export type Simplification = (typeof SIMPLIFICATIONS)[number];

export const CARD_BOUNDS = {
  cards: 20,
  depth: 8,
  elements: 400,
  buttons: 20,
  facts: 40,
  images: 20,
  media: 5,
  title: 500,
  buttonTitle: 200,
  factTitle: 200,
  factValue: 1000,
  url: 2048,
  value: 4000,
} as const;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
/** A non-blank string, clipped; anything else undefined. */
export const str = (value: unknown, max: number = MAX_TEXT): string | undefined => (typeof value === 'string' && value.trim() !== '' ? clip(value, max) : undefined);

/** An absolute http(s) URL, or null. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > CARD_BOUNDS.url) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** What one reading noted: each simplification once per kind and occurrence. */
export class Notes {
  readonly list: Simplification[] = [];
  add(kind: Simplification): void {
    if (this.list.length < 100) this.list.push(kind);
  }
}

/** A URL from a card, or null (noted: a link or picture was left out). */
export function cardUrl(value: unknown, notes: Notes): string | null {
  if (value === undefined || value === null || value === '') return null;
  const url = httpUrl(value);
  if (!url) notes.add('unsafe-url');
  return url;
}

/** A reply button's value: a string is what the customer says, an object goes to the bot as `value`. */
export function replyValue(value: unknown, fallback: string): string | Record<string, unknown> {
  if (typeof value === 'string' && value.trim()) return clip(value, CARD_BOUNDS.value);
  if (isObject(value)) {
    const json = JSON.stringify(value);
    if (json !== undefined && json.length <= CARD_BOUNDS.value) return value;
  }
  return fallback;
}

/** Appends within the bound (noting what is cut). */
export function push<T>(list: T[] | undefined, item: T, max: number, notes: Notes): T[] {
  const out = list ?? [];
  if (out.length >= max) notes.add('truncated');
  else out.push(item);
  return out;
}

export type { CardButton };
