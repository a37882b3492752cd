// The emulator's cards: an agent's cards (the card model) go out on the Chat Gateway as Adaptive
// Cards and read back the same; what a channel posts is read forgivingly and within bounds.
import { describe, expect, it } from 'vitest';
import { CardInputError, fallbackText, parseCards, readGatewayCards, toGatewayCard } from '../../demo/contact-center/cards';
import type { Card } from '../../bot-bridge/customer-chat-api';

const full: Card = {
  title: 'Order A-1001',
  subtitle: 'Shipped',
  text: 'Arrives Tuesday',
  facts: [{ title: 'Carrier', value: 'DHL' }],
  images: [{ url: 'https://shop.example/box.png', alt: 'The parcel', link: 'https://shop.example/A-1001' }],
  buttons: [
    { type: 'openUrl', title: 'Track', value: 'https://track.example/A-1001' },
    { type: 'reply', title: 'Thanks', value: 'thanks' },
    { type: 'reply', title: 'Size M', value: { size: 'M' } },
    { type: 'showCard', title: 'More', card: { title: 'Returns', text: '30 days' } },
  ],
};

describe('the card model on the Chat Gateway', () => {
  it('goes out as an Adaptive Card and reads back the same', () => {
    const out = toGatewayCard(full);
    expect(out.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(readGatewayCards([out])).toEqual({ cards: [full], quickReplies: [] });
  });

  it('reads hero and thumbnail cards, and 8x8 quick replies as answers', () => {
    const read = readGatewayCards([
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: {
          title: 'Hero',
          images: [{ url: 'https://x.example/a.png' }],
          buttons: [
            { type: 'openUrl', title: 'Site', value: 'https://x.example' },
            { type: 'imBack', title: 'Hi', value: 'hi' },
          ],
        },
      },
      { contentType: 'application/vnd.microsoft.card.thumbnail', content: { text: 'Thumb', buttons: [{ type: 'openUrl', title: 'Bad', value: 'javascript:alert(1)' }] } },
      { contentType: 'application/8x8.quick.replies', content: { options: [{ title: 'Yes', data: { postback: 'y' } }, { nope: 1 }] } },
    ]);
    expect(read).toEqual({
      cards: [
        {
          title: 'Hero',
          images: [{ url: 'https://x.example/a.png', alt: 'Hero' }],
          buttons: [
            { type: 'openUrl', title: 'Site', value: 'https://x.example/' },
            { type: 'reply', title: 'Hi', value: 'hi' },
          ],
        },
        { text: 'Thumb' },
      ],
      quickReplies: [{ title: 'Yes', payload: 'y' }],
    });
  });

  it('drops unsafe links and pictures, and stays within bounds on deep or huge cards', () => {
    let deep: Record<string, unknown> = { type: 'TextBlock', text: 'bottom' };
    for (let i = 0; i < 1000; i++) deep = { type: 'Container', items: [deep] };
    const many = Array.from({ length: 10_000 }, (_, i) => ({ type: 'TextBlock', text: `line ${i}` }));
    const read = readGatewayCards([
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [deep] } },
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: many } },
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          body: [
            { type: 'Image', url: 'data:image/svg+xml;base64,PHN2Zz4=' },
            { type: 'TextBlock', text: 'ok' },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'x', url: 'javascript:alert(1)' }],
        },
      },
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [{ type: 'Future.Thing' }], fallbackText: 'Update your app' } },
    ]);
    expect(read.cards[0]).toEqual({ text: '(A card of type application/vnd.microsoft.card.adaptive that the emulator does not show)' });
    expect(read.cards[1]!.text!.split('\n').length).toBeLessThanOrEqual(300);
    expect(read.cards[2]).toEqual({ text: 'ok' });
    expect(read.cards[3]).toEqual({ text: 'Update your app' });
  });
});

describe('an agent\u2019s cards', () => {
  it('are checked field by field', () => {
    expect(parseCards([full])).toEqual([full]);
    expect(parseCards(undefined)).toEqual([]);
    const refusals: [unknown, RegExp][] = [
      [{}, /cards must be an array/],
      [[{}], /cards\[0\] is empty/],
      [[{ title: 5 }], /cards\[0\]\.title must be a string/],
      [[{ buttons: [{ type: 'openUrl', title: 'x', value: 'javascript:alert(1)' }] }], /buttons\[0\]\.value must be an absolute http\(s\) URL/],
      [[{ buttons: [{ type: 'call', title: 'x' }] }], /type must be openUrl, reply or showCard/],
      [[{ images: [{ url: 'https://x.example/a.png', width: 0 }] }], /width must be a whole number/],
      [Array.from({ length: 11 }, () => ({ title: 'x' })), /at most 10 cards/],
      [
        [
          {
            buttons: [
              { type: 'showCard', title: 'a', card: { buttons: [{ type: 'showCard', title: 'b', card: { buttons: [{ type: 'showCard', title: 'c', card: { title: 'd' } }] } }] } },
            ],
          },
        ],
        /nest only 2 deep/,
      ],
    ];
    for (const [raw, message] of refusals) expect(() => parseCards(raw), String(message)).toThrow(message);
    expect(() => parseCards([{}])).toThrow(CardInputError);
  });

  it('have a readable fallback text, and files too', () => {
    expect(fallbackText(undefined, [full])).toBe('Order A-1001\nShipped\nArrives Tuesday\nCarrier: DHL\nTrack: https://track.example/A-1001\n[Thanks]\n[Size M]\n[More]');
    expect(fallbackText('', [], [{ name: 'a.png' }, { name: 'b.pdf' }])).toBe('File: a.png\nFile: b.pdf');
    expect(fallbackText('Look', [full], [{ name: 'a.png' }])).toBe('Look');
  });
});
