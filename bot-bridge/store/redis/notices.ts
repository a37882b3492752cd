// Entry notices across replicas: Redis pub/sub on one channel per deployment (`<prefix>entries`,
// a channel, not a key: nothing is stored). The webhook that appends may land on one replica and
// the customer's long-poll be held by another. The announcing replica wakes its own watchers at
// once and ignores its echo; the others hear the message. One subscriber connection per store,
// opened when the first watch comes. Pub/sub loses what is published while the subscriber is away,
// so after every (re)subscription all watchers are woken to read the store again, and while it is
// away watchEntries answers null (the caller does not wait).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EntryNotices } from '../ports';
import { localWatchers } from '../shared';
import type { RedisConnection } from './connection';

/** How long a watch waits for the subscriber to be ready before it answers null. */
const SUBSCRIBE_WAIT_MS = 2000;

export function redisNotices(c: RedisConnection): EntryNotices {
  const channel = `${c.P}entries`;
  const me = randomUUID();
  const watchers = localWatchers();
  let subscriber: Redis | null = null;
  let subscribed = false;
  let closed = false;
  let ready: Promise<void> | null = null;
  let markReady = () => {};

  const open = (): void => {
    if (subscriber || closed) return;
    const sub = c.redis.duplicate({ autoResubscribe: false, enableAutoPipelining: false, maxRetriesPerRequest: null });
    subscriber = sub;
    sub.on('error', () => undefined);
    sub.on('close', () => {
      subscribed = false;
      ready = null;
    });
    sub.on('ready', () => {
      sub.subscribe(channel).then(
        () => {
          subscribed = true;
          markReady();
          // Whatever was announced while we were not subscribed: every watcher reads again.
          watchers.wakeAll();
        },
        () => sub.disconnect(true),
      );
    });
    sub.on('message', (_channel: string, message: string) => {
      const bar = message.indexOf('|');
      if (bar < 0 || message.slice(0, bar) === me) return;
      watchers.wake(message.slice(bar + 1));
    });
  };

  const whenSubscribed = (): Promise<boolean> => {
    if (subscribed) return Promise.resolve(true);
    open();
    ready ??= new Promise<void>((resolve) => (markReady = resolve));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)));
    return Promise.race([ready, late]).then(() => {
      clearTimeout(timer);
      return subscribed;
    });
  };

  c.closing.push(async () => {
    closed = true;
    subscribed = false;
    const sub = subscriber;
    subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  });

  return {
    announceEntries(sessionId) {
      watchers.wake(sessionId);
      c.redis.publish(channel, `${me}|${sessionId}`).catch(() => undefined);
    },
    async watchEntries(sessionId, wake) {
      if (closed || !(await whenSubscribed()) || closed) return null;
      return watchers.watch(sessionId, wake);
    },
    watchedSessions: () => watchers.sessions(),
  };
}
