// A transition under construction: a copy of the session to change, and the outputs collected so
// far. `done()` hands back the original object when the copy ended up equal to it, so the caller
// knows no write is needed.
import type { NewEntry, NewJob } from '../store';
import type { Fact, MachineContext, Transition } from './events';
import { job } from './outputs';
import type { Session } from './types';

export class Draft {
  readonly next: Session;
  private readonly entries: NewEntry[] = [];
  private readonly jobs: NewJob[] = [];
  private readonly binds: string[] = [];
  private readonly facts: Fact[] = [];

  constructor(
    private readonly before: Session,
    readonly ctx: MachineContext,
  ) {
    this.next = structuredClone(before);
  }

  entry(...entries: NewEntry[]): void {
    this.entries.push(...entries);
  }

  job(...jobs: NewJob[]): void {
    this.jobs.push(...jobs);
  }

  /** A signed callback to a generic-API bot; its event id is its idempotency key. */
  callback(id: string, type: string, data: Record<string, unknown> = {}, at = this.ctx.now): void {
    this.jobs.push(job.callback(this.next.id, { id, type, handoverId: this.next.id, timestamp: at, data }));
  }

  bind(key: string): void {
    this.binds.push(key);
  }

  fact(fact: Fact): void {
    this.facts.push(fact);
  }

  done(): Transition {
    const changed = JSON.stringify(this.next) !== JSON.stringify(this.before);
    return { session: changed ? this.next : this.before, entries: this.entries, jobs: this.jobs, binds: this.binds, facts: this.facts };
  }
}

/** Keys derived from one event (`ev:<id>:0`, `:1`, …): applying the event again yields the same keys. */
export function keysOf(base: string): () => string {
  let n = 0;
  return () => `${base}:${n++}`;
}
