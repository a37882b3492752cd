// The Customer Chat API client (protocols/customer-chat-api.md): ky, the ContactCenterId header on
// every request, never an Authorization header. Retries are the callers' business (the poller, the
// outbox), so ky itself never retries.
import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky';
import { own } from '../../bot-bridge/customer-chat-api/own';
import type {
  Attachment,
  ChatOperation,
  ErrorStatusCode,
  OfflineMessageResponse,
  RequestChatResponse,
  SendMessageRequest,
  UploadResponse,
} from '../../bot-bridge/customer-chat-api/wire';
import type { ChatScript, WireChat, WireEntry } from './types';

export type FailureKind = 'network' | 'timeout' | 'server' | 'invalid' | 'state' | 'forbidden' | 'not-found';

/**
 * Every failure of a request the widget made: what kind, and what the server said when it said
 * something (a client-side failure; the server's error is the envelope in the body).
 */
export class ChatRequestError extends Error {
  override name = 'ChatRequestError';
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly httpStatus?: number,
    readonly statusCode?: number,
    /** How long the server asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  /** Worth trying again later with the same request. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'server';
  }
  /** The server's limits refused it for now (429, statusCode 7): the same request goes again after `retryAfterMs`. */
  get rateLimited(): boolean {
    return this.httpStatus === 429 || this.statusCode === 7;
  }
}

/** Retry-After in ms: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterOf(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export const isChatRequestError = (error: unknown): error is ChatRequestError => error instanceof Error && error.name === 'ChatRequestError';

const KIND_BY_STATUS_CODE: Record<number, FailureKind> = {
  1: 'invalid',
  2: 'state',
  3: 'forbidden',
  4: 'server',
  6: 'not-found',
  7: 'server',
  8: 'invalid',
  9: 'invalid',
} satisfies Record<ErrorStatusCode, FailureKind>;

export interface ClientOptions {
  domain: string;
  contactCenterId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** One GetMessages answer: the entries, and whether the server said more follow at once (a full page). */
export interface MessagePage {
  messages: WireEntry[];
  more: boolean;
}

/** (ext) A long-poll: the server holds the request up to `waitSeconds`; `signal` cuts it short. */
export interface PollOptions {
  waitSeconds?: number;
  signal?: AbortSignal;
}

export interface ChatApiClient {
  chatScript(query: Record<string, string | undefined>): Promise<ChatScript>;
  requestChat(body: { nickname: string; subject?: string | undefined; endpoint?: string | undefined; userData: Record<string, unknown> }): Promise<{ id: string }>;
  sendMessage(chatId: string, text: string, clientMessageId: string, extra?: Pick<SendMessageRequest, 'attachments' | 'value'>): Promise<void>;
  /** (ext) Uploads one file to the chat; `onProgress` gets the share sent so far (0..1). */
  upload(chatId: string, file: Blob, name: string, options?: { onProgress?(share: number): void; signal?: AbortSignal }): Promise<Attachment>;
  typing(chatId: string, typing: boolean): Promise<void>;
  complete(chatId: string): Promise<void>;
  getChat(chatId: string): Promise<WireChat>;
  getMessages(chatId: string, index: number, options?: PollOptions): Promise<MessagePage>;
  offlineMessage(body: { fields: Record<string, string>; userData: Record<string, unknown> }): Promise<{ id: string }>;
}

