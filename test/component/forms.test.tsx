// The chat script's forms, through the pre-chat form: labels and required markers, errors tied to
// their fields (aria-invalid, aria-describedby on the visible error text), focus on the first wrong
// field, the answers sent, and one submission at a time.
import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { FieldErrors } from '../../src/core';
import { PreChat } from '../../src/ui/Panels';
import { press, type } from '../support/keyboard';
import { fakeView, field, renderWith } from '../support/view';

const fields = [field('name', 'Name', 'text', true), field('email', 'E-mail', 'email', true), field('language', 'Language', 'language'), field('question', 'Question', 'textarea')];

function preChat() {
  const view = fakeView({ state: { phase: 'preChat', open: true }, script: { availability: { open: true }, preChat: { enabled: true, fields } } });
  view.set(view.customer.language, 'de');
  const rendered = renderWith(view, <PreChat />);
  const form = rendered.container.querySelector('form')!;
  return {
    view,
    form,
    name: () => screen.getByRole('textbox', { name: 'Name * (required)' }),
    email: () => screen.getByRole('textbox', { name: 'E-mail * (required)' }),
    language: () => screen.getByRole<HTMLSelectElement>('combobox', { name: 'Language' }),
    question: () => screen.getByRole('textbox', { name: 'Question' }),
    start: () => screen.getByRole<HTMLButtonElement>('button', { name: 'Start chat' }),
  };
}

const fill = (element: HTMLElement, text: string) => {
  element.focus();
  type(text);
};

/** The texts aria-describedby points at, as a screen reader reads them after the name. */
const description = (element: Element) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? `(no element #${id})`)
    .join(' ');

describe('the pre-chat form', () => {
  it('labels every field and marks the required ones for the eye and for screen readers', () => {
    const form = preChat();
    expect(form.name().getAttribute('aria-required')).toBe('true');
    expect(form.email().getAttribute('aria-required')).toBe('true');
    expect(form.email().getAttribute('type')).toBe('email');
    expect(form.question().getAttribute('aria-required')).toBeNull();
    expect(form.question().tagName).toBe('TEXTAREA');
    expect(form.name().closest('.field')?.querySelector('.required')?.textContent).toContain('*');
    // No field is wrong before the customer has tried.
    for (const f of [form.name(), form.email(), form.question()]) {
      expect(f.getAttribute('aria-invalid')).toBeNull();
      expect(f.getAttribute('aria-describedby')).toBeNull();
    }
    expect(screen.getByRole('alert').textContent).toBe('');
  });

  it('ties each error to its field and moves the focus to the first wrong one', async () => {
    const form = preChat();
    form.view.submitPreChat.mockResolvedValueOnce({ email: 'errorInvalidEmail', question: 'errorRequiredMessage' });
    fill(form.email(), 'ada.example.com');
    fill(form.name(), 'Ada');
    expect(document.activeElement).toBe(form.name());
    fireEvent.click(form.start());

    const email = await screen.findByRole('textbox', { name: 'E-mail * (required)', description: 'The field only accept the valid e-mail format.' });
    expect(email.getAttribute('aria-invalid')).toBe('true');
    const errorText = screen.getByText('The field only accept the valid e-mail format.');
    expect(email.getAttribute('aria-describedby')).toBe(errorText.id);
    expect(errorText.hidden).toBe(false);
    expect(form.question().getAttribute('aria-invalid')).toBe('true');
    expect(description(form.question())).toBe('Please verify the mandatory fields');
    // The field the customer got right stays as it was.
    expect(form.name().getAttribute('aria-invalid')).toBeNull();
    expect(form.name().getAttribute('aria-describedby')).toBeNull();
    expect(document.activeElement).toBe(email);
    // The form as a whole says so, and is described by it.
    expect(screen.getByRole('alert').textContent).toBe('Please verify the mandatory fields');
    expect(description(form.form)).toBe('Please verify the mandatory fields');
  });

  it('drops an error once the customer has fixed the field', async () => {
    const form = preChat();
    form.view.submitPreChat.mockResolvedValueOnce({ email: 'errorInvalidEmail' });
    fill(form.email(), 'ada.example.com');
    fireEvent.click(form.start());
    await screen.findByText('The field only accept the valid e-mail format.');

    fireEvent.input(form.email(), { target: { value: 'ada@example.com' } });
    fireEvent.click(form.start());
    await waitFor(() => expect(screen.queryByText('The field only accept the valid e-mail format.')).toBeNull());
    expect(form.email().getAttribute('aria-invalid')).toBeNull();
    expect(form.email().getAttribute('aria-describedby')).toBeNull();
    expect(form.form.getAttribute('aria-describedby')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('');
  });

  it("sends what the customer typed and chose, the page's language being the language question's default", async () => {
    const form = preChat();
    expect(form.language().value).toBe('de');
    expect(form.language().selectedOptions[0]?.textContent).toBe('Deutsch');
    fill(form.name(), 'Ada');
    fill(form.email(), 'ada@example.com');
    fill(form.question(), 'Where is my parcel?');
    fireEvent.click(form.start());
    expect(form.view.submitPreChat).toHaveBeenLastCalledWith({ language: 'de', name: 'Ada', email: 'ada@example.com', question: 'Where is my parcel?' });

    await waitFor(() => expect(form.start().disabled).toBe(false));
    fireEvent.change(form.language(), { target: { value: 'fr' } });
    fireEvent.click(form.start());
    expect(form.view.submitPreChat).toHaveBeenLastCalledWith(expect.objectContaining({ language: 'fr' }));
  });

  it("follows the page's language until the customer chooses one", () => {
    const form = preChat();
    form.view.set(form.view.customer.language, 'ja');
    expect(form.language().value).toBe('ja');
    fireEvent.change(form.language(), { target: { value: 'fr' } });
    form.view.set(form.view.customer.language, 'es');
    expect(form.language().value).toBe('fr');
  });

  it('submits on Enter, one submission at a time: the button is disabled until the answer comes', async () => {
    const form = preChat();
    let answer!: (errors: FieldErrors) => void;
    form.view.submitPreChat.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    fill(form.name(), 'Ada');
    press('Enter');
    expect(form.view.submitPreChat).toHaveBeenCalledOnce();
    await waitFor(() => expect(form.start().disabled).toBe(true));
    press('Enter');
    expect(form.view.submitPreChat).toHaveBeenCalledOnce();

    answer({});
    await waitFor(() => expect(form.start().disabled).toBe(false));
    press('Enter');
    expect(form.view.submitPreChat).toHaveBeenCalledTimes(2);
  });

  it('does not submit on Enter in the multi-line question', () => {
    const form = preChat();
    fill(form.question(), 'Line one');
    press('Enter');
    type('line two');
    expect(form.view.submitPreChat).not.toHaveBeenCalled();
    expect((form.question() as HTMLTextAreaElement).value).toBe('Line one\nline two');
  });
});
