// A fake of the widget as the components see it (src/ui/view.ts): plain signals the test sets, and
// methods that record their calls and change the signals the way the real widget would, so a test
// renders a component, acts as the customer and reads what the customer sees next.
import { act, render } from '@testing-library/preact';
import { h, type ComponentChild } from 'preact';
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { vi, type Mock } from 'vitest';
import type { ChatScript, EndReason, FileLimits, FormField, Item, Outgoing } from '../../src/core';
import { createTranslator, type Translator } from '../../src/i18n';
import type { Language } from '../../src/i18n/languages';
import { WidgetContext } from '../../src/ui/context';
import type { ViewState, WidgetView } from '../../src/ui/view';

type Method<K extends keyof WidgetView> = WidgetView[K] extends (...args: infer A) => infer R ? Mock<(...args: A) => R> : never;

export interface FakeView extends WidgetView {
  readonly state: Signal<ViewState>;
  readonly language: Signal<Language>;
  readonly translator: ReadonlySignal<Translator>;
  readonly script: Signal<ChatScript | null>;
  readonly scriptError: Signal<string | null>;
  readonly confirmingEnd: Signal<EndReason | null>;
  readonly invitationReplies: Signal<string[] | null>;
  readonly offlineSent: Signal<boolean>;
  readonly customer: { readonly language: Signal<Language> };
  readonly open: Method<'open'>;
  readonly minimize: Method<'minimize'>;
  readonly acceptInvitation: Method<'acceptInvitation'>;
  readonly dismissInvitation: Method<'dismissInvitation'>;
  readonly submitPreChat: Method<'submitPreChat'>;
  readonly submitOffline: Method<'submitOffline'>;
  readonly send: Method<'send'>;
  readonly reply: Method<'reply'>;
  readonly files: Signal<FileLimits | null>;
  readonly attach: Method<'attach'>;
  readonly cancel: Method<'cancel'>;
  readonly retry: Method<'retry'>;
  readonly progress: Signal<Record<string, number>>;
  readonly blob: Method<'blob'>;
  readonly refreshFiles: Method<'refreshFiles'>;
  readonly typing: Method<'typing'>;
  readonly end: Method<'end'>;
  readonly confirmEnd: Method<'confirmEnd'>;
  readonly close: Method<'close'>;
  /** Changes the chat state as the widget would (a poll, another tab), and lets the components render. */
  update(patch: Partial<ViewState>): void;
  /** Changes any other signal the same way. */
  set<T>(s: Signal<T>, value: T): void;
}

export interface FakeOptions {
  state?: Partial<ViewState>;
  script?: ChatScript | null;
  language?: Language;
  /** customSystemMessages */
  messages?: Record<string, string>;
  /** Where open() leads from the launcher (the chat script decides in the widget). */
  opensTo?: ViewState['phase'];
  /** What the customer may upload (GetChat's extensions.files); none by default. */
  files?: FileLimits | null;
}

export function fakeView(options: FakeOptions = {}): FakeView {
  const state = signal<ViewState>({ phase: 'closed', open: false, unread: 0, chat: null, transcript: [], outbox: [], typing: null, connection: 'ok', ...options.state });
  const language = signal<Language>(options.language ?? 'en');
  const confirmingEnd = signal<EndReason | null>(null);
  const offlineSent = signal(false);
  const change = (patch: Partial<ViewState>) => (state.value = { ...state.value, ...patch });
  const view: FakeView = {
    state,
    language,
    translator: computed(() => createTranslator(language.value, options.messages)),
    script: signal(options.script ?? null),
    scriptError: signal<string | null>(null),
    confirmingEnd,
    invitationReplies: signal<string[] | null>(null),
    offlineSent,
    customer: { language: signal<Language>(options.language ?? 'en') },
    open: vi.fn(async () => {
      change({ phase: state.value.phase === 'closed' || state.value.phase === 'invitation' ? (options.opensTo ?? 'chatWindow') : state.value.phase, open: true });
    }),
    minimize: vi.fn(async () => {
      change({ open: false });
    }),
    acceptInvitation: vi.fn(async () => {
      change({ phase: options.opensTo ?? 'chatWindow', open: true });
    }),
    dismissInvitation: vi.fn(async () => {
      change({ phase: 'closed', open: false });
    }),
    submitPreChat: vi.fn(async () => ({})),
    submitOffline: vi.fn(async () => ({})),
    send: vi.fn(async () => {}),
    reply: vi.fn(async (index: number) => {
      change({ transcript: state.value.transcript.map((i) => (i.kind === 'message' && i.index === index ? { ...i, replied: true } : i)) });
    }),
    files: signal<FileLimits | null>(options.files ?? null),
    attach: vi.fn(async () => []),
    cancel: vi.fn(async () => {}),
    retry: vi.fn(async () => {}),
    progress: signal<Record<string, number>>({}),
    blob: vi.fn(async () => undefined),
    refreshFiles: vi.fn(),
    typing: vi.fn(),
    end: vi.fn(async () => {}),
    confirmEnd: vi.fn(async () => {
      confirmingEnd.value = null;
    }),
    close: vi.fn(async () => {
      change({ phase: 'closed', open: false });
    }),
    update: (patch) => act(() => void change(patch)),
    set: (s, value) => act(() => void (s.value = value)),
  };
  return view;
}

/** Renders UI from src/ui as mount() does, with the given view in place of the widget. */
export const renderWith = (view: WidgetView, ui: ComponentChild) => render(h(WidgetContext.Provider, { value: view }, ui));

// Builders for what the state holds, with defaults a test does not care about.

let at = Date.UTC(2024, 4, 1, 9, 30);
let index = 0;

export const message = (from: 'customer' | 'agent' | 'bot', text: string, more: Partial<Extract<Item, { kind: 'message' }>> = {}): Item => ({
  kind: 'message',
  index: ++index,
  from,
  name: from === 'customer' ? 'Customer' : from === 'bot' ? 'Parley bot' : 'Maya',
  text,
  at: (at += 60_000),
  ...more,
});

export const systemLine = (key: string, more: Partial<Extract<Item, { kind: 'system' }>> = {}): Item => ({ kind: 'system', key, at: (at += 60_000), ...more });

export const outgoing = (text: string, status: Outgoing['status']): Outgoing => ({ id: `out-${text}`, text, at: (at += 1000), status, attempts: status === 'sending' ? 0 : 1 });

export const chatting = { status: 'chatting' as const, queuePosition: null };

export const field = (id: string, label: string, type: FormField['type'] = 'text', required = false): FormField => ({ id, label, type, required });
