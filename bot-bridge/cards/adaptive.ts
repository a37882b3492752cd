// Adaptive Cards (adaptivecards.io, schema 1.0 to 1.6) in the card model, which is flat: the first
// heading becomes the title (and a subtle line after it the subtitle), text elements become lines
// of text (a ColumnSet or a Table row on one line, its columns side by side), FactSets facts,
// Images and ImageSets pictures, Media clips, and the actions buttons: Action.OpenUrl a link,
// Action.Submit / Action.Execute a reply carrying its data as the JSON value, Action.ShowCard a
// nested card. Inputs and unknown elements cannot be shown: an element's own `fallback` stands in
// when it has one, else the card's fallbackText is added, and either way it is noted. Bounded:
// depth, number of elements, length of every string.
import { MAX_TEXT, type Card, type CardImage, type CardMedia } from '../customer-chat-api/wire';
import { CARD_BOUNDS, arr, cardUrl, clip, isObject, push, replyValue, str, type CardButton, type Json, type Notes } from './read-kit';

const HEADING_SIZES = new Set(['medium', 'large', 'extralarge']);
const PIXELS = /^(\d{1,4})px$/;

/** Adaptive Cards' {{DATE(…)}} and {{TIME(…)}} functions, which a host fills in: the date as written. */
const functions = (text: string) => text.replace(/\{\{(?:DATE|TIME)\(([^,)}]+)(?:,\s*[A-Z]+)?\)\}\}/g, (_m, iso: string) => iso.trim());

function pixels(value: unknown): number | undefined {
  const m = typeof value === 'string' ? PIXELS.exec(value) : null;
  const n = m ? Number(m[1]) : typeof value === 'number' ? value : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 4096 ? n : undefined;
}

export class AdaptiveReader {
  private elements = 0;
  private lost = false;
  private readonly card: Card = {};
  private readonly lines: string[] = [];

  constructor(
    private readonly notes: Notes,
    private readonly depth = 0,
  ) {}

  read(content: Json): Card {
    this.items(arr(content.body), this.depth, this.lines);
    this.actions(arr(content.actions), this.depth);
    const fallback = str(content.fallbackText);
    if (this.lost && fallback) {
      this.lines.push(fallback);
      this.notes.add('fallback-text');
    }
    if (this.lines.length) this.card.text = clip(this.lines.join('\n'), MAX_TEXT);
    if (Object.keys(this.card).length === 0) {
      const summary = fallback ?? str(content.speak);
      if (summary) {
        this.card.text = summary;
        if (fallback) this.notes.add('fallback-text');
      }
    }
    return this.card;
  }

  private counted(): boolean {
    if (++this.elements <= CARD_BOUNDS.elements) return true;
    if (this.elements === CARD_BOUNDS.elements + 1) this.notes.add('truncated');
    return false;
  }

  private items(items: unknown[], depth: number, lines: string[]): void {
    if (depth > CARD_BOUNDS.depth) {
      if (items.length) this.notes.add('truncated');
      return;
    }
    for (const item of items) if (isObject(item) && item.isVisible !== false && this.counted()) this.element(item, depth, lines);
  }

  /** Whether nothing but the title has been shown yet (a heading is then the card's title). */
  private atTop(lines: string[]): boolean {
    return lines === this.lines && lines.length === 0 && !this.card.facts && !this.card.images && !this.card.media;
  }

  private element(item: Json, depth: number, lines: string[]): void {
    switch (item.type) {
      case 'TextBlock': {
        const text = str(item.text);
        if (!text) return;
        const heading = String(item.weight).toLowerCase() === 'bolder' || HEADING_SIZES.has(String(item.size).toLowerCase()) || item.style === 'heading';
        if (!this.card.title && heading && this.atTop(lines)) this.card.title = clip(functions(text), CARD_BOUNDS.title);
        else if (this.card.title && !this.card.subtitle && item.isSubtle === true && this.atTop(lines)) this.card.subtitle = clip(functions(text), CARD_BOUNDS.title);
        else lines.push(functions(text));
        return;
      }
      case 'RichTextBlock': {
        const text = arr(item.inlines)
          .map((inline) => (typeof inline === 'string' ? inline : isObject(inline) && inline.type !== 'Icon' ? (str(inline.text) ?? '') : ''))
          .join('');
        if (text.trim()) lines.push(clip(functions(text), MAX_TEXT));
        return;
      }
      case 'FactSet':
        for (const fact of arr(item.facts)) {
          if (!isObject(fact)) continue;
          const title = str(fact.title, CARD_BOUNDS.factTitle) ?? '';
          const value = str(fact.value, CARD_BOUNDS.factValue) ?? '';
          if (title || value) this.card.facts = push(this.card.facts, { title: functions(title), value: functions(value) }, CARD_BOUNDS.facts, this.notes);
        }
        return;
      case 'Image':
        this.image(item);
        return;
      case 'ImageSet':
        for (const image of arr(item.images)) if (isObject(image) && this.counted()) this.image(image);
        return;
      case 'Media':
        this.media(item);
        return;
      case 'Container':
        this.items(arr(item.items), depth + 1, lines);
        this.select(item.selectAction);
        return;
      case 'Column':
        this.items(arr(item.items), depth + 1, lines);
        return;
      case 'ColumnSet':
        this.row(
          arr(item.columns).map((column) => (isObject(column) ? arr(column.items) : [])),
          depth,
          lines,
        );
        return;
      case 'Table':
        for (const row of arr(item.rows)) {
          if (!isObject(row) || !this.counted()) continue;
          this.row(
            arr(row.cells).map((cell) => (isObject(cell) ? arr(cell.items) : [])),
            depth,
            lines,
          );
        }
        return;
      case 'ActionSet':
        this.actions(arr(item.actions), depth);
        return;
      default:
        this.unknown(item, depth, lines);
    }
  }

