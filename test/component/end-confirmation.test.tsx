// Ending a chat with an agent: the question replaces the message field, "No" has the focus (so Enter
// or Escape keeps the chat), and once the chat has ended the log offers Save and Close.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/App';
import { press } from '../support/keyboard';
import { chatting, fakeView, message, outgoing, renderWith } from '../support/view';

const QUESTION = 'Are you sure you want to end this chat session?';

function chatWithAgent() {
  const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, transcript: [message('agent', 'Anything else?')] } });
  // As the widget does when an agent is in the chat: end() asks first.
  view.end.mockImplementation(async () => void (view.confirmingEnd.value = 'user'));
  renderWith(view, <App webview={false} />);
  return view;
}

const askToEnd = () => fireEvent.click(screen.getByRole('button', { name: 'End chat' }));

describe('the end-of-chat question', () => {
  it('replaces the message field, is named by its question, and has the focus on "No"', () => {
    const view = chatWithAgent();
    askToEnd();
    expect(view.end).toHaveBeenCalledWith('user');
    const question = screen.getByRole('alertdialog', { name: QUESTION });
    expect(within(question).getByRole('button', { name: 'Yes' })).toBeTruthy();
    expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'No' }));
    expect(screen.queryByRole('textbox', { name: 'Type your message' })).toBeNull();
  });

  it('keeps the chat on Enter (the focus is on "No") and gives the message field back', () => {
    const view = chatWithAgent();
    askToEnd();
    press('Enter');
    expect(view.confirmEnd).toHaveBeenCalledExactlyOnceWith(false);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Type your message' })).toBeTruthy();
  });

  it('keeps the chat on Escape, without minimizing the window', () => {
    const view = chatWithAgent();
    askToEnd();
    press('Escape');
    expect(view.confirmEnd).toHaveBeenCalledExactlyOnceWith(false);
    expect(view.minimize).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Chat with us' })).toBeTruthy();
  });

  it('ends the chat on "Yes"', () => {
    const view = chatWithAgent();
    askToEnd();
    fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
    expect(view.confirmEnd).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('goes away when the question becomes moot (the agent left)', () => {
    const view = chatWithAgent();
    askToEnd();
    view.set(view.confirmingEnd, null);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('after the chat has ended', () => {
  it('shows the log with Save and Close, gives the focus to Close, and Close closes', () => {
    const view = chatWithAgent();
    askToEnd();
    fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
    // "Yes" went with the question, and the focus with it: Close gets it.
    view.update({ chat: { status: 'ended', queuePosition: null } });

    expect(screen.getByRole('heading', { name: 'Chat Log' })).toBeTruthy();
    expect(screen.getByText('Below is a complete log of the chat session.')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Type your message' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Save' })).toBeTruthy();
    const actions = screen.getByRole('dialog').querySelector<HTMLElement>('.log-actions')!;
    const close = within(actions).getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(close);
    press('Enter');
    expect(view.close).toHaveBeenCalledExactlyOnceWith('user');
  });

  it('saves the log as one text file, the messages not sent included', async () => {
    const view = chatWithAgent();
    view.update({
      chat: { status: 'ended', queuePosition: null },
      transcript: [message('customer', 'Where is my parcel?'), message('agent', 'On its way.')],
      outbox: [outgoing('Thanks!', 'failed')],
    });
    const files: Blob[] = [];
    const created = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (files.push(blob as Blob), 'blob:parley-test'));
    let downloaded = '';
    // What the browser would download: the link the click lands on (happy-dom navigates nowhere).
    const download = (event: Event) => {
      if (!(event.target instanceof HTMLAnchorElement)) return;
      downloaded = event.target.download;
      event.preventDefault();
    };
    document.addEventListener('click', download, true);
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    } finally {
      document.removeEventListener('click', download, true);
      created.mockRestore();
    }
    expect(downloaded).toMatch(/^chat-\d{4}-\d{2}-\d{2}\.txt$/);
    expect(files).toHaveLength(1);
    const text = await files[0]!.text();
    expect(text.split('\n').slice(0, 2)).toEqual(['Chat Log', 'Below is a complete log of the chat session.']);
    expect(text).toMatch(/\] You: Where is my parcel\?\n.*\] Maya: On its way\.\nYou: Thanks! \(Not sent\)\n$/);
  });

  it('leaves the focus where the customer took it on the page', () => {
    const view = chatWithAgent();
    const elsewhere = document.body.appendChild(document.createElement('input'));
    elsewhere.focus();
    view.update({ chat: { status: 'ended', queuePosition: null } });
    expect(document.activeElement).toBe(elsewhere);
    elsewhere.remove();
  });
});
