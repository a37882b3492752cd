// (ext) The longPoll extension's wait, for both servers (the bridge and the emulated contact center):
// GetMessages with `waitSeconds` is held until an entry exists from the asked index on, or the
// wait ends. No wake-up is lost: the watch starts before the first read, and a wake that comes
// while a read is under way makes the wait read again instead of sleeping; a wait that runs out with
// no wake since its last read answers that read (empty) without reading again. A wake may be spurious
// (another replica's echo, a resubscription): the wait reads again and, finding nothing, goes on
// waiting. Held requests end (answered with what there is) when the client goes away or the
// server closes, so a closing server never waits for them. A wait that ends empty ends a little
// early, at a random point in its last fifth: visitors who started waiting together (a page of them
// loaded at once, every client after a restart) do not all ask again in the same instant.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Starts watching a chat's entries; null = cannot watch now (the request is answered at once). */
export type WatchEntries = (chatId: string, wake: () => void) => Promise<(() => void) | null>;

export interface LongPollOptions {
  watch: WatchEntries;
  /** Held requests per client address; more are answered at once (plain polling). 0 = no cap. */
  maxPerAddress?: number;
  /** The share of a wait that may be cut off at random (0–1; default 0.2). */
  spread?: number;
  /** 0 ≤ n < 1; Math.random unless a test picks. */
  random?: () => number;
}

export interface LongPolls {
  /**
   * Reads with `read` until it answers something, the wait (seconds; 0 = none) ends, the client
   * goes away or the server closes; answers the last read.
   */
  hold<T>(chatId: string, waitS: number, request: FastifyRequest, reply: FastifyReply, read: () => Promise<T[]>): Promise<T[]>;
  /** Answers every held request now and holds no new one (the server is closing). */
  close(): void;
  /** Requests held right now. */
  held(): number;
}

export function longPolls(options: LongPollOptions): LongPolls {
  const maxPerAddress = options.maxPerAddress ?? 0;
  const spread = Math.min(1, Math.max(0, options.spread ?? 0.2));
  const random = options.random ?? Math.random;
  const held = new Set<() => void>();
  const perAddress = new Map<string, number>();
  let closing = false;

  const count = (address: string, by: 1 | -1) => {
    const n = (perAddress.get(address) ?? 0) + by;
    if (n > 0) perAddress.set(address, n);
    else perAddress.delete(address);
  };

  return {
    async hold(chatId, waitS, request, reply, read) {
      const address = request.ip;
      if (waitS <= 0 || closing || (maxPerAddress > 0 && (perAddress.get(address) ?? 0) >= maxPerAddress)) return read();
      let woken = false;
      let ended = false;
      let resume: (() => void) | null = null;
      const wake = () => {
        woken = true;
        resume?.();
      };
      const unwatch = await options.watch(chatId, wake);
      if (!unwatch) return read();
      const end = () => {
        ended = true;
        wake();
      };
      // The client went away before the answer (a response closed without being ended).
      const gone = () => {
        if (!reply.raw.writableEnded) end();
      };
      reply.raw.once('close', gone);
      held.add(end);
      count(address, 1);
      const deadline = Date.now() + waitS * 1000 * (1 - spread * random());
      let timer: NodeJS.Timeout | undefined;
      try {
        for (;;) {
          woken = false;
          const entries = await read();
          const left = deadline - Date.now();
          if (entries.length || ended || closing || left <= 0) return entries;
          if (!woken) {
            await new Promise<void>((resolve) => {
              resume = resolve;
              timer = setTimeout(resolve, left);
            });
            resume = null;
            clearTimeout(timer);
            // The wait ran out with no wake since the last read: nothing was appended, no need to read again.
            if (!woken) return entries;
          }
        }
      } finally {
        clearTimeout(timer);
        unwatch();
        held.delete(end);
        count(address, -1);
        reply.raw.off('close', gone);
      }
    },
    close() {
      closing = true;
      for (const end of [...held]) end();
    },
    held: () => held.size,
  };
}
