// "Can anyone answer?" before a handover: the Tenant Schedule (open now?) and the Real Time
// Statistics of the target queue (agents waiting for work), both seed APIs with Basic auth,
// cached for a few seconds as the statistics themselves are (they refresh every 10 s).
export type Unavailable = 'closed' | 'no-agents';

export interface AvailabilityResult {
  open: boolean;
  reason: Unavailable | null;
  agentsAvailable: number | null;
  /** Interactions waiting in the queue, when the statistics answered. */
  queueSize: number | null;
  /** Set when a check could not be made: the bridge then lets the handover go ahead. */
  unknown: string | null;
}

export interface AvailabilityOptions {
  enabled: boolean;
  rtsUrl: string;
  tenant: string;
  token: string;
  scheduleId: string | null;
  cacheS: number;
  minAgents: number;
  onError?: (what: string, message: string) => void;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

type QueueStats = { agents: number; size: number } | { error: string };
type ScheduleStatus = { open: boolean } | { error: string };

export class Availability {
  private readonly queues = new Map<string, Cached<QueueStats>>();
  private schedule: Cached<ScheduleStatus> | null = null;
  private readonly auth: string;

  constructor(private readonly opts: AvailabilityOptions) {
    this.auth = `Basic ${Buffer.from(`${opts.tenant}:${opts.token}`).toString('base64')}`;
  }

  async check(queueId: string): Promise<AvailabilityResult> {
    if (!this.opts.enabled) return { open: true, reason: null, agentsAvailable: null, queueSize: null, unknown: null };
    const [schedule, stats] = await Promise.all([this.scheduleStatus(), this.queueStats(queueId)]);
    const problems: string[] = [];
    if ('error' in schedule) problems.push(schedule.error);
    if ('error' in stats) problems.push(stats.error);
    const agentsAvailable = 'agents' in stats ? stats.agents : null;
    const queueSize = 'size' in stats ? stats.size : null;
    if ('open' in schedule && !schedule.open) return { open: false, reason: 'closed', agentsAvailable, queueSize, unknown: null };
    if (agentsAvailable !== null && agentsAvailable < this.opts.minAgents) {
      return { open: false, reason: 'no-agents', agentsAvailable, queueSize, unknown: null };
    }
    return { open: true, reason: null, agentsAvailable, queueSize, unknown: problems.length ? problems.join('; ') : null };
  }

  /** Interactions waiting in a queue (cached like the rest): the estimate of a queue position. */
  async queueSize(queueId: string): Promise<number | null> {
    if (!this.opts.enabled) return null;
    const stats = await this.queueStats(queueId);
    return 'size' in stats ? stats.size : null;
  }

  private cached<T>(entry: Cached<T> | null | undefined, load: () => Promise<T>, store: (c: Cached<T>) => void): Promise<T> {
    const now = Date.now();
    if (entry && now - entry.at < this.opts.cacheS * 1000) return entry.value;
    const value = load();
    store({ at: now, value });
    return value;
  }

  private scheduleStatus(): Promise<ScheduleStatus> {
    if (this.opts.scheduleId === null) return Promise.resolve({ open: true });
    return this.cached(
      this.schedule,
      () => this.fetchSchedule(),
      (c) => (this.schedule = c),
    );
  }

  private queueStats(queueId: string): Promise<QueueStats> {
    return this.cached(
      this.queues.get(queueId),
      () => this.fetchQueue(queueId),
      (c) => this.queues.set(queueId, c),
    );
  }

  private async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.opts.rtsUrl}${path}`, {
      headers: { authorization: this.auth, accept: 'application/json' },
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  private async fetchSchedule(): Promise<ScheduleStatus> {
    try {
      const body = (await this.get(`/api/provisioning/schedules/${encodeURIComponent(this.opts.scheduleId!)}/status`)) as { status?: unknown };
      if (typeof body.status !== 'number') throw new Error('no numeric "status"');
      // 0 is OPEN, -1 CLOSED; other values are schedule "choices", which we treat as open.
      return { open: body.status !== -1 };
    } catch (error) {
      const message = `schedule: ${(error as Error).message}`;
      this.opts.onError?.('schedule', message);
      this.schedule = null;
      return { error: message };
    }
  }

  private async fetchQueue(queueId: string): Promise<QueueStats> {
    try {
      const body = (await this.get(`/api/rtstats/stats/queue/${encodeURIComponent(queueId)}.json`)) as { queue?: Record<string, unknown> };
      const agents = Number(body.queue?.['agent-count-waitTransact']);
      const size = Number(body.queue?.['queue-size']);
      if (!Number.isFinite(agents)) throw new Error('no agent-count-waitTransact');
      return { agents, size: Number.isFinite(size) ? size : 0 };
    } catch (error) {
      const message = `statistics of queue ${queueId}: ${(error as Error).message}`;
      this.opts.onError?.('statistics', message);
      this.queues.delete(queueId);
      return { error: message };
    }
  }
}
