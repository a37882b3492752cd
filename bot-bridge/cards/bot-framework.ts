// Bot Framework's rich cards (botframework-schema: hero, thumbnail, receipt, signin, OAuth,
// animation, audio, video) in the card model. Each is a flat card already; what needs care is the
// buttons: links stay links (openUrl, signin, play…, showImage, downloadFile), answers stay answers
// (imBack, postBack, messageBack: a reply button whose value is what the customer says, or the
// JSON the bot gets back), and what has no button here (call) is left out and noted.
import type { Card, CardImage, CardMedia } from '../customer-chat-api/wire';
import { CARD_BOUNDS, arr, cardUrl, clip, isObject, push, replyValue, str, type CardButton, type Json, type Notes } from './read-kit';

export const CONTENT_TYPES = {
  hero: 'application/vnd.microsoft.card.hero',
  thumbnail: 'application/vnd.microsoft.card.thumbnail',
  receipt: 'application/vnd.microsoft.card.receipt',
  signin: 'application/vnd.microsoft.card.signin',
  oauth: 'application/vnd.microsoft.card.oauth',
  animation: 'application/vnd.microsoft.card.animation',
  audio: 'application/vnd.microsoft.card.audio',
  video: 'application/vnd.microsoft.card.video',
  adaptive: 'application/vnd.microsoft.card.adaptive',
} as const;

const LINK_ACTIONS = new Set(['openUrl', 'signin', 'playAudio', 'playVideo', 'showImage', 'downloadFile']);

/** One Bot Framework CardAction as a button, or null (noted) when it has none here. */
export function cardAction(raw: unknown, notes: Notes): CardButton | null {
  if (!isObject(raw)) return null;
  const type = typeof raw.type === 'string' ? raw.type : 'imBack';
  const title = str(raw.title, CARD_BOUNDS.buttonTitle) ?? str(raw.displayText, CARD_BOUNDS.buttonTitle) ?? str(raw.text, CARD_BOUNDS.buttonTitle);
  if (LINK_ACTIONS.has(type)) {
    if (type === 'signin' && (raw.value === undefined || raw.value === null || raw.value === '')) {
      notes.add('sign-in');
      return null;
    }
    const url = cardUrl(raw.value, notes);
    return url ? { type: 'openUrl', title: title ?? clip(url, CARD_BOUNDS.buttonTitle), value: url } : null;
  }
  if (type === 'imBack' || type === 'postBack' || type === 'messageBack') {
    const label = title ?? (typeof raw.value === 'string' ? clip(raw.value, CARD_BOUNDS.buttonTitle) : undefined);
    if (!label) return null;
    // messageBack: `text` is what the bot reads, `value` its data.
    const value = type === 'messageBack' ? (isObject(raw.value) ? replyValue(raw.value, label) : replyValue(raw.text, label)) : replyValue(raw.value, label);
    return { type: 'reply', title: label, value };
  }
  notes.add('action');
  return null;
}

function buttons(list: unknown, notes: Notes): CardButton[] | undefined {
  let out: CardButton[] | undefined;
  for (const raw of arr(list)) {
    const button = cardAction(raw, notes);
    if (button) out = push(out, button, CARD_BOUNDS.buttons, notes);
  }
  return out;
}

function image(raw: unknown, alt: string, notes: Notes): CardImage | null {
  const source = typeof raw === 'string' ? { url: raw } : isObject(raw) ? raw : null;
  if (!source) return null;
  const url = cardUrl(source.url, notes);
  if (!url) return null;
  const out: CardImage = { url, alt: str(source.alt, CARD_BOUNDS.title) ?? alt };
  const tap = isObject(source.tap) ? cardAction(source.tap, notes) : null;
  if (tap?.type === 'openUrl') out.link = tap.value;
  return out;
}

/** title, subtitle and text, as every rich card has them. */
function heading(content: Json): Card {
  const card: Card = {};
  const title = str(content.title, CARD_BOUNDS.title);
  const subtitle = str(content.subtitle, CARD_BOUNDS.title);
  const text = str(content.text);
  if (title) card.title = title;
  if (subtitle) card.subtitle = subtitle;
  if (text) card.text = text;
  return card;
}

