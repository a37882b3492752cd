// The bridge's configuration as tests start from it: the defaults (no env at all) with overrides,
// merged key by key so a test names only what it changes.
import { configFromEnv, type BridgeConfig } from '../../bot-bridge/config';
import { parseRate } from '../../bot-bridge/limits';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function testConfig(overrides: DeepPartial<BridgeConfig> = {}): BridgeConfig {
  return merge(merge(configFromEnv({}), { limits: TEST_LIMITS }), overrides);
}

/**
 * Test files start many chats from 127.0.0.1 on one bridge, faster than any person and, in a burst,
 * faster than the contact center's per-second ceiling: the rates are lifted here (the abuse and
 * limits tests set their own); the sizes stay as deployed.
 */
const lifted = parseRate('100000/min');
const TEST_LIMITS: DeepPartial<BridgeConfig['limits']> = {
  chatsPerAddress: lifted,
  chatsPerContactCenter: lifted,
  messagesPerAddress: lifted,
  messagesPerContactCenter: lifted,
  messagesPerChat: lifted,
  typingPerAddress: lifted,
  typingPerContactCenter: lifted,
  openChatsPerAddress: null,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge<T>(base: T, overrides: DeepPartial<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? merge(current, value) : value;
  }
  return out as T;
}

/** Every Customer Chat API bucket and cap off: a test turns on the one it is about. */
export const LIMITS_OFF = {
  chatsPerAddress: null,
  chatsPerContactCenter: null,
  messagesPerAddress: null,
  messagesPerContactCenter: null,
  messagesPerChat: null,
  typingPerAddress: null,
  typingPerContactCenter: null,
  openChatsPerAddress: null,
} as const;
