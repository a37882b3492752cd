// Bot Framework rich cards → the card model (bot-bridge/cards): each card type as botbuilder's own
// CardFactory makes it, the buttons (links stay links, answers stay answers), suggested actions,
// files, carousels, and the fallback text every message carries.
import { AttachmentLayoutTypes, CardFactory, MessageFactory } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { readBotMessage, SIMPLIFICATIONS } from '../../bot-bridge/cards';

const read = (activity: object) => readBotMessage(JSON.parse(JSON.stringify(activity)) as Record<string, unknown>);
const one = (attachment: object) => read({ type: 'message', attachments: [attachment] });

describe('Bot Framework cards', () => {
  it('hero: title, text, pictures with alt text, an openUrl button as a link and imBack as a reply', () => {
    const m = one(
      CardFactory.heroCard(
        'Returns',
        'Free for 30 days.',
        CardFactory.images([{ url: 'https://shop.example/box.png', alt: 'A parcel' } as never, 'https://shop.example/2.png']),
        CardFactory.actions([
          { type: 'openUrl', title: 'Policy', value: 'https://shop.example/returns' },
          { type: 'imBack', title: 'Print a label', value: 'label' },
          { type: 'postBack', title: 'Size M', value: { size: 'M' } },
        ]),
        { subtitle: 'Our promise' },
      ),
    );
    expect(m.cards).toEqual([
      {
        title: 'Returns',
        subtitle: 'Our promise',
        text: 'Free for 30 days.',
        images: [
          { url: 'https://shop.example/box.png', alt: 'A parcel' },
          { url: 'https://shop.example/2.png', alt: 'Returns' },
        ],
        buttons: [
          { type: 'openUrl', title: 'Policy', value: 'https://shop.example/returns' },
          { type: 'reply', title: 'Print a label', value: 'label' },
          { type: 'reply', title: 'Size M', value: { size: 'M' } },
        ],
      },
    ]);
    expect(m.quickReplies).toEqual([]);
    expect(m.body).toBe('');
    expect(m.text).toBe('Returns\nOur promise\nFree for 30 days.\nPolicy: https://shop.example/returns\n[Print a label]\n[Size M]');
    expect(m.simplified).toEqual([]);
  });

  it('thumbnail: the same shape, and a tap on a picture makes it a link', () => {
    const m = one({
      contentType: 'application/vnd.microsoft.card.thumbnail',
      content: { title: 'Thumb', images: [{ url: 'https://x.example/t.png', tap: { type: 'openUrl', value: 'https://x.example/' } }] },
    });
    expect(m.cards).toEqual([{ title: 'Thumb', images: [{ url: 'https://x.example/t.png', alt: 'Thumb', link: 'https://x.example/' }] }]);
  });

  it('receipt: facts, one line per item with quantity and price, tax and total, the items’ pictures, buttons', () => {
    const m = one(
      CardFactory.receiptCard({
        tap: undefined as never,
        vat: undefined as never,
        title: 'John Doe',
        facts: [{ key: 'Order Number', value: '1234' }],
        items: [{ title: 'Data Transfer', price: '$38.45', quantity: 368, image: { url: 'https://x.example/dt.png' } } as never],
        tax: '$7.50',
        total: '$90.95',
        buttons: CardFactory.actions([{ type: 'openUrl', title: 'More information', value: 'https://x.example/pricing' }]),
      }),
    );
    expect(m.cards).toEqual([
      {
        title: 'John Doe',
        facts: [
          { title: 'Order Number', value: '1234' },
          { title: 'Data Transfer × 368', value: '$38.45' },
          { title: 'Tax', value: '$7.50' },
          { title: 'Total', value: '$90.95' },
        ],
        images: [{ url: 'https://x.example/dt.png', alt: 'Data Transfer' }],
        buttons: [{ type: 'openUrl', title: 'More information', value: 'https://x.example/pricing' }],
      },
    ]);
    expect(m.text).toContain('Total: $90.95');
  });

  it('signin: a link button; OAuth without a token service: the text and a line saying sign-in is not available (noted)', () => {
    const signin = one(CardFactory.signinCard('Sign in here', 'https://login.example/', 'Please sign in'));
    expect(signin.cards).toEqual([{ text: 'Please sign in', buttons: [{ type: 'openUrl', title: 'Sign in here', value: 'https://login.example/' }] }]);
    const oauth = one(CardFactory.oauthCard('conn', 'Sign In', 'BotFramework OAuth Card'));
    expect(oauth.cards).toEqual([{ text: 'BotFramework OAuth Card\n(Signing in is not available in this chat.)' }]);
    expect(oauth.simplified).toEqual(['sign-in']);
  });

  it('animation, audio and video: media clips of their kind, a poster for video, the cover picture for audio', () => {
    const animation = one(CardFactory.animationCard('Bot', [{ url: 'https://i.example/a.gif' }], [], { subtitle: 'Animation Card' }));
    expect(animation.cards).toEqual([{ title: 'Bot', subtitle: 'Animation Card', media: [{ kind: 'animation', url: 'https://i.example/a.gif', title: 'Bot' }] }]);
    const audio = one(
      CardFactory.audioCard('I am your father', ['https://m.example/v.wav'], CardFactory.actions([{ type: 'openUrl', title: 'Read more', value: 'https://w.example/' }]), {
        image: 'https://m.example/cover.jpg' as never,
      }),
    );
    expect(audio.cards[0]).toEqual({
      title: 'I am your father',
      media: [{ kind: 'audio', url: 'https://m.example/v.wav', title: 'I am your father' }],
      images: [{ url: 'https://m.example/cover.jpg', alt: 'I am your father' }],
      buttons: [{ type: 'openUrl', title: 'Read more', value: 'https://w.example/' }],
    });
    const video = one(CardFactory.videoCard('Intro', [{ url: 'https://v.example/i.mp4' }], [], { image: { url: 'https://v.example/p.jpg' } as never }));
    expect(video.cards[0]!.media).toEqual([{ kind: 'video', url: 'https://v.example/i.mp4', title: 'Intro', poster: 'https://v.example/p.jpg' }]);
    expect(video.cards[0]!.images).toBeUndefined();
    expect(video.text).toBe('Intro\nIntro: https://v.example/i.mp4');
  });

  it('drops links and pictures that are not http(s), and actions it has no button for, and says so', () => {
    const m = one(
      CardFactory.heroCard(
        'Careful',
        [{ url: 'javascript:alert(1)' }],
        [
          { type: 'openUrl', title: 'Bad', value: 'javascript:alert(1)' },
          { type: 'call', title: 'Call us', value: 'tel:123' },
        ],
      ),
    );
    expect(m.cards).toEqual([{ title: 'Careful' }]);
    expect(m.simplified).toEqual(['unsafe-url', 'unsafe-url', 'action']);
    for (const kind of m.simplified) expect(SIMPLIFICATIONS).toContain(kind);
  });

  it('a card type it does not know: its own text if it has one, else a line naming it (noted)', () => {
    const m = read({
      type: 'message',
      attachments: [
        { contentType: 'application/vnd.contoso.ticket', content: { text: 'Ticket 42 is open' } },
        { contentType: 'application/vnd.contoso.chart', content: { bars: [1, 2] } },
      ],
    });
    expect(m.cards).toEqual([{ text: 'Ticket 42 is open' }, { text: '(A card that cannot be shown here: application/vnd.contoso.chart)' }]);
    expect(m.simplified).toEqual(['unknown-card', 'unknown-card']);
  });
});

