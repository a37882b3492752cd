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
