// Callbacks of the generic handover API: each event POSTed to the handover's callbackUrl, signed
// with HMAC-SHA256 over "<timestamp>.<raw body>", retried with backoff under the same event id
// until the receiver answers 2xx (or CALLBACK_MAX_AGE_S passes). The URL is the caller's: it goes
// through net/safe-request.ts (public addresses only, pinned, no redirects).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { callbackSecretOf } from '../config';
import type { Deps } from '../context';
import { nextAttempt, type Handler } from '../outbox';
import { OutboundError, safeRequest } from '../net';
import { short } from '../ops';
import type { CallbackEvent } from '../sessions';

export const SIGNATURE_HEADER = 'x-parley-signature';
export const TIMESTAMP_HEADER = 'x-parley-timestamp';
export const EVENT_ID_HEADER = 'x-parley-event-id';

const CALLBACK_TIMEOUT_MS = 10_000;
/** The one reason a caller sees for any failed callback (see send). */
export const NOT_TAKEN = 'the callback receiver did not take the callback';

export function signCallback(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** What a receiver does (the README shows the same): constant-time compare, and a freshness window. */
export function verifyCallback(
  secret: string,
  headers: { signature?: string | undefined; timestamp?: string | undefined },
  rawBody: string | Buffer,
  maxAgeMs = 5 * 60_000,
  now = Date.now(),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(now - timestamp) > maxAgeMs) return false;
  const expected = Buffer.from(signCallback(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function callbackHandlers(deps: Deps): Record<string, Handler> {
  const { store, config, log, metrics } = deps;

  const send: Handler = async (j) => {
    const { sessionId, event } = j.data as { sessionId: string; event: CallbackEvent };
    const session = await store.getSession(sessionId);
    const secret = callbackSecretOf(config);
    if (!session?.callbackUrl || !secret) return { bury: 'no callback URL or no CALLBACK_SECRET' };
    const body = JSON.stringify(event);
    const timestamp = Date.now();
    // What went wrong, for our log only. The job (and so /v1/outbox/dead) says NOT_TAKEN whatever
    // it was: a refused address, a closed port, a port that speaks another protocol, a timeout and an
    // HTTP error all look the same to the caller, so a callbackUrl cannot be used to map a network.
    let problem: string;
    let retryAfter: number | null = null;
    try {
      const response = await safeRequest(session.callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'parley-bridge',
          [EVENT_ID_HEADER]: event.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signCallback(secret, timestamp, body),
        },
        body,
        timeoutMs: CALLBACK_TIMEOUT_MS,
        policy: config.callback,
      });
      if (response.status >= 200 && response.status < 300) {
        metrics.callbacks.inc({ result: 'ok' });
        return { done: true };
      }
      // 410 Gone: the receiver is done with this handover.
      if (response.status === 410) return { done: true };
      // A redirect is not followed: the receiver must answer at the URL it gave.
      problem = response.status >= 300 && response.status < 400 ? `HTTP ${response.status} (redirects are not followed)` : `HTTP ${response.status}`;
      const header = response.headers['retry-after'];
      if (typeof header === 'string' && /^\d+$/.test(header)) retryAfter = Number(header) * 1000;
    } catch (error) {
      problem = error instanceof OutboundError ? `${error.kind}: ${error.detail}` : (error as Error).name;
    }
    if (Date.now() - j.createdAt > config.outbox.callbackMaxAgeS * 1000) {
      metrics.callbacks.inc({ result: 'given_up' });
      log.warn({ handover: short(sessionId), event: event.type, problem }, 'callback given up');
      return { bury: `${NOT_TAKEN} within ${config.outbox.callbackMaxAgeS} s` };
    }
    metrics.callbacks.inc({ result: 'retry' });
    log.debug({ handover: short(sessionId), event: event.type, problem }, 'callback not taken, will retry');
    return { retryAt: nextAttempt(j.attempts, retryAfter, { baseMs: 1000, capMs: 300_000 }), error: NOT_TAKEN };
  };

  return { 'callback.send': send };
}
