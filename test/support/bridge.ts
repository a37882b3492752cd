// Bridge test helpers: Redis prefixes, and (below) starting a real bridge on a free port.
import { randomBytes } from 'node:crypto';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses (Redis is shared with other work on this machine). */
export const redisPrefix = () => `parley-test:${randomBytes(6).toString('hex')}:`;
