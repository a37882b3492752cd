// The Chat Gateway's webhook: verify the signature over the raw bytes, record the event in the
// inbox, and only then answer 200. A bad, unsigned, stale or unknown-key delivery gets 401 and
// changes nothing; a retried or replayed event id gets 200 and changes nothing either.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../context';
import { recordEvent } from './intake';
import type { WebhookVerifier } from '../../gateway';

/** Mounted under /webhooks: the gateway posts to {BRIDGE_PUBLIC_URL}/webhooks/chat-gateway. */
export const WEBHOOK_PATH = '/webhooks/chat-gateway';

export interface WebhookOptions {
  deps: Deps;
  verifier: WebhookVerifier;
}

export async function webhookReceiver(app: FastifyInstance, opts: WebhookOptions): Promise<void> {
  const { deps, verifier } = opts;
  const { reorderMs, redeliveryHoldMs } = deps.config.webhook;
  const since = Date.now();
  const count = (type: string, result: string) => deps.metrics.webhookEvents.inc({ type, result });

  // The signature covers the exact bytes: keep them, whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // The gateway documents no size; messages of 10,000 characters with cards fit.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= 1024 * 1024;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
    request.log.error({ err: error }, 'webhook intake failure');
    // Not recorded: the gateway must retry.
    return reply.code(503).send({ error: 'Temporarily unavailable, please retry' });
  });

  app.post('/chat-gateway', async (request: FastifyRequest<{ Body: Buffer | undefined }>, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    const eventType = typeof body?.eventType === 'string' ? body.eventType.slice(0, 40) : 'unknown';

    const verdict = await verifier.verify(raw, request.headers);
    if (!verdict.ok) {
      // The verification ping has no effect at all, so an unsigned one may be answered.
      if (verdict.reason === 'unsigned' && eventType === 'WEB_HOOK_VERIFY') {
        count(eventType, 'accepted');
        return reply.code(200).send({ ok: true });
      }
      count(eventType, verdict.reason);
      request.log.warn({ reason: verdict.reason, eventType }, 'webhook refused');
      return reply.code(401).send({ error: verdict.message });
    }
    if (!body) {
      count('unknown', 'malformed');
      return reply.code(400).send({ error: 'The body must be a JSON object' });
    }
    if (eventType === 'WEB_HOOK_VERIFY') {
      count(eventType, 'accepted');
      return reply.code(200).send({ ok: true });
    }
    const conversationId = body.conversationId;
    if (typeof conversationId !== 'string' || !conversationId || conversationId.length > 200) {
      count(eventType, 'malformed');
      return reply.code(400).send({ error: 'The event has no conversationId' });
    }
    const timestamp = typeof body.timestamp === 'number' && Number.isFinite(body.timestamp) ? body.timestamp : verdict.transmissionTime;
    // Events the gateway could not deliver (a crash, a restart, a network cut) come back one by one on
    // their own retry schedules, and new ones come in between. A redelivery, and anything in the
    // first moments after start, waits the redelivery hold instead of the reorder window, so that the
    // earlier-stamped events still being retried are applied before it.
    const now = Date.now();
    const catchingUp = verdict.retry > 0 || now - since < redeliveryHoldMs;
    const receivedAt = catchingUp ? now + Math.max(0, redeliveryHoldMs - reorderMs) : now;
    const fresh = await recordEvent(deps, { eventId: verdict.eventId, conversationId, timestamp, receivedAt, body });
    count(eventType, fresh ? 'accepted' : 'duplicate');
    return reply.code(200).send({ ok: true, duplicate: !fresh });
  });
}
