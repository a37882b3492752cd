import { useState } from 'preact/hooks';
import type { Card as CardModel, CardButton, CardImage } from '../../core';
import { useT } from '../context';
import { Text } from '../Text';
import { safeUrl } from '../url';

/** A reply button was used: what the customer says, and the JSON value that goes with it. */
export type Reply = (text: string, value?: Record<string, unknown>) => void;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
/** A nested card (Action.ShowCard) opens at most this deep. */
const MAX_DEPTH = 3;

function Image({ image }: { image: CardImage }) {
  const src = safeUrl(image.url, true);
  if (!src) return null;
  const width = Number(image.width) > 0 ? Number(image.width) : undefined;
  const height = Number(image.height) > 0 ? Number(image.height) : undefined;
  // Width and height give the box its proportions before the picture loads; without them a
  // 16:9 box holds its place, so the log never jumps.
  const img = <img class={width && height ? 'card-image' : 'card-image unsized'} src={src} alt={str(image.alt)} width={width} height={height} loading="lazy" decoding="async" />;
  const link = safeUrl(image.link);
  return link ? (
    <a href={link} target="_blank" rel="noopener noreferrer">
      {img}
    </a>
  ) : (
    img
  );
}

function Button({ button, disabled, open, onReply, onToggle }: { button: CardButton; disabled: boolean; open: boolean; onReply: Reply; onToggle(): void }) {
  const t = useT();
  const title = str(button.title);
  if (!title) return null;
  if (button.type === 'openUrl') {
    const href = safeUrl(button.value);
    return href ? (
      <a class="card-button" href={href} target="_blank" rel="noopener noreferrer">
        {title}
        <span class="visually-hidden"> {t('opensInNewTab')}</span>
      </a>
    ) : null;
  }
  if (button.type === 'reply') {
    const value = button.value;
    // A string value is what the customer says; a JSON value (Action.Submit data) goes with the title.
    const said = typeof value === 'string' && value.trim() ? value : title;
    const json = value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
    return (
      <button type="button" class="card-button" disabled={disabled} onClick={() => onReply(said, json)}>
        {title}
      </button>
    );
  }
  if (button.type === 'showCard') {
    return (
      <button type="button" class="card-button" aria-expanded={open} onClick={onToggle}>
        {title}
      </button>
    );
  }
  return null;
}

/** One card: pictures, title, subtitle, text, facts, media links and buttons; everything is escaped by Preact. */
export function Card({ card, disabled, onReply, depth = 0 }: { card: CardModel; disabled: boolean; onReply: Reply; depth?: number }) {
  const t = useT();
  const [shown, setShown] = useState<number | null>(null);
  const buttons = Array.isArray(card.buttons) ? card.buttons.filter((b) => b && typeof b === 'object') : [];
  const nested = shown !== null ? buttons[shown] : undefined;
  return (
    <div class="card">
      {Array.isArray(card.images) && card.images.map((image, i) => image && <Image key={i} image={image} />)}
      {str(card.title) && (
        <p class="card-title">
          <Text text={str(card.title)} />
        </p>
      )}
      {str(card.subtitle) && <p class="card-subtitle">{str(card.subtitle)}</p>}
      {str(card.text) && (
        <p class="card-text">
          <Text text={str(card.text)} />
        </p>
      )}
      {Array.isArray(card.facts) && card.facts.length > 0 && (
        <dl class="card-facts">
          {card.facts.map((fact, i) => (
            <div key={i}>
              <dt>{str(fact?.title)}</dt>
              <dd>{str(fact?.value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {Array.isArray(card.media) &&
        card.media.map((media, i) => {
          const url = safeUrl(media?.url, media?.kind === 'animation');
          if (!url) return null;
          return media.kind === 'animation' ? (
            <img key={i} class="card-image unsized" src={url} alt={str(media.title) || str(card.title)} loading="lazy" />
          ) : (
            <a key={i} class="card-media" href={url} target="_blank" rel="noopener noreferrer">
              ▶ {str(media.title) || t('playMedia')}
              <span class="visually-hidden"> {t('opensInNewTab')}</span>
            </a>
          );
        })}
      {buttons.length > 0 && (
        <div class="card-buttons">
          {buttons.map((button, i) => (
            <Button key={i} button={button} disabled={disabled} open={shown === i} onReply={onReply} onToggle={() => setShown(shown === i ? null : i)} />
          ))}
        </div>
      )}
      {nested?.type === 'showCard' && nested.card && depth < MAX_DEPTH && <Card card={nested.card} disabled={disabled} onReply={onReply} depth={depth + 1} />}
    </div>
  );
}
