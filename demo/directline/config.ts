// The Direct Line service's configuration, parsed once from the environment with clear errors.
export interface DirectLineConfig {
  port: number;
  host: string;
  /** Where clients and the bot reach this service (streamUrl, serviceUrl, attachment URLs); http://host:port when null. */
  publicUrl: string | null;
  /** The one Direct Line secret this service accepts (Microsoft's portal shows two; one is enough here). */
  secret: string;
  /** The bot's messaging endpoint: this service plays the Bot Connector towards it. */
  botEndpoint: string;
  /**
   * The bot's MicrosoftAppId, when it has one: activities to it then carry a Bot Framework JWT this
   * service signs (microsoft-auth.ts). null: none is sent, for a bot without credentials.
   */
  botAppId: string | null;
  /** The bot's id and name in the activities it receives (its handle, as the real channel sends them). */
  botId: string;
  botName: string;
  /** Lifetime of a conversation token (expires_in), seconds. */
  tokenTtlS: number;
  /** A streamUrl must be opened within this many seconds (its `t` is a short-lived stream token). */
  streamUrlTtlS: number;
  /** An empty message on every open stream this often (the real service's keep-alive), seconds. */
  heartbeatS: number;
  /** A bot that has not answered an activity by then: the client gets 502 BotTimeout. */
  botTimeoutMs: number;
  /** Largest file one upload (or one bot attachment) may carry, bytes. */
  uploadMaxBytes: number;
  /** Conversations kept at once; the least recently used one goes when a new one needs room. */
  maxConversations: number;
  /** A conversation with no activity for this long is forgotten (with its files), seconds. */
  conversationTtlS: number;
  /** Activities kept per conversation; the oldest go first. */
  maxActivities: number;
}

/**
 * The secret the demo accepts when DIRECT_LINE_SECRET is not set. Public on purpose (it is in the
 * README): this service fronts a local demo bot and must never face the internet.
 */
export const DEMO_SECRET = 'parley-demo-direct-line-secret';

export const defaultConfig: DirectLineConfig = {
  port: 4030,
  host: '127.0.0.1',
  publicUrl: null,
  secret: DEMO_SECRET,
  botEndpoint: 'http://127.0.0.1:3978/api/messages',
  botAppId: null,
  botId: 'parley-demo-bot',
  botName: 'Assistant',
  tokenTtlS: 1800,
  streamUrlTtlS: 60,
  heartbeatS: 15,
  botTimeoutMs: 15_000,
  uploadMaxBytes: 4 * 1024 * 1024,
  maxConversations: 10_000,
  conversationTtlS: 3600,
  maxActivities: 1000,
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/\s/.test(raw)) throw new ConfigError(`${name} must not contain spaces`);
  return raw;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string | null): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DirectLineConfig {
  const secret = text(env, 'DIRECT_LINE_SECRET', DEMO_SECRET);
  if (secret.length < 16) throw new ConfigError('DIRECT_LINE_SECRET must be at least 16 characters');
  return {
    port: integer(env, 'DIRECTLINE_PORT', defaultConfig.port, 0, 65535),
    host: text(env, 'DIRECTLINE_HOST', defaultConfig.host),
    publicUrl: httpUrl(env, 'DIRECTLINE_PUBLIC_URL', null),
    secret,
    botEndpoint: httpUrl(env, 'BOT_ENDPOINT', defaultConfig.botEndpoint)!,
    botAppId: env.DIRECTLINE_BOT_APP_ID ? text(env, 'DIRECTLINE_BOT_APP_ID', '') : null,
    botId: text(env, 'DIRECTLINE_BOT_ID', defaultConfig.botId),
    botName: env.DIRECTLINE_BOT_NAME?.trim() || defaultConfig.botName,
    tokenTtlS: integer(env, 'DIRECTLINE_TOKEN_TTL_S', defaultConfig.tokenTtlS, 2, 86_400),
    streamUrlTtlS: integer(env, 'DIRECTLINE_STREAM_URL_TTL_S', defaultConfig.streamUrlTtlS, 1, 3600),
    heartbeatS: integer(env, 'DIRECTLINE_HEARTBEAT_S', defaultConfig.heartbeatS, 1, 3600),
    botTimeoutMs: integer(env, 'DIRECTLINE_BOT_TIMEOUT_MS', defaultConfig.botTimeoutMs, 100, 600_000),
    uploadMaxBytes: integer(env, 'DIRECTLINE_UPLOAD_MAX_BYTES', defaultConfig.uploadMaxBytes, 1024, 64 * 1024 * 1024),
    maxConversations: integer(env, 'DIRECTLINE_MAX_CONVERSATIONS', defaultConfig.maxConversations, 1, 1_000_000),
    conversationTtlS: integer(env, 'DIRECTLINE_CONVERSATION_TTL_S', defaultConfig.conversationTtlS, 10, 7 * 86_400),
    maxActivities: integer(env, 'DIRECTLINE_MAX_ACTIVITIES', defaultConfig.maxActivities, 10, 100_000),
  };
}
