import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Card as CardModel } from '../../core';
import { Card, type Reply } from './Card';
import { Carousel } from './Carousel';
import css from './cards.css?inline';

const styled = new WeakSet<ShadowRoot>();

/** Adds the cards' stylesheet to the widget's shadow root once (a constructable sheet: nothing a strict CSP refuses). */
function adoptStyles(node: Node | null): void {
  const root = node?.getRootNode();
  if (typeof ShadowRoot === 'undefined' || !(root instanceof ShadowRoot) || styled.has(root)) return;
  styled.add(root);
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    /* an engine without constructable sheets shows the cards unstyled */
  }
}

export interface CardsProps {
  cards: CardModel[];
  layout: 'list' | 'carousel' | undefined;
  /** Reply buttons are off: one was used, or the chat is over. */
  disabled: boolean;
  onReply: Reply;
}

/** The cards of one message: one after another, or side by side in a carousel. */
export function Cards({ cards, layout, disabled, onReply }: CardsProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => adoptStyles(ref.current), []);
  return (
    <div class="cards" ref={ref}>
      {layout === 'carousel' && cards.length > 1 ? (
        <Carousel cards={cards} disabled={disabled} onReply={onReply} />
      ) : (
        cards.map((card, i) => <Card key={i} card={card} disabled={disabled} onReply={onReply} />)
      )}
    </div>
  );
}
