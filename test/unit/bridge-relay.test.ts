// The handover as the gateway tells it (bot-bridge/sessions/relay.ts): each webhook event → the
// session afterwards, what a widget customer is shown or a generic-API bot is called back with,
// and the jobs that follow — including what happens when the agent leaves.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../bot-bridge/config';
import { transition } from '../../bot-bridge/sessions/machine';
import type { CallbackEvent } from '../../bot-bridge/sessions/outputs';
import type { Session } from '../../bot-bridge/sessions/types';
import { chat, check, CID, context, gw, joinedEv, leftEv, run, says, type Row } from './bridge-machine-rows';

/** A handover whose conversation is known, still in `state` (the inbox may apply events before "queued"). */
function live(state: Session['state'] = 'queued', kind: Session['kind'] = 'widget'): Session {
  const s = chat(state === 'agent' ? 'agent' : 'queued', kind);
  s.state = state;
  return s;
}

let clock = 1000;
const at = () => (clock += 10);
const queuedEv = (queueName = 'Support', queueId = 'support') => ({ type: 'queued' as const, queueId, queueName });
const idle = { type: 'conversation' as const, state: 'idle', user: null };
const callbacks = (jobs: { kind: string; data: Record<string, unknown> }[]) => jobs.filter((j) => j.kind === 'callback.send').map((j) => j.data.event as CallbackEvent);