  /** Columns (or table cells) side by side: each one's text on one line, separated by a dot. */
  private row(columns: unknown[][], depth: number, lines: string[]): void {
    if (depth + 1 > CARD_BOUNDS.depth) return this.notes.add('truncated');
    const parts: string[] = [];
    for (const items of columns) {
      const own: string[] = [];
      this.items(items, depth + 1, own);
      if (own.length) parts.push(own.join(' '));
    }
    if (parts.length) lines.push(clip(parts.join(' · '), MAX_TEXT));
  }

  /** An input, or an element this bridge does not know: its fallback element, or nothing (noted). */
  private unknown(item: Json, depth: number, lines: string[]): void {
    if (isObject(item.fallback) && depth < CARD_BOUNDS.depth) return this.element(item.fallback, depth + 1, lines);
    if (item.fallback === 'drop') return;
    this.lost = true;
    if (typeof item.type === 'string' && item.type.startsWith('Input.')) {
      this.notes.add('input');
      const label = str(item.label, CARD_BOUNDS.title) ?? str(item.placeholder, CARD_BOUNDS.title);
      if (label) lines.push(`${label} (please type your answer)`);
      return;
    }
    this.notes.add('unknown-element');
  }

  private image(item: Json): void {
    const url = cardUrl(item.url, this.notes);
    // The same picture twice (an icon in each row) is shown once.
    if (!url || this.card.images?.some((i) => i.url === url)) return;
    const image: CardImage = { url, alt: str(item.altText, CARD_BOUNDS.title) ?? this.card.title ?? 'Image' };
    const width = pixels(item.width);
    const height = pixels(item.height);
    if (width) image.width = width;
    if (height) image.height = height;
    if (isObject(item.selectAction) && item.selectAction.type === 'Action.OpenUrl') {
      const link = cardUrl(item.selectAction.url, this.notes);
      if (link) image.link = link;
    }
    this.card.images = push(this.card.images, image, CARD_BOUNDS.images, this.notes);
  }

  private media(item: Json): void {
    const sources = arr(item.sources).filter(isObject);
    const source = sources.find((s) => cardUrl(s.url, this.notes));
    if (!source) return;
    const kind: CardMedia['kind'] = typeof source.mimeType === 'string' && source.mimeType.startsWith('audio/') ? 'audio' : 'video';
    const clipOf: CardMedia = { kind, url: cardUrl(source.url, this.notes)! };
    const title = str(item.altText, CARD_BOUNDS.title);
    if (title) clipOf.title = title;
    const poster = cardUrl(item.poster, this.notes);
    if (poster) clipOf.poster = poster;
    this.card.media = push(this.card.media, clipOf, CARD_BOUNDS.media, this.notes);
  }

  /** A container's selectAction: a link is a button; anything else is not shown. */
  private select(action: unknown): void {
    if (isObject(action) && action.type === 'Action.OpenUrl') this.actions([action], this.depth);
  }

  private actions(actions: unknown[], depth: number): void {
    for (const action of actions) {
      if (!isObject(action) || !this.counted()) continue;
      const button = this.action(action, depth);
      if (button) this.card.buttons = push(this.card.buttons, button, CARD_BOUNDS.buttons, this.notes);
    }
  }

  private action(action: Json, depth: number): CardButton | null {
    const title = str(action.title, CARD_BOUNDS.buttonTitle);
    switch (action.type) {
      case 'Action.OpenUrl': {
        const url = cardUrl(action.url, this.notes);
        return url ? { type: 'openUrl', title: title ?? clip(url, CARD_BOUNDS.buttonTitle), value: url } : null;
      }
      case 'Action.Submit':
      case 'Action.Execute':
        return title ? { type: 'reply', title, value: submitValue(action, title) } : null;
      case 'Action.ShowCard': {
        if (!title || !isObject(action.card)) return null;
        if (depth + 1 > CARD_BOUNDS.depth) {
          this.notes.add('truncated');
          return null;
        }
        return { type: 'showCard', title, card: new AdaptiveReader(this.notes, depth + 1).read(action.card) };
      }
      default:
        this.notes.add('action');
        return null;
    }
  }
}

/**
 * What pressing a Submit sends: its data as the activity's value (as Web Chat does), a string data
 * as what the customer says; Teams-style data (msteams imBack / messageBack) as Teams reads it.
 */
function submitValue(action: Json, title: string): string | Record<string, unknown> {
  const data = action.data;
  if (isObject(data) && isObject(data.msteams)) {
    const teams = data.msteams;
    if (teams.type === 'imBack') return replyValue(teams.value, title);
    if (teams.type === 'messageBack') return isObject(teams.value) ? replyValue(teams.value, title) : replyValue(teams.text, title);
  }
  const value = action.type === 'Action.Execute' && typeof action.verb === 'string' ? { ...(isObject(data) ? data : {}), verb: action.verb } : data;
  if (typeof value === 'string') return replyValue(value, title);
  return replyValue(isObject(value) ? value : {}, title);
}
