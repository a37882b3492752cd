import { scheduleStatus, OPEN, type Schedule } from './schedule';

/**
 * Whether anyone can answer: the schedule (or a test's override of it) and the number of agents
 * available per queue. Tests and the demo change both through the control API.
 */
export class Availability {
  /** null: follow the schedule; true/false: forced open/closed. */
  scheduleOverride: boolean | null = null;
  private readonly agents = new Map<string, number>();

  constructor(
    readonly schedule: Schedule,
    private readonly defaultAgents: number,
  ) {}

  scheduleOpen(at = new Date()): boolean {
    if (this.scheduleOverride !== null) return this.scheduleOverride;
    return scheduleStatus(this.schedule, at) === OPEN;
  }

  agentsAvailable(queueId: string): number {
    return this.agents.get(queueId) ?? this.defaultAgents;
  }

  setAgentsAvailable(queueId: string, count: number): void {
    this.agents.set(queueId, count);
  }

  reset(): void {
    this.scheduleOverride = null;
    this.agents.clear();
  }

  /** Availability as the chat script reports it for a queue. */
  forQueue(queueId: string): { open: boolean; agentsAvailable: number; reason: 'closed' | 'no-agents' | null } {
    const agentsAvailable = this.agentsAvailable(queueId);
    if (!this.scheduleOpen()) return { open: false, agentsAvailable, reason: 'closed' };
    if (agentsAvailable <= 0) return { open: false, agentsAvailable, reason: 'no-agents' };
    return { open: true, agentsAvailable, reason: null };
  }
}
