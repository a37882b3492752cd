// The handover's rules (sessions/relay.ts) and how each side sees them (jobs/deliver.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../bot-bridge/config';
import type { GatewayEvent } from '../../bot-bridge/gateway';
import { deliver } from '../../bot-bridge/jobs/deliver';
import { newHandover, relay, type RelayInput } from '../../bot-bridge/sessions/relay';
import type { Session } from '../../bot-bridge/sessions/types';
import { sessionFixture } from '../support/sessions';

const CID = 'conv-1';

function session(state: Session['state'] = 'queued', kind: Session['kind'] = 'widget'): Session {
  const handover = newHandover(1, 'ref', 'support', {}, null);
  handover.conversationId = CID;
  return sessionFixture({ id: 's1', state, kind, callbackUrl: kind === 'api' ? 'http://bot/cb' : null, handover, handoverCount: 1 });
}

let clock = 1000;
const input = (event: GatewayEvent, extra: Partial<RelayInput> = {}): RelayInput => ({
  event,
  conversationId: CID,
  timestamp: (clock += 10),
  agentName: null,
  queuePosition: null,
  afterAgent: 'bot',
  ...extra,
});
const joined = (id: string): GatewayEvent => ({ type: 'member', memberType: 'agent', change: 'joined', id, name: null });
const leftEv = (id: string): GatewayEvent => ({ type: 'member', memberType: 'agent', change: 'left', id, name: null });
const say = (id: string, text: string): GatewayEvent => ({ type: 'message', isEcho: false, senderType: 'agent', senderId: id, text, name: null });

/** Applies events in turn, as the inbox does. */
function run(start: Session, events: (GatewayEvent | [GatewayEvent, Partial<RelayInput>])[], afterAgent: 'bot' | 'end' = 'bot') {
  let s = start;
  const all = [];
  for (const e of events) {
    const [event, extra] = Array.isArray(e) ? e : [e, {}];
    const r = relay(s, input(event, { afterAgent, ...extra }));
    s = r.session;
    all.push(...r.happenings);
  }
  return { session: s, happenings: all };
}

describe('relay', () => {
  it('tells the customer the queue, then the agent by name, and puts the chat with the agent', () => {
    const r = run(session('handover'), [
      [{ type: 'queued', queueId: 'support', queueName: 'Support' }, { queuePosition: 2 }],
      [joined('a1'), { agentName: 'Kristi' }],
    ]);
    expect(r.happenings).toEqual([
      { type: 'queued', queueId: 'support', queueName: 'Support', position: 2 },
      { type: 'agent-joined', agent: { id: 'a1', name: 'Kristi', participantId: '2' }, again: false },
    ]);
    expect(r.session.state).toBe('agent');
    expect(r.session.handover!.agent).toEqual({ id: 'a1', name: 'Kristi', participantId: '2' });
  });

  it('copes without an agent name (the vendor gives none)', () => {
    const r = run(session(), [joined('a1'), say('a1', 'Hello')]);
    expect(r.happenings.map((h) => h.type)).toEqual(['agent-joined', 'agent-message']);
    expect(r.session.agents.a1!.name).toBe('');
  });

  it('ignores echoes of what the bridge sent, and events of another conversation', () => {
    const s = session('agent');
    expect(relay(s, input({ type: 'message', isEcho: true, senderType: 'user', senderId: 'u', text: 'hi', name: null })).happenings).toEqual([]);
    const other = relay(s, { ...input(say('a1', 'x')), conversationId: 'old-conversation' });
    expect(other).toEqual({ session: s, happenings: [] });
  });

  it('treats TRANSFER, then left and joined, as a new agent, not the end', () => {
    const r = run(session(), [
      [joined('a1'), { agentName: 'Kristi' }],
      { type: 'transfer' },
      leftEv('a1'),
      { type: 'queued', queueId: 'billing', queueName: 'Billing' },
      [joined('a2'), { agentName: 'Bob' }],
    ]);
    expect(r.happenings.map((h) => h.type)).toEqual(['agent-joined', 'transfer', 'agent-left', 'queued', 'agent-joined']);
    expect(r.happenings[2]).toMatchObject({ transfer: true });
    expect(r.happenings[4]).toMatchObject({ again: true, agent: { name: 'Bob', participantId: '3' } });
    expect(r.session.state).toBe('agent');
  });

  it('returns the chat to the bot when the agent leaves (AFTER_AGENT=bot)', () => {
    const r = run(session(), [joined('a1'), leftEv('a1')]);
    expect(r.happenings.map((h) => h.type)).toEqual(['agent-joined', 'agent-left', 'returned-to-bot']);
    expect(r.session.state).toBe('bot');
    expect(r.session.handover!.closed).toBe(false);
  });

  it('ends the chat when the agent leaves (AFTER_AGENT=end)', () => {
    const r = run(session(), [joined('a1'), leftEv('a1')], 'end');
    expect(r.happenings.map((h) => h.type)).toEqual(['agent-joined', 'agent-left', 'ended']);
    expect(r.session).toMatchObject({ state: 'ended', endedReason: 'agent' });
  });

  it('drops a membership event older than one already applied for that agent (out of order)', () => {
    const s = run(session(), [[joined('a1'), { timestamp: 5000 }]]).session;
    const late = relay(s, input(leftEv('a1'), { timestamp: 4000 }));
    expect(late.happenings).toEqual([]);
    expect(late.session.state).toBe('agent');
  });

  it('ignores the late "left" of an agent who is no longer the one in the chat', () => {
    const r = run(session(), [joined('a1'), { type: 'transfer' }, leftEv('a1'), joined('a2'), leftEv('a1')]);
    expect(r.session.handover!.agent!.id).toBe('a2');
  });

  it('relays agent typing as changes only, and drops stale typing', () => {
    const s = run(session(), [joined('a1')]).session;
    const on = relay(s, input({ type: 'typing', agentIds: ['a1'] }, { timestamp: 6000 }));
    expect(on.happenings).toEqual([{ type: 'agent-typing', agent: expect.objectContaining({ id: 'a1' }), typing: true }]);
    expect(relay(on.session, input({ type: 'typing', agentIds: ['a1'] }, { timestamp: 6100 })).happenings).toEqual([]);
    expect(relay(on.session, input({ type: 'typing', agentIds: [] }, { timestamp: 5900 })).happenings).toEqual([]);
    expect(relay(on.session, input({ type: 'typing', agentIds: [] }, { timestamp: 6200 })).happenings).toEqual([{ type: 'agent-typing', agent: expect.anything(), typing: false }]);
  });

  it('ends a waiting chat that the contact center closes', () => {
    const r = run(session(), [{ type: 'conversation', state: 'idle', user: null }]);
    expect(r.happenings).toEqual([{ type: 'ended', reason: 'contact-center', conversationId: CID }]);
    expect(r.session.state).toBe('ended');
  });

  it('does nothing once the customer has left', () => {
    const s = { ...session(), state: 'ended' as const, endedReason: 'customer' as const };
    expect(relay(s, input(say('a1', 'anyone?'))).happenings).toEqual([]);
  });

  it('returns the same session object when nothing changed (no store write)', () => {
    const s = run(session(), [joined('a1')]).session;
    expect(relay(s, input(say('a1', 'hi'))).session).toBe(s);
  });
});

