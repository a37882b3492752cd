// The customer's messages on their way: queued in the shared state (so a reload or another tab keeps
// them), sent by the leader one at a time and in order, and retried with the same clientMessageId,
// so the server can tell a retry from a new message and records each once.
import { signal, type ReadonlySignal } from '@preact/signals';
import { LIMITS, MAX_TEXT } from '../../../bot-bridge/customer-chat-api/wire';
import { isChatRequestError, type ChatApiClient } from '../client';
import type { BlobStore } from '../store';
import { backoffDelay } from '../poller';
import type { Shared } from '../shared';
import { isActive, type FileLimits, type Outgoing, type OutgoingFile } from '../types';
import type { Ending } from './ending';
import type { Lifetime } from './lifetime';
import { systemLine } from './system-line';

export interface OutboxDeps {
  client: ChatApiClient;
  shared: Shared;
  leader(): boolean;
  lifetime: Lifetime;
  random: () => number;
  newId(): string;
  endLocally: Ending['endLocally'];
  /** A message went through: its line in the transcript comes with the next poll. */
  onSent(): void;
  /** Where files wait for their upload (IndexedDB: they survive a reload). */
  blobs: BlobStore;
}

/** Why a file is refused before any upload (system message keys). */
export type FileRefusal = { name: string; reason: 'fileTooLarge' | 'fileTypeRefused' | 'fileTooMany' };

export interface Outbox {
  /** Queues a customer message; it reaches the server once, whatever happens to the network or the tab. */
  send(raw: string, value?: Record<string, unknown>): Promise<void>;
  /** Queues files (each its own message) within the server's limits; answers those refused, and why. */
  attach(files: File[], limits: FileLimits): Promise<FileRefusal[]>;
  /** Drops a message not sent yet (a file the customer no longer wants to send). */
  cancel(id: string): Promise<void>;
  /** Tries a message the server refused again. */
  retry(id: string): Promise<void>;
  /** The share of each message's files uploaded so far (0..1), by message id, in the tab that uploads. */
  readonly progress: ReadonlySignal<Record<string, number>>;
  /** A waiting file's bytes, for its preview. */
  blob(key: string): Promise<Blob | undefined>;
  /** Sends what waits, if this tab leads; a second call while sending does nothing. */
  flush(): Promise<void>;
}

/** Whether a message still waits to go out. */
export const unsent = (o: Outgoing) => o.status === 'sending' || o.status === 'retrying';

const withoutError = ({ error: _error, ...rest }: Outgoing): Outgoing => rest;

