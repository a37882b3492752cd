// A message's cards as the agent reads them: title, subtitle, text, facts, images with their alt
// text, media as links, and buttons. The buttons are the customer's to press: a link opens in a
// new tab, a reply button is an inert label, a nested card folds out. Text is always text
// (Preact escapes it); URLs pass safe-url first.
import type { Card } from './api';
import { safeImage, safeLink } from './safe-url';

export function Cards({ cards, layout }: { cards: Card[]; layout?: 'list' | 'carousel' | undefined }) {
  const carousel = layout === 'carousel' && cards.length > 1;
  return (
    <ul
      class={`cards ${carousel ? 'carousel' : ''}`}
      aria-label={carousel ? `${cards.length} cards, side by side` : cards.length > 1 ? `${cards.length} cards` : 'Card'}
      // A carousel scrolls sideways: focusable so that the keyboard can scroll it.
      {...(carousel ? { tabIndex: 0 } : {})}
    >
      {cards.map((card, n) => (
        <li key={n}>
          <CardView card={card} />
        </li>
      ))}
    </ul>
  );
}

function CardView({ card }: { card: Card }) {
  return (
    <div class="card">
      {card.images?.map((image, n) => {
        const src = safeImage(image.url);
        if (!src) return null;
        const img = <img src={src} alt={image.alt} loading="lazy" {...(image.width ? { width: image.width } : {})} {...(image.height ? { height: image.height } : {})} />;
        const link = image.link && safeLink(image.link);
        return link ? (
          <a key={n} href={link} target="_blank" rel="noopener noreferrer">
            {img}
          </a>
        ) : (
          <span key={n}>{img}</span>
        );
      })}
      {card.title && <p class="card-title">{card.title}</p>}
      {card.subtitle && <p class="card-subtitle">{card.subtitle}</p>}
      {card.text && <p class="card-text">{card.text}</p>}
      {card.facts && card.facts.length > 0 && (
        <dl class="facts">
          {card.facts.map((fact, n) => (
            <div key={n}>
              <dt>{fact.title}</dt>
              <dd>{fact.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {card.media?.map((clip, n) => {
        const href = safeLink(clip.url);
        return href ? (
          <p key={n} class="card-media">
            <a href={href} target="_blank" rel="noopener noreferrer">
              {clip.kind === 'audio' ? 'Audio' : clip.kind === 'video' ? 'Video' : 'Animation'}: {clip.title ?? href}
            </a>
          </p>
        ) : null;
      })}
      {card.buttons && card.buttons.length > 0 && (
        <div class="card-buttons">
          {card.buttons.map((button, n) => {
            if (button.type === 'openUrl') {
              const href = safeLink(button.value);
              return href ? (
                <a key={n} class="card-button" href={href} target="_blank" rel="noopener noreferrer">
                  {button.title}
                </a>
              ) : (
                <span key={n} class="card-button inert">
                  {button.title}
                </span>
              );
            }
            if (button.type === 'showCard') {
              return (
                <details key={n} class="card-more">
                  <summary>{button.title}</summary>
                  <CardView card={button.card} />
                </details>
              );
            }
            return (
              <span key={n} class="card-button inert" title="A button for the customer: it answers with its text">
                {button.title}
              </span>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** A bot's suggested answers, shown as the customer sees them (the agent cannot press them). */
export function QuickReplies({ replies }: { replies: { title: string }[] }) {
  return (
    <p class="quick-replies">
      <span class="visually-hidden">Suggested replies: </span>
      {replies.map((reply, n) => (
        <span key={n} class="card-button inert">
          {reply.title}
        </span>
      ))}
    </p>
  );
}
