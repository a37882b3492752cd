import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CLOSED, OPEN, scheduleStatus, type Availability, type ContactCenter } from '../core';

export interface StatsOptions {
  cc: ContactCenter;
  availability: Availability;
  tenant: string;
  token: string;
}

type Fields = Record<string, string | number>;

function xml(root: string, items: Fields | Fields[], itemName?: string): string {
  const one = (name: string, fields: Fields) =>
    `<${name}>${Object.entries(fields)
      .map(([k, v]) => `<${k}>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
      .join('')}</${name}>`;
  const body = Array.isArray(items) ? items.map((f) => one(itemName!, f)).join('') : one(root, items);
  return `<?xml version='1.0' encoding='UTF-8' ?>${Array.isArray(items) ? `<${root}>${body}</${root}>` : body}`;
}

/**
 * The Real Time Statistics API (queues and agents) and the Tenant Schedule API of
 * seeds/contact-center-apis.txt, with Basic auth `tenant:token`.
 */
export async function statsApi(app: FastifyInstance, opts: StatsOptions): Promise<void> {
  const { cc, availability } = opts;
  const expected = `Basic ${Buffer.from(`${opts.tenant}:${opts.token}`).toString('base64')}`;

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.headers.authorization;
    if (!auth) {
      reply.code(401).header('www-authenticate', 'Basic realm="8x8 Contact Center"').send({ error: 'Authentication required: use your tenant name and API token' });
      return reply;
    }
    if (auth !== expected) {
      reply.code(request.url.startsWith('/api/provisioning') ? 401 : 403).send({ error: 'Wrong tenant or token' });
      return reply;
    }
  });

  const queueStats = (queueId: string): Fields => {
    const queue = cc.queue(queueId);
    const all = [...cc.interactions.values()].filter((i) => i.queueId === queueId);
    const waiting = all.filter((i) => i.state === 'queued');
    const active = all.filter((i) => i.state === 'active');
    const now = Date.now();
    const longest = waiting.reduce((max, i) => Math.max(max, Math.floor((now - i.queuedAt) / 1000)), 0);
    const busyAgents = new Set(active.map((i) => i.agent?.id)).size;
    return {
      'agent-count-busy': busyAgents,
      'agent-count-loggedOut': 0,
      'agent-count-onBreak': 0,
      'agent-count-postProcess': 0,
      'agent-count-waitTransact': availability.agentsAvailable(queueId),
      'agent-count-workOffline': 0,
      'day-queued': all.length,
      'day-accepted': all.filter((i) => i.agent || i.endedReason === 'agent').length,
      'day-abandoned': all.filter((i) => i.state === 'ended' && i.endedReason !== 'agent' && !i.transcript.some((e) => e.from.type === 'Agent')).length,
      'longest-wait-time': longest,
      'media-type': 'chat',
      'number-in-offered': 0,
      'number-in-progress': active.length,
      'queue-id': queue.id,
      'queue-name': queue.name,
      'queue-size': waiting.length,
      'queue-type': 'chat',
    };
  };

  const agents = (): Fields[] =>
    [...cc.agents.values()].map((agent) => {
      const busy = [...cc.interactions.values()].some((i) => i.state === 'active' && i.agent?.id === agent.id);
      return { 'agent-id': agent.id, 'agent-name': agent.name, 'agent-status': busy ? 2 : 0, 'agent-media-id': 2 };
    });

  const send = (reply: FastifyReply, format: string, root: string, data: Fields | Fields[], itemName?: string) => {
    if (format === 'json') return reply.type('application/json').send(Array.isArray(data) ? { [root]: { [itemName!]: data } } : { [root]: data });
    return reply.type('application/xml').send(xml(root, data, itemName));
  };
  const split = (file: string) => {
    const match = /^(.*?)(?:\.(json|xml))?$/.exec(file)!;
    return { name: match[1]!, format: match[2] ?? 'xml' };
  };

  app.get('/api/rtstats/stats/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const { name, format } = split(request.params.file);
    if (name === 'queues') return send(reply, format, 'queues', [...cc.queues.keys()].map(queueStats), 'queue');
    if (name === 'agents') return send(reply, format, 'agents', agents(), 'agent');
    return reply.code(404).send({ error: `Unknown statistics resource "${name}"` });
  });
  app.get('/api/rtstats/stats/:kind/:file', async (request: FastifyRequest<{ Params: { kind: string; file: string } }>, reply) => {
    const { name, format } = split(request.params.file);
    if (request.params.kind === 'queue') {
      if (!cc.queues.has(name)) return reply.code(404).send({ error: `No queue with id "${name}"` });
      return send(reply, format, 'queue', queueStats(name));
    }
    if (request.params.kind === 'agent') {
      const agent = agents().find((a) => a['agent-id'] === name);
      if (!agent) return reply.code(404).send({ error: `No agent with id "${name}"` });
      return send(reply, format, 'agent', agent);
    }
    return reply.code(404).send({ error: `Unknown statistics resource "${request.params.kind}"` });
  });

  // ---- Tenant Schedule API ----
  const wantsXml = (request: FastifyRequest) => /xml/.test(request.headers.accept ?? '') && !/json/.test(request.headers.accept ?? '');
  const scheduleFields = () => ({ id: availability.schedule.id, name: availability.schedule.name, 'time-zone': availability.schedule.timeZone });

  app.get('/api/provisioning/schedules', async (request, reply) => {
    if (wantsXml(request)) return reply.type('application/xml').send(xml('schedules', [scheduleFields()], 'schedule'));
    return { schedules: [{ ...scheduleFields(), 'week-days': availability.schedule.weekDays }] };
  });
  app.get('/api/provisioning/schedules/:id', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    if (request.params.id !== availability.schedule.id) return reply.code(404).send({ error: `No schedule with id "${request.params.id}"` });
    if (wantsXml(request)) return reply.type('application/xml').send(xml('schedule', scheduleFields()));
    return { schedule: { ...scheduleFields(), 'week-days': availability.schedule.weekDays } };
  });
  app.get('/api/provisioning/schedules/:id/status', async (request: FastifyRequest<{ Params: { id: string }; Querystring: { utctime?: string; offset?: string } }>, reply) => {
    if (request.params.id !== availability.schedule.id) return reply.code(404).send({ error: `No schedule with id "${request.params.id}"` });
    const { utctime, offset } = request.query;
    if ((utctime !== undefined && !/^\d+$/.test(utctime)) || (offset !== undefined && !/^-?\d+$/.test(offset))) {
      return reply.code(400).send({ error: 'utctime must be epoch milliseconds and offset seconds' });
    }
    const at = new Date((utctime ? Number(utctime) : Date.now()) + Number(offset ?? 0) * 1000);
    const explicitTime = utctime !== undefined || offset !== undefined;
    const status = !explicitTime && availability.scheduleOverride !== null ? (availability.scheduleOverride ? OPEN : CLOSED) : scheduleStatus(availability.schedule, at);
    const fields = { id: availability.schedule.id, status, label: status === OPEN ? 'OPEN' : 'CLOSED' };
    if (wantsXml(request)) return reply.type('application/xml').send(xml('schedule-status', fields));
    return fields;
  });
}
