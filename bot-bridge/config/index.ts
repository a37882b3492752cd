// The bridge's configuration: parsed and validated once from the environment, with every problem
// reported at once (a deployer fixes them in one go, not one restart per mistake).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEFAULT_TEXTS, type Texts } from './texts';
import { DEFAULT_CHAT_SCRIPT, type ChatScript } from './chat-script';
import { parseRate, type LimitRules, type Rate } from '../limits';

export { DEFAULT_TEXTS, fill, type Texts } from './texts';
export { DEFAULT_CHAT_SCRIPT, type ChatScript } from './chat-script';

export const DEFAULT_CONTACT_CENTER_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';

export interface BridgeConfig {
  port: number;
  host: string;
  /** Where the gateway and the bot reach this bridge; null = http://<host>:<bound port>. */
  publicUrl: string | null;
  /** `sqlite:<file>` (`sqlite::memory:` for tests) or `redis://…`. */
  store: string;
  /** Prefix of every Redis key (several bridges or tests can share one Redis). */
  redisPrefix: string;
  contactCenterIds: string[];
  /** Origins allowed to call the Customer Chat API; ['*'] = any. */
  allowedOrigins: string[];
  gateway: {
    url: string;
    apiKey: string;
    /** X-8x8-Tenant, for customers with several tenants. */
    tenant: string | null;
    channelId: string | null;
    webhookId: string | null;
    /** The channel's queue when the bridge creates the channel. */
    queueId: string;
    rps: number;
    /** GATEWAY_RESERVED_PERCENT: the part of `rps` bulk calls (typing) may never use. */
    reservedPercent: number;
    timeoutMs: number;
    /** `{kid}` is replaced by the key id; null = the gateway's own /chat-gateway/v1/jwk/{kid}/public. */
    jwkUrl: string | null;
    /**
     * Webhooks must carry this x-8x8-tenant-id and x-8x8-customer-id (signed). Either left null is
     * learned from the gateway at start and kept in the store (gateway/identity.ts).
     */
    expectedTenantId: string | null;
    expectedCustomerId: string | null;
    /** How long an ambiguous send waits for its echo or the message list before it is sent again. */
    reconcileGraceMs: number;
  };
  webhook: {
    /** Freshness window on x-8x8-transmission-time (replay guard). */
    maxAgeS: number;
    /** How long an event waits for earlier-stamped events before it is applied. */
    reorderMs: number;
    /** How long a redelivered event, or any event just after start, waits for earlier ones. */
    redeliveryHoldMs: number;
  };
  bot: {
    endpoint: string;
    name: string;
    id: string;
    timeoutMs: number;
    /** What happens when the bot does not answer: tell the customer, or also hand over. */
    onFailure: 'notice' | 'handover';
    /**
     * How the bridge reaches the bot (BOT_TRANSPORT): as its Bot Connector (POST to BOT_ENDPOINT,
     * a bot without credentials), or as a Direct Line client (Azure Bot Service, Copilot Studio).
     */
    transport: 'bot-connector' | 'directline';
    /** BOT_TRANSPORT=directline: the service and the secret (never logged, never sent to a customer). */
    directLine: { url: string; secret: string } | null;
    /** BOT_DURING_HANDOVER: a bot message once the handover has begun is refused (409, the SDK throws) or shown to the customer. */
    duringHandover: 'refuse' | 'show';
  };
  /** SKILL_QUEUES: a handoff's `skill` → the queue it goes to (`billing=q-7,tech=q-9`); empty = the skill is the queue id. */
  skillQueues: Record<string, string>;
  /** Bearer key of the generic handover API; null disables that API. */
  apiKey: string | null;
  /** HMAC key of the generic API's callbacks; null = the API key (see callbackSecretOf). */
  callbackSecret: string | null;
  /** Where callbacks may go (net/policy.ts): https to public addresses unless these say otherwise. */
  callback: {
    /** CALLBACK_ALLOW_HTTP: plain http allowed too (tests, a receiver on the same host behind TLS). */
    allowHttp: boolean;
    /** CALLBACK_HOSTS: when not empty, the only hosts (`bot.example.com`, `*.example.com`). */
    hosts: string[];
    /** CALLBACK_ALLOW_PRIVATE: loopback and private addresses allowed. Unsafe: for tests only. */
    allowPrivate: boolean;
  };
  afterAgent: 'bot' | 'end';
  postAgent: { maxTotalMinutes: number; userTimeoutInMinutes: number };
  chatIdleTimeoutS: number;
  /** GetMessages' long-poll (the longPoll extension); maxWaitS 0 = off (GetMessages answers at once). */
  longPoll: {
    /** LONG_POLL_MAX_WAIT_S: the longest a request is held, under load balancers' idle timeouts. */
    maxWaitS: number;
    /** LONG_POLL_MAX_PER_ADDRESS: held requests per client address (more answer at once); 0 = no cap. */
    maxPerAddress: number;
  };
  availability: {
    enabled: boolean;
    /** null = the gateway URL (the emulator serves both). */
    rtsUrl: string | null;
    tenant: string;
    token: string;
    /** null = do not check the schedule. */
    scheduleId: string | null;
    cacheS: number;
    minAgents: number;
  };
  outbox: {
    concurrency: number;
    pollMs: number;
    /** A gateway job still failing after this long is given up (and the customer told). */
    maxAgeS: number;
    /** Callbacks to the generic API's bots are retried for this long. */
    callbackMaxAgeS: number;
  };
  shutdownDrainS: number;
  /**
   * How long what may be forgotten is kept (RETENTION_DAYS, or the older RETENTION_H): ended chats
   * with everything tied to them, offline messages, handled webhook ids, job keys, claims, counters.
   */
  retentionH: number;
  /**
   * TRUST_PROXY: whose X-Forwarded-For is believed for the client address the limits count by:
   * the proxies' addresses (CIDRs, or loopback / linklocal / uniquelocal); false = nobody's (the
   * socket's address counts).
   */
  trustProxy: false | string[];
  /** The Customer Chat API's limits (limits/): buckets (null = off), caps and sizes. */
  limits: LimitRules & {
    /** The JSON of one chat's userData, in bytes. */
    userDataMaxBytes: number;
    /** The JSON of one offline message (fields and userData), in bytes. */
    offlineMessageMaxBytes: number;
  };
  /** Where /metrics is served and whether it asks for a token (see fronts/metrics-access.ts). */
  metrics: {
    /** Bearer token /metrics asks for; null = none. */
    token: string | null;
    /** A separate admin listener for /metrics (0 = any free port); null = the public port. */
    port: number | null;
    host: string;
  };
  /** Settings that still work but should change (printed at start, never fatal). */
  notices: string[];
  logLevel: string;
  chatScript: ChatScript;
  texts: Texts;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = NodeJS.ProcessEnv;

/** SKILL_QUEUES=billing=q-7,tech=q-9: skill names (any words) to queue ids (as GATEWAY_QUEUE_ID). */
function skillQueues(r: Reader): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const raw = r.raw('SKILL_QUEUES');
  if (!raw) return out;
  for (const pair of raw.split(',')) {
    const [skill, queue, extra] = pair.split('=').map((part) => part.trim());
    if (!skill || !queue || extra !== undefined || skill.length > 100 || !/^[\w.-]{1,100}$/.test(queue)) {
      r.problems.push(`SKILL_QUEUES: "${pair.trim()}" is not skill=queue (a queue id is letters, digits, ".", "-" or "_")`);
      continue;
    }
    out[skill.toLowerCase()] = queue;
  }
  return out;
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  text(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (/\s/.test(value)) this.problems.push(`${name} must not contain spaces`);
    return value;
  }

