// Housekeeping, done by one replica at a time (a store lease): widget chats whose customer stopped
// polling for CHAT_IDLE_TIMEOUT_S end (on the gateway too), and old data is purged.
import type { Deps } from '../context';
import type { Sessions } from '../sessions/service';
import { short } from './logger';

export function startSweeper(deps: Deps, sessions: Sessions, owner: string): () => void {
  const { store, config, log } = deps;
  const idleMs = config.chatIdleTimeoutS * 1000;
  const every = Math.max(250, Math.min(5000, idleMs / 4));
  let lastPurge = 0;
  let running = false;

  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      if (!(await store.lease('sweeper', owner, every * 3))) return;
      const idle = await store.idleSessions(Date.now() - idleMs, 200);
      for (const id of idle) {
        if (await sessions.end(id, 'timeout')) log.info({ chat: short(id) }, 'chat ended: the customer stopped polling');
      }
      if (Date.now() - lastPurge > 3600_000) {
        lastPurge = Date.now();
        await store.purge(Date.now() - config.retentionH * 3600_000);
      }
    } catch (error) {
      log.warn({ err: error }, 'sweeper: store unavailable, will try again');
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void sweep(), every);
  timer.unref();
  return () => clearInterval(timer);
}
