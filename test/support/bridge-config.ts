// The bridge's configuration as tests start from it: the defaults (no env at all) with overrides,
// merged key by key so a test names only what it changes.
import { configFromEnv, type BridgeConfig } from '../../bot-bridge/config';

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function testConfig(overrides: DeepPartial<BridgeConfig> = {}): BridgeConfig {
  return merge(configFromEnv({}), overrides);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge<T>(base: T, overrides: DeepPartial<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const current = out[key];
    out[key] = isObject(value) && isObject(current) ? merge(current, value) : value;
  }
  return out as T;
}