  optional(name: string): string | null {
    const value = this.raw(name);
    if (value !== undefined && /\s/.test(value)) this.problems.push(`${name} must not contain spaces`);
    return value ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  flag(name: string): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return false;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name} must be 1/true/yes/on or 0/false/no/off, got "${raw}"`);
    return false;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string | null): string | null {
    const raw = this.raw(name) ?? fallback;
    if (raw === null) return null;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      return raw.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name} must be an absolute http(s) URL, got "${raw}"`);
      return fallback;
    }
  }

  rate(name: string, fallback: string): Rate | null {
    const raw = this.raw(name) ?? fallback;
    try {
      return parseRate(raw);
    } catch (error) {
      this.problems.push(`${name} ${(error as Error).message}`);
      return parseRate(fallback);
    }
  }

  json<T>(name: string, fallback: T, check: (value: unknown) => string | null): T {
    const path = this.raw(name);
    if (path === undefined) return fallback;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      this.problems.push(`${name}: cannot read JSON from "${path}": ${(error as Error).message}`);
      return fallback;
    }
    const problem = check(value);
    if (problem) {
      this.problems.push(`${name}: ${problem}`);
      return fallback;
    }
    return value as T;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function configFromEnv(env: Env = process.env): BridgeConfig {
  const r = new Reader(env);

  const store = r.text('BRIDGE_STORE', 'sqlite:.data/bridge.db');
  if (!/^sqlite:.+/.test(store) && !/^rediss?:\/\/.+/.test(store)) {
    r.problems.push(`BRIDGE_STORE must be "sqlite:<file>" or "redis://host:port", got "${store}"`);
  }
  const contactCenterIds = r.text('CONTACT_CENTER_ID', DEFAULT_CONTACT_CENTER_ID).split(',').filter(Boolean);
  if (contactCenterIds.length === 0) r.problems.push('CONTACT_CENTER_ID must name at least one contact center');

  const origins = r.text('ALLOWED_ORIGINS', '*').split(',').filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    try {
      const url = new URL(origin);
      if (url.origin !== origin) throw new Error('not an origin');
    } catch {
      r.problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://shop.example.com (scheme, host and port only)`);
    }
  }

  const gatewayUrl = r.url('GATEWAY_URL', 'http://127.0.0.1:4010')!;
  const apiKey = r.optional('BRIDGE_API_KEY');
  if (apiKey !== null && apiKey.length < 16) r.problems.push('BRIDGE_API_KEY must have at least 16 characters');
  const callbackSecret = r.optional('CALLBACK_SECRET');
  const callbackHosts = (r.raw('CALLBACK_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const host of callbackHosts) {
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
      r.problems.push(`CALLBACK_HOSTS: "${host}" is not a host name like bot.example.com or *.example.com`);
    }
  }
  const allowPrivate = r.flag('CALLBACK_ALLOW_PRIVATE');
  if (allowPrivate && env.NODE_ENV === 'production') r.problems.push('CALLBACK_ALLOW_PRIVATE is for tests only and is refused with NODE_ENV=production');
  const scheduleId = r.raw('SCHEDULE_ID') === 'none' ? null : r.text('SCHEDULE_ID', '1');

  const notices: string[] = [];
  const metricsToken = r.optional('METRICS_TOKEN');
  if (metricsToken !== null && metricsToken.length < 16) r.problems.push('METRICS_TOKEN must have at least 16 characters');

  const chatScript = r.json<ChatScript>('BRIDGE_CHAT_SCRIPT', DEFAULT_CHAT_SCRIPT, (v) =>
    isObject(v) && isObject(v.chatWindow) ? null : 'must be an object like the default chat script (with at least "chatWindow")',
  );
  const textOverrides = r.json<Partial<Texts>>('BRIDGE_TEXTS', {}, (v) => {
    if (!isObject(v)) return 'must be an object of texts';
    const unknown = Object.keys(v).filter((k) => !Object.hasOwn(DEFAULT_TEXTS, k));
    if (unknown.length) return `unknown keys ${unknown.join(', ')} (known: ${Object.keys(DEFAULT_TEXTS).join(', ')})`;
    const notText = Object.entries(v).filter(([, t]) => typeof t !== 'string');
    return notText.length ? `${notText.map(([k]) => k).join(', ')} must be strings` : null;
  });

  const chatIdleTimeoutS = r.int('CHAT_IDLE_TIMEOUT_S', 120, 5, 86_400);
  const longPollMaxWaitS = r.int('LONG_POLL_MAX_WAIT_S', Math.min(25, Math.floor(chatIdleTimeoutS / 2)), 0, 300);
  // A held request counts as the customer being there when it starts: it must end well before the idle timeout.
  if (longPollMaxWaitS > chatIdleTimeoutS / 2) r.problems.push(`LONG_POLL_MAX_WAIT_S must be at most half of CHAT_IDLE_TIMEOUT_S (${chatIdleTimeoutS})`);

  const config: BridgeConfig = {
    port: r.int('BRIDGE_PORT', 4020, 0, 65535),
    host: r.text('BRIDGE_HOST', '127.0.0.1'),
    publicUrl: r.url('BRIDGE_PUBLIC_URL', null),
    store,
    redisPrefix: r.text('BRIDGE_REDIS_PREFIX', 'parley:'),
    contactCenterIds,
    allowedOrigins: origins.includes('*') ? ['*'] : origins,
    gateway: {
      url: gatewayUrl,
      apiKey: r.text('GATEWAY_API_KEY', 'emulator-key'),
      tenant: r.optional('GATEWAY_TENANT'),
      channelId: r.optional('GATEWAY_CHANNEL_ID'),
      webhookId: r.optional('GATEWAY_WEBHOOK_ID'),
      queueId: r.text('GATEWAY_QUEUE_ID', 'support'),
      rps: r.int('GATEWAY_RPS', 5, 1, 100_000),
      reservedPercent: r.int('GATEWAY_RESERVED_PERCENT', 30, 0, 90),
      timeoutMs: r.int('GATEWAY_TIMEOUT_MS', 10_000, 100, 120_000),
      jwkUrl: r.optional('GATEWAY_JWK_URL'),
      expectedTenantId: r.optional('GATEWAY_TENANT_ID'),
      expectedCustomerId: r.optional('GATEWAY_CUSTOMER_ID'),
      reconcileGraceMs: r.int('GATEWAY_RECONCILE_GRACE_MS', 2000, 0, 60_000),
    },
    webhook: {
      // Each retry is signed anew (x-8x8-transmission-time changes), so the window only has to
      // cover clock skew and transit: a captured delivery is useless a minute later.
      maxAgeS: r.int('WEBHOOK_MAX_AGE_S', 60, 5, 86_400),
      reorderMs: r.int('WEBHOOK_REORDER_MS', 250, 0, 10_000),
      redeliveryHoldMs: r.int('WEBHOOK_REDELIVERY_HOLD_MS', 5000, 0, 120_000),
    },
    bot: {
      endpoint: r.url('BOT_ENDPOINT', 'http://127.0.0.1:3978/api/messages')!,
      name: (r.raw('BOT_NAME') ?? 'Assistant').slice(0, 100),
      id: r.text('BOT_ID', 'parley-bot'),
      timeoutMs: r.int('BOT_TIMEOUT_MS', 10_000, 100, 120_000),
      onFailure: r.oneOf('BOT_FAILURE', 'notice', ['notice', 'handover'] as const),
      ...botTransport(r, notices),
      duringHandover: r.oneOf('BOT_DURING_HANDOVER', 'refuse', ['refuse', 'show'] as const),
    },
    skillQueues: skillQueues(r),
    apiKey,
    callbackSecret,
    callback: { allowHttp: r.flag('CALLBACK_ALLOW_HTTP'), hosts: callbackHosts, allowPrivate },
    afterAgent: r.oneOf('AFTER_AGENT', 'bot', ['bot', 'end'] as const),
    postAgent: {
      maxTotalMinutes: r.int('POST_AGENT_MAX_MINUTES', 20, 20, 600),
      userTimeoutInMinutes: r.int('POST_AGENT_USER_TIMEOUT_MINUTES', 10, 10, 300),
    },
    chatIdleTimeoutS,
    longPoll: { maxWaitS: longPollMaxWaitS, maxPerAddress: r.int('LONG_POLL_MAX_PER_ADDRESS', 100, 0, 1_000_000) },
    availability: {
      enabled: r.oneOf('AVAILABILITY_CHECK', 'on', ['on', 'off'] as const) === 'on',
      rtsUrl: r.url('RTS_URL', null),
      tenant: r.text('RTS_TENANT', 'demo'),
      token: r.text('RTS_TOKEN', 'demo-token'),
      scheduleId,
      cacheS: r.int('AVAILABILITY_CACHE_S', 10, 0, 3600),
      minAgents: r.int('MIN_AGENTS_AVAILABLE', 1, 0, 10_000),
    },
    outbox: {
      concurrency: r.int('OUTBOX_CONCURRENCY', 16, 1, 256),
      pollMs: r.int('OUTBOX_POLL_MS', 200, 10, 10_000),
      maxAgeS: r.int('OUTBOX_MAX_AGE_S', 600, 5, 7 * 86_400),
      callbackMaxAgeS: r.int('CALLBACK_MAX_AGE_S', 3600, 5, 7 * 86_400),
    },
    shutdownDrainS: r.int('SHUTDOWN_DRAIN_S', 10, 0, 600),
    retentionH: retentionHours(r, notices),
    trustProxy: trustProxy(r),
    limits: {
      chatsPerAddress: r.rate('LIMIT_CHATS_PER_ADDRESS', '10/min'),
      chatsPerContactCenter: r.rate('LIMIT_CHATS_PER_CONTACT_CENTER', '5/s'),
      messagesPerAddress: r.rate('LIMIT_MESSAGES_PER_ADDRESS', '60/min'),
      messagesPerContactCenter: r.rate('LIMIT_MESSAGES_PER_CONTACT_CENTER', '20/s'),
      messagesPerChat: r.rate('LIMIT_MESSAGES_PER_CHAT', '30/min'),
      typingPerAddress: r.rate('LIMIT_TYPING_PER_ADDRESS', '60/min'),
      typingPerContactCenter: r.rate('LIMIT_TYPING_PER_CONTACT_CENTER', '20/s'),
      openChatsPerAddress: r.int('LIMIT_OPEN_CHATS_PER_ADDRESS', 10, 0, 1_000_000) || null,
      contactCenterReservedShare: r.int('LIMIT_CONTACT_CENTER_RESERVED_PERCENT', 20, 0, 90) / 100,
      userDataMaxBytes: r.int('USERDATA_MAX_BYTES', 8192, 256, 60_000),
      offlineMessageMaxBytes: r.int('OFFLINE_MESSAGE_MAX_BYTES', 16_384, 256, 60_000),
    },
    metrics: {
      token: metricsToken,
      port: r.raw('METRICS_PORT') === undefined ? null : r.int('METRICS_PORT', 0, 0, 65535),
      host: r.text('METRICS_HOST', '127.0.0.1'),
    },
    notices,
    logLevel: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    chatScript,
    texts: { ...DEFAULT_TEXTS, ...textOverrides },
  };
  if (r.problems.length) throw new ConfigError(`invalid configuration:\n  - ${r.problems.join('\n  - ')}`);
  return config;
}

