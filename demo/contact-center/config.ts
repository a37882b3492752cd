// The emulator's configuration, parsed once from the environment with clear errors.
import { parseRate } from '../../bot-bridge/limits/rate';

export interface EmulatorConfig {
  port: number;
  host: string;
  /** Contact center ids this emulator serves; the first is the default one. */
  contactCenterIds: string[];
  gatewayApiKey: string;
  rtsTenant: string;
  rtsToken: string;
  /** A chat whose client has not polled for this long ends (seconds). */
  chatIdleTimeoutS: number;
  /**
   * GetMessages' long-poll (the longPoll extension): the longest wait in seconds, 0 = off (LONG_POLL=0:
   * plain polling, nothing advertised, as the vendor's servers). Held to half the idle timeout.
   */
  longPollMaxWaitS: number;
  /** Webhook delivery: first retry after this many ms, doubling each time. */
  webhookRetryBaseMs: number;
  /** Webhook delivery: the longest wait between two attempts (ms). */
  webhookRetryMaxMs: number;
  /** Webhook delivery: an attempt that takes longer than this fails (ms). */
  webhookTimeoutMs: number;
  /** Webhook delivery: attempts in all, the first included. */
  webhookMaxAttempts: number;
  /** Value of the x-8x8-customer-id header on webhooks. */
  gatewayCustomerId: string;
  /** The origin clients reach the emulator at, for the file links it hands out; null: http://host:port as bound. */
  publicUrl: string | null;
  /** RequestChat calls one client address may make: "N/s", "N/min", "N/h" (a bucket of N), or "off". */
  chatsPerAddress: string;
}

export const DEFAULT_CONTACT_CENTER_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';

export const defaultConfig: EmulatorConfig = {
  port: 4010,
  host: '127.0.0.1',
  contactCenterIds: [DEFAULT_CONTACT_CENTER_ID],
  gatewayApiKey: 'emulator-key',
  rtsTenant: 'demo',
  rtsToken: 'demo-token',
  chatIdleTimeoutS: 120,
  longPollMaxWaitS: 25,
  webhookRetryBaseMs: 1000,
  webhookRetryMaxMs: 60_000,
  webhookTimeoutMs: 5000,
  webhookMaxAttempts: 6,
  gatewayCustomerId: 'emulator-customer',
  publicUrl: null,
  chatsPerAddress: '300/min',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw.trim() !== raw || /\s/.test(raw)) throw new ConfigError(`${name} must not contain spaces`);
  return raw;
}

/** An http(s) origin (no path), or null when unset. */
function origin(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = text(env, name, '');
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) origin such as http://127.0.0.1:4010, got "${raw}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigError(`${name} must be an http(s) origin such as http://127.0.0.1:4010, got "${raw}"`);
  }
  return url.origin;
}

function rate(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = text(env, name, fallback);
  try {
    parseRate(raw);
  } catch (error) {
    throw new ConfigError(`${name} ${(error as Error).message}`);
  }
  return raw;
}

/** LONG_POLL: `0` = off, `1` (default) = on; LONG_POLL_MAX_WAIT_S: the longest wait when on. */
function longPoll(env: NodeJS.ProcessEnv): number {
  const on = env.LONG_POLL ?? '';
  if (!['', '0', '1'].includes(on)) throw new ConfigError(`LONG_POLL must be 0 (plain polling) or 1 (long-polling), got "${on}"`);
  return on === '0' ? 0 : integer(env, 'LONG_POLL_MAX_WAIT_S', defaultConfig.longPollMaxWaitS, 1, 300);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const ids = text(env, 'CONTACT_CENTER_ID', DEFAULT_CONTACT_CENTER_ID).split(',').filter(Boolean);
  if (ids.length === 0) throw new ConfigError('CONTACT_CENTER_ID must name at least one contact center');
  return {
    port: integer(env, 'EMULATOR_PORT', defaultConfig.port, 0, 65535),
    host: text(env, 'EMULATOR_HOST', defaultConfig.host),
    contactCenterIds: ids,
    gatewayApiKey: text(env, 'GATEWAY_API_KEY', defaultConfig.gatewayApiKey),
    rtsTenant: text(env, 'RTS_TENANT', defaultConfig.rtsTenant),
    rtsToken: text(env, 'RTS_TOKEN', defaultConfig.rtsToken),
    chatIdleTimeoutS: integer(env, 'CHAT_IDLE_TIMEOUT_S', defaultConfig.chatIdleTimeoutS, 1, 86_400),
    longPollMaxWaitS: longPoll(env),
    webhookRetryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', defaultConfig.webhookRetryBaseMs, 1, 600_000),
    webhookRetryMaxMs: integer(env, 'WEBHOOK_RETRY_MAX_MS', defaultConfig.webhookRetryMaxMs, 1, 3_600_000),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', defaultConfig.webhookTimeoutMs, 10, 600_000),
    webhookMaxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', defaultConfig.webhookMaxAttempts, 1, 100),
    gatewayCustomerId: text(env, 'GATEWAY_CUSTOMER_ID', defaultConfig.gatewayCustomerId),
    publicUrl: origin(env, 'EMULATOR_PUBLIC_URL'),
    chatsPerAddress: rate(env, 'EMULATOR_CHATS_PER_ADDRESS', defaultConfig.chatsPerAddress),
  };
}
