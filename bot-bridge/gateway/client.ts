// The Chat Gateway client (protocols/chat-gateway.md): x-api-key, a rate limiter shared by every
// replica through the store, timeouts, and an honest answer to "did the call happen?".
import { MAX_FILE_BYTES } from '../customer-chat-api/files';
import { createHash } from 'node:crypto';
import type { Store } from '../store';

/**
 * What a call ended as. `ambiguous` means the gateway may have acted on it (a timeout after the
 * request left, a dropped connection, a 5xx): a non-idempotent call must be reconciled before it
 * is sent again. `retry` without ambiguity (429, connection refused) is safe to resend.
 */
export type Outcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'rejected'; status: number; body: unknown; message: string }
  | { kind: 'retry'; status: number | null; message: string; ambiguous: boolean; retryAfterMs: number | null };

export interface CallObserver {
  (call: { method: string; route: string; status: number | 'error'; seconds: number }): void;
}

export interface GatewayClientOptions {
  url: string;
  apiKey: string;
  tenant: string | null;
  rps: number;
  timeoutMs: number;
  store: Store;
  observe?: CallObserver;
  /** The longest a call waits for its rate-limit slot (tests shorten it). */
  maxWaitMs?: number;
  /**
   * The share of `rps` bulk calls may never use (GATEWAY_RESERVED_PERCENT / 100): it stays for
   * handovers and the customer's messages to the agent. 0 = one line for every call.
   */
  reservedShare?: number;
  /** How a call waits for its slot (tests make it instant, to count slots without waiting them out). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Which budget a call comes from. Bulk: what a customer can make the bridge send at will and no
 * one misses much when late (typing notifications). Priority: everything else (creating and
 * ending handovers, the customer's messages, confirming the agent's).
 */
export type CallClass = 'priority' | 'bulk';
const BULK_ROUTES: ReadonlySet<string> = new Set(['/conversations/{id}/typing']);

const MAX_WAIT_MS = 10_000;

/** Connection errors where the request never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The vendor's error bodies vary (protocols/chat-gateway.md): find a readable message in any of them. */
export function problemMessage(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as { message?: unknown; errors?: unknown; referenceId?: unknown };
    const parts: string[] = [];
    if (typeof b.message === 'string') parts.push(b.message);
    const errors = Array.isArray(b.errors) ? b.errors : b.errors ? [b.errors] : [];
    for (const e of errors) {
      const text = typeof e === 'string' ? e : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : '';
      if (text && !parts.includes(text)) parts.push(text);
    }
    if (typeof b.referenceId === 'string') parts.push(`(ref ${b.referenceId})`);
    if (parts.length) return `${status}: ${parts.join('; ')}`;
  }
  return `HTTP ${status}`;
}