/**
 * TRUST_PROXY: unset or off = the socket's address counts. Else the proxies whose X-Forwarded-For is
 * believed, comma-separated: addresses, CIDRs, or proxy-addr's names loopback, linklocal, uniquelocal.
 * The client is then the last address in the header that is not one of them. (A bare hop count is
 * not offered: it cannot tell a proxy from a client that sends the header itself.)
 */
function trustProxy(r: Reader): false | string[] {
  const raw = r.raw('TRUST_PROXY');
  if (raw === undefined || /^(off|false|no)$/i.test(raw)) return false;
  const list = raw
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const valid = (a: string) => {
    if (named.has(a)) return true;
    const [ip, bits, extra] = a.split('/');
    if (extra !== undefined || !isIP(ip!)) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip!) === 4 ? 32 : 128));
  };
  const bad = list.filter((a) => !valid(a));
  if (bad.length || list.length === 0) {
    r.problems.push(`TRUST_PROXY must list the proxies in front of the bridge (addresses, CIDRs like 10.0.0.0/8, or loopback), got "${raw}"`);
    return false;
  }
  return list;
}

/**
 * RETENTION_DAYS (default 7). RETENTION_H, its older form in hours, still works for deployments that
 * set it, with a notice; setting both is an error (which one was meant?).
 */
