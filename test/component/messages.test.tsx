// The message list: who said what, system lines, the delivery state of the customer's own messages,
// quick replies, links, keeping to the newest message, and the status line under it.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ChatWindow } from '../../src/ui/ChatWindow';
import { Messages } from '../../src/ui/Messages';
import { chatting, fakeView, message, outgoing, renderWith, systemLine } from '../support/view';

const log = () => screen.getByRole('log', { name: 'Chat Log' });
const lines = () => within(log()).getAllByRole('listitem');
const lineOf = (text: string) => within(log()).getByText(text).closest('li')!;

describe('the message list', () => {
  it('shows who said what, in order, with system lines naming the agent', () => {
    const view = fakeView({
      state: {
        phase: 'chatWindow',
        open: true,
        chat: chatting,
        transcript: [
          message('customer', 'Hello?'),
          systemLine('chatEstablishedName', { agent: 'Maya' }),
          message('agent', 'Hi, how can I help?'),
          message('agent', 'Still there?', { name: '' }),
          systemLine('notice', { text: 'Transferred to billing' }),
        ],
      },
    });
    renderWith(view, <Messages />);
    expect(lines().map((li) => li.textContent?.replace(/\d{1,2}:\d{2}.*$/, ''))).toEqual([
      'YouHello?',
      'You are now chatting with Maya.',
      'MayaHi, how can I help?',
      'AgentStill there?',
      'Transferred to billing',
    ]);
    const time = lineOf('Hi, how can I help?').querySelector('time')!;
    expect(new Date(time.dateTime).getTime()).toBe((view.state.value.transcript[2] as { at: number }).at);
    expect(time.textContent).toMatch(/\d{1,2}:\d{2}/);
  });

  it("shows each of the customer's unconfirmed messages after the transcript, with its delivery state", () => {
    const view = fakeView({
      state: {
        phase: 'chatWindow',
        open: true,
        chat: chatting,
        transcript: [message('agent', 'Hi!')],
        outbox: [outgoing('First', 'sent'), outgoing('Second', 'sending'), outgoing('Third', 'retrying'), outgoing('Fourth', 'failed')],
      },
    });
    renderWith(view, <Messages />);
    expect(lines().map((li) => within(li).getByText(/^(Hi!|First|Second|Third|Fourth)$/).textContent)).toEqual(['Hi!', 'First', 'Second', 'Third', 'Fourth']);
    expect(within(lineOf('First')).getByText('Sent')).toBeTruthy();
    expect(within(lineOf('Second')).getByText('Sending…')).toBeTruthy();
    expect(within(lineOf('Third')).getByText('Not sent yet, retrying…')).toBeTruthy();
    expect(within(lineOf('Fourth')).getByText('Not sent')).toBeTruthy();
    for (const text of ['First', 'Second', 'Third', 'Fourth']) expect(within(lineOf(text)).getByText('You')).toBeTruthy();
  });

  it('follows a message from sending to retrying to its place in the transcript', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, outbox: [outgoing('Where is my parcel?', 'sending')] } });
    renderWith(view, <Messages />);
    expect(within(lineOf('Where is my parcel?')).getByText('Sending…')).toBeTruthy();
    view.update({ outbox: [outgoing('Where is my parcel?', 'retrying')] });
    expect(within(lineOf('Where is my parcel?')).getByText('Not sent yet, retrying…')).toBeTruthy();
    expect(within(lineOf('Where is my parcel?')).queryByText('Sending…')).toBeNull();
    view.update({ outbox: [], transcript: [message('customer', 'Where is my parcel?')] });
    expect(lines()).toHaveLength(1);
    expect(within(lineOf('Where is my parcel?')).queryByText(/Sending|Not sent|Sent/)).toBeNull();
  });

  it('turns web addresses into links that open elsewhere, and leaves the rest as text', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [message('agent', 'See https://shop.example.com/returns for returns.')] } });
    renderWith(view, <Messages />);
    const link = within(log()).getByRole('link', { name: 'https://shop.example.com/returns' });
    expect(link.getAttribute('href')).toBe('https://shop.example.com/returns');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.closest('p')?.textContent).toBe('See https://shop.example.com/returns for returns.');
  });
});

