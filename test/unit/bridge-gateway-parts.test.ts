// Pure parts of the gateway side: event normalisation (v1 and the older v2 shapes), error bodies,
// Retry-After, and retry timing.
import { describe, expect, it } from 'vitest';
import { normalizeEvent, problemMessage, retryAfterMs } from '../../bot-bridge/gateway';
import { backoff, nextAttempt } from '../../bot-bridge/outbox';

describe('normalizeEvent', () => {
  it('reads the Chat Gateway v1 events', () => {
    expect(normalizeEvent({ eventType: 'QUEUED', data: { queueId: 'support', queueName: 'Support' } })).toEqual({ type: 'queued', queueId: 'support', queueName: 'Support' });
    expect(normalizeEvent({ eventType: 'MEMBERS_CHANGED', data: { memberType: 'agent', change: 'left', id: 'a1' } })).toEqual({
      type: 'member',
      memberType: 'agent',
      change: 'left',
      id: 'a1',
      name: null,
    });
    expect(normalizeEvent({ eventType: 'MESSAGE', data: { isEcho: false, sender: { id: 'a1', type: 'agent' }, text: 'Hi' } })).toEqual({
      type: 'message',
      isEcho: false,
      senderType: 'agent',
      senderId: 'a1',
      text: 'Hi',
      name: null,
    });
    expect(
      normalizeEvent({
        eventType: 'ACTIVITY',
        data: {
          name: 'typing',
          value: {
            users: [
              { id: 'a1', type: 'agent' },
              { id: 'u', type: 'user' },
            ],
          },
        },
      }),
    ).toEqual({ type: 'typing', agentIds: ['a1'] });
    expect(normalizeEvent({ eventType: 'ACTIVITY', data: { name: 'typing', value: { users: [] } } })).toEqual({ type: 'typing', agentIds: [] });
    expect(normalizeEvent({ eventType: 'TRANSFER' })).toEqual({ type: 'transfer' });
    expect(normalizeEvent({ eventType: 'CONVERSATION_UPDATE', data: { state: 'idle' } })).toEqual({ type: 'conversation', state: 'idle', user: null });
  });

  it('reads the older Chat API v2 flat events', () => {
    expect(normalizeEvent({ eventType: 'AGENT_JOINED', agentId: 'cmalutan', agentName: 'Cosmin,Malutan', timestamp: 1 })).toEqual({
      type: 'member',
      memberType: 'agent',
      change: 'joined',
      id: 'cmalutan',
      name: 'Cosmin,Malutan',
    });
    expect(normalizeEvent({ eventType: 'TEXT', agentId: 'a1', message: 'Hello' })).toMatchObject({
      type: 'message',
      isEcho: false,
      senderType: 'agent',
      senderId: 'a1',
      text: 'Hello',
    });
  });

  it('ignores what it does not know, without failing', () => {
    expect(normalizeEvent({ eventType: 'ACTIVITY', data: { name: 'read-receipts' } })).toEqual({ type: 'ignored', eventType: 'ACTIVITY read-receipts' });
    expect(normalizeEvent({ eventType: 'SOMETHING_NEW', data: 5 })).toEqual({ type: 'ignored', eventType: 'SOMETHING_NEW' });
    expect(normalizeEvent({})).toEqual({ type: 'ignored', eventType: '(none)' });
  });
});

describe('problemMessage', () => {
  it('finds the message in each of the vendor error shapes', () => {
    expect(problemMessage({ message: 'Internal error.', errors: [{ code: 'invalid_queue', message: 'Queue ID 112 is invalid.' }] }, 400)).toBe(
      '400: Internal error.; Queue ID 112 is invalid.',
    );
    expect(problemMessage({ message: 'Bad', errors: { code: 'invalid_json_object', message: 'Invalid authorType' }, referenceId: 'abc' }, 400)).toBe(
      '400: Bad; Invalid authorType; (ref abc)',
    );
    expect(problemMessage({ message: 'Resource not found', errors: ['Conversation x does not exist'] }, 404)).toBe('404: Resource not found; Conversation x does not exist');
    expect(problemMessage('<html>', 502)).toBe('HTTP 502');
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoff(1, 500, 30_000, () => 0)).toBe(250);
    expect(backoff(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoff(4, 500, 30_000, () => 1)).toBe(4000);
    expect(backoff(20, 500, 30_000, () => 1)).toBe(30_000);
    const spread = new Set(Array.from({ length: 20 }, () => backoff(3, 500, 30_000)));
    expect(spread.size).toBeGreaterThan(5);
  });

  it('never retries sooner than Retry-After says', () => {
    expect(nextAttempt(1, 5000, { baseMs: 500, capMs: 30_000, now: 0, random: () => 0 })).toBe(5000);
    expect(nextAttempt(1, 5000, { baseMs: 500, capMs: 30_000, now: 0, random: () => 1 })).toBe(5500);
    expect(nextAttempt(2, null, { baseMs: 500, capMs: 30_000, now: 0, random: () => 1 })).toBe(1000);
  });
});
