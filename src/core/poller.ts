// When to poll next: an adaptive interval, and exponential backoff with jitter after failures.

export interface PollerOptions {
  /** One poll; throws on failure. May answer when to poll next (ms), instead of the interval. */
  tick(): Promise<void | number>;
  /** The interval now in ms, or null to stop polling. */
  interval(): number | null;
  /** Called with the count of consecutive failures after each poll (0 = it worked). */
  onResult?(failures: number, error?: unknown): void;
  maxBackoffMs?: number;
  random?: () => number;
}

export interface Poller {
  start(): void;
  stop(): void;
  /** Poll again soon (e.g. the interval changed, or something happened). */
  kick(delayMs?: number): void;
  readonly running: boolean;
}

/** Delay after `failures` consecutive failures: doubling from the base, capped, with jitter in [½, 1]. */
export function backoffDelay(baseMs: number, failures: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** failures);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function createPoller(options: PollerOptions): Poller {
  const cap = options.maxBackoffMs ?? 30_000;
  const random = options.random ?? Math.random;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let busy = false;
  let failures = 0;

  const schedule = (delay: number) => {
    clearTimeout(timer);
    if (running) timer = setTimeout(run, delay);
  };

  async function run(): Promise<void> {
    const interval = options.interval();
    if (!running || interval === null) return;
    if (busy) return;
    busy = true;
    let asked: void | number = undefined;
    try {
      asked = await options.tick();
      failures = 0;
      options.onResult?.(0);
    } catch (error) {
      failures++;
      options.onResult?.(failures, error);
    } finally {
      busy = false;
    }
    const next = options.interval();
    if (next === null) return;
    schedule(failures ? backoffDelay(next, failures, cap, random) : typeof asked === 'number' ? asked : next);
  }

  return {
    get running() {
      return running;
    },
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
    kick(delayMs = 0) {
      if (!running || busy) return;
      // A kick does not cut a backoff short: failing servers are not hammered.
      if (failures) return;
      schedule(delayMs);
    },
  };
}