describe('deliver', () => {
  const ctx = { texts: DEFAULT_TEXTS, botName: 'Assistant', at: 42 };

  it('shows a widget customer entries with keys derived from the event', () => {
    const r = run(session('handover'), [
      [{ type: 'queued', queueId: 'support', queueName: 'Support' }, { queuePosition: 1 }],
      [joined('a1'), { agentName: 'Kristi' }],
      say('a1', 'Hello'),
    ]);
    const out = deliver(r.session, r.happenings, 'ev:e1', ctx);
    expect(out.jobs).toEqual([]);
    expect(out.entries).toEqual([
      {
        type: 'Notice',
        from: { nickname: 'System', participantId: '0', type: 'External' },
        text: 'You are in the Support queue. An agent will be with you shortly.',
        utcTime: 42,
        notice: { event: 'queued', queueId: 'support', queueName: 'Support', queuePosition: 1 },
        key: 'ev:e1:0',
      },
      { type: 'ParticipantJoined', from: { nickname: 'Kristi', participantId: '2', type: 'Agent' }, utcTime: 42, key: 'ev:e1:1' },
      { type: 'Text', from: { nickname: 'Kristi', participantId: '2', type: 'Agent' }, text: 'Hello', utcTime: 42, key: 'ev:e1:2' },
    ]);
  });

  it('brings the bot back with a notice, its joining, and handoff.status completed', () => {
    const r = run(session(), [joined('a1'), leftEv('a1')]);
    const out = deliver(r.session, r.happenings.slice(1), 'ev:e9', ctx);
    expect(out.entries.map((e) => [e.type, e.from.type, e.text])).toEqual([
      ['ParticipantLeft', 'Agent', undefined],
      ['Notice', 'External', DEFAULT_TEXTS.agentLeftBackToBot],
      ['ParticipantJoined', 'External', undefined],
    ]);
    expect(out.jobs).toEqual([
      expect.objectContaining({
        kind: 'bot.send',
        data: expect.objectContaining({ activity: expect.objectContaining({ name: 'handoff.status', value: { state: 'completed' } }) }),
      }),
    ]);
  });

  it('turns the same happenings into callbacks for a generic-API bot', () => {
    const r = run(session('handover', 'api'), [[joined('a1'), { agentName: 'Kristi' }], say('a1', 'Hello'), leftEv('a1')]);
    const out = deliver(r.session, r.happenings, 'ev:e2', ctx);
    expect(out.entries).toEqual([]);
    expect(out.jobs.filter((j) => j.kind === 'callback.send').map((j) => (j.data.event as { type: string }).type)).toEqual([
      'agent.joined',
      'message',
      'agent.left',
      'handover.completed',
    ]);
    expect(out.jobs.find((j) => j.kind === 'gateway.leave')).toBeDefined();
    expect(new Set(out.jobs.map((j) => j.key)).size).toBe(out.jobs.length);
  });
});
