// Adaptive Cards → the card model, element by element (TextBlock, RichTextBlock, Image, ImageSet,
// FactSet, Container, ColumnSet/Column, Table, Media, ActionSet, Action.OpenUrl, Action.Submit,
// Action.Execute, Action.ShowCard), and what cannot be shown: inputs, unknown elements (their own
// fallback, else the card's fallbackText), unsafe URLs, bounds. The 06.using-cards flight card too.
import { readFileSync } from 'node:fs';
import { CardFactory } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { readBotMessage } from '../../bot-bridge/cards';

const card = (body: unknown[], extra: Record<string, unknown> = {}) => {
  const m = readBotMessage(JSON.parse(JSON.stringify({ type: 'message', attachments: [CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.5', body, ...extra })] })));
  return { card: m.cards[0], simplified: m.simplified, text: m.text };
};

describe('Adaptive Card elements', () => {
  it('TextBlock: the first heading is the title, a subtle line after it the subtitle, the rest lines of text', () => {
    const { card: c } = card([
      { type: 'TextBlock', text: 'Your order', weight: 'Bolder', size: 'Medium' },
      { type: 'TextBlock', text: 'A-1001', isSubtle: true },
      { type: 'TextBlock', text: 'Ships {{DATE(2026-12-01T10:00:00Z, SHORT)}}' },
      { type: 'TextBlock', text: 'Thanks!', weight: 'Bolder' },
      { type: 'TextBlock', text: '   ' },
      { type: 'TextBlock', text: 'hidden', isVisible: false },
    ]);
    expect(c).toEqual({ title: 'Your order', subtitle: 'A-1001', text: 'Ships 2026-12-01T10:00:00Z\nThanks!' });
  });

  it('RichTextBlock: its text runs joined into one line', () => {
    expect(card([{ type: 'RichTextBlock', inlines: ['Hello ', { type: 'TextRun', text: 'world', weight: 'Bolder' }, { type: 'TextRun', text: '!' }] }]).card).toEqual({
      text: 'Hello world!',
    });
  });

  it('Image and ImageSet: pictures with alt text, pixel sizes and a select link; unsafe ones left out', () => {
    const { card: c, simplified } = card([
      { type: 'TextBlock', text: 'Gallery', weight: 'Bolder' },
      { type: 'Image', url: 'https://x.example/a.png', altText: 'A', width: '120px', height: '80px', selectAction: { type: 'Action.OpenUrl', url: 'https://x.example/a' } },
      {
        type: 'ImageSet',
        images: [
          { type: 'Image', url: 'https://x.example/b.png' },
          { type: 'Image', url: 'javascript:alert(1)' },
        ],
      },
    ]);
    expect(c!.images).toEqual([
      { url: 'https://x.example/a.png', alt: 'A', width: 120, height: 80, link: 'https://x.example/a' },
      { url: 'https://x.example/b.png', alt: 'Gallery' },
    ]);
    expect(simplified).toEqual(['unsafe-url']);
  });

  it('FactSet: facts', () => {
    expect(
      card([
        {
          type: 'FactSet',
          facts: [
            { title: 'Carrier', value: 'DHL' },
            { title: 'ETA', value: 'Tuesday' },
          ],
        },
      ]).card,
    ).toEqual({
      facts: [
        { title: 'Carrier', value: 'DHL' },
        { title: 'ETA', value: 'Tuesday' },
      ],
    });
  });

  it('Container, ColumnSet and Column: read through; a column set’s columns on one line', () => {
    const { card: c } = card([
      { type: 'Container', items: [{ type: 'TextBlock', text: 'Flight' }] },
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            items: [
              { type: 'TextBlock', text: 'San Francisco' },
              { type: 'TextBlock', text: 'SFO' },
            ],
          },
          { type: 'Column', items: [{ type: 'TextBlock', text: ' ' }] },
          {
            type: 'Column',
            items: [
              { type: 'TextBlock', text: 'Amsterdam' },
              { type: 'TextBlock', text: 'AMS' },
            ],
          },
        ],
      },
      { type: 'Column', items: [{ type: 'TextBlock', text: 'loose column' }] },
    ]);
    expect(c).toEqual({ text: 'Flight\nSan Francisco SFO · Amsterdam AMS\nloose column' });
  });

  it('Table: a line per row', () => {
    const cell = (text: string) => ({ type: 'TableCell', items: [{ type: 'TextBlock', text }] });
    expect(card([{ type: 'Table', rows: [{ type: 'TableRow', cells: [cell('Size'), cell('M')] }] }]).card).toEqual({ text: 'Size · M' });
  });

  it('Media: a clip (audio by its type), with its poster', () => {
    expect(
      card([
        { type: 'Media', poster: 'https://x.example/p.jpg', altText: 'Intro', sources: [{ mimeType: 'video/mp4', url: 'https://x.example/v.mp4' }] },
        { type: 'Media', sources: [{ mimeType: 'audio/mpeg', url: 'https://x.example/a.mp3' }] },
      ]).card!.media,
    ).toEqual([
      { kind: 'video', url: 'https://x.example/v.mp4', title: 'Intro', poster: 'https://x.example/p.jpg' },
      { kind: 'audio', url: 'https://x.example/a.mp3' },
    ]);
  });

  it('actions: OpenUrl a link, Submit a reply with its data as the JSON value, Execute with its verb, ShowCard a nested card; ActionSet in the body too', () => {
    const { card: c, simplified } = card(
      [
        { type: 'TextBlock', text: 'Pick a size', weight: 'Bolder' },
        { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Small', data: { size: 'S' } }] },
      ],
      {
        actions: [
          { type: 'Action.OpenUrl', title: 'Size guide', url: 'https://x.example/sizes' },
          { type: 'Action.Submit', title: 'Medium', data: { size: 'M' } },
          { type: 'Action.Submit', title: 'Say hi', data: 'hi' },
          { type: 'Action.Submit', title: 'Teams', data: { msteams: { type: 'imBack', value: 'large please' } } },
          { type: 'Action.Submit', title: 'Plain' },
          { type: 'Action.Execute', title: 'Order', verb: 'order', data: { id: 7 } },
          { type: 'Action.ShowCard', title: 'More', card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Returns: 30 days' }] } },
          { type: 'Action.ToggleVisibility', title: 'Toggle', targetElements: ['x'] },
          { type: 'Action.OpenUrl', title: 'Bad', url: 'javascript:alert(1)' },
        ],
      },
    );
    expect(c!.buttons).toEqual([
      { type: 'reply', title: 'Small', value: { size: 'S' } },
      { type: 'openUrl', title: 'Size guide', value: 'https://x.example/sizes' },
      { type: 'reply', title: 'Medium', value: { size: 'M' } },
      { type: 'reply', title: 'Say hi', value: 'hi' },
      { type: 'reply', title: 'Teams', value: 'large please' },
      { type: 'reply', title: 'Plain', value: {} },
      { type: 'reply', title: 'Order', value: { id: 7, verb: 'order' } },
      { type: 'showCard', title: 'More', card: { text: 'Returns: 30 days' } },
    ]);
    expect(simplified).toEqual(['action', 'unsafe-url']);
  });

  it('inputs cannot be shown: the customer is asked to type, and the card’s fallbackText is added', () => {
    const { card: c, simplified } = card(
      [
        { type: 'TextBlock', text: 'Feedback', weight: 'Bolder' },
        { type: 'Input.Text', id: 'comment', label: 'Your comment' },
      ],
      { fallbackText: 'Please tell us what you think.' },
    );
    expect(c).toEqual({ title: 'Feedback', text: 'Your comment (please type your answer)\nPlease tell us what you think.' });
    expect(simplified).toEqual(['input', 'fallback-text']);
  });

  it('an unknown element: its own fallback element, "drop", or nothing (noted)', () => {
    const { card: c, simplified } = card([
      { type: 'Contoso.Chart', fallback: { type: 'TextBlock', text: 'Sales went up' } },
      { type: 'Contoso.Map', fallback: 'drop' },
      { type: 'Contoso.Gauge' },
    ]);
    expect(c).toEqual({ text: 'Sales went up' });
    expect(simplified).toEqual(['unknown-element']);
  });

  it('a card with nothing it can show: its fallbackText, else its speak text, else a line saying so', () => {
    expect(card([{ type: 'Contoso.Only' }], { fallbackText: 'Open the app to see this' }).card).toEqual({ text: 'Open the app to see this' });
    expect(card([], { speak: 'Your flight is confirmed' }).card).toEqual({ text: 'Your flight is confirmed' });
    const m = readBotMessage({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [] } }] });
    expect(m.cards).toEqual([]);
    expect(m.simplified).toEqual(['unknown-card']);
  });

  it('a card sent as a JSON string is read too', () => {
    const m = readBotMessage({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: JSON.stringify({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'hi' }] }) }],
    });
    expect(m.cards).toEqual([{ text: 'hi' }]);
  });

  it('stays bounded on deep and huge cards', () => {
    let deep: Record<string, unknown> = { type: 'TextBlock', text: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { type: 'Container', items: [deep] };
    const d = card([deep]);
    expect(d.card).toBeUndefined();
    expect(d.simplified).toContain('truncated');
    const huge = card(Array.from({ length: 5000 }, (_, i) => ({ type: 'TextBlock', text: `line ${i}` })));
    expect(huge.card!.text!.length).toBeLessThanOrEqual(4000);
    expect(huge.simplified).toContain('truncated');
  });

  it('06.using-cards’ flight card: the passengers, both legs, and the price', () => {
    const json = readFileSync(new URL('../../../shared/third-party/botbuilder-samples/06.using-cards/resources/adaptiveCard.json', import.meta.url), 'utf8').replace(/^\uFEFF/, '');
    const m = readBotMessage(JSON.parse(JSON.stringify({ type: 'message', attachments: [CardFactory.adaptiveCard(JSON.parse(json))] })));
    const c = m.cards[0]!;
    expect(c.title).toBe('Passengers');
    expect(c.text).toContain('Sarah Hum');
    expect(c.text).toContain('San Francisco SFO · Amsterdam AMS');
    expect(m.text).toMatch(/Total/);
    expect(c.images?.[0]?.url).toBe('http://adaptivecards.io/content/airplane.png');
  });
});
