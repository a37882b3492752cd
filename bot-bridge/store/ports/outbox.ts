// The outbox: every call the bridge makes is a job, kept until it is done (or buried). Jobs of one
// queue (one conversation) run one at a time in order, each under a claim with a fencing token.
// Due queue heads are served fairly by origin (who caused the work: a widget chat's client address):
// the origin that ran the fewest jobs lately goes first, so one address with thousands of jobs
// cannot hold back an address with one.

/**
 * How fast an origin's count of recent jobs drains: one job per this many ms. An origin's count is
 * about its jobs of the last count × 10 s: a customer's few jobs are forgotten in seconds, a
 * flood's thousands stay counted for as long as it lasts.
 */
export const ORIGIN_DRAIN_MS = 10_000;

export interface NewJob {
  /** Jobs of one queue run one at a time, in enqueue order. */
  queue: string;
  kind: string;
  data: Record<string, unknown>;
  /** Idempotency key: enqueuing the same key twice (within the retention) adds one job. */
  key?: string;
  notBefore?: number;
  /**
   * Who caused the job (fairness key): jobs of one queue share it (the first job's counts). None:
   * the queue is its own origin.
   */
  origin?: string;
}

export interface Job extends Required<Omit<NewJob, 'key'>> {
  id: string;
  key: string | null;
  attempts: number;
  createdAt: number;
  /** Fencing token of the current claim: only its holder may finish or reschedule the job. */
  token: string;
  lastError: string | null;
}

export interface OutboxStore {
  /** Returns how many jobs were new. */
  enqueue(jobs: NewJob[]): Promise<number>;
  /**
   * Claims up to `limit` due heads of distinct queues for `leaseMs`: first those of the origins
   * with the fewest jobs claimed lately (each claim counts one, the count drains one per
   * ORIGIN_DRAIN_MS), then the longest due.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<Job[]>;
  /** Done: the job leaves its queue (its key stays claimed). */
  complete(job: Job): Promise<boolean>;
  /** Not done: run again at `notBefore` (the job stays at its queue's head). */
  reschedule(job: Job, notBefore: number, patch: { data?: Record<string, unknown>; lastError?: string | null; attempts?: number }): Promise<boolean>;
  /** Keeps the claim, saves progress (e.g. "a send is in flight") so a crash is seen by the next owner. */
  saveJobData(job: Job, data: Record<string, unknown>): Promise<boolean>;
  /** Given up: moved to the dead-letter list, the queue goes on. */
  bury(job: Job, error: string): Promise<boolean>;
  /** Jobs of the owner go back to their queues (shutdown). */
  releaseClaims(owner: string): Promise<void>;
  outboxDepth(): Promise<number>;
  /** When the next waiting job is due (ms), or null when none waits; shutdown drains what is due soon. */
  nextDue(): Promise<number | null>;
  deadJobs(limit: number): Promise<(Job & { error: string })[]>;
}
