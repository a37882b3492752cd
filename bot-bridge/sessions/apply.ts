// The only writer of a session: load it, run the machine, carry out what it answered (bind,
// enqueue, append and announce the entries to the customer's waiting long-poll), save with
// compare-and-set (retrying when another replica wrote in between), wake the outbox worker, and log
// and count the facts.
//
// Why the effects come before the save: every entry and job carries an idempotency key derived from
// the event (or from ids that stay the same across this call's attempts), so carrying them out
// twice adds nothing, and the save is the last step. After a crash before the save, the session is
// as it was, and whatever redelivers the event (the gateway's webhook retry and the inbox applying
// it again, the widget resending under the same clientMessageId, the outbox rerunning a job whose
// lease lapsed) finds the transition still to do and does it again, with the same keys. Saving first
// would lose effects: the session would say the event happened while nothing showed it, and its
// repeat would change nothing and so output nothing.
// What that order costs, and how it is paid:
// - a job may run before the save is in (another replica's worker polls): no job gives up on a
//   session that is behind it (the create job waits for its handover to be saved);
// - when another writer wins the compare-and-set, this attempt's outputs are already out, and the
//   transition runs again on the newer session; outputs it shares with the first attempt have the
//   same keys and are not repeated, and those only the first attempt had stay out (both sides of a
//   race between two writers of one session in the same moment, e.g. Complete and the idle timeout).
// Bindings go first of all: a job may need them (a created conversation's webhook finds its
// session through the handover's reference). The worker is woken after the save, so this replica
// runs the jobs against the saved session.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../context';
import { short } from '../ops';
import type { Fact, MachineContext, SessionEvent } from './events';
import { recordFacts } from './facts';
import { transition } from './machine';
import type { Session } from './types';

export interface Applied {
  before: Session;
  after: Session;
  changed: boolean;
  facts: Fact[];
  /** How many of the jobs were new (the others were queued before, under the same keys). */
  enqueued: number;
}

/**
 * `known`: the session as the caller just read it; an event that changes nothing (a message, typing)
 * is carried out on it without reading the session again.
 */
export type Apply = (sessionId: string, event: SessionEvent, known?: Session) => Promise<Applied | null>;

const ATTEMPTS = 20;

/** Whose work a session's jobs are, for the outbox's fairness: the address that started it, or the session itself. */
export const originOf = (session: Pick<Session, 'id' | 'origin'>): string => session.origin ?? `s:${session.id}`;

export class SessionWriter {
  constructor(private readonly deps: Deps) {}

  /** A new session: stored (false when its id exists: then nothing happens), then opened by the machine. */
  async create(session: Session): Promise<Applied | null> {
    if (!(await this.deps.store.createSession(session))) return null;
    return this.apply(session.id, { type: 'opened' }, session);
  }

  readonly apply: Apply = async (sessionId, event, known) => {
    const { store } = this.deps;
    const now = Date.now();
    const ids = sameIds();
    let before = known ?? (await store.getSession(sessionId));
    let fresh = !known;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (!before) return null;
      const result = transition(before, event, this.context(now, ids()));
      const changed = result.session !== before;
      if (changed && !fresh) {
        // The caller's copy may be behind: a change is decided on the stored session, before any effect.
        before = await store.getSession(sessionId);
        fresh = true;
        continue;
      }
      for (const key of result.binds) await store.bindConversation(key, sessionId);
      const enqueued = result.jobs.length ? await store.enqueue(result.jobs.map((j) => ({ origin: originOf(result.session), ...j }))) : 0;
      if (result.entries.length) {
        await store.append(sessionId, result.entries);
        // The customer's long-poll, held on this replica or another, reads them now.
        store.announceEntries(sessionId);
      }
      if (changed && !(await store.saveSession(result.session, before.version))) {
        before = await store.getSession(sessionId);
        continue;
      }
      if (result.jobs.length) this.deps.wake();
      recordFacts(this.deps, result.session, result.facts);
      return { before, after: result.session, changed, facts: result.facts, enqueued };
    }
    throw new Error(`session ${short(sessionId)}: too many concurrent updates`);
  };

  private context(now: number, newId: () => string): MachineContext {
    const { config, setup } = this.deps;
    return {
      now,
      newId,
      texts: config.texts,
      botName: config.bot.name,
      afterAgent: config.afterAgent,
      botFailure: config.bot.onFailure,
      postAgent: Boolean(setup?.webhookId),
      botDuringHandover: config.bot.duringHandover,
      skillQueues: config.skillQueues,
    };
  }
}

/** Id sources for the attempts of one call: the n-th id asked for is the same in every attempt. */
function sameIds(): () => () => string {
  const ids: string[] = [];
  return () => {
    let n = 0;
    return () => (ids[n++] ??= randomUUID());
  };
}
