// Runs outbox jobs: claims due queue heads from the store (so replicas share the work and a queue
// never has two jobs in flight), hands each to the handler of its kind, and records the result.
// A handler that throws is a bug or a store outage: the job is retried later, the process lives on.
import { randomBytes } from 'node:crypto';
import type { Job, Store } from '../store';
import { backoff } from './backoff';

export type JobResult = { done: true } | { retryAt: number; error: string; data?: Record<string, unknown>; keepAttempts?: boolean } | { bury: string };

export type Handler = (job: Job) => Promise<JobResult>;

export interface WorkerLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface WorkerOptions {
  store: Store;
  handlers: Record<string, Handler>;
  concurrency: number;
  pollMs: number;
  /** Longer than any handler may take: a crashed worker's job is taken over after this. */
  leaseMs: number;
  log: WorkerLog;
  onResult?: (kind: string, result: 'done' | 'retry' | 'buried' | 'error') => void;
}

const MAX_CLAIM_GAP_MS = 100;

export class OutboxWorker {
  readonly owner = `w-${randomBytes(6).toString('hex')}`;
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private claimErrors = 0;
  /** When the last claim ended, and how long it took (the next waits in proportion). */
  private claimedAt = 0;
  private claimMs = 0;

  constructor(private readonly opts: WorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Something was enqueued here: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Keeps working while jobs are in flight or due before drainMs is up (a retry due in 2 s is
   * waited for; one due in an hour is not), then gives back any claim still held so another
   * replica (or the next start) takes it at once. What is left stays in the store.
   */
  async stop(drainMs: number): Promise<void> {
    if (!this.running) return;
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline) {
      const next = await this.opts.store.nextDue().catch(() => null);
      if (this.inFlight.size === 0 && (next === null || next > deadline)) break;
      this.wake();
      await new Promise((r) => setTimeout(r, 50));
    }
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2000))]);
    await this.opts.store.releaseClaims(this.owner).catch(() => undefined);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const free = this.opts.concurrency - this.inFlight.size;
      let claimed: Job[] = [];
      if (free > 0) {
        // A claim ranks every due queue; under a flood (thousands of jobs, a wake for every job
        // done and every message in) claiming at each wake took a third of the bridge's time, and
        // every customer's request waited behind it. So claims are spaced by ten times what the
        // last one took: about a tenth of the time at most, nothing to notice on a small outbox.
        const gap = Math.min(MAX_CLAIM_GAP_MS, this.claimMs * 10) - (performance.now() - this.claimedAt);
        if (gap > 1) await new Promise((r) => setTimeout(r, gap));
        const started = performance.now();
        try {
          claimed = await this.opts.store.claim(this.owner, this.opts.concurrency - this.inFlight.size, this.opts.leaseMs);
          this.claimErrors = 0;
        } catch (error) {
          this.claimErrors++;
          if (this.claimErrors === 1 || this.claimErrors % 50 === 0) this.opts.log.error({ err: error }, 'outbox: cannot claim jobs from the store');
        }
        this.claimedAt = performance.now();
        this.claimMs = this.claimedAt - started;
      }
      for (const job of claimed) {
        const run = this.run(job).finally(() => {
          this.inFlight.delete(run);
          this.wake();
        });
        this.inFlight.add(run);
      }
      if (claimed.length === 0 || this.inFlight.size >= this.opts.concurrency)
        await this.sleep(this.claimErrors ? Math.min(5000, this.opts.pollMs * 2 ** this.claimErrors) : this.opts.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.timer = setTimeout(resolve, ms);
      this.wakeUp = resolve;
    }).then(() => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.wakeUp = null;
    });
  }

  private async run(job: Job): Promise<void> {
    const handler = this.opts.handlers[job.kind];
    let result: JobResult;
    try {
      result = handler ? await handler(job) : { bury: `no handler for job kind "${job.kind}"` };
    } catch (error) {
      this.opts.log.error({ err: error, kind: job.kind, job: job.id }, 'outbox: job handler failed');
      this.opts.onResult?.(job.kind, 'error');
      result = { retryAt: Date.now() + backoff(job.attempts, 500, 30_000), error: String((error as Error).message ?? error) };
    }
    try {
      if ('done' in result) {
        await this.opts.store.complete(job);
        this.opts.onResult?.(job.kind, 'done');
      } else if ('bury' in result) {
        await this.opts.store.bury(job, result.bury);
        this.opts.log.warn({ kind: job.kind, job: job.id, reason: result.bury }, 'outbox: job given up');
        this.opts.onResult?.(job.kind, 'buried');
      } else {
        await this.opts.store.reschedule(job, result.retryAt, {
          lastError: result.error,
          ...(result.data ? { data: result.data } : {}),
          ...(result.keepAttempts ? { attempts: job.attempts - 1 } : {}),
        });
        this.opts.log.debug({ kind: job.kind, job: job.id, attempts: job.attempts, error: result.error }, 'outbox: job will be retried');
        this.opts.onResult?.(job.kind, 'retry');
      }
    } catch (error) {
      // The store is away: the lease lapses and the job runs again (handlers reconcile before resending).
      this.opts.log.error({ err: error, kind: job.kind, job: job.id }, 'outbox: cannot record a job result');
    }
  }
}