describe('relay, one event at a time', () => {
  it.each<Row>([
    // handover.test "hands over on agent" (the queue notice, WaitingForAgent)
    ['QUEUED: the customer is told the queue', live('handover'), gw(queuedEv(), { queuePosition: 2 }), { state: 'queued', shown: ['Notice[queued]'] }],
    ['QUEUED once an agent has the chat: nothing', chat('agent'), gw(queuedEv()), { state: 'agent' }],
    // handover.test "relays both ways" (ParticipantJoined, Chatting)
    ['an agent joins', live('queued'), gw(joinedEv('agent-bob'), { agentName: 'Bob' }), { state: 'agent', shown: ['ParticipantJoined(Agent Bob)'] }],
    ['the agent in the chat joins again: nothing', chat('agent'), gw(joinedEv('agent-kristi')), { state: 'agent' }],
    ['the agent writes', chat('agent'), gw(says('agent-kristi', 'How can I help?')), { state: 'agent', shown: ['Text(Agent Kristi): How can I help?'] }],
    [
      'the contact center writes',
      chat('agent'),
      gw({ type: 'message', isEcho: false, senderType: 'system', senderId: '', text: 'Recording on', name: null }),
      { state: 'agent', shown: ['Notice[system]'] },
    ],
    // webhooks.test: the echo of what the bridge sent (counted by the inbox job, shown to nobody)
    [
      'the echo of a customer message: nothing',
      chat('agent'),
      gw({ type: 'message', isEcho: true, senderType: 'user', senderId: 'u', text: 'hi', name: null }),
      { state: 'agent' },
    ],
    ['the agent types', chat('agent'), gw({ type: 'typing', agentIds: ['agent-kristi'] }), { state: 'agent', shown: ['TypingStarted(Agent Kristi)'] }],
    ['typing while queued: nothing', live('queued'), gw({ type: 'typing', agentIds: ['agent-kristi'] }), { state: 'queued' }],
    // handover.test "survives a transfer"
    ['TRANSFER: the customer is told to wait', chat('agent'), gw({ type: 'transfer' }), { state: 'agent', shown: ['Notice[transfer]'] }],
    [
      'the agent leaves during a transfer: the customer waits for the next',
      chat('agent', 'widget', { handover: { ...chat('agent').handover!, transferring: true } }),
      gw(leftEv('agent-kristi')),
      { state: 'queued', shown: ['ParticipantLeft(Agent Kristi)'] },
    ],
    // handover.test "gives the chat back to the bot when the agent leaves"
    [
      'the agent leaves (AFTER_AGENT=bot): back with the bot',
      chat('agent'),
      gw(leftEv('agent-kristi')),
      { state: 'bot', shown: ['ParticipantLeft(Agent Kristi)', 'Notice[returned-to-bot]', 'ParticipantJoined(Bot)'], queued: ['bot handoff.status completed'] },
    ],
    // handover.test "AFTER_AGENT=end"
    [
      'the agent leaves (AFTER_AGENT=end): the chat ends',
      chat('agent'),
      gw(leftEv('agent-kristi')),
      { state: 'ended', shown: ['ParticipantLeft(Agent Kristi)'], queued: ['gateway leave conv-1', 'bot endOfConversation agent'] },
      { afterAgent: 'end' },
    ],
    // handover-api.test "hands over, relays both ways …, and ends"
    [
      'the agent leaves an API handover (AFTER_AGENT=bot): the bot takes the customer back',
      chat('agent', 'api'),
      gw(leftEv('agent-kristi')),
      { state: 'ended', queued: ['callback agent.left', 'callback handover.completed', 'gateway leave conv-1'] },
    ],
    [
      'the agent leaves an API handover (AFTER_AGENT=end)',
      chat('agent', 'api'),
      gw(leftEv('agent-kristi')),
      { state: 'ended', queued: ['callback agent.left', 'callback handover.ended', 'gateway leave conv-1'] },
      { afterAgent: 'end' },
    ],
    ['another agent leaves: nothing', chat('agent'), gw(leftEv('agent-other')), { state: 'agent' }],
    // operations.test / the contact center closing the conversation
    [
      'the conversation goes idle with an agent in it',
      chat('agent'),
      gw(idle),
      { state: 'ended', shown: ['ParticipantLeft(Agent Kristi)', 'Notice[ended]'], queued: ['bot endOfConversation contact-center'] },
    ],
    ['the conversation goes idle while queued', live('queued'), gw(idle), { state: 'ended', shown: ['Notice[ended]'], queued: ['bot endOfConversation contact-center'] }],
    ['an API conversation goes idle', live('queued', 'api'), gw(idle), { state: 'ended', queued: ['callback handover.ended', 'gateway leave conv-1'] }],
    ['another conversation state: nothing', chat('agent'), gw({ type: 'conversation', state: 'active', user: null }), { state: 'agent' }],
    // handover-api.test: the same events as callbacks
    ['QUEUED to an API bot', live('handover', 'api'), gw(queuedEv('Billing', 'billing'), { queuePosition: 1 }), { state: 'queued', queued: ['callback queued'] }],
    ['an agent joins an API handover', live('queued', 'api'), gw(joinedEv('agent-zoe'), { agentName: 'Zoe' }), { state: 'agent', queued: ['callback agent.joined'] }],
    ['the agent writes to an API handover', chat('agent', 'api'), gw(says('agent-kristi', 'Hallo Jo!')), { state: 'agent', queued: ['callback message'] }],
    ['the agent types to an API handover', chat('agent', 'api'), gw({ type: 'typing', agentIds: ['agent-kristi'] }), { state: 'agent', queued: ['callback typing'] }],
    ['TRANSFER of an API handover', chat('agent', 'api'), gw({ type: 'transfer' }), { state: 'agent', queued: ['callback transfer'] }],
    // webhooks.test "records events of a conversation it does not know, with no effect"
    ['an event of an older conversation: nothing', chat('agent'), gw(says('agent-kristi', 'x'), { conversationId: 'old-conversation' }), { state: 'agent' }],
    ['an event after the customer left: nothing', chat('ended', 'widget', { handover: chat('agent').handover }), gw(says('agent-kristi', 'anyone?')), { state: 'ended' }],
    ['an event the bridge does not act on: nothing', chat('agent'), gw({ type: 'ignored', eventType: 'ACTIVITY read' }), { state: 'agent' }],
  ])('%s', (_what, session, event, expected, ctx) => {
    check(session, event, expected, ctx);
  });

  it('keys every output by the event, so applying it again adds nothing (webhooks.test "applies a signed event once")', () => {
    const s = chat('agent');
    const event = gw(leftEv('agent-kristi'), { eventId: 'e9' });
    const once = transition(s, event, context());
    expect(once.entries.map((e) => e.key)).toEqual(['ev:e9:0', 'ev:e9:1', 'ev:e9:2']);
    expect(once.jobs.map((j) => j.key)).toEqual(['ev:e9:status']);
    expect(transition(s, event, context())).toEqual(once);
    // A message changes nothing but what is shown: the same event on the session after it, the same key.
    const message = gw(says('agent-kristi', 'hi'), { eventId: 'e10' });
    const first = transition(s, message, context());
    expect(transition(first.session, message, context()).entries).toEqual(first.entries);
  });

  it('tells what to log and count: agents coming and going, returns to the bot, ends', () => {
    expect(run(chat('agent'), [gw(leftEv('agent-kristi'))]).facts).toEqual([
      { type: 'handover-event', happened: 'agent-left', conversationId: CID },
      { type: 'handover-event', happened: 'returned-to-bot', conversationId: CID },
    ]);
    expect(run(chat('agent'), [gw(idle)]).facts.map((f) => f.type === 'handover-event' && f.happened)).toEqual(['agent-left', 'ended']);
    expect(run(live('queued'), [gw(joinedEv('a1')), gw({ type: 'transfer' })]).facts.map((f) => f.type === 'handover-event' && f.happened)).toEqual(['agent-joined', 'transfer']);
  });
});

