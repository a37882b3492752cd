// What the components need of the widget: the signals they read and the methods they call. The UI
// declares it and the app's widget satisfies it structurally, so ui/ depends on no app/ module and a
// test hands the components a fake made of plain signals.
import type { ReadonlySignal } from '@preact/signals';
import type { ChatScript, ChatSession, EndReason, FieldErrors, FileLimits, Item, Outgoing, Phase } from '../core';
import type { FileRefusal } from '../core/conversation';
import type { Translator } from '../i18n';
import type { Language } from '../i18n/languages';

/** The part of the shared chat state the window shows (SharedState has more). */
export interface ViewState {
  phase: Phase;
  /** Expanded, as opposed to just the launcher. */
  open: boolean;
  unread: number;
  chat: Pick<ChatSession, 'status' | 'queuePosition'> | null;
  transcript: Item[];
  /** The customer's messages not yet in the server's transcript, with their delivery state. */
  outbox: Outgoing[];
  /** Who is typing right now: a name, '' for someone unnamed, null for nobody. */
  typing: string | null;
  connection: 'ok' | 'lost';
}

export interface WidgetView {
  readonly state: ReadonlySignal<ViewState>;
  /** The chat language (the page's or the customer's until a chat starts, then the chat's). */
  readonly language: ReadonlySignal<Language>;
  readonly translator: ReadonlySignal<Translator>;
  readonly script: ReadonlySignal<ChatScript | null>;
  /** Set when the chat script could not be loaded. */
  readonly scriptError: ReadonlySignal<string | null>;
  /** Set while the customer is asked whether to end the chat with an agent. */
  readonly confirmingEnd: ReadonlySignal<EndReason | null>;
  /** The page's invitation quick replies; null: the chat script's. */
  readonly invitationReplies: ReadonlySignal<string[] | null>;
  readonly offlineSent: ReadonlySignal<boolean>;
  /** The pre-chat language question's default. */
  readonly customer: { readonly language: ReadonlySignal<Language> };

  /** The launcher: wherever the chat script leads, or back to an open chat. */
  open(): Promise<void>;
  minimize(): Promise<void>;
  acceptInvitation(reply?: string): Promise<void>;
  dismissInvitation(): Promise<void>;
  submitPreChat(values: Record<string, string>): Promise<FieldErrors>;
  submitOffline(values: Record<string, string>): Promise<FieldErrors | 'failed'>;
  send(text: string): Promise<void>;
  /** A card's reply button on message `index`: sends `text` (and the JSON `value`), then the message's buttons are disabled. */
  reply(index: number, text: string, value?: Record<string, unknown>): Promise<void>;
  /** What the customer may upload now; null: no attach button. */
  readonly files: ReadonlySignal<FileLimits | null>;
  /** Queues files to send (each its own message); answers those refused before any upload, and why. */
  attach(files: File[]): Promise<FileRefusal[]>;
  /** Drops an outgoing message not sent yet (a file on its way). */
  cancel(id: string): Promise<void>;
  /** Sends a refused outgoing message again. */
  retry(id: string): Promise<void>;
  /** Upload progress by outgoing message id (0..1), in the tab that uploads. */
  readonly progress: ReadonlySignal<Record<string, number>>;
  /** A file's picture failed to load (its link may have expired): asks for fresh links. */
  refreshFiles(): void;
  /** A waiting file's bytes (for its preview). */
  blob(key: string): Promise<Blob | undefined>;
  /** The customer started (true) or stopped (false) typing. */
  typing(on: boolean): void;
  /** The end button and Escape: closes before a chat, ends it, or asks first when an agent is there. */
  end(reason: 'user'): Promise<void>;
  /** The answer to the end-of-chat question. */
  confirmEnd(yes: boolean): Promise<void>;
  close(reason: 'user'): Promise<void>;
}