export function createOutbox(deps: OutboxDeps): Outbox {
  const { client, shared, lifetime, random, blobs } = deps;
  let sending = false;
  const progress = signal<Record<string, number>>({});
  let uploading: { id: string; abort: AbortController } | null = null;

  const mark = (id: string, change: Partial<Outgoing>, unlessFailed = false) =>
    shared.commit((s) => ({ ...s, outbox: s.outbox.map((o) => (o.id === id && !(unlessFailed && o.status === 'failed') ? { ...o, ...change } : o)) }));
  const setProgress = (id: string, share: number | null) => {
    const next = { ...progress.value };
    if (share === null) delete next[id];
    else next[id] = share;
    progress.value = next;
  };
  const forget = (files: OutgoingFile[] | undefined) => Promise.all((files ?? []).map((f) => blobs.delete(f.key).catch(() => undefined)));

  /** Uploads the message's files not uploaded yet; each id is kept at once, so a retry or a reload never uploads a file twice after it went through. */
  async function upload(chatId: string, message: Outgoing): Promise<{ id: string }[]> {
    const files = message.files ?? [];
    const total = files.reduce((n, f) => n + f.size, 0) || 1;
    let done = files.filter((f) => f.uploaded).reduce((n, f) => n + f.size, 0);
    const ids = new Map(files.filter((f) => f.uploaded).map((f) => [f.key, f.uploaded!]));
    for (const file of files) {
      if (file.uploaded) continue;
      const blob = await blobs.get(file.key);
      if (!blob) throw Object.assign(new Error('The file is no longer kept'), { missing: true });
      const abort = new AbortController();
      uploading = { id: message.id, abort };
      try {
        const base = done;
        const stored = await client.upload(chatId, blob, file.name, { onProgress: (share) => setProgress(message.id, (base + share * file.size) / total), signal: abort.signal });
        ids.set(file.key, stored.id);
        done += file.size;
        await shared.commit((s) => ({
          ...s,
          outbox: s.outbox.map((o) => (o.id === message.id && o.files ? { ...o, files: o.files.map((f) => (f.key === file.key ? { ...f, uploaded: stored.id } : f)) } : o)),
        }));
      } finally {
        uploading = null;
      }
    }
    return files.map((f) => ({ id: ids.get(f.key)! }));
  }

  async function flush(): Promise<void> {
    if (sending || lifetime.over) return;
    sending = true;
    try {
      for (;;) {
        const chat = shared.state.value.chat;
        if (!deps.leader() || !isActive(chat) || !chat.id) return;
        const next = shared.state.value.outbox.find(unsent);
        if (!next) return;
        try {
          const attachments = next.files?.length ? await upload(chat.id, next) : undefined;
          // The customer cancelled while the file went up: the message goes no further.
          if (!shared.state.value.outbox.some((o) => o.id === next.id)) continue;
          await client.sendMessage(chat.id, next.text, next.id, { ...(attachments ? { attachments } : {}), ...(next.value ? { value: next.value } : {}) });
          await mark(next.id, { status: 'sent' }, true);
          setProgress(next.id, null);
          void forget(next.files);
          deps.onSent();
        } catch (error) {
          const missing = (error as { missing?: boolean }).missing === true;
          if (!shared.state.value.outbox.some((o) => o.id === next.id)) continue;
          if (missing || (isChatRequestError(error) && !error.transient)) {
            // A file the server refuses (too large, a type it does not take) says so beside the file.
            const code = isChatRequestError(error) ? error.statusCode : undefined;
            const reason = missing ? 'fileLost' : code === 8 ? 'fileTooLarge' : code === 9 ? 'fileTypeRefused' : undefined;
            setProgress(next.id, null);
            await shared.commit((s) => ({
              ...s,
              outbox: s.outbox.map((o) => (o.id === next.id ? { ...o, status: 'failed', ...(reason ? { error: reason } : {}) } : o)),
              transcript: reason ? s.transcript : [...s.transcript, systemLine('errorGenericMessage')],
            }));
            if (isChatRequestError(error) && (error.kind === 'state' || error.kind === 'not-found')) await deps.endLocally('timeout', 'sessionDisconnected');
            continue;
          }
          // The server may hold it already (only the answer got lost): the retry carries the same id.
          const attempts = next.attempts + 1;
          const limited = isChatRequestError(error) && error.rateLimited;
          // A refusal by the server's limits is routine: the first one shows nothing (the message
          // stays "sending" and goes when the server said it may), later ones say it is retrying.
          await mark(next.id, { status: limited && attempts === 1 ? 'sending' : 'retrying', attempts });
          const backoff = backoffDelay(1000, attempts, 30_000, random);
          await lifetime.sleep(limited ? Math.max(Math.min(error.retryAfterMs ?? backoff, 120_000), 250) : backoff);
        }
      }
    } finally {
      sending = false;
    }
  }

  async function send(raw: string, value?: Record<string, unknown>): Promise<void> {
    const text = raw.trim();
    if (!text) return;
    const cut = text.length > MAX_TEXT;
    const entry: Outgoing = { id: deps.newId(), text: cut ? text.slice(0, MAX_TEXT) : text, at: Date.now(), status: 'sending', attempts: 0, ...(value ? { value } : {}) };
    await shared.commit((s) => ({
      ...s,
      outbox: [...s.outbox, entry],
      transcript: cut ? [...s.transcript, systemLine('chatMsgTooLong')] : s.transcript,
    }));
    if (deps.leader()) void flush();
  }

  async function attach(files: File[], limits: FileLimits): Promise<FileRefusal[]> {
    const refused: FileRefusal[] = [];
    const taken: Outgoing[] = [];
    for (const file of files) {
      if (taken.length >= LIMITS.attachmentsPerMessage) refused.push({ name: file.name, reason: 'fileTooMany' });
      else if (!limits.contentTypes.includes(file.type)) refused.push({ name: file.name, reason: 'fileTypeRefused' });
      else if (file.size > limits.maxBytes || file.size === 0) refused.push({ name: file.name, reason: 'fileTooLarge' });
      else {
        const id = deps.newId();
        // Stored before it is queued: the message never refers to bytes that are not kept.
        await blobs.put(id, file);
        taken.push({ id, text: '', at: Date.now(), status: 'sending', attempts: 0, files: [{ key: id, name: file.name, type: file.type, size: file.size }] });
      }
    }
    if (taken.length) {
      await shared.commit((s) => ({ ...s, outbox: [...s.outbox, ...taken] }));
      if (deps.leader()) void flush();
    }
    return refused;
  }

  async function cancel(id: string): Promise<void> {
    const message = shared.state.value.outbox.find((o) => o.id === id);
    if (!message || message.status === 'sent') return;
    if (uploading?.id === id) uploading.abort.abort();
    await shared.commit((s) => ({ ...s, outbox: s.outbox.filter((o) => o.id !== id) }));
    setProgress(id, null);
    await forget(message.files);
  }

  async function retry(id: string): Promise<void> {
    await shared.commit((s) => ({ ...s, outbox: s.outbox.map((o) => (o.id === id && o.status === 'failed' ? { ...withoutError(o), status: 'sending', attempts: 0 } : o)) }));
    if (deps.leader()) void flush();
  }

  return { send, attach, cancel, retry, progress, blob: (key) => blobs.get(key), flush };
}
