// The Direct Line service as an app, apart from the listening entry (index.ts): tests build it and
// either listen on a free port or use inject.
import Fastify, { type FastifyInstance } from 'fastify';
import { clientApi } from './client-api';
import { defaultConfig, type DirectLineConfig } from './config';
import { BotConnector } from './connector';
import { connectorApi } from './connector-api';
import type { DirectLine } from './context';
import { controlApi, installControlHooks } from './control';
import { ConversationStore } from './conversations';
import { installErrors } from './errors';
import { FileStore } from './files';
import { MicrosoftAuth } from './microsoft-auth';
import { installStream } from './stream';
import { StreamHub } from './stream-hub';
import { Tokens } from './tokens';
import { uploadApi } from './upload';

export interface DirectLineService {
  app: FastifyInstance;
  dl: DirectLine;
}

export async function buildDirectLine(overrides: Partial<DirectLineConfig> = {}, options: { fetch?: typeof fetch } = {}): Promise<DirectLineService> {
  const config: DirectLineConfig = { ...defaultConfig, ...overrides };
  const app = Fastify({
    logger: {
      level: process.env.LOG_LEVEL ?? 'warn',
      // Query strings stay out of the logs: a streamUrl's `t` opens a conversation.
      serializers: { req: (req) => ({ method: req.method, url: req.url.split('?')[0] ?? '' }) },
    },
    bodyLimit: 256 * 1024,
  });

  const publicUrl = () => {
    if (config.publicUrl) return config.publicUrl;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return `http://${config.host}:${port}`;
  };
  const auth = config.botAppId ? new MicrosoftAuth(config.botAppId, publicUrl) : null;
  const streams = new StreamHub();
  const files = new FileStore({ maxBytes: config.uploadMaxBytes, maxPerConversation: config.uploadMaxBytes * 10, maxTotal: 512 * 1024 * 1024 });
  const conversations = new ConversationStore({
    maxConversations: config.maxConversations,
    ttlS: config.conversationTtlS,
    maxActivities: config.maxActivities,
    onRemove: (conversation) => {
      files.removeFor(conversation);
      streams.close(conversation.id);
    },
  });
  const dl: DirectLine = {
    config,
    publicUrl,
    tokens: new Tokens(config.secret, config.tokenTtlS, config.streamUrlTtlS),
    conversations,
    files,
    bot: new BotConnector({
      endpoint: config.botEndpoint,
      botId: config.botId,
      botName: config.botName,
      timeoutMs: config.botTimeoutMs,
      publicUrl,
      auth,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    streams,
    log: app.log,
    now: Date.now,
  };

  installErrors(app);
  const { faults, requests } = installControlHooks(app);
  app.get('/healthz', async () => ({ ok: true }));
  auth?.routes(app);
  installStream(app, { dl, record: (r) => requests.push({ at: Date.now(), method: 'GET', route: '/v3/directline/conversations/:conversationId/stream', ...r }) });
  await app.register(clientApi, { dl });
  // Registered as a plugin, the upload route's own body parsers (multipart, raw files) stay in its scope.
  await app.register(uploadApi, { dl });
  await app.register(connectorApi, { dl });
  await app.register(controlApi, { prefix: '/directline/api', dl, faults, requests });

  app.addHook('preClose', async () => streams.closeAll());
  app.addHook('onClose', async () => conversations.close());
  return { app, dl };
}
