// Pure parts of the bot side: Bot Framework activities → what the customer sees and what the agent
// gets, and the generic API's callback signatures.
import { describe, expect, it } from 'vitest';
import { historyOf, quickRepliesOf, textOf } from '../../bot-bridge/fronts';
import { signCallback, verifyCallback } from '../../bot-bridge/jobs';

describe('bot activities', () => {
  it('turns suggested actions into quick replies whose payload is the value', () => {
    expect(
      quickRepliesOf({
        suggestedActions: {
          actions: [
            { type: 'imBack', title: 'Opening hours', value: 'Opening hours' },
            { type: 'postBack', title: 'Talk to a person', value: 'agent' },
            { type: 'openUrl', title: '', value: '' },
            'junk',
          ],
        },
      }),
    ).toEqual([
      { title: 'Opening hours', payload: 'Opening hours' },
      { title: 'Talk to a person', payload: 'agent' },
    ]);
    expect(quickRepliesOf({ text: 'no actions' })).toEqual([]);
  });

  it('reads the text of hero cards and their buttons (buttons stay on the card, not quick replies)', () => {
    const activity = {
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.hero',
          content: { title: 'Returns', text: '30 days, free.', buttons: [{ type: 'imBack', title: 'Print a label', value: 'label' }] },
        },
      ],
    };
    expect(textOf({ text: 'Here:', ...activity })).toBe('Here:\nReturns\n30 days, free.\n[Print a label]');
    expect(quickRepliesOf(activity)).toEqual([]);
  });

  it('reads the transcript attached to handoff.initiate (botbuilder names it "Transcript")', () => {
    const event = {
      type: 'event',
      name: 'handoff.initiate',
      attachments: [
        {
          name: 'Transcript',
          contentType: 'application/json',
          content: { activities: [{ type: 'message', from: { role: 'bot' }, text: 'Hi!' }, { type: 'typing' }, { from: { role: 'user' }, text: 'agent' }] },
        },
      ],
    };
    expect(historyOf(event)).toEqual([
      { authorType: 'bot', text: 'Hi!' },
      { authorType: 'user', text: 'agent' },
    ]);
    expect(historyOf({ type: 'event', attachments: [] })).toBeNull();
  });
});

describe('callback signatures', () => {
  const secret = 'callback-secret-of-some-length';
  const body = JSON.stringify({ id: 'e1', type: 'message', data: { text: 'Grüß dich ✓' } });

  it('verifies what was signed, at the time it was signed', () => {
    const t = 1_700_000_000_000;
    const signature = signCallback(secret, t, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyCallback(secret, { signature, timestamp: String(t) }, body, 300_000, t + 1000)).toBe(true);
  });

  it('refuses another body, another secret, another timestamp, or an old one', () => {
    const t = 1_700_000_000_000;
    const signature = signCallback(secret, t, body);
    expect(verifyCallback(secret, { signature, timestamp: String(t) }, body.replace('e1', 'e2'), 300_000, t)).toBe(false);
    expect(verifyCallback('other-secret', { signature, timestamp: String(t) }, body, 300_000, t)).toBe(false);
    expect(verifyCallback(secret, { signature, timestamp: String(t + 1) }, body, 300_000, t)).toBe(false);
    expect(verifyCallback(secret, { signature, timestamp: String(t) }, body, 300_000, t + 301_000)).toBe(false);
    expect(verifyCallback(secret, { timestamp: String(t) }, body, 300_000, t)).toBe(false);
  });
});
