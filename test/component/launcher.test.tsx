// The launcher and the window around every step: opening, minimizing, the unread count, the header
// controls, Escape, and where the focus goes.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App';
import { press } from '../support/keyboard';
import { chatting, fakeView, renderWith } from '../support/view';

const launcher = () => screen.getByRole('button', { name: /^Open chat/ });

describe('the launcher', () => {
  it('is a collapsed "Open chat" button, with no window', () => {
    renderWith(fakeView(), <App webview={false} />);
    expect(launcher().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens the chat window on a click and puts the focus in the message field', () => {
    const view = fakeView();
    renderWith(view, <App webview={false} />);
    fireEvent.click(launcher());
    expect(view.open).toHaveBeenCalledOnce();
    const dialog = screen.getByRole('dialog', { name: 'Chat with us' });
    expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'Type your message' }));
    expect(launcher().getAttribute('aria-expanded')).toBe('true');
  });

  it('opens from the keyboard: Enter on the focused launcher', () => {
    const view = fakeView({ opensTo: 'preChat', script: { availability: { open: true }, preChat: { enabled: true, fields: [{ id: 'name', label: 'Name', type: 'text' }] } } });
    renderWith(view, <App webview={false} />);
    launcher().focus();
    press('Enter');
    expect(view.open).toHaveBeenCalledOnce();
    // A new step puts the focus on its first field.
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
  });

  it('counts unread messages in its name, and shows the badge to the eye only', () => {
    const view = fakeView({ state: { unread: 3 } });
    renderWith(view, <App webview={false} />);
    expect(launcher().getAttribute('aria-label')).toBe('Open chat (3 unread)');
    const badge = launcher().querySelector('.badge')!;
    expect(badge.textContent).toBe('3');
    expect(badge.getAttribute('aria-hidden')).toBe('true');
    view.update({ unread: 120 });
    expect(launcher().querySelector('.badge')?.textContent).toBe('99+');
    view.update({ unread: 0 });
    expect(launcher().getAttribute('aria-label')).toBe('Open chat');
    expect(launcher().querySelector('.badge')).toBeNull();
  });

  it('collapses a shown window when clicked again', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting } });
    renderWith(view, <App webview={false} />);
    fireEvent.click(launcher());
    expect(view.minimize).toHaveBeenCalledOnce();
    expect(view.open).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('the window header', () => {
  it('minimizes an active chat and gives the focus back to the launcher', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting } });
    renderWith(view, <App webview={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Minimize chat' }));
    expect(view.minimize).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(launcher());
  });

  it('offers "End chat" during a chat, and only "Close" once it has ended', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting } });
    renderWith(view, <App webview={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    expect(view.end).toHaveBeenCalledWith('user');
    view.update({ chat: { status: 'ended', queuePosition: null } });
    // The log's own Close button is below; these are the header's controls.
    const header = within(screen.getByRole('dialog').querySelector<HTMLElement>('header')!);
    expect(header.queryByRole('button', { name: 'End chat' })).toBeNull();
    expect(header.queryByRole('button', { name: 'Minimize chat' })).toBeNull();
    fireEvent.click(header.getByRole('button', { name: 'Close' }));
    expect(view.end).toHaveBeenLastCalledWith('user');
    expect(view.minimize).not.toHaveBeenCalled();
  });

  it('titles the offline form "Leave us a message" and says when the server is unavailable', () => {
    const view = fakeView({ state: { phase: 'offlineForm', open: true }, script: { availability: { open: false }, offlineForm: { enabled: true, fields: [] } } });
    renderWith(view, <App webview={false} />);
    expect(screen.getByRole('heading', { name: 'Leave us a message' })).toBeTruthy();
    expect(screen.queryByText('Server is unavailable. Please, try again later.')).toBeNull();
    view.set(view.scriptError, 'errorServerUnavailable');
    expect(screen.getByRole('dialog', { name: 'Leave us a message' }).textContent).toContain('Server is unavailable. Please, try again later.');
  });
});

describe('Escape', () => {
  it('minimizes an active chat, back to the launcher', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting } });
    renderWith(view, <App webview={false} />);
    screen.getByRole('textbox', { name: 'Type your message' }).focus();
    press('Escape');
    expect(view.minimize).toHaveBeenCalledOnce();
    expect(view.end).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(launcher());
  });

  it('closes a step before the chat (the pre-chat form)', () => {
    const view = fakeView({
      state: { phase: 'preChat', open: true },
      script: { availability: { open: true }, preChat: { enabled: true, fields: [{ id: 'name', label: 'Name', type: 'text' }] } },
    });
    renderWith(view, <App webview={false} />);
    screen.getByRole('textbox', { name: 'Name' }).focus();
    press('Escape');
    expect(view.end).toHaveBeenCalledWith('user');
    expect(view.minimize).not.toHaveBeenCalled();
  });
});

describe('in an app (webview)', () => {
  it('has no launcher, shows the window at once, and asks the app to close', () => {
    const view = fakeView({ state: { phase: 'chatWindow', open: false, chat: chatting } });
    let asked = 0;
    renderWith(view, <App webview={true} onCloseRequest={() => asked++} />);
    expect(screen.queryByRole('button', { name: /^Open chat/ })).toBeNull();
    screen.getByRole('textbox', { name: 'Type your message' }).focus();
    press('Escape');
    expect(view.minimize).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(asked).toBe(1);
    expect(view.end).not.toHaveBeenCalled();
  });

  it('offers to start again when the app keeps the screen of a closed chat', () => {
    const view = fakeView();
    renderWith(view, <App webview={true} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(view.open).toHaveBeenCalledOnce();
    expect(screen.getByRole('dialog', { name: 'Chat with us' })).toBeTruthy();
  });
});

it('lays out right to left in Arabic', () => {
  const view = fakeView({ language: 'ar' });
  const { container } = renderWith(view, <App webview={false} />);
  expect(container.querySelector('.parley')?.getAttribute('dir')).toBe('rtl');
  expect(container.querySelector('.parley')?.getAttribute('lang')).toBe('ar');
  view.set(view.language, 'en');
  expect(container.querySelector('.parley')?.getAttribute('dir')).toBe('ltr');
});