function retentionHours(r: Reader, notices: string[]): number {
  const days = r.raw('RETENTION_DAYS');
  const hours = r.raw('RETENTION_H');
  if (days !== undefined && hours !== undefined) {
    r.problems.push('set RETENTION_DAYS only: RETENTION_H is its older form, in hours (remove it)');
    return 168;
  }
  if (hours !== undefined) {
    const h = r.int('RETENTION_H', 168, 1, 24 * 3650);
    notices.push(`RETENTION_H is deprecated: use RETENTION_DAYS (RETENTION_H=${hours} keeps ${h} hours for now)`);
    return h;
  }
  return r.int('RETENTION_DAYS', 7, 1, 3650) * 24;
}

export const DEFAULT_DIRECT_LINE_URL = 'https://directline.botframework.com';
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * BOT_TRANSPORT, DIRECT_LINE_SECRET and DIRECT_LINE_URL. Direct Line needs a secret, and its URL must
 * be https unless it is on this machine (the demo's): the secret goes with every token request.
 */
function botTransport(r: Reader, notices: string[]): Pick<BridgeConfig['bot'], 'transport' | 'directLine'> {
  const transport = r.oneOf('BOT_TRANSPORT', 'bot-connector', ['bot-connector', 'directline'] as const);
  const secret = r.raw('DIRECT_LINE_SECRET');
  const url = r.url('DIRECT_LINE_URL', DEFAULT_DIRECT_LINE_URL)!.replace(/\/v3\/directline$/, '');
  if (transport === 'bot-connector') {
    if (secret !== undefined) notices.push('DIRECT_LINE_SECRET is set but BOT_TRANSPORT is bot-connector: it is not used (set BOT_TRANSPORT=directline to use it)');
    return { transport, directLine: null };
  }
  if (secret === undefined) r.problems.push('BOT_TRANSPORT=directline needs DIRECT_LINE_SECRET (Azure portal: the bot → Channels → Direct Line → Secret keys)');
  else if (/\s/.test(secret) || secret.length < 16) r.problems.push('DIRECT_LINE_SECRET must be at least 16 characters, without spaces');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !LOOPBACK.test(parsed.hostname)) r.problems.push(`DIRECT_LINE_URL must be https (the secret is sent to it), got "${url}"`);
  } catch {
    // reported by r.url
  }
  return { transport, directLine: { url, secret: secret ?? '' } };
}

/** The key that signs callbacks: CALLBACK_SECRET, else BRIDGE_API_KEY. */
export const callbackSecretOf = (config: Pick<BridgeConfig, 'callbackSecret' | 'apiKey'>): string | null => config.callbackSecret ?? config.apiKey;
