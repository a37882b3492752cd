import { randomBytes } from 'node:crypto';
import type { WebhookSigner } from './signer';

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  conversationId: string | null;
  uri: string;
  retry: number;
  /** HTTP status of the answer, or null when none came (network error, timeout). */
  status: number | null;
  error: string | null;
  at: number;
  durationMs: number;
}

export interface DeliveryOptions {
  signer: WebhookSigner;
  tenantId: string;
  customerId: string;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  maxAttempts: number;
}

export type WebhookEvent = { eventType: string; conversationId?: string; timestamp?: number; [key: string]: unknown };

const MAX_LOG = 10_000;

/** Gateway event ids look like the vendor's: 22 characters of base64url. */
const newEventId = () => randomBytes(16).toString('base64url');

/**
 * Sends signed webhook events. First attempts of one conversation go out one after another, in the
 * order the events happened; a failed event is retried later with growing delays, the same event id
 * and `x-8x8-retry` counting up, while later events go on (the gateway promises no order).
 */
export class WebhookDelivery {
  readonly log: DeliveryAttempt[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly opts: DeliveryOptions) {}

  /** Queues an event; resolves once its first attempt is done (not its retries). */
  send(uri: string, event: WebhookEvent): Promise<boolean> {
    const body = Buffer.from(JSON.stringify(event));
    const eventId = newEventId();
    const key = event.conversationId ?? `event:${eventId}`;
    let result!: Promise<boolean>;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const chain = previous.then(() => {
      result = this.attempt(uri, event, body, eventId, 0);
      return result.then(() => undefined);
    });
    this.chains.set(key, chain);
    void chain.then(() => {
      if (this.chains.get(key) === chain) this.chains.delete(key);
    });
    return chain.then(() => result);
  }

  /** Delivers once, now, without retries (webhook verification). */
  verify(uri: string, event: WebhookEvent): Promise<boolean> {
    return this.attempt(uri, event, Buffer.from(JSON.stringify(event)), newEventId(), 0, false);
  }

  clearLog(): void {
    this.log.length = 0;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private async attempt(uri: string, event: WebhookEvent, body: Buffer, eventId: string, retry: number, retries = true): Promise<boolean> {
    if (this.closed) return false;
    const transmissionTime = Date.now();
    const headers = {
      'content-type': 'application/json',
      'x-8x8-tenant-id': this.opts.tenantId,
      'x-8x8-customer-id': this.opts.customerId,
      'x-8x8-event-id': eventId,
      'x-8x8-transmission-time': String(transmissionTime),
      'x-8x8-retry': String(retry),
      'x-8x8-signature': this.opts.signer.sign({
        body,
        customerId: this.opts.customerId,
        eventId,
        retry,
        tenantId: this.opts.tenantId,
        transmissionTime,
      }),
    };
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    this.inFlight.add(controller);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(uri, { method: 'POST', headers, body: new Uint8Array(body), signal: controller.signal });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = controller.signal.aborted ? `no answer within ${this.opts.timeoutMs} ms` : String((err as Error).cause ?? err);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    const ok = status !== null && status >= 200 && status < 300;
    if (this.log.length >= MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG + 1);
    this.log.push({
      eventId,
      eventType: event.eventType,
      conversationId: event.conversationId ?? null,
      uri,
      retry,
      status,
      error: ok ? null : (error ?? `answered ${status}`),
      at: transmissionTime,
      durationMs: Date.now() - transmissionTime,
    });
    if (!ok && retries && retry + 1 < this.opts.maxAttempts && !this.closed) {
      const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** retry);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(uri, event, body, eventId, retry + 1);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
    return ok;
  }
}