export class GatewayClient {
  private readonly base: string;
  private readonly limiterKey: string;
  private readonly interval: number;
  private readonly bulkInterval: number | null;
  private readonly maxWait: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: GatewayClientOptions) {
    this.base = `${opts.url}/chat-gateway/v1`;
    // The limit is per API key; the key itself never goes into the store.
    this.limiterKey = `gateway:${createHash('sha256').update(opts.apiKey).digest('hex').slice(0, 16)}`;
    this.interval = 1000 / opts.rps;
    const share = opts.reservedShare ?? 0;
    this.bulkInterval = share > 0 ? 1000 / (opts.rps * (1 - share)) : null;
    this.maxWait = opts.maxWaitMs ?? MAX_WAIT_MS;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Waits for this call's slot of the shared GATEWAY_RPS budget. A slot further out than the
   * maximum wait is neither taken nor waited for (a job must finish well within its lease): the
   * caller retries when it comes up. A bulk call first takes a slot of its own, slower line (the
   * budget less the reserved share), then one of the shared line: bulk calls can fill at most
   * their share of the shared line, so the rest is there for priority calls whatever bulk does.
   */
  private async slot(kind: CallClass): Promise<number> {
    if (kind === 'bulk' && this.bulkInterval !== null) {
      const wait = await this.take(`${this.limiterKey}:bulk`, this.bulkInterval);
      if (wait > this.maxWait) return wait;
    }
    return this.take(this.limiterKey, this.interval);
  }

  private async take(key: string, interval: number): Promise<number> {
    const wait = await this.opts.store.reserveSlot(key, interval, this.maxWait);
    if (wait > 0 && wait <= this.maxWait) await this.sleep(wait);
    return wait;
  }

  async call(method: string, path: string, route: string, body?: unknown, timeoutMs = this.opts.timeoutMs): Promise<Outcome> {
    const wait = await this.slot(BULK_ROUTES.has(route) ? 'bulk' : 'priority');
    if (wait > this.maxWait) return { kind: 'retry', status: null, message: `rate limit: ${wait} ms of calls are queued ahead`, ambiguous: false, retryAfterMs: wait };
    const headers: Record<string, string> = { 'x-api-key': this.opts.apiKey, accept: 'application/hal+json, application/json' };
    if (this.opts.tenant) headers['x-8x8-tenant'] = this.opts.tenant;
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      let parsed: unknown = undefined;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if (response.ok) return { kind: 'ok', status: response.status, body: parsed };
      const message = problemMessage(parsed, response.status);
      if (response.status === 429 || response.status === 408) {
        return { kind: 'retry', status: response.status, message, ambiguous: false, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
      }
      if (response.status >= 500) {
        return { kind: 'retry', status: response.status, message, ambiguous: true, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
      }
      return { kind: 'rejected', status: response.status, body: parsed, message };
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      const code = err.cause?.code ?? (err.name === 'TimeoutError' ? 'TIMEOUT' : err.name);
      return { kind: 'retry', status: null, message: `${method} ${route}: ${code}`, ambiguous: !NOT_SENT.has(code), retryAfterMs: null };
    } finally {
      this.opts.observe?.({ method, route, status, seconds: (performance.now() - started) / 1000 });
    }
  }

  createWebhook(body: { name: string; uri: string }) {
    return this.call('POST', '/webhooks', '/webhooks', { ...body, version: 'Chat Gateway v1.0' });
  }
  getWebhook(id: string) {
    return this.call('GET', `/webhooks/${encodeURIComponent(id)}`, '/webhooks/{id}');
  }
  updateWebhook(id: string, body: { name: string; uri: string }) {
    return this.call('PUT', `/webhooks/${encodeURIComponent(id)}`, '/webhooks/{id}', { ...body, version: 'Chat Gateway v1.0' });
  }
  createChannel(body: { name: string; webHookId: string; queueId: string }) {
    return this.call('POST', '/channels', '/channels', {
      name: body.name,
      type: 'ChatAPI',
      webHookId: body.webHookId,
      routingOptions: { type: 'queue', id: body.queueId },
    });
  }
  getChannel(id: string) {
    return this.call('GET', `/channels/${encodeURIComponent(id)}`, '/channels/{id}');
  }
  createConversation(body: unknown) {
    return this.call('POST', '/conversations', '/conversations', body);
  }
  listConversations(page: number, size: number) {
    return this.call('GET', `/conversations?page=${page}&size=${size}&sort=createdAt:desc`, '/conversations');
  }
  sendMessage(conversationId: string, text: string, attachmentIds: string[] = []) {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/messages`, '/conversations/{id}/messages', {
      authorType: 'user',
      text,
      ...(attachmentIds.length ? { attachments: attachmentIds.map((id) => ({ id })) } : {}),
    });
  }
  /** An agent's file, by its gateway id: the bytes (null when it cannot be had). */
  async attachmentContent(conversationId: string, attachmentId: string): Promise<Buffer | null> {
    // A priority call (it puts the agent's file in front of the customer); a slot too far out is
    // waited for here rather than losing the file.
    for (let wait = await this.slot('priority'); wait > this.maxWait; wait = await this.slot('priority')) await this.sleep(Math.min(wait, 1000));
    const headers: Record<string, string> = { 'x-api-key': this.opts.apiKey };
    if (this.opts.tenant) headers['x-8x8-tenant'] = this.opts.tenant;
    const route = '/conversations/{id}/attachments/{attachmentId}/content';
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const response = await fetch(`${this.base}/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}/content`, {
        headers,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = response.status;
      const length = Number(response.headers.get('content-length') ?? 0);
      if (!response.ok || length > MAX_FILE_BYTES) {
        await response.body?.cancel();
        return null;
      }
      const bytes = Buffer.from(await response.arrayBuffer());
      return bytes.length > 0 && bytes.length <= MAX_FILE_BYTES ? bytes : null;
    } catch {
      return null;
    } finally {
      this.opts.observe?.({ method: 'GET', route, status, seconds: (performance.now() - started) / 1000 });
    }
  }

  /** A customer's file for the agent (multipart: `attachment`, `authorType`) → `{ id, filename, sizeInBytes }`; then sent in a message by id. */
  uploadAttachment(conversationId: string, file: { name: string; contentType: string; bytes: Buffer }) {
    const form = new FormData();
    form.append('authorType', 'user');
    form.append('attachment', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.name);
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/attachments`, '/conversations/{id}/attachments', form);
  }
  listMessages(conversationId: string, page: number, size: number) {
    return this.call('GET', `/conversations/${encodeURIComponent(conversationId)}/messages?page=${page}&size=${size}&sort=createdAt:asc`, '/conversations/{id}/messages');
  }
  typing(conversationId: string) {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/typing`, '/conversations/{id}/typing', { authorType: 'user' });
  }
  participants(conversationId: string, timeoutMs?: number) {
    return this.call('GET', `/conversations/${encodeURIComponent(conversationId)}/participants`, '/conversations/{id}/participants', undefined, timeoutMs);
  }
  userLeaves(conversationId: string) {
    return this.call('PATCH', `/conversations/${encodeURIComponent(conversationId)}/participants/user`, '/conversations/{id}/participants/user', { removed: true });
  }
  postAgentAssignment(conversationId: string, webhookId: string, configuration: { maxTotalMinutes: number; userTimeoutInMinutes: number }) {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/post-agent-assignment`, '/conversations/{id}/post-agent-assignment', {
      type: 'webhook',
      id: webhookId,
      configuration: { notifyChannelWebhookIfExists: 'false', ...configuration },
    });
  }
}