describe('quick replies', () => {
  const replies = [
    { title: 'Track my order', payload: 'track-order' },
    { title: 'Talk to a person', payload: '' },
  ];

  it("offers the last bot message's replies as buttons; a tap sends its payload, or its title when it has none", () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [message('bot', 'What can I do for you?', { quickReplies: replies })] } });
    renderWith(view, <Messages />);
    fireEvent.click(screen.getByRole('button', { name: 'Track my order' }));
    expect(view.send).toHaveBeenLastCalledWith('track-order');
    fireEvent.click(screen.getByRole('button', { name: 'Talk to a person' }));
    expect(view.send).toHaveBeenLastCalledWith('Talk to a person');
  });

  it('go away once the conversation has moved on, or the chat has ended', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [message('bot', 'What can I do for you?', { quickReplies: replies })] } });
    renderWith(view, <Messages />);
    expect(screen.getByRole('button', { name: 'Track my order' })).toBeTruthy();
    view.update({ transcript: [...view.state.value.transcript, message('customer', 'Where is my parcel?')] });
    expect(screen.queryByRole('button', { name: 'Track my order' })).toBeNull();

    view.update({ transcript: [message('bot', 'What can I do for you?', { quickReplies: replies })] });
    expect(screen.getByRole('button', { name: 'Track my order' })).toBeTruthy();
    view.update({ chat: { status: 'ended', queuePosition: null } });
    expect(screen.queryByRole('button', { name: 'Track my order' })).toBeNull();
  });
});

describe('keeping to the newest message', () => {
  // happy-dom lays nothing out: the log gets the sizes a browser would give it, 200 px showing of 1000.
  const layOut = (element: HTMLElement) => {
    Object.defineProperty(element, 'scrollHeight', { configurable: true, get: () => 1000 });
    Object.defineProperty(element, 'clientHeight', { configurable: true, get: () => 200 });
  };

  it('scrolls to a new message, unless the customer scrolled up: then offers to jump to it', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [message('agent', 'One')] } });
    renderWith(view, <Messages />);
    layOut(log());
    view.update({ transcript: [...view.state.value.transcript, message('agent', 'Two')] });
    expect(log().scrollTop).toBe(1000);
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();

    log().scrollTop = 300;
    fireEvent.scroll(log());
    // Scrolled up with nothing new: nothing to offer.
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();
    view.update({ transcript: [...view.state.value.transcript, message('agent', 'Three')] });
    expect(log().scrollTop).toBe(300);
    fireEvent.click(screen.getByRole('button', { name: 'New messages ↓' }));
    expect(log().scrollTop).toBe(1000);
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();
  });
});

describe('the status line', () => {
  const statusLine = (container: Element) => container.querySelector('[aria-live="polite"]')!;

  it('tells the queue position and who is typing, politely, and nothing once the chat has ended', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: { status: 'queued', queuePosition: 3 } } });
    const { container } = renderWith(view, <ChatWindow />);
    expect(statusLine(container).textContent).toBe('You are number 3 in the queue.');
    view.update({ chat: chatting, typing: 'Maya' });
    expect(statusLine(container).textContent).toBe('Maya is typing...');
    view.update({ typing: '' });
    expect(statusLine(container).textContent).toBe('Agent is typing…');
    view.update({ typing: null });
    expect(statusLine(container).textContent).toBe('');
    view.update({ typing: 'Maya', chat: { status: 'ended', queuePosition: null } });
    expect(statusLine(container).textContent).toBe('');
  });

  it('says when the connection is lost, until it is back', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting } });
    renderWith(view, <ChatWindow />);
    const lost = 'You have been disconnected from your chat session. Please check your network connection and try again.';
    expect(screen.queryByText(lost)).toBeNull();
    view.update({ connection: 'lost' });
    expect(screen.getByRole('status').textContent).toBe(lost);
    view.update({ connection: 'ok' });
    expect(screen.queryByText(lost)).toBeNull();
  });
});