function finish(card: Card, content: Json, notes: Notes): Card {
  const list = buttons(content.buttons, notes);
  if (list?.length) card.buttons = [...(card.buttons ?? []), ...list];
  return card;
}

/** Hero and thumbnail cards: a heading, pictures (a tap makes one a link), buttons. */
export function heroCard(content: Json, notes: Notes): Card {
  const card = heading(content);
  let images: CardImage[] | undefined;
  for (const raw of arr(content.images)) {
    const one = image(raw, card.title ?? 'Image', notes);
    if (one) images = push(images, one, CARD_BOUNDS.images, notes);
  }
  if (images?.length) card.images = images;
  // A tap on the whole card is one more way to the same place: a button the customer can see.
  const tap = isObject(content.tap) ? cardAction(content.tap, notes) : null;
  if (tap && !arr(content.buttons).length) card.buttons = [tap];
  return finish(card, content, notes);
}

/** A receipt: its facts, one line per item (quantity and price), tax, VAT and total; the items' pictures. */
export function receiptCard(content: Json, notes: Notes): Card {
  const card = heading(content);
  let facts: Card['facts'];
  const fact = (title: string | undefined, value: string | undefined) => {
    if (title || value) facts = push(facts, { title: clip(title ?? '', CARD_BOUNDS.factTitle), value: clip(value ?? '', CARD_BOUNDS.factValue) }, CARD_BOUNDS.facts, notes);
  };
  for (const raw of arr(content.facts)) if (isObject(raw)) fact(str(raw.key) ?? str(raw.title), str(raw.value));
  let images: CardImage[] | undefined;
  for (const raw of arr(content.items)) {
    if (!isObject(raw)) continue;
    const name = str(raw.title) ?? str(raw.subtitle) ?? str(raw.text) ?? 'Item';
    const quantity = typeof raw.quantity === 'number' || typeof raw.quantity === 'string' ? String(raw.quantity) : '';
    fact(quantity ? `${name} × ${quantity}` : name, str(raw.price));
    const picture = image(raw.image, name, notes);
    if (picture) images = push(images, picture, CARD_BOUNDS.images, notes);
  }
  fact(str(content.tax) ? 'Tax' : undefined, str(content.tax));
  fact(str(content.vat) ? 'VAT' : undefined, str(content.vat));
  fact(str(content.total) ? 'Total' : undefined, str(content.total));
  if (facts?.length) card.facts = facts;
  if (images?.length) card.images = images;
  return finish(card, content, notes);
}

/** Sign-in and OAuth cards: the text and a link button. An OAuth card's button has a link only where a token service filled it in. */
export function signinCard(content: Json, notes: Notes): Card {
  const card = finish(heading(content), content, notes);
  if (!card.buttons?.length) card.text = [card.text, SIGN_IN_UNAVAILABLE].filter(Boolean).join('\n');
  return card;
}

/** What an OAuth card without a link says instead of its button. */
export const SIGN_IN_UNAVAILABLE = '(Signing in is not available in this chat.)';

/** Animation, audio and video cards: the clips (http(s) links the client plays or opens), a picture, buttons. */
export function mediaCard(content: Json, kind: CardMedia['kind'], notes: Notes): Card {
  const card = heading(content);
  const still = image(content.image, card.title ?? 'Image', notes);
  let media: CardMedia[] | undefined;
  for (const raw of arr(content.media)) {
    const url = isObject(raw) ? cardUrl(raw.url, notes) : null;
    if (!url) continue;
    const clipOf: CardMedia = { kind, url, ...(card.title ? { title: card.title } : {}) };
    if (still && kind !== 'audio') clipOf.poster = still.url;
    media = push(media, clipOf, CARD_BOUNDS.media, notes);
  }
  if (media?.length) card.media = media;
  // A still shown as a poster is not shown twice; an audio card's picture is its cover.
  if (still && (kind === 'audio' || !media?.length)) card.images = [still];
  return finish(card, content, notes);
}
