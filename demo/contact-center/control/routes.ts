import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Availability, ContactCenter } from '../core';
import type { WebhookDelivery } from '../gateway';
import { FaultError, parseFaults, type Fault } from './faults';
import type { LoggedRequest } from './request-log';

export interface ControlOptions {
  cc: ContactCenter;
  availability: Availability;
  delivery: WebhookDelivery;
  faults: Fault[];
  requests: LoggedRequest[];
  /** Parts of the chat script that replace the configured ones until reset. */
  scriptChanges: Record<string, unknown>;
  /** Forgets every chat, conversation, webhook, channel, setting and log. */
  reset: () => void;
}

/**
 * Whether a request may change the emulator: only with a JSON body. A page on another site can send
 * a POST without asking first (a `no-cors` fetch, a form) only as text/plain, a form or multipart;
 * `application/json` makes the browser ask with a CORS preflight, which this API never grants (it
 * answers no OPTIONS and sends no Access-Control-* header). So no web page can reset the emulator or
 * inject faults into it; tests, curl and the agent console's scripts send the header anyway.
 */
export function isJsonRequest(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

/** Test control: availability, injected faults, reset, and what the emulator saw and sent. */
export async function controlApi(app: FastifyInstance, opts: ControlOptions): Promise<void> {
  const { cc, availability, delivery, faults } = opts;

  // Before the body is read: a refused request changes nothing and costs nothing.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || isJsonRequest(request.headers['content-type'])) return;
    return reply.code(415).send({ error: 'The control API takes JSON only: send Content-Type: application/json (with a body, {} for reset)' });
  });

  const settings = () => ({
    scheduleOpen: availability.scheduleOverride,
    chatScript: opts.scriptChanges,
    agentsAvailable: Object.fromEntries([...cc.queues.keys()].map((q) => [q, availability.agentsAvailable(q)])),
    faults,
  });

  app.get('/control', async () => settings());

  app.post('/control', async (request, reply) => {
    const body = request.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return reply.code(400).send({ error: 'The request body must be a JSON object' });
    }
    const unknown = Object.keys(body).filter((k) => !['scheduleOpen', 'agentsAvailable', 'faults', 'chatScript'].includes(k));
    const script = body.chatScript;
    const parts = ['invitation', 'preChat', 'chatWindow', 'offlineForm'];
    if (script !== undefined) {
      if (typeof script !== 'object' || script === null || Array.isArray(script)) return reply.code(400).send({ error: '"chatScript" must be an object' });
      const bad = Object.entries(script).find(([k, v]) => !parts.includes(k) || typeof v !== 'object' || v === null || typeof (v as { enabled?: unknown }).enabled !== 'boolean');
      if (bad) return reply.code(400).send({ error: `chatScript.${bad[0]} must be one of ${parts.join(', ')}, an object with "enabled"` });
    }
    if (unknown.length) return reply.code(400).send({ error: `Unknown settings: ${unknown.join(', ')}` });
    const { scheduleOpen, agentsAvailable } = body;
    if (scheduleOpen !== undefined && scheduleOpen !== null && typeof scheduleOpen !== 'boolean') {
      return reply.code(400).send({ error: '"scheduleOpen" must be true, false, or null (follow the schedule)' });
    }
    const counts: [string, number][] = [];
    const count = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10_000;
    if (agentsAvailable !== undefined) {
      if (count(agentsAvailable)) counts.push(...[...cc.queues.keys()].map((q): [string, number] => [q, agentsAvailable as number]));
      else if (typeof agentsAvailable === 'object' && agentsAvailable !== null && !Array.isArray(agentsAvailable)) {
        for (const [queueId, value] of Object.entries(agentsAvailable)) {
          if (!cc.queues.has(queueId)) return reply.code(400).send({ error: `Unknown queue "${queueId}"` });
          if (!count(value)) return reply.code(400).send({ error: `agentsAvailable.${queueId} must be an integer from 0 to 10000` });
          counts.push([queueId, value as number]);
        }
      } else {
        return reply.code(400).send({ error: '"agentsAvailable" must be a count, or an object of counts by queue id' });
      }
    }
    let newFaults: Fault[] = [];
    try {
      if (body.faults !== undefined) newFaults = parseFaults(body.faults);
    } catch (error) {
      if (error instanceof FaultError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    // Validated as a whole first: a bad request changes nothing.
    if (scheduleOpen !== undefined) availability.scheduleOverride = scheduleOpen as boolean | null;
    for (const [queueId, value] of counts) availability.setAgentsAvailable(queueId, value);
    if (body.faults !== undefined) faults.splice(0, faults.length, ...newFaults); // replaces: [] clears
    if (script) Object.assign(opts.scriptChanges, script);
    return settings();
  });

  app.post('/reset', async () => {
    opts.reset();
    return { reset: true };
  });

  app.get('/event-log', async (request: FastifyRequest<{ Querystring: { conversationId?: string; eventType?: string } }>) => {
    const { conversationId, eventType } = request.query;
    return {
      events: delivery.log.filter((e) => (!conversationId || e.conversationId === conversationId) && (!eventType || e.eventType === eventType)),
    };
  });

  app.get('/requests', async (request: FastifyRequest<{ Querystring: { since?: string; path?: string } }>) => {
    const since = Number(request.query.since ?? 0) || 0;
    const path = request.query.path;
    return { requests: opts.requests.filter((r) => r.at >= since && (!path || r.path.includes(path))) };
  });
}
