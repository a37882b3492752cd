// The customer's keyboard for component tests. happy-dom dispatches key events but performs none of
// a browser's default actions, so the ones the widget relies on are done here, and only when the
// component did not prevent them: Enter or Space on a button clicks it, Enter in a one-line field
// submits its form through the default button, Enter in a textarea adds a line.
import { fireEvent } from '@testing-library/preact';

const focused = (): HTMLElement => {
  const element = document.activeElement;
  if (!(element instanceof HTMLElement) || element === document.body) throw new Error('Nothing has the focus: the customer would type into the void');
  return element;
};

/** Presses a key on whatever has the focus. */
export function press(key: string, modifiers: { shiftKey?: boolean } = {}): void {
  const target = focused();
  const allowed = fireEvent.keyDown(target, { key, ...modifiers });
  fireEvent.keyUp(target, { key, ...modifiers });
  if (!allowed) return;
  if (target instanceof HTMLButtonElement && (key === 'Enter' || key === ' ')) {
    if (!target.disabled) fireEvent.click(target);
  } else if (target instanceof HTMLInputElement && key === 'Enter' && target.form) {
    // Implicit submission: the form's default button, unless it is disabled.
    const button = target.form.querySelector<HTMLButtonElement>('button[type=submit], button:not([type])');
    if (button && !button.disabled) fireEvent.click(button);
  } else if (target instanceof HTMLTextAreaElement && key === 'Enter') {
    fireEvent.input(target, { target: { value: `${target.value}\n` } });
  }
}

/** Types text into the focused field, one key at a time, as the customer does. */
export function type(text: string): void {
  for (const char of text) {
    const target = focused() as HTMLInputElement | HTMLTextAreaElement;
    if (!fireEvent.keyDown(target, { key: char })) continue;
    fireEvent.input(target, { target: { value: target.value + char } });
    fireEvent.keyUp(target, { key: char });
  }
}
