// Files in the chat window: pictures inline and other files as download links with name and size,
// the attach button only where the server takes files (its limits said before any upload), a paste
// and a drop, what the limits refused, and a file on its way with progress, cancel and retry.
import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { Outgoing } from '../../src/core';
import { ChatWindow } from '../../src/ui/ChatWindow';
import { chatting, fakeView, message, renderWith } from '../support/view';

const LIMITS = { maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'] };
const log = () => screen.getByRole('log', { name: 'Chat Log' });
const png = (name = 'photo.png') => new File([new Uint8Array(10)], name, { type: 'image/png' });

function open(files: typeof LIMITS | null = LIMITS, more: Parameters<typeof fakeView>[0] = {}) {
  const view = fakeView({ state: { phase: 'chatWindow', open: true, chat: chatting, ...more.state }, files });
  renderWith(view, <ChatWindow />);
  return view;
}

const pending = (more: Partial<Outgoing> = {}): Outgoing => ({
  id: 'out-1',
  text: '',
  at: Date.now(),
  status: 'sending',
  attempts: 0,
  files: [{ key: 'out-1', name: 'broken.png', type: 'image/png', size: 2048 }],
  ...more,
});

describe('files in the log', () => {
  it('shows pictures inline in a sized box with their name as alt text, and other files as download links with name and size', () => {
    open(LIMITS, {
      state: {
        transcript: [
          message('agent', 'File: label.png\nFile: invoice.pdf', {
            body: 'Here you go',
            attachments: [
              { id: 'f1', name: 'label.png', contentType: 'image/png', size: 95, url: 'https://cc.example/files/f1?token=t' },
              { id: 'f2', name: 'invoice.pdf', contentType: 'application/pdf', size: 2048, url: 'https://cc.example/files/f2?token=t' },
              { id: 'f3', name: 'evil.png', contentType: 'image/png', size: 1, url: 'javascript:alert(1)' },
            ],
          }),
        ],
      },
    });
    expect(within(log()).getByText('Here you go')).toBeTruthy();
    expect(within(log()).queryByText(/File: label/)).toBeNull();
    const files = within(log()).getByRole('list', { name: 'Files' });
    const img = within(files).getByRole('img', { name: 'label.png' });
    expect([img.getAttribute('width'), img.getAttribute('height'), img.getAttribute('loading')]).toEqual(['240', '180', 'lazy']);
    const pdf = within(files).getByRole('link', { name: /invoice\.pdf/ });
    expect(pdf.textContent).toBe('invoice.pdf (2 kB)');
    expect([pdf.getAttribute('download'), pdf.getAttribute('rel'), pdf.getAttribute('href')]).toEqual([
      'invoice.pdf',
      'noopener noreferrer',
      'https://cc.example/files/f2?token=t',
    ]);
    expect(within(files).queryByText('evil.png')).toBeNull();
  });
});

describe('the attach button', () => {
  it('is there only when the server takes files', () => {
    open(null);
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull();
  });

  it('says the limits before any upload, opens the picker with the accepted types, and hands the chosen files over', async () => {
    const view = open();
    const button = screen.getByRole('button', { name: 'Attach a file' });
    const hint = document.getElementById(button.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).toBe('PNG, JPEG, PDF, TXT, up to 10 MB each');
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept).toBe('image/png,image/jpeg,application/pdf,text/plain');
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    fireEvent.click(button);
    expect(click).toHaveBeenCalled();
    Object.defineProperty(input, 'files', { value: [png()], configurable: true });
    fireEvent.change(input);
    expect(view.attach).toHaveBeenCalledWith([expect.objectContaining({ name: 'photo.png' })]);
  });

  it('says which files the limits refused, in words', async () => {
    const view = open();
    view.attach.mockResolvedValueOnce([
      { name: 'huge.png', reason: 'fileTooLarge' },
      { name: 'run.exe', reason: 'fileTypeRefused' },
    ]);
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    Object.defineProperty(input, 'files', { value: [png('huge.png')], configurable: true });
    fireEvent.change(input);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'huge.png cannot be sent: files may be up to 10 MB. run.exe cannot be sent: only PNG, JPEG, PDF, TXT files are accepted.',
    );
  });

  it('takes files pasted into the message field, and files dropped on the window', async () => {
    const view = open();
    const field = screen.getByRole('textbox', { name: 'Type your message' });
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [png('pasted.png')] } });
    field.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    expect(view.attach).toHaveBeenLastCalledWith([expect.objectContaining({ name: 'pasted.png' })]);

    const window = document.querySelector('.chat-window')!;
    const transfer = { types: ['Files'], files: [png('dropped.png')], dropEffect: 'none' };
    const over = new Event('dragover', { bubbles: true, cancelable: true });
    Object.defineProperty(over, 'dataTransfer', { value: transfer });
    window.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(await screen.findByText('Drop files here to send them')).toBeTruthy();
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: transfer });
    window.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(view.attach).toHaveBeenLastCalledWith([expect.objectContaining({ name: 'dropped.png' })]);
  });

  it('a drop where the server takes no files still never opens the file in the page', () => {
    const view = open(null);
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [png()] } });
    document.querySelector('.chat-window')!.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(view.attach).not.toHaveBeenCalled();
  });
});

describe('a file on its way', () => {
  it('shows its name and size, the upload progress, and cancel', () => {
    const view = open(LIMITS, { state: { outbox: [pending()] } });
    view.set(view.progress, { 'out-1': 0.4 });
    const line = within(log()).getByText('broken.png').closest('li.message-wrapper')!;
    expect(line.textContent).toContain('broken.png (2 kB)');
    expect(line.textContent).toContain('Sending…');
    const bar = within(line as HTMLElement).getByRole('progressbar', { name: 'Uploading broken.png' }) as HTMLProgressElement;
    expect(bar.value).toBeCloseTo(0.4);
    fireEvent.click(within(line as HTMLElement).getByRole('button', { name: 'Cancel sending broken.png' }));
    expect(view.cancel).toHaveBeenCalledWith('out-1');
  });

  it('says why the server refused it, and offers to retry', () => {
    const view = open(LIMITS, { state: { outbox: [pending({ status: 'failed', error: 'fileTypeRefused' })] } });
    const line = within(log()).getByText('broken.png').closest('li.message-wrapper') as HTMLElement;
    expect(within(line).getByRole('alert').textContent).toBe('broken.png cannot be sent: only PNG, JPEG, PDF, TXT files are accepted.');
    fireEvent.click(within(line).getByRole('button', { name: 'Retry' }));
    expect(view.retry).toHaveBeenCalledWith('out-1');
  });
});
