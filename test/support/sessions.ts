// Session documents for tests of the bridge's pure parts and of its store (no server, no network).
import { randomUUID } from 'node:crypto';
import type { Session } from '../../bot-bridge/sessions/types';

/** A session document for tests of the pure parts and the store. */
export function sessionFixture(overrides: Partial<Session> = {}): Session {
  return {
    id: randomUUID(),
    kind: 'widget',
    version: 1,
    createdAt: Date.now(),
    contactCenterId: 'cc',
    state: 'bot',
    endedReason: null,
    nickname: 'Chris',
    subject: null,
    userData: {},
    user: { name: 'Chris' },
    queueId: 'support',
    botConversationId: randomUUID(),
    callbackUrl: null,
    handover: null,
    handoverCount: 0,
    agents: {},
    nextParticipantId: 2,
    ...overrides,
  };
}
