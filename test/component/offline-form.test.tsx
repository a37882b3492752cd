// The offline form, when nobody can answer: what it asks, its errors, a failed send, and the thanks.
import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App';
import { press, type } from '../support/keyboard';
import { fakeView, field, renderWith } from '../support/view';

const fields = [field('name', 'Name', 'text', true), field('email', 'E-mail', 'email', true), field('message', 'Message', 'textarea', true)];

/** The customer opens the chat when nobody can answer: the chat script leads to the offline form. */
function offline() {
  const view = fakeView({ opensTo: 'offlineForm', script: { availability: { open: false }, offlineForm: { enabled: true, fields } } });
  renderWith(view, <App webview={false} />);
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  return view;
}

const name = () => screen.getByRole('textbox', { name: 'Name * (required)' });
const email = () => screen.getByRole('textbox', { name: 'E-mail * (required)' });
const text = () => screen.getByRole('textbox', { name: 'Message * (required)' });
const sendButton = () => screen.getByRole<HTMLButtonElement>('button', { name: 'Send message' });

function fillIn() {
  name().focus();
  type('Ada');
  email().focus();
  type('ada@example.com');
  text().focus();
  type('Please call me back.');
}

describe('the offline form', () => {
  it('says nobody can answer and asks for a message, with the focus on its first field', () => {
    offline();
    expect(screen.getByRole('dialog', { name: 'Leave us a message' }).textContent).toContain('Nobody can answer right now. Leave a message and we will get back to you.');
    expect(document.activeElement).toBe(name());
    expect(text().tagName).toBe('TEXTAREA');
    expect(sendButton().disabled).toBe(false);
  });

  it('sends the answers, and shows what is missing tied to the field', async () => {
    const view = offline();
    view.submitOffline.mockResolvedValueOnce({ message: 'errorRequiredMessage' });
    name().focus();
    type('Ada');
    press('Enter');
    expect(view.submitOffline).toHaveBeenCalledExactlyOnceWith({ name: 'Ada' });
    const message = await screen.findByRole('textbox', { name: 'Message * (required)', description: 'Please verify the mandatory fields' });
    expect(message.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(message);
    expect(screen.getByRole('alert').textContent).toBe('Please verify the mandatory fields');
  });

  it('says so when the message could not be sent, with no field marked wrong, and lets the customer try again', async () => {
    const view = offline();
    view.submitOffline.mockResolvedValueOnce('failed');
    fillIn();
    fireEvent.click(sendButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Sorry, something went wrong. Please try again later.'));
    const form = sendButton().closest('form')!;
    expect(document.getElementById(form.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Sorry, something went wrong. Please try again later.');
    for (const f of [name(), email(), text()]) expect(f.getAttribute('aria-invalid')).toBeNull();
    // What the customer typed is still there.
    expect((text() as HTMLTextAreaElement).value).toBe('Please call me back.');

    fireEvent.click(sendButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(''));
    expect(view.submitOffline).toHaveBeenLastCalledWith({ name: 'Ada', email: 'ada@example.com', message: 'Please call me back.' });
  });

  it('thanks the customer once sent, and closes from there', async () => {
    const view = offline();
    view.submitOffline.mockImplementationOnce(async () => {
      view.offlineSent.value = true;
      return {};
    });
    fillIn();
    fireEvent.click(sendButton());
    const thanks = await screen.findByRole('status');
    expect(thanks.textContent).toBe('Thank you, your message has been sent. We will get back to you soon.');
    expect(screen.queryByRole('textbox')).toBeNull();
    const close = screen.getAllByRole('button', { name: 'Close' }).find((b) => b.classList.contains('primary'))!;
    fireEvent.click(close);
    expect(view.close).toHaveBeenCalledExactlyOnceWith('user');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