describe('relay, as the handover goes', () => {
  it('tells the customer the queue, then the agent by name, and puts the chat with the agent', () => {
    const r = run(live('handover'), [gw(queuedEv(), { queuePosition: 2, at: at() }), gw(joinedEv('a1'), { agentName: 'Kristi', at: at() })]);
    expect(r.shown).toEqual(['Notice[queued]', 'ParticipantJoined(Agent Kristi)']);
    expect(r.entries[0]!.notice).toEqual({ event: 'queued', queueId: 'support', queueName: 'Support', queuePosition: 2 });
    expect(r.entries[1]!.from).toEqual({ nickname: 'Kristi', participantId: '2', type: 'Agent' });
    expect(r.session.state).toBe('agent');
    expect(r.session.handover!.agent).toEqual({ id: 'a1', name: 'Kristi', participantId: '2' });
  });

  it('copes without an agent name (the vendor gives none)', () => {
    const r = run(live(), [gw(joinedEv('a1'), { at: at() }), gw(says('a1', 'Hello'), { at: at() })]);
    expect(r.shown).toEqual(['ParticipantJoined(Agent )', 'Text(Agent ): Hello']);
    expect(r.session.agents.a1!.name).toBe('');
  });

  it('ignores echoes of what the bridge sent, and events of another conversation', () => {
    const s = chat('agent');
    expect(transition(s, gw({ type: 'message', isEcho: true, senderType: 'user', senderId: 'u', text: 'hi', name: null }), context()).entries).toEqual([]);
    const other = transition(s, gw(says('a1', 'x'), { conversationId: 'old-conversation' }), context());
    expect(other).toEqual({ session: s, entries: [], jobs: [], binds: [], facts: [] });
    expect(other.session).toBe(s);
  });

  it('treats TRANSFER, then left and joined, as a new agent, not the end', () => {
    const events = [
      gw(joinedEv('a1'), { agentName: 'Kristi', at: at() }),
      gw({ type: 'transfer' }, { at: at() }),
      gw(leftEv('a1'), { at: at() }),
      gw(queuedEv('Billing', 'billing'), { at: at() }),
      gw(joinedEv('a2'), { agentName: 'Bob', at: at() }),
    ];
    const r = run(live(), events);
    expect(r.shown).toEqual(['ParticipantJoined(Agent Kristi)', 'Notice[transfer]', 'ParticipantLeft(Agent Kristi)', 'Notice[queued]', 'ParticipantJoined(Agent Bob)']);
    expect(r.entries[4]!.from).toEqual({ nickname: 'Bob', participantId: '3', type: 'Agent' });
    expect(r.session.state).toBe('agent');
    // The generic API is told the same: the left was a transfer, the one joining is a new agent.
    const api = callbacks(run(live('queued', 'api'), events).jobs);
    expect(api.map((c) => c.type)).toEqual(['agent.joined', 'transfer', 'agent.left', 'queued', 'agent.joined']);
    expect(api[2]!.data).toMatchObject({ transfer: true });
    expect(api[4]!.data).toEqual({ agent: { id: 'a2', name: 'Bob' }, newAgent: true });
    expect(api[0]!.data).toEqual({ agent: { id: 'a1', name: 'Kristi' }, newAgent: false });
  });

  it('returns the chat to the bot when the agent leaves (AFTER_AGENT=bot)', () => {
    const r = run(live(), [gw(joinedEv('a1'), { at: at() }), gw(leftEv('a1'), { at: at() })]);
    expect(r.shown).toEqual(['ParticipantJoined(Agent )', 'ParticipantLeft(Agent )', 'Notice[returned-to-bot]', 'ParticipantJoined(Bot)']);
    expect(r.session.state).toBe('bot');
    expect(r.session.handover!.closed).toBe(false);
  });

  it('ends the chat when the agent leaves (AFTER_AGENT=end)', () => {
    const r = run(live(), [gw(joinedEv('a1'), { at: at() }), gw(leftEv('a1'), { at: at() })], { afterAgent: 'end' });
    expect(r.shown).toEqual(['ParticipantJoined(Agent )', 'ParticipantLeft(Agent )']);
    expect(r.session).toMatchObject({ state: 'ended', endedReason: 'agent', handover: { closed: true } });
    expect(r.entries.some((e) => e.text === DEFAULT_TEXTS.agentLeftBackToBot)).toBe(false);
  });

  it('drops a membership event older than one already applied for that agent (out of order)', () => {
    const s = run(live(), [gw(joinedEv('a1'), { at: 5000 })]).session;
    const late = transition(s, gw(leftEv('a1'), { at: 4000 }), context());
    expect(late.entries).toEqual([]);
    expect(late.session).toBe(s);
    expect(late.session.state).toBe('agent');
  });

  it('ignores the late "left" of an agent who is no longer the one in the chat', () => {
    const r = run(live(), [
      gw(joinedEv('a1'), { at: at() }),
      gw({ type: 'transfer' }, { at: at() }),
      gw(leftEv('a1'), { at: at() }),
      gw(joinedEv('a2'), { at: at() }),
      gw(leftEv('a1'), { at: at() }),
    ]);
    expect(r.session.handover!.agent!.id).toBe('a2');
    expect(r.session.state).toBe('agent');
  });

  it('relays agent typing as changes only, and drops stale typing (webhooks.test "drops a typing change older than one already shown")', () => {
    const s = run(live(), [gw(joinedEv('a1'), { at: at() })]).session;
    const on = transition(s, gw({ type: 'typing', agentIds: ['a1'] }, { at: 6000 }), context());
    expect(on.entries.map((e) => e.type)).toEqual(['TypingStarted']);
    expect(transition(on.session, gw({ type: 'typing', agentIds: ['a1'] }, { at: 6100 }), context()).entries).toEqual([]);
    expect(transition(on.session, gw({ type: 'typing', agentIds: [] }, { at: 5900 }), context()).entries).toEqual([]);
    expect(transition(on.session, gw({ type: 'typing', agentIds: [] }, { at: 6200 }), context()).entries.map((e) => e.type)).toEqual(['TypingStopped']);
  });

  it('ends a waiting chat that the contact center closes', () => {
    const r = run(live(), [gw(idle)]);
    expect(r.shown).toEqual(['Notice[ended]']);
    expect(r.entries[0]!.text).toBe(DEFAULT_TEXTS.conversationEnded);
    expect(r.session).toMatchObject({ state: 'ended', endedReason: 'contact-center', handover: { closed: true } });
  });

  it('does nothing once the customer has left', () => {
    const s = { ...live(), state: 'ended' as const, endedReason: 'customer' as const };
    expect(transition(s, gw(says('a1', 'anyone?')), context()).entries).toEqual([]);
  });

  it('returns the same session object when nothing changed (no store write)', () => {
    const s = run(live(), [gw(joinedEv('a1'), { at: at() })]).session;
    expect(transition(s, gw(says('a1', 'hi'), { at: at() }), context()).session).toBe(s);
  });
});

