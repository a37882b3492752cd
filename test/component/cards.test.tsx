// Cards in the message log (the lazy cards chunk): what a card shows and how, links that only open
// http(s) in a new tab, reply buttons that send once and then disable, a nested card that opens in
// place, a carousel a keyboard and a screen reader can use, and the author's words instead of the
// server's summary.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { Card } from '../../src/core';
import { Messages } from '../../src/ui/Messages';
import { chatting, fakeView, message, renderWith } from '../support/view';

const log = () => screen.getByRole('log', { name: 'Chat Log' });

function show(cards: Card[], more: Parameters<typeof message>[2] = {}) {
  const item = message('bot', 'Summary: Order A-1001 …', { body: 'Here is your order', cards, ...more });
  const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [item] } });
  renderWith(view, <Messages />);
  return { view, item };
}

describe('cards', () => {
  it('shows title, subtitle, text, facts and sized pictures with their alt text, and the author’s words instead of the summary', async () => {
    show([
      {
        title: 'Order A-1001',
        subtitle: 'Arrives Tuesday',
        text: 'Track it at https://track.example/A-1001',
        facts: [
          { title: 'Carrier', value: 'DHL' },
          { title: 'Weight', value: '2 kg' },
        ],
        images: [
          { url: 'https://img.example/parcel.png', alt: 'The parcel', width: 320, height: 180 },
          { url: 'https://img.example/label.png', alt: 'The label' },
        ],
      },
    ]);
    expect(await within(log()).findByText('Order A-1001')).toBeTruthy();
    expect(within(log()).getByText('Here is your order')).toBeTruthy();
    expect(within(log()).queryByText(/Summary:/)).toBeNull();
    expect(within(log()).getByText('Arrives Tuesday')).toBeTruthy();
    expect(within(log()).getByRole('link', { name: 'https://track.example/A-1001' }).getAttribute('rel')).toContain('noopener');
    const facts = log().querySelector('dl.card-facts')!;
    expect([...facts.querySelectorAll('dt')].map((d) => d.textContent)).toEqual(['Carrier', 'Weight']);
    expect([...facts.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['DHL', '2 kg']);
    const sized = within(log()).getByRole('img', { name: 'The parcel' }) as HTMLImageElement;
    expect([sized.getAttribute('width'), sized.getAttribute('height'), sized.getAttribute('loading')]).toEqual(['320', '180', 'lazy']);
    // No size known: a box of fixed proportions holds the place (no jump when it loads).
    expect(within(log()).getByRole('img', { name: 'The label' }).className).toContain('unsized');
  });

  it('shows the summary until the cards chunk is there', () => {
    // The first render of a card message happens before the dynamic import resolves… unless it
    // was loaded by an earlier test: then the cards show at once, which is also right.
    show([{ title: 'Hello card' }]);
    const shown = log().textContent ?? '';
    expect(shown.includes('Summary: Order A-1001') || shown.includes('Hello card')).toBe(true);
  });

  it('opens only http(s) links, in a new tab without the opener, and escapes what the card says', async () => {
    show([
      {
        title: '<img src=x onerror="window.__owned=1">Deals',
        images: [
          { url: 'javascript:alert(1)', alt: 'bad' },
          { url: 'https://img.example/a.png', alt: 'Linked', link: 'https://shop.example/a' },
        ],
        buttons: [
          { type: 'openUrl', title: 'Open the shop', value: 'https://shop.example/' },
          { type: 'openUrl', title: 'Script', value: 'javascript:alert(1)' },
          { type: 'openUrl', title: 'Data', value: 'data:text/html,<script>1</script>' },
        ],
      },
    ]);
    const link = await within(log()).findByRole('link', { name: /Open the shop/ });
    expect([link.getAttribute('href'), link.getAttribute('target'), link.getAttribute('rel')]).toEqual(['https://shop.example/', '_blank', 'noopener noreferrer']);
    expect(link.textContent).toBe('Open the shop (opens in a new tab)');
    expect(within(log()).queryByText(/Script|Data/)).toBeNull();
    expect(within(log()).queryByRole('img', { name: 'bad' })).toBeNull();
    expect(within(log()).getByRole('img', { name: 'Linked' }).closest('a')?.getAttribute('href')).toBe('https://shop.example/a');
    expect(within(log()).getByText(/<img src=x/)).toBeTruthy();
    expect(log().querySelector('img[src="x"]')).toBeNull();
  });

  it('a reply button sends its title (or its string value) with its JSON value, then every reply button of the message is disabled', async () => {
    const { view, item } = show([
      {
        title: 'Choose a size',
        buttons: [
          { type: 'reply', title: 'Large', value: { size: 'L' } },
          { type: 'reply', title: 'Small', value: 'I want the small one' },
        ],
      },
    ]);
    const large = await within(log()).findByRole('button', { name: 'Large' });
    fireEvent.click(large);
    expect(view.reply).toHaveBeenCalledWith(item.index, 'Large', { size: 'L' });
    expect((within(log()).getByRole('button', { name: 'Large' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(log()).getByRole('button', { name: 'Small' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a string value is what the customer says', async () => {
    const { view, item } = show([{ buttons: [{ type: 'reply', title: 'Small', value: 'I want the small one' }] }]);
    fireEvent.click(await within(log()).findByRole('button', { name: 'Small' }));
    expect(view.reply).toHaveBeenCalledWith(item.index, 'I want the small one', undefined);
  });

  it('reply buttons stay disabled for a message already replied to (another tab, a reload), and once the chat ended', async () => {
    show([{ buttons: [{ type: 'reply', title: 'Yes', value: 'yes' }] }], { replied: true });
    expect(((await within(log()).findByRole('button', { name: 'Yes' })) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a showCard button opens its card in place and closes it again', async () => {
    show([{ title: 'Question', buttons: [{ type: 'showCard', title: 'More', card: { text: 'The details' } }] }]);
    const more = await within(log()).findByRole('button', { name: 'More' });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    expect(within(log()).queryByText('The details')).toBeNull();
    fireEvent.click(more);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(within(log()).getByText('The details')).toBeTruthy();
    fireEvent.click(more);
    expect(within(log()).queryByText('The details')).toBeNull();
  });

  it('a carousel is a named, focusable list of named cards with previous and next buttons', async () => {
    show([{ title: 'One' }, { title: 'Two' }, { title: 'Three' }], { layout: 'carousel' });
    const track = await within(log()).findByRole('list', { name: '3 cards, side by side' });
    expect(track.getAttribute('tabindex')).toBe('0');
    expect(
      within(track)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label')),
    ).toEqual(['Card 1 of 3', 'Card 2 of 3', 'Card 3 of 3']);
    const previous = within(log()).getByRole('button', { name: 'Previous card' });
    const next = within(log()).getByRole('button', { name: 'Next card' });
    // At the start: "previous" says it can do nothing, but stays focusable.
    expect(previous.getAttribute('aria-disabled')).toBe('true');
    // happy-dom lays nothing out: give the track the widths of three cards in a narrow window.
    Object.defineProperty(track, 'scrollWidth', { value: 600 });
    Object.defineProperty(track, 'clientWidth', { value: 200 });
    fireEvent.scroll(track);
    expect(next.getAttribute('aria-disabled')).toBe('false');
    const scrollBy = vi.fn();
    (track as HTMLElement & { scrollBy: unknown }).scrollBy = scrollBy;
    fireEvent.click(next);
    expect(scrollBy).toHaveBeenCalledTimes(1);
    expect(scrollBy.mock.calls[0]![0].left).toBeGreaterThan(0);
    fireEvent.click(previous);
    expect(scrollBy).toHaveBeenCalledTimes(1);
  });

  it('one card with layout carousel is just a card', async () => {
    show([{ title: 'Only' }], { layout: 'carousel' });
    expect(await within(log()).findByText('Only')).toBeTruthy();
    expect(within(log()).queryByRole('button', { name: 'Next card' })).toBeNull();
  });
});
