import { useEffect, useRef, useState } from 'preact/hooks';
import type { Card as CardModel } from '../../core';
import { useT } from '../context';
import { Card, type Reply } from './Card';

/**
 * Cards side by side: a list that scrolls sideways (focusable, so arrow keys scroll it; Tab reaches
 * each card's buttons and scrolls them into view), each card named "Card 2 of 5", and previous /
 * next buttons that move one card, aria-disabled at either end (still focusable, so the focus
 * never drops out of the window when the end is reached). In right-to-left languages the track
 * starts on the right and "next" moves left.
 */
export function Carousel({ cards, disabled, onReply }: { cards: CardModel[]; disabled: boolean; onReply: Reply }) {
  const t = useT();
  const track = useRef<HTMLUListElement>(null);
  const [edges, setEdges] = useState({ start: true, end: false });
  const count = cards.length;

  const measure = () => {
    const el = track.current;
    if (!el) return;
    // scrollLeft is 0 at the start and negative towards the end in right-to-left.
    const at = Math.abs(el.scrollLeft);
    const max = el.scrollWidth - el.clientWidth;
    // A few pixels of slack: snapping and the track's padding leave the ends a little off zero.
    setEdges({ start: at <= 4, end: at >= max - 4 });
  };
  useEffect(measure, [count]);

  const move = (direction: 1 | -1) => {
    const el = track.current;
    if (!el) return;
    const rtl = getComputedStyle(el).direction === 'rtl';
    const item = el.firstElementChild as HTMLElement | null;
    const step = (item?.offsetWidth ?? el.clientWidth) + 8;
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollBy({ left: direction * step * (rtl ? -1 : 1), behavior: still ? 'auto' : 'smooth' });
  };

  return (
    <div class="carousel">
      <ul class="carousel-track" ref={track} tabIndex={0} aria-label={t('cardsCarousel', { count })} onScroll={measure}>
        {cards.map((card, i) => (
          <li key={i} class="carousel-item" aria-label={t('cardPosition', { position: i + 1, count })}>
            <Card card={card} disabled={disabled} onReply={onReply} />
          </li>
        ))}
      </ul>
      <div class="carousel-controls">
        <button type="button" class="carousel-previous" aria-label={t('cardPrevious')} aria-disabled={edges.start} onClick={() => !edges.start && move(-1)}>
          <span aria-hidden="true">‹</span>
        </button>
        <button type="button" class="carousel-next" aria-label={t('cardNext')} aria-disabled={edges.end} onClick={() => !edges.end && move(1)}>
          <span aria-hidden="true">›</span>
        </button>
      </div>
    </div>
  );
}
