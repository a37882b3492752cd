// The invitation: its text, its quick replies (the page's replace the chat script's), accepting with
// or without one, and declining.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { ChatScript } from '../../src/core';
import { App } from '../../src/ui/App';
import { press } from '../support/keyboard';
import { fakeView, renderWith } from '../support/view';

const script: ChatScript = {
  availability: { open: true },
  invitation: { enabled: true, delaySeconds: 5, text: 'Need a hand with your order?', quickReplies: ['Where is my parcel?', 'Returns'] },
  chatWindow: { enabled: true },
};

/** The widget shows the invitation on its own (after its delay): the window appears, no click. */
function invited() {
  const view = fakeView({ script });
  renderWith(view, <App webview={false} />);
  view.update({ phase: 'invitation', open: true });
  return view;
}

describe('the invitation', () => {
  it('shows its text and replies, with the focus on "Chat now"', () => {
    invited();
    const dialog = screen.getByRole('dialog', { name: 'Chat with us' });
    expect(within(dialog).getByText('Need a hand with your order?')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Where is my parcel?' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Returns' })).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Chat now' }));
  });

  it('accepts on Enter, and with a reply when the customer picks one', () => {
    const view = invited();
    press('Enter');
    expect(view.acceptInvitation).toHaveBeenLastCalledWith();
    view.update({ phase: 'invitation', open: true });
    fireEvent.click(screen.getByRole('button', { name: 'Returns' }));
    expect(view.acceptInvitation).toHaveBeenLastCalledWith('Returns');
  });

  it("shows the page's replies instead of the chat script's", () => {
    const view = invited();
    view.set(view.invitationReplies, ['Talk to sales']);
    expect(screen.getByRole('button', { name: 'Talk to sales' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Returns' })).toBeNull();
  });

  it('declines with "No thanks", back to the launcher with the focus', () => {
    const view = invited();
    fireEvent.click(screen.getByRole('button', { name: 'No thanks' }));
    expect(view.dismissInvitation).toHaveBeenCalledOnce();
    expect(view.acceptInvitation).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open chat' }));
  });
});
