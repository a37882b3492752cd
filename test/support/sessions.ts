// Session documents for tests of the bridge's pure parts and of its store (no server, no network).
import { randomUUID } from 'node:crypto';
import { newSession, type Session } from '../../bot-bridge/sessions/types';

/** A widget chat with the bot, as the bridge starts one; `overrides` make it anything else. */
export function sessionFixture(overrides: Partial<Session> = {}): Session {
  return newSession({
    id: randomUUID(),
    kind: 'widget',
    contactCenterId: 'cc',
    state: 'bot',
    nickname: 'Chris',
    subject: null,
    userData: {},
    user: { name: 'Chris' },
    queueId: 'support',
    botConversationId: randomUUID(),
    ...overrides,
  });
}
