// pino JSON logs. Secrets are redacted as a safety net; message texts are simply never logged above
// debug, and chat ids (the customer's only credential) appear shortened.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'parley-bridge' },
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers["x-api-key"]', '*.headers["x-api-key"]', 'secret', '*.secret', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Enough of an id to follow it through the logs, not enough to use it. */
export const short = (id: string | null | undefined): string | undefined => (id ? `${id.slice(0, 8)}…` : undefined);

export interface LimitedWarnOptions {
  /** Lines per key and interval before the rest are only counted. */
  perInterval?: number;
  intervalMs?: number;
  now?: () => number;
}

/**
 * A warning that anyone outside can provoke (a refused webhook, a forged event): each key logs at
 * most `perInterval` lines per interval, the rest are counted and summed up in one line when the
 * key next logs. Keys must come from a fixed set (a reason, never a value from the request); the
 * map is bounded anyway. Returns whether the line was written.
 */
export function limitedWarnings(log: Pick<Logger, 'warn'>, opts: LimitedWarnOptions = {}): (key: string, details: object, message: string) => boolean {
  const perInterval = opts.perInterval ?? 10;
  const intervalMs = opts.intervalMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; written: number; suppressed: number }>();
  return (key, details, message) => {
    const at = now();
    let window = windows.get(key);
    if (!window || at - window.start >= intervalMs) {
      if (window && window.suppressed > 0) log.warn({ key, suppressed: window.suppressed }, `${window.suppressed} more "${key}" warnings were not logged`);
      if (!window && windows.size >= 256) windows.clear();
      window = { start: at, written: 0, suppressed: 0 };
      windows.set(key, window);
    }
    if (window.written < perInterval) {
      window.written++;
      log.warn(details, message);
      return true;
    }
    window.suppressed++;
    return false;
  };
}