export function createClient(options: ClientOptions): ChatApiClient {
  const api: KyInstance = ky.create({
    prefixUrl: `${options.domain}/api/v2/`,
    headers: { ContactCenterId: options.contactCenterId },
    timeout: options.timeoutMs ?? 10_000,
    retry: 0,
    credentials: 'omit',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      const body = (await work()) as T & { statusCode?: number; statusMessage?: string };
      if (body && typeof body.statusCode === 'number' && body.statusCode !== 0) {
        throw new ChatRequestError(own(KIND_BY_STATUS_CODE, body.statusCode) ?? 'server', body.statusMessage ?? 'The server refused', 200, body.statusCode);
      }
      return body;
    } catch (error) {
      if (isChatRequestError(error)) throw error;
      if (error instanceof HTTPError) {
        const status = error.response.status;
        const data = (await error.response.json().catch(() => ({}))) as { statusCode?: number; statusMessage?: string };
        const kind =
          (data.statusCode !== undefined && own(KIND_BY_STATUS_CODE, data.statusCode)) ||
          (status >= 500 || status === 429 ? 'server' : status === 404 ? 'not-found' : status === 403 ? 'forbidden' : 'invalid');
        // Cross-origin, the header is readable because the servers expose it (Access-Control-Expose-Headers).
        const retryAfterMs = retryAfterOf(error.response.headers.get('retry-after'));
        throw new ChatRequestError(kind, data.statusMessage ?? `HTTP ${status}`, status, data.statusCode, retryAfterMs);
      }
      if (error instanceof TimeoutError) throw new ChatRequestError('timeout', 'The server did not answer in time');
      throw new ChatRequestError('network', (error as Error)?.message || 'Network error');
    }
  }

  const operation = (chatId: string, json: ChatOperation) => call(() => api.post(`chats/${encodeURIComponent(chatId)}`, { json }).json()).then(() => undefined);

  return {
    chatScript: (query) => {
      const searchParams: Record<string, string> = {};
      for (const [k, v] of Object.entries(query)) if (v) searchParams[k] = v;
      return call(() => api.get('chat-script', { searchParams }).json<ChatScript>());
    },
    requestChat: (body) => call(() => api.post('chats', { json: { operationName: 'RequestChat', ...body } }).json<RequestChatResponse>()),
    sendMessage: (chatId, text, clientMessageId, extra = {}) => operation(chatId, { operationName: 'SendMessage', text, clientMessageId, ...extra }),
    upload: (chatId, file, name, { onProgress, signal } = {}) => {
      const url = `${options.domain}/api/v2/chats/${encodeURIComponent(chatId)}/files`;
      const form = new FormData();
      form.append('file', file, name);
      // XMLHttpRequest, because fetch tells nothing of an upload's progress; a test's fetch goes through ky.
      const sent =
        options.fetch || typeof XMLHttpRequest === 'undefined'
          ? api.post(`chats/${encodeURIComponent(chatId)}/files`, { body: form, timeout: 120_000, ...(signal ? { signal } : {}) }).json<UploadResponse>()
          : xhrUpload(url, options.contactCenterId, form, onProgress, signal);
      return call(() => sent).then((r) => {
        onProgress?.(1);
        return r.file;
      });
    },
    typing: (chatId, typing) => operation(chatId, { operationName: typing ? 'SendStartTypingNotification' : 'SendStopTypingNotification' }),
    complete: (chatId) => operation(chatId, { operationName: 'Complete' }),
    getChat: (chatId) => call(() => api.get(`me/chat/${encodeURIComponent(chatId)}`).json<{ chat: WireChat }>()).then((r) => r.chat),
    getMessages: (chatId, index, poll = {}) => {
      const wait = poll.waitSeconds ?? 0;
      const searchParams = wait > 0 ? { index, waitSeconds: wait } : { index };
      // A held request may take the whole wait: the timeout counts from its end.
      const timeout = wait > 0 ? wait * 1000 + (options.timeoutMs ?? 10_000) : undefined;
      return call(() =>
        api
          .get(`me/chat/${encodeURIComponent(chatId)}/messages`, { searchParams, ...(timeout ? { timeout } : {}), ...(poll.signal ? { signal: poll.signal } : {}) })
          .json<{ messages?: WireEntry[]; more?: boolean }>(),
      ).then((r) => ({ messages: r.messages ?? [], more: r.more === true }));
    },
    offlineMessage: (body) => call(() => api.post('offline-messages', { json: body }).json<OfflineMessageResponse>()),
  };
}

/** POST of a form with upload progress; answers the body like ky, and fails with what ky throws. */
function xhrUpload(url: string, contactCenterId: string, form: FormData, onProgress?: (share: number) => void, signal?: AbortSignal): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('ContactCenterId', contactCenterId);
    xhr.timeout = 120_000;
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(Math.min(0.99, e.loaded / e.total));
    const body = () => {
      try {
        return JSON.parse(xhr.responseText) as UploadResponse & { statusMessage?: string };
      } catch {
        return null;
      }
    };
    xhr.onload = () => {
      const data = body();
      if (xhr.status >= 200 && xhr.status < 300 && data) return resolve(data);
      const code = data?.statusCode;
      const kind = (code !== undefined && own(KIND_BY_STATUS_CODE, code)) || (xhr.status >= 500 || xhr.status === 429 ? 'server' : 'invalid');
      reject(new ChatRequestError(kind, data?.statusMessage ?? `HTTP ${xhr.status}`, xhr.status, code));
    };
    xhr.onerror = () => reject(new ChatRequestError('network', 'Network error'));
    xhr.ontimeout = () => reject(new ChatRequestError('timeout', 'The server did not answer in time'));
    xhr.onabort = () => reject(new ChatRequestError('network', 'Cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
