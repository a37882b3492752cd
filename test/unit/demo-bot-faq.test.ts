// The demo bot's knowledge: what it answers, and what it leaves to a person.
import { describe, expect, it } from 'vitest';
import { AGENT_REQUEST, answer, orderNumber, orderStatus } from '../../demo/bot/faq';

describe('demo bot FAQ', () => {
  it('answers opening hours, orders and returns', () => {
    expect(answer('What are your opening hours?')?.text).toMatch(/Monday to Friday/);
    expect(answer('Where is my order?')).toMatchObject({ expectOrderNumber: true });
    expect(answer('How do I return a jacket?')?.text).toMatch(/30 days/);
  });

  it('does not pretend to know the rest', () => {
    expect(answer('Can you sing?')).toBeNull();
  });

  it('hears a request for a person', () => {
    for (const text of ['agent', 'I want a human', 'Talk to an agent', 'can I speak to someone']) expect(AGENT_REQUEST.test(text)).toBe(true);
    expect(AGENT_REQUEST.test('opening hours')).toBe(false);
  });

  it('finds an order number and gives a stable status', () => {
    expect(orderNumber('it is 12345 I think')).toBe('12345');
    expect(orderNumber('no number')).toBeNull();
    expect(orderStatus('12345')).toBe(orderStatus('12345'));
    expect(orderStatus('12345')).toMatch(/^Order 12345 /);
  });
});
