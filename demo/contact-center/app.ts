import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentApi } from './agent';
import { defaultConfig, type EmulatorConfig } from './config';
import { controlApi, installFaults, installRequestLog } from './control';
import { Availability, ContactCenter, type Queue, type Schedule } from './core';
import { Chats, customerChatApi, type ChatScript, type OfflineMessage } from './customer-chat';
import { FileStore, fileRoutes } from './files';
import { chatGatewayApi, Gateway, WebhookDelivery, WebhookSigner } from './gateway';
import { statsApi } from './stats';

interface SiteConfig {
  queues: Queue[];
  defaultQueue: string;
  defaultAgentsAvailable: number;
  schedule: Schedule;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const readJson = <T>(file: string): T => JSON.parse(readFileSync(here(file), 'utf8')) as T;

export const CONSOLE_DIR = here('./agent/console/dist');

export interface Emulator {
  app: FastifyInstance;
  config: EmulatorConfig;
  cc: ContactCenter;
  availability: Availability;
  gateway: Gateway;
  delivery: WebhookDelivery;
  signer: WebhookSigner;
  /** Every uploaded file; its secret signs the file links. */
  files: FileStore;
  /** The origin in the file links it hands out (EMULATOR_PUBLIC_URL, else as bound). */
  publicUrl: () => string;
}

/** Builds the emulated contact center (not listening yet: call app.listen, or app.inject in tests). */
export async function buildEmulator(overrides: Partial<EmulatorConfig> = {}): Promise<Emulator> {
  const config: EmulatorConfig = { ...defaultConfig, ...overrides };
  const site = readJson<SiteConfig>('./contact-center.json');
  const chatScript = readJson<ChatScript>('./chat-script.json');

  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' }, bodyLimit: 1024 * 1024 });
  const cc = new ContactCenter(new Map(site.queues.map((q) => [q.id, q])));
  const availability = new Availability(site.schedule, site.defaultAgentsAvailable);
  const chats = new Chats(cc);
  const signer = new WebhookSigner();
  const delivery = new WebhookDelivery({
    signer,
    tenantId: config.rtsTenant,
    customerId: config.gatewayCustomerId,
    retryBaseMs: config.webhookRetryBaseMs,
    retryMaxMs: config.webhookRetryMaxMs,
    timeoutMs: config.webhookTimeoutMs,
    maxAttempts: config.webhookMaxAttempts,
  });
  const files = new FileStore();
  const publicUrl = (): string => {
    if (config.publicUrl) return config.publicUrl;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // A wildcard bind is reached on the loopback from this machine.
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    return `http://${host}:${port}`;
  };
  const gateway = new Gateway(cc, delivery, files, publicUrl);
  const offlineMessages: OfflineMessage[] = [];
  const scriptChanges: Partial<ChatScript> = {};
  const currentScript = (): ChatScript => ({ ...chatScript, ...scriptChanges });

  const faults = installFaults(app);
  const requests = installRequestLog(app);

  await app.register(customerChatApi, {
    prefix: '/api/v2',
    cc,
    chats,
    availability,
    contactCenterIds: config.contactCenterIds,
    defaultQueue: site.defaultQueue,
    chatScript,
    scriptOverride: currentScript,
    offlineMessages,
    files,
    publicUrl,
    chatsPerAddress: config.chatsPerAddress,
    // A held request must end well before the chat counts as abandoned.
    longPollMaxWaitS: Math.min(config.longPollMaxWaitS, Math.floor(config.chatIdleTimeoutS / 2)),
  });
  await app.register(fileRoutes, { files });
  await app.register(chatGatewayApi, { prefix: '/chat-gateway/v1', cc, gateway, delivery, signer, apiKey: config.gatewayApiKey, files });
  await app.register(statsApi, { cc, availability, tenant: config.rtsTenant, token: config.rtsToken });
  await app.register(agentApi, { prefix: '/agent', cc, offlineMessages, consoleDir: CONSOLE_DIR, files });
  await app.register(controlApi, {
    prefix: '/emulator/api',
    cc,
    availability,
    delivery,
    faults,
    requests,
    scriptChanges,
    reset: () => {
      for (const key of Object.keys(scriptChanges)) delete scriptChanges[key as keyof ChatScript];
      gateway.clear();
      cc.clear();
      chats.clear();
      files.clear();
      availability.reset();
      delivery.clearLog();
      faults.length = 0;
      requests.length = 0;
      offlineMessages.length = 0;
    },
  });

  app.get('/', async () => ({
    name: 'Parley contact-center emulator',
    contactCenterIds: config.contactCenterIds,
    endpoints: {
      customerChat: '/api/v2',
      chatGateway: '/chat-gateway/v1',
      realTimeStatistics: '/api/rtstats/stats',
      schedules: '/api/provisioning/schedules',
      agentConsole: '/agent',
      agentApi: '/agent/api/interactions',
      control: '/emulator/api/control',
    },
  }));
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  // Chats whose client stopped polling end, as on a real contact center.
  const idleMs = config.chatIdleTimeoutS * 1000;
  const sweep = setInterval(() => chats.expire(idleMs), Math.min(5000, Math.max(250, idleMs / 4)));
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    delivery.close();
    gateway.clear();
  });

  return { app, config, cc, availability, gateway, delivery, signer, files, publicUrl };
}