describe('messages', () => {
  it('a carousel keeps every card, in order, and says so; the fallback text names them all', () => {
    const cards = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'].map((t) => CardFactory.heroCard(t));
    const m = read(MessageFactory.carousel(cards));
    expect(m.cards.map((c) => c.title)).toEqual(['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine']);
    expect(m.layout).toBe('carousel');
    expect(m.text.split('\n')).toEqual(['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine']);
    expect(read({ ...MessageFactory.carousel([cards[0]!]) }).layout).toBeUndefined();
    expect(read({ type: 'message', attachmentLayout: AttachmentLayoutTypes.List, attachments: cards.slice(0, 2) }).layout).toBe('list');
  });

  it('keeps the bot’s own words apart (body) and puts them first in the fallback text', () => {
    const m = read(MessageFactory.attachment(CardFactory.heroCard('Returns'), 'Here you go:'));
    expect(m.body).toBe('Here you go:');
    expect(m.text).toBe('Here you go:\nReturns');
  });

  it('suggested actions: answers become quick replies (the value is what is said), links a card of link buttons', () => {
    const m = read(
      MessageFactory.suggestedActions(
        [
          { type: 'imBack', title: 'Red', value: 'Red' },
          { type: 'postBack', title: 'Talk to a person', value: 'agent' },
          { type: 'openUrl', title: 'Help centre', value: 'https://help.example/' },
          'Blue',
        ],
        'What colour?',
      ),
    );
    expect(m.quickReplies).toEqual([
      { title: 'Red', payload: 'Red' },
      { title: 'Talk to a person', payload: 'agent' },
      { title: 'Blue', payload: 'Blue' },
    ]);
    expect(m.cards).toEqual([{ buttons: [{ type: 'openUrl', title: 'Help centre', value: 'https://help.example/' }] }]);
    expect(m.text).toBe('What colour?\nHelp centre: https://help.example/');
  });

  it('lists files (contentUrl) apart from cards, and leaves out a transcript', () => {
    const m = read({
      type: 'message',
      text: 'Your invoice',
      attachments: [
        { contentType: 'application/pdf', contentUrl: 'https://files.example/i.pdf', name: 'invoice.pdf' },
        { contentType: 'image/png', contentUrl: 'data:image/png;base64,iVBORw0KGgo=', name: 'a.png' },
        { contentType: 'application/vnd.microsoft.activity.transcript', content: { activities: [] } },
      ],
    });
    expect(m.cards).toEqual([]);
    expect(m.files).toEqual([
      { name: 'invoice.pdf', contentType: 'application/pdf', url: 'https://files.example/i.pdf' },
      { name: 'a.png', contentType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ]);
    expect(m.text).toBe('Your invoice\nFile: invoice.pdf\nFile: a.png');
  });

  it('stays within bounds: at most 20 cards, long strings clipped, junk ignored', () => {
    const m = read({ type: 'message', attachments: [...Array.from({ length: 30 }, (_, i) => CardFactory.heroCard(`c${i}`)), 'junk', null, 7] });
    expect(m.cards).toHaveLength(20);
    expect(m.simplified).toContain('truncated');
    const long = one(CardFactory.heroCard('t'.repeat(10_000)));
    expect(long.cards[0]!.title!.length).toBeLessThanOrEqual(500);
    expect(read({ type: 'message', attachments: 'nope', suggestedActions: 3 })).toMatchObject({ cards: [], quickReplies: [], text: '' });
  });

  it('a message with only speech still says it', () => {
    expect(read({ type: 'message', speak: 'Hello there' }).text).toBe('Hello there');
  });
});
