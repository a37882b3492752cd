import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { CardInputError, parseCards, parseLayout } from '../cards';
import { DomainError, type ContactCenter, type Interaction } from '../core';
import type { OfflineMessage } from '../customer-chat';
import type { FileStore } from '../files';
import { agentEntry } from './entries';
import { AgentApiError, agentFileRoutes } from './file-routes';

export interface AgentOptions {
  cc: ContactCenter;
  offlineMessages: OfflineMessage[];
  /** Folder of the built agent console (index.html and assets). */
  consoleDir: string;
  files: FileStore;
}

const STATE_ORDER = { queued: 0, active: 1, ended: 2 } as const;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export function interactionView(cc: ContactCenter, i: Interaction) {
  return {
    id: i.id,
    source: i.source,
    state: i.state,
    queueId: i.queueId,
    queueName: cc.queues.get(i.queueId)?.name ?? i.queueId,
    position: cc.position(i),
    customer: i.customer,
    userData: i.userData,
    history: i.history,
    agentId: i.agent?.id ?? null,
    agentName: i.agent?.name ?? null,
    customerTyping: i.typing.customer,
    createdAt: i.createdAt,
    endedAt: i.endedAt,
    endedReason: i.endedReason,
    startedByApi: Object.keys(i.userData).some((k) => k.toLowerCase() === 'started by'),
  };
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AgentApiError(400, 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function requiredText(body: Record<string, unknown>, key: string, max: number): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') throw new AgentApiError(400, `"${key}" is required and must be a non-empty string`);
  if (value.length > max) throw new AgentApiError(400, `"${key}" must be at most ${max} characters`);
  return value;
}

/**
 * What agents do, as JSON (the console and the tests use it), and the console page itself;
 * mounted under /agent.
 */
export async function agentApi(app: FastifyInstance, opts: AgentOptions): Promise<void> {
  const { cc } = opts;

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof AgentApiError) return reply.code(error.status).send({ error: error.message });
    if (error instanceof CardInputError) return reply.code(400).send({ error: error.message });
    if (error instanceof DomainError) {
      const status = error.code === 'not-found' ? 404 : error.code === 'invalid-state' ? 409 : 400;
      return reply.code(status).send({ error: error.message });
    }
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message });
    request.log.error({ err: error }, 'agent API failure');
    return reply.code(500).send({ error: 'Internal error' });
  });

  type IdRequest = FastifyRequest<{ Params: { id: string } }>;

  app.get('/api/interactions', async () => {
    const all = [...cc.interactions.values()].sort(
      (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || (a.state === 'ended' ? (b.endedAt ?? 0) - (a.endedAt ?? 0) : a.queuedAt - b.queuedAt),
    );
    return { interactions: all.map((i) => interactionView(cc, i)) };
  });
  app.get('/api/interactions/:id', async (request: IdRequest) => interactionView(cc, cc.get(request.params.id)));
  app.post('/api/interactions/:id/accept', async (request: IdRequest) => {
    const body = objectBody(request.body);
    const agentId = requiredText(body, 'agentId', 100);
    const agentName = body.agentName === undefined ? agentId : requiredText(body, 'agentName', 100);
    return interactionView(cc, cc.accept(request.params.id, agentId, agentName));
  });
  app.post('/api/interactions/:id/messages', async (request: IdRequest) => {
    const body = objectBody(request.body);
    // Cards (the Customer Chat API's card model) may come with a text or instead of one.
    const cards = parseCards(body.cards);
    const layout = parseLayout(body.layout);
    const text = cards.length && (body.text === undefined || body.text === '') ? '' : requiredText(body, 'text', 4000);
    const entry = cc.say(request.params.id, 'agent', text, { cards, ...(layout ? { layout } : {}) });
    return { index: entry.index };
  });
  await agentFileRoutes(app, { cc, files: opts.files });
  app.post('/api/interactions/:id/typing', async (request: IdRequest) => {
    const body = objectBody(request.body);
    if (typeof body.typing !== 'boolean') throw new AgentApiError(400, '"typing" must be true or false');
    cc.setTyping(request.params.id, 'agent', body.typing);
    return { typing: body.typing };
  });
  app.post('/api/interactions/:id/transfer', async (request: IdRequest) => {
    const queueId = requiredText(objectBody(request.body), 'queueId', 100);
    const current = cc.get(request.params.id);
    if (current.queueId === queueId) throw new AgentApiError(400, `The interaction is already in queue "${queueId}"`);
    return interactionView(cc, cc.transfer(request.params.id, queueId));
  });
  app.post('/api/interactions/:id/leave', async (request: IdRequest) => interactionView(cc, cc.agentLeave(request.params.id)));
  app.get('/api/interactions/:id/transcript', async (request: IdRequest) => {
    const interaction = cc.get(request.params.id);
    return { id: interaction.id, history: interaction.history, messages: interaction.transcript.map((entry) => agentEntry(entry, opts.files)) };
  });
  app.get('/api/queues', async () => ({ queues: [...cc.queues.values()] }));
  app.get('/api/offline-messages', async () => ({ offlineMessages: opts.offlineMessages }));
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: `No such endpoint: ${request.method} ${request.url}` }));

  // ---- the console page ----
  const serveFile = (reply: FastifyReply, file: string) => {
    if (!existsSync(join(opts.consoleDir, 'index.html'))) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The agent console is not built yet. Run `npm run build` (npm run emulator builds it on start).');
    }
    // Only files: `/agent/assets/` (the folder itself) or a name that is not there is a 404, not a
    // 500 from reading a directory.
    if (!existsSync(file) || !statSync(file).isFile()) return reply.code(404).send({ error: 'Not found' });
    // Images: files through their links here, and a bot's card pictures from anywhere (https or inline).
    reply.header('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' https: data:");
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
  };
  app.get('/', async (_request, reply) => serveFile(reply, join(opts.consoleDir, 'index.html')));
  app.get('/assets/*', async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const relative = normalize(request.params['*']).replace(/^(\.\.[/\\])+/, '');
    if (relative.includes('..')) return reply.code(404).send({ error: 'Not found' });
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return serveFile(reply, join(opts.consoleDir, 'assets', relative));
  });
}
