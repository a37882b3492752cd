// The message field: Enter sends, Shift+Enter adds a line, blank text is not sent, and typing is
// announced when it starts and when it stops (3 s after the last key, or on sending), never per key.
import { fireEvent, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../../src/ui/Composer';
import { press, type } from '../support/keyboard';
import { fakeView, renderWith } from '../support/view';

const field = () => screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Type your message' });

function composer() {
  const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: { status: 'chatting', queuePosition: null } } });
  renderWith(view, <Composer />);
  field().focus();
  return view;
}

describe('the composer', () => {
  it('sends on Enter, empties the field and keeps the focus there for the next message', () => {
    const view = composer();
    type('Where is my parcel?');
    press('Enter');
    expect(view.send).toHaveBeenCalledExactlyOnceWith('Where is my parcel?');
    expect(field().value).toBe('');
    expect(document.activeElement).toBe(field());
  });

  it('sends with the Send button too', () => {
    const view = composer();
    type('Hello');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(view.send).toHaveBeenCalledExactlyOnceWith('Hello');
    expect(field().value).toBe('');
  });

  it('adds a line on Shift+Enter, and sends both lines on Enter', () => {
    const view = composer();
    type('First line');
    press('Enter', { shiftKey: true });
    type('second line');
    expect(view.send).not.toHaveBeenCalled();
    expect(field().value).toBe('First line\nsecond line');
    press('Enter');
    expect(view.send).toHaveBeenCalledExactlyOnceWith('First line\nsecond line');
  });

  it('does not send blank text', () => {
    const view = composer();
    press('Enter');
    type('   ');
    press('Enter');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(view.send).not.toHaveBeenCalled();
  });

  it('does not send while an input method is composing (Enter picks the characters)', () => {
    const view = composer();
    type('にほん');
    fireEvent.keyDown(field(), { key: 'Enter', isComposing: true });
    expect(view.send).not.toHaveBeenCalled();
    expect(field().value).toBe('にほん');
  });
});

describe('typing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is announced once when the customer starts, and stopped 3 s after the last key', () => {
    const view = composer();
    type('Hel');
    expect(view.typing.mock.calls).toEqual([[true]]);
    vi.advanceTimersByTime(2900);
    type('lo');
    vi.advanceTimersByTime(2900);
    // Each key pushes the stop back.
    expect(view.typing.mock.calls).toEqual([[true]]);
    vi.advanceTimersByTime(100);
    expect(view.typing.mock.calls).toEqual([[true], [false]]);
    type('!');
    expect(view.typing.mock.calls).toEqual([[true], [false], [true]]);
  });

  it('stops at once when the message is sent, and not again later', () => {
    const view = composer();
    type('Hi');
    press('Enter');
    expect(view.typing.mock.calls).toEqual([[true], [false]]);
    vi.advanceTimersByTime(5000);
    expect(view.typing.mock.calls).toEqual([[true], [false]]);
  });
});
