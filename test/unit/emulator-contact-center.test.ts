import { describe, expect, it } from 'vitest';
import { ContactCenter, type ContactCenterEvent } from '../../demo/contact-center/core';

const make = () => {
  const cc = new ContactCenter(
    new Map([
      ['support', { id: 'support', name: 'Support' }],
      ['billing', { id: 'billing', name: 'Billing' }],
    ]),
  );
  const events: ContactCenterEvent['type'][] = [];
  cc.on((e) => events.push(e.type));
  const open = (name: string, queueId = 'support') => cc.open({ source: 'customer-chat', contactCenterId: 'cc', queueId, customerName: name });
  return { cc, events, open };
};

describe('ContactCenter', () => {
  it('numbers transcript entries from 1 without gaps', () => {
    const { cc, open } = make();
    const i = open('A');
    cc.accept(i.id, 'a1', 'Ann');
    cc.say(i.id, 'agent', 'hi');
    cc.say(i.id, 'customer', 'hello');
    expect(i.transcript.map((e) => e.index)).toEqual(i.transcript.map((_, n) => n + 1));
  });

  it('orders the queue by arrival and moves transferred interactions to the back of the new queue', () => {
    const { cc, open } = make();
    const a = open('A');
    const b = open('B', 'billing');
    expect([cc.position(a), cc.position(b)]).toEqual([1, 1]);
    cc.accept(a.id, 'x', 'X');
    cc.transfer(a.id, 'billing');
    expect([cc.position(b), cc.position(a)]).toEqual([1, 2]);
  });

  it('emits events in the order things happen', () => {
    const { cc, events, open } = make();
    const i = open('A');
    cc.accept(i.id, 'x', 'X');
    cc.setTyping(i.id, 'agent', true);
    cc.say(i.id, 'agent', 'hi');
    cc.transfer(i.id, 'billing');
    cc.accept(i.id, 'y', 'Y');
    cc.agentLeave(i.id);
    expect(events).toEqual(['queued', 'agent-joined', 'typing', 'typing', 'message', 'transfer', 'agent-left', 'queued', 'agent-joined', 'agent-left', 'ended']);
  });

  it('refuses what the state does not allow', () => {
    const { cc, open } = make();
    const i = open('A');
    expect(() => cc.say(i.id, 'agent', 'x')).toThrow(/No agent/);
    expect(() => cc.transfer(i.id, 'billing')).toThrow(/Only an active/);
    expect(() => cc.accept('nope', 'x', 'X')).toThrow(/No interaction/);
    expect(() => cc.open({ source: 'customer-chat', contactCenterId: 'cc', queueId: 'x', customerName: 'B' })).toThrow(/Unknown queue/);
    cc.customerLeave(i.id, 'customer');
    expect(() => cc.say(i.id, 'customer', 'x')).toThrow(/ended/);
    expect(() => cc.customerLeave(i.id, 'customer')).toThrow(/ended/);
  });
});
