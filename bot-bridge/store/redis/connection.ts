// The one connection every Redis port works on: the client, the key prefix and the retention, and
// the registration of the ports' Lua scripts on that client.
import { Redis } from 'ioredis';
import { redisKeys, type RedisKeys } from './keys';

/** A Lua script and how many of its arguments are KEYS (the rest are ARGV). */
export interface Lua {
  source: string;
  keys: number;
}

export const lua = (source: string, keys = 0): Lua => ({ source, keys });

export type Script = (...args: (string | number)[]) => Promise<unknown>;

export interface RedisConnection {
  readonly redis: Redis;
  /** The key prefix: the scripts get it as ARGV[1] and build their keys from it. */
  readonly P: string;
  readonly key: RedisKeys;
  /** The retention in seconds: Redis forgets old data by TTL instead of a purge. */
  readonly ttlS: number;
  /** What a port opened beside the client (a subscriber connection): closed with the store, before the client. */
  readonly closing: (() => Promise<void>)[];
  /** Registers a port's scripts on the client (loaded once, then run by hash); one caller each. */
  scripts<T extends Record<string, Lua>>(scripts: T): { [K in keyof T]: Script };
}

export function connectRedis(url: string, P: string, retentionH: number): RedisConnection {
  // Auto-pipelining sends the commands of one event-loop turn together: many concurrent requests,
  // few round trips.
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
  // Without a listener ioredis prints every reconnect attempt; /readyz reports the state instead.
  redis.on('error', () => undefined);
  const commands = redis as unknown as Record<string, Script>;

  return {
    redis,
    P,
    key: redisKeys(P),
    ttlS: retentionH * 3600,
    closing: [],
    scripts<T extends Record<string, Lua>>(scripts: T) {
      const callers: Record<string, Script> = {};
      for (const [name, { source, keys }] of Object.entries(scripts)) {
        // A name of its own: a script called `incr` would shadow the client's INCR command.
        const command = `lua_${name}`;
        if (command in redis) throw new Error(`Redis script ${name} is defined twice`);
        redis.defineCommand(command, { numberOfKeys: keys, lua: source });
        callers[name] = (...args) => commands[command]!(...args);
      }
      return callers as { [K in keyof T]: Script };
    },
  };
}
