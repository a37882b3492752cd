// What the store reads from a session document besides keeping it, in one place, so that neither
// driver holds a rule of its own about sessions: they index these facts and decide nothing. Which
// state follows which is the session machine's business (sessions/), never the store's.
import type { Session } from '../ports';

/** An ended session is final: from then on its data only waits out the retention. */
export const ENDED: Session['state'] = 'ended';
/** The kind whose customer polls, and so can fall silent (an API chat has no poller to time out). */
export const POLLED: Session['kind'] = 'widget';

export const isEnded = (session: Pick<Session, 'state'>): boolean => session.state === ENDED;
/** Whether idleSessions() looks at it: a polled chat not ended. */
export const isWatched = (session: Pick<Session, 'kind' | 'state'>): boolean => session.kind === POLLED && !isEnded(session);