describe('what each side sees', () => {
  it('shows a widget customer entries stamped with the event time and keyed by the event', () => {
    const r = run(live('handover'), [
      gw(queuedEv(), { queuePosition: 1, at: 42, eventId: 'e1' }),
      gw(joinedEv('a1'), { agentName: 'Kristi', at: 42, eventId: 'e2' }),
      gw(says('a1', 'Hello'), { at: 42, eventId: 'e3' }),
    ]);
    expect(r.jobs).toEqual([]);
    expect(r.entries).toEqual([
      {
        type: 'Notice',
        from: { nickname: 'System', participantId: '0', type: 'External' },
        text: 'You are in the Support queue. An agent will be with you shortly.',
        utcTime: 42,
        notice: { event: 'queued', queueId: 'support', queueName: 'Support', queuePosition: 1 },
        key: 'ev:e1:0',
      },
      { type: 'ParticipantJoined', from: { nickname: 'Kristi', participantId: '2', type: 'Agent' }, utcTime: 42, key: 'ev:e2:0' },
      { type: 'Text', from: { nickname: 'Kristi', participantId: '2', type: 'Agent' }, text: 'Hello', utcTime: 42, key: 'ev:e3:0' },
    ]);
  });

  it('brings the bot back with a notice, its joining, and handoff.status completed', () => {
    const r = transition(chat('agent'), gw(leftEv('agent-kristi')), context());
    expect(r.entries.map((e) => [e.type, e.from.type, e.text])).toEqual([
      ['ParticipantLeft', 'Agent', undefined],
      ['Notice', 'External', DEFAULT_TEXTS.agentLeftBackToBot],
      ['ParticipantJoined', 'External', undefined],
    ]);
    expect(r.jobs).toEqual([
      expect.objectContaining({
        kind: 'bot.send',
        data: expect.objectContaining({ activity: expect.objectContaining({ name: 'handoff.status', value: { state: 'completed' } }) }),
      }),
    ]);
  });

  it('turns the same events into callbacks for a generic-API bot', () => {
    const r = run(live('handover', 'api'), [gw(joinedEv('a1'), { agentName: 'Kristi', at: at() }), gw(says('a1', 'Hello'), { at: at() }), gw(leftEv('a1'), { at: at() })]);
    expect(r.entries).toEqual([]);
    expect(callbacks(r.jobs).map((c) => c.type)).toEqual(['agent.joined', 'message', 'agent.left', 'handover.completed']);
    expect(callbacks(r.jobs)[1]).toMatchObject({ handoverId: 's1', data: { agent: { id: 'a1', name: 'Kristi' }, text: 'Hello' } });
    expect(r.jobs.find((j) => j.kind === 'gateway.leave')).toBeDefined();
    expect(new Set(r.jobs.map((j) => j.key)).size).toBe(r.jobs.length);
  });
});
