// The bot's side of a handover in the session machine: a bot message once the handover has begun
// is refused (the bot channel answers 409) or shown (BOT_DURING_HANDOVER=show), never dropped in
// silence; the bot's typing ends with its message; `skill` picks the queue (SKILL_QUEUES); cards
// and files reach the agent's transcript as readable lines.
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../bot-bridge/config';
import { pickQueue } from '../../bot-bridge/sessions';
import { transition } from '../../bot-bridge/sessions/machine';
import { historyFromEntries } from '../../bot-bridge/sessions/payload';
import type { SessionEvent } from '../../bot-bridge/sessions/events';
import type { Entry } from '../../bot-bridge/store';
import { chat, context, shown } from './bridge-machine-rows';

const bot = (activity: Extract<SessionEvent, { type: 'bot-activity' }>['activity']): SessionEvent => ({ type: 'bot-activity', activity });
const botSays = (text: string): SessionEvent => bot({ type: 'message', id: 'act-1', from: null, text, quickReplies: [] });

describe('bot messages during a handover', () => {
  it.each(['handover', 'queued', 'agent'] as const)('%s: refused by default (a fact the front turns into 409), nothing shown', (state) => {
    const r = transition(chat(state), botSays('Still here'), context());
    expect(r.entries).toEqual([]);
    expect(r.facts).toEqual([
      { type: 'refused', reason: 'handover' },
      { type: 'bot-activity', activity: 'message', result: 'refused_during_handover' },
    ]);
  });

  it('BOT_DURING_HANDOVER=show: shown to the customer and counted apart', () => {
    const r = transition(chat('agent'), botSays('An agent will be with you'), context({ botDuringHandover: 'show' }));
    expect(r.entries.map(shown)).toEqual(['Text(Bot): An agent will be with you']);
    expect(r.facts).toEqual([{ type: 'bot-activity', activity: 'message', result: 'shown_during_handover' }]);
  });

  it('after the end a message is still dropped quietly (the chat is over)', () => {
    expect(transition(chat('ended'), botSays('Bye'), context()).facts).toEqual([{ type: 'bot-activity', activity: 'message', result: 'dropped_after_end' }]);
  });
});

describe('the bot’s typing', () => {
  it('ends with its next message: TypingStopped before the text, once', () => {
    const typing = transition(chat('bot'), bot({ type: 'typing', from: null }), context());
    expect(typing.entries.map(shown)).toEqual(['TypingStarted(Bot)']);
    expect(typing.session.botTyping).toBe(true);
    const said = transition(typing.session, botSays('Here'), context());
    expect(said.entries.map(shown)).toEqual(['TypingStopped(Bot)', 'Text(Bot): Here']);
    expect(said.session.botTyping).toBe(false);
    expect(transition(said.session, botSays('More'), context()).entries.map(shown)).toEqual(['Text(Bot): More']);
  });

  it('ends when it hands over or ends the chat', () => {
    const typing = transition(chat('bot'), bot({ type: 'typing', from: null }), context()).session;
    expect(transition(typing, bot({ type: 'handoff', context: {}, history: null }), context()).entries.map(shown)).toEqual(['TypingStopped(Bot)']);
    expect(transition(typing, bot({ type: 'endOfConversation', from: null }), context()).entries.map(shown)).toEqual([
      'TypingStopped(Bot)',
      'Notice[ended]',
      'ParticipantLeft(Bot)',
    ]);
  });
});

describe('skill routing', () => {
  it('queue / queueId first, then the skill: through SKILL_QUEUES when set (unknown: the default), else as the queue id', () => {
    const map = { billing: 'q-billing', 'technical support': 'q-tech' };
    expect(pickQueue({ queue: 'explicit', skill: 'billing' }, map)).toBe('explicit');
    expect(pickQueue({ skill: 'Billing' }, map)).toBe('q-billing');
    expect(pickQueue({ skill: 'technical support' }, map)).toBe('q-tech');
    expect(pickQueue({ skill: 'astrology' }, map)).toBeNull();
    expect(pickQueue({ skill: '__proto__' }, map)).toBeNull();
    expect(pickQueue({ skill: 'billing' })).toBe('billing');
    expect(pickQueue({ skill: '../admin' })).toBeNull();
    expect(pickQueue('billing')).toBeNull();
  });

  it('handoff.initiate with a skill hands over to its queue', () => {
    const r = transition(chat('bot'), bot({ type: 'handoff', context: { skill: 'billing' }, history: null }), context({ skillQueues: { billing: 'q-billing' } }));
    expect(r.session.handover?.queueId).toBe('q-billing');
    expect(r.facts).toContainEqual({ type: 'handover-requested', seq: 1, queueId: 'q-billing', via: 'bot' });
    const fallback = transition(chat('bot'), bot({ type: 'handoff', context: { skill: 'astrology' }, history: null }), context({ skillQueues: { billing: 'q-billing' } }));
    expect(fallback.session.handover?.queueId).toBe('support');
  });
});

describe('the agent’s transcript', () => {
  it('shows a bot’s cards and files as readable lines (the entry’s fallback text) and its options', () => {
    const from = { nickname: 'Assistant', participantId: 'bot', type: 'External' as const };
    const entries: Entry[] = [
      { index: 1, type: 'Text', from: { nickname: 'Chris', participantId: '1', type: 'Customer' }, text: 'File: photo.png', body: '', utcTime: 1, attachments: [] },
      {
        index: 2,
        type: 'Text',
        from,
        text: 'Returns\nPolicy: https://shop.example/r',
        body: '',
        utcTime: 2,
        cards: [{ title: 'Returns' }],
        quickReplies: [{ title: 'Yes', payload: 'yes' }],
      },
    ];
    expect(historyFromEntries(entries)).toEqual([
      { authorType: 'user', text: 'File: photo.png' },
      { authorType: 'bot', text: 'Returns\nPolicy: https://shop.example/r\n(options: Yes)' },
    ]);
  });
});

describe('configuration', () => {
  it('reads SKILL_QUEUES and BOT_DURING_HANDOVER, and refuses what is not skill=queue', () => {
    const config = configFromEnv({ SKILL_QUEUES: 'Billing=q-billing, tech = q-tech', BOT_DURING_HANDOVER: 'show' });
    expect({ ...config.skillQueues }).toEqual({ billing: 'q-billing', tech: 'q-tech' });
    expect(config.bot.duringHandover).toBe('show');
    expect(configFromEnv({}).bot.duringHandover).toBe('refuse');
    expect(() => configFromEnv({ SKILL_QUEUES: 'billing' })).toThrow(/SKILL_QUEUES/);
    expect(() => configFromEnv({ SKILL_QUEUES: 'billing=../x' })).toThrow(/SKILL_QUEUES/);
    expect(() => configFromEnv({ BOT_DURING_HANDOVER: 'drop' })).toThrow(/BOT_DURING_HANDOVER/);
  });
});
