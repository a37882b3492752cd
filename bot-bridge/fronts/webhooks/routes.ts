// The Chat Gateway's webhook: verify the signature over the raw bytes, record the event in the
// inbox, and only then answer 200. A bad, unsigned, stale or unknown-key delivery, or one signed for
// another tenant or customer, gets 401 and changes nothing; a retried or replayed event id gets 200
// and changes nothing either; so does an event for a conversation this bridge did not create.
// What a signed body may still say is limited further on (jobs/inbox.ts confirms agents' messages).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../context';
import { LEARN_PARAM, learnFromPing, type Rejection, type WebhookVerifier } from '../../gateway';
import { limitedWarnings, short } from '../../ops';
import { recordEvent } from './intake';
import { eventLabel, type EventLabel, type WebhookResult } from './labels';

/** Mounted under /webhooks: the gateway posts to {BRIDGE_PUBLIC_URL}/webhooks/chat-gateway. */
export const WEBHOOK_PATH = '/webhooks/chat-gateway';

export interface WebhookOptions {
  deps: Deps;
  verifier: WebhookVerifier;
}

type WebhookRequest = FastifyRequest<{ Body: Buffer | undefined; Querystring: Record<string, string | string[] | undefined> }>;

export async function webhookReceiver(app: FastifyInstance, opts: WebhookOptions): Promise<void> {
  const { deps, verifier } = opts;
  const { reorderMs, redeliveryHoldMs } = deps.config.webhook;
  const since = Date.now();
  const count = (type: EventLabel, result: WebhookResult) => deps.metrics.webhookEvents.inc({ type, result });
  // Anyone can send these: a flood of refusals must not become a flood of log lines.
  const warn = limitedWarnings(deps.log);

  const refuse = (reply: { code(n: number): { send(b: unknown): unknown } }, type: EventLabel, reason: Rejection, message: string) => {
    count(type, reason);
    warn(`webhook-refused:${reason}`, { reason, eventType: type }, 'webhook refused');
    return reply.code(401).send({ error: message });
  };

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

  app.post('/chat-gateway', async (request: WebhookRequest, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    const type = eventLabel(body?.eventType);

    if (type === 'WEB_HOOK_VERIFY') {
      // The verification ping has no effect, so the identity is not asked for, and an unsigned one
      // may be answered. One that carries our learning nonce teaches the bridge its identity.
      const nonce = request.query[LEARN_PARAM];
      const verdict = await verifier.verify(raw, request.headers, { identity: false });
      if (!verdict.ok) {
        if (verdict.reason === 'unsigned' && nonce === undefined) {
          count(type, 'accepted');
          return reply.code(200).send({ ok: true });
        }
        return refuse(reply, type, verdict.reason, verdict.message);
      }
      if (nonce !== undefined) {
        const learned = typeof nonce === 'string' && (await learnFromPing(deps.store, { gatewayUrl: deps.config.gateway.url, apiKey: deps.config.gateway.apiKey }, nonce, verdict));
        if (!learned) return refuse(reply, type, 'tenant', 'this verification event is not the one the bridge asked for');
        deps.log.info({ tenantId: verdict.tenantId, customerId: verdict.customerId }, 'learned the tenant and customer webhooks are signed for');
      }
      count(type, 'accepted');
      return reply.code(200).send({ ok: true });
    }

    const verdict = await verifier.verify(raw, request.headers);
    if (!verdict.ok) return refuse(reply, type, verdict.reason, verdict.message);
    if (!body) {
      count(type, 'malformed');
      return reply.code(400).send({ error: 'The body must be a JSON object' });
    }
    const conversationId = body.conversationId;
    if (typeof conversationId !== 'string' || !conversationId || conversationId.length > 200) {
      count(type, 'malformed');
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
    const recorded = await recordEvent(deps, { eventId: verdict.eventId, conversationId, timestamp, receivedAt, body });
    if (recorded === 'ignored') {
      count(type, 'unknown-conversation');
      warn('webhook-unknown-conversation', { eventType: type, conversation: short(conversationId) }, 'webhook for a conversation this bridge did not create: ignored');
    } else count(type, recorded === 'new' ? 'accepted' : 'duplicate');
    // The same answer whatever became of it: the sender learns nothing about our conversations.
    return reply.code(200).send({ ok: true, duplicate: recorded === 'duplicate' });
  });
}
