// The session machine (bot-bridge/sessions/machine.ts) as a table: a session in some state, one
// event → the state afterwards, what the customer is shown, what is queued. The gateway's events are
// in bridge-relay.test.ts. Rows name the integration or e2e test whose case they pin.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../bot-bridge/config';
import type { SessionEvent } from '../../bot-bridge/sessions/events';
import { transition } from '../../bot-bridge/sessions/machine';
import { backWithBot, chat, check, CID, context, NOW, type Row } from './bridge-machine-rows';

const message = (text: string, clientMessageId: string | null = 'c1'): SessionEvent => ({ type: 'customer-message', text, clientMessageId });
const typing = (on: boolean, recentlySent = false): SessionEvent => ({ type: 'customer-typing', on, recentlySent });
const leaves = (reason: 'customer' | 'timeout'): SessionEvent => ({ type: 'customer-left', reason });
const bot = (activity: Extract<SessionEvent, { type: 'bot-activity' }>['activity']): SessionEvent => ({ type: 'bot-activity', activity });
const botSays = (text: string): SessionEvent => bot({ type: 'message', id: 'act-1', from: null, text, quickReplies: [] });
const handoff = (context: unknown = { Reason: 'The customer asked for an agent' }): SessionEvent => bot({ type: 'handoff', context, history: null });
const botFailed = (activityType: string, why: 'timeout' | 'unreachable' | 'error'): SessionEvent => ({ type: 'bot-failed', activityType, activityId: 'act-9', why });
const created = (seq = 1, conversationId = CID): SessionEvent => ({ type: 'handover-created', seq, conversationId });
const failed = (reason: 'closed' | 'no-agents' | 'error' | 'timeout', seq = 1): SessionEvent => ({ type: 'handover-failed', seq, reason, detail: reason });

describe('the customer', () => {
  it.each<Row>([
    // handover.test "opens with the bot"
    [
      'a new widget chat: customer and bot join, the bot is greeted',
      chat('bot'),
      { type: 'opened' },
      { state: 'bot', shown: ['ParticipantJoined(Customer)', 'ParticipantJoined(Bot)'], queued: ['bot conversationUpdate'] },
    ],
    // handover-api.test "hands over …"
    ['a new API handover: the conversation is asked for at once', chat('handover', 'api'), { type: 'opened' }, { state: 'handover', queued: ['gateway create #1'] }],
    // handover.test "answers a FAQ" (a quick reply is a message whose text is its payload)
    [
      'a message while the bot holds the chat goes to the bot',
      chat('bot'),
      message('Opening hours'),
      { state: 'bot', shown: ['Text(Customer): Opening hours'], queued: ['bot message "Opening hours"'] },
    ],
    // handover.test "relays both ways" (the bot hears none of it)
    [
      'a message while waiting for the gateway goes to the agent',
      chat('handover'),
      message('hello?'),
      { state: 'handover', shown: ['Text(Customer): hello?'], queued: ['gateway message #1 "hello?"'] },
    ],
    [
      'a message while queued goes to the agent',
      chat('queued'),
      message('hello?'),
      { state: 'queued', shown: ['Text(Customer): hello?'], queued: ['gateway message #1 "hello?"'] },
    ],
    [
      'a message to the agent',
      chat('agent'),
      message('My parcel is late'),
      { state: 'agent', shown: ['Text(Customer): My parcel is late'], queued: ['gateway message #1 "My parcel is late"'] },
    ],
    // handover.test "gives the chat back to the bot" (then the bot hears the customer again)
    ['a message after the agent goes to the bot again', backWithBot(), message('Returns'), { state: 'bot', shown: ['Text(Customer): Returns'], queued: ['bot message "Returns"'] }],
    // handover.test "ends the gateway conversation when the customer completes" (then a send is refused)
    ['a message after the end is refused', chat('ended'), message('hello?'), { state: 'ended' }],
    // handover-api.test: the API's customer messages, shown to nobody (the bot has its own transcript)
    ['an API customer message goes to the agent', chat('agent', 'api'), message('Danke!', 'jo-1'), { state: 'agent', queued: ['gateway message #1 "Danke!"'] }],
    ['an API customer message after the end is refused', chat('ended', 'api'), message('hello?', 'jo-2'), { state: 'ended' }],
    // handover.test "relays both ways with typing"; customer-chat.test "accepts typing notifications"
    ['typing to the bot is not passed on', chat('bot'), typing(true), { state: 'bot' }],
    ['typing while waiting for the gateway is not passed on', chat('handover'), typing(true), { state: 'handover' }],
    ['typing while queued reaches the gateway', chat('queued'), typing(true), { state: 'queued', queued: ['gateway typing #1'] }],
    ['typing with the agent reaches the gateway', chat('agent'), typing(true), { state: 'agent', queued: ['gateway typing #1'] }],
    ['a stop is not sent (the gateway indicator lapses)', chat('agent'), typing(false), { state: 'agent' }],
    ['typing again within 3 s is not sent again', chat('agent'), typing(true, true), { state: 'agent' }],
    ['typing after the end is refused', chat('ended'), typing(true), { state: 'ended' }],
    // handover.test "ends the gateway conversation when the customer completes"
    [
      'Complete with an agent: the agent and the bot are left',
      chat('agent'),
      leaves('customer'),
      { state: 'ended', shown: ['ParticipantLeft(Customer)'], queued: ['gateway leave conv-1', 'bot endOfConversation customer'] },
    ],
    ['Complete with the bot', chat('bot'), leaves('customer'), { state: 'ended', shown: ['ParticipantLeft(Customer)'], queued: ['bot endOfConversation customer'] }],
    [
      'Complete before the conversation exists',
      chat('handover'),
      leaves('customer'),
      { state: 'ended', shown: ['ParticipantLeft(Customer)'], queued: ['bot endOfConversation customer'] },
    ],
    [
      'Complete after the agent: the conversation kept for the bot is left too',
      backWithBot(),
      leaves('customer'),
      { state: 'ended', shown: ['ParticipantLeft(Customer)'], queued: ['gateway leave conv-1', 'bot endOfConversation customer'] },
    ],
    // operations.test "ends a chat whose customer stopped polling, on the gateway too"
    [
      'the customer stopped polling',
      chat('queued'),
      leaves('timeout'),
      { state: 'ended', shown: ['Notice[idle-timeout]', 'ParticipantLeft(Customer)'], queued: ['gateway leave conv-1', 'bot endOfConversation timeout'] },
    ],
    // handover-api.test "the customer leaving (DELETE) ends the conversation for the agent"
    ['DELETE of an API handover', chat('queued', 'api'), leaves('customer'), { state: 'ended', queued: ['gateway leave conv-1', 'callback handover.ended'] }],
    ['DELETE again: nothing more', chat('ended', 'api'), leaves('customer'), { state: 'ended' }],
    ['Complete of an ended chat: nothing more', chat('ended'), leaves('customer'), { state: 'ended' }],
  ])('%s', (_what, session, event, expected, ctx) => {
    check(session, event, expected, ctx);
  });

  it('keys a message by its clientMessageId, so a resend is one job and one entry (customer-chat.test "records a SendMessage retried … once")', () => {
    const once = transition(chat('agent'), message('x', 'm-7'), context());
    const again = transition(chat('agent'), message('x', 'm-7'), context());
    expect(once.entries.map((e) => e.key)).toEqual(['cmid:m-7']);
    expect(once.jobs.map((j) => j.key)).toEqual(['s1:cmid:m-7']);
    expect(again.entries).toEqual(once.entries);
    expect(again.jobs).toEqual(once.jobs);
    // Without one, every message is its own (a new id each time).
    const anonymous = transition(chat('bot'), message('y', null), context());
    expect(anonymous.entries[0]!.key).toBe('msg:id-1');
    expect(anonymous.jobs[0]).toMatchObject({ key: 's1:msg:id-1', data: { activity: { id: 'id-2', text: 'y' } } });
  });

  it('binds what the new session is found by, and tells what to log', () => {
    const widget = transition(chat('bot'), { type: 'opened' }, context());
    expect(widget.binds).toEqual(['bot:botconv-1']);
    expect(widget.facts).toEqual([{ type: 'chat-requested', queueId: 'support' }]);
    const api = transition(chat('handover', 'api'), { type: 'opened' }, context());
    expect(api.binds).toEqual(['ref:ref-1']);
    expect(api.facts).toEqual([{ type: 'handover-requested', seq: 1, queueId: 'support', via: 'api' }]);
  });

  it('ends with the reason, closes the handover, and says so (refusals are facts too)', () => {
    const ended = transition(chat('agent'), leaves('timeout'), context());
    expect(ended.session).toMatchObject({ state: 'ended', endedReason: 'timeout', handover: { closed: true } });
    expect(ended.facts).toEqual([{ type: 'chat-ended', reason: 'timeout', from: 'agent' }]);
    expect(ended.entries[0]).toMatchObject({ text: DEFAULT_TEXTS.idleTimeout, key: 'idle-timeout', utcTime: NOW });
    expect(transition(chat('ended'), message('x'), context()).facts).toEqual([{ type: 'refused', reason: 'ended' }]);
    const typed = transition(chat('agent'), typing(true), context());
    expect(typed.facts).toEqual([{ type: 'typing-sent' }]);
    expect(typed.jobs[0]!.data).toMatchObject({ at: NOW });
    const deleted = transition(chat('agent', 'api'), leaves('customer'), context());
    expect(deleted.jobs[1]!.data).toMatchObject({ event: { id: 'deleted:s1', type: 'handover.ended', data: { reason: 'deleted' }, timestamp: NOW } });
  });
});

describe('the bot', () => {
  it.each<Row>([
    // handover.test "opens with the bot, which greets with quick replies"
    ['a message while it holds the chat is shown', chat('bot'), botSays('Hi Chris!'), { state: 'bot', shown: ['Text(Bot): Hi Chris!'] }],
    // bot-failures.test "is not heard by the customer once an agent holds the chat"
    ['a message once an agent holds the chat is not heard', chat('agent'), botSays('I am still here!'), { state: 'agent' }],
    ['a message while the handover is made is not heard', chat('handover'), botSays('Let me get you a person'), { state: 'handover' }],
    ['a message after the end is dropped', chat('ended'), botSays('Bye'), { state: 'ended' }],
    ['a message with nothing to show is refused', chat('bot'), botSays(''), { state: 'bot' }],
    ['typing while it holds the chat is shown', chat('bot'), bot({ type: 'typing', from: null }), { state: 'bot', shown: ['TypingStarted(Bot)'] }],
    ['typing once an agent holds the chat is not', chat('queued'), bot({ type: 'typing', from: null }), { state: 'queued' }],
    // handover.test "hands over on agent"
    ['handoff.initiate: the handover starts', chat('bot'), handoff(), { state: 'handover', queued: ['gateway create #1'] }],
    // handover.test "starts one conversation however many times the bot asks"
    ['handoff.initiate again while it runs: ignored', chat('handover'), handoff(), { state: 'handover' }],
    ['handoff.initiate with an agent: ignored', chat('agent'), handoff(), { state: 'agent' }],
    // handover.test "hands over again after the bot is back, in a new conversation, closing the old one"
    [
      'handoff.initiate after the agent: the old conversation is left, a new one asked for',
      backWithBot(),
      handoff(),
      { state: 'handover', queued: ['gateway leave conv-1', 'gateway create #2'] },
    ],
    ['endOfConversation: the chat ends', chat('bot'), bot({ type: 'endOfConversation', from: null }), { state: 'ended', shown: ['Notice[ended]', 'ParticipantLeft(Bot)'] }],
    ['endOfConversation once an agent holds the chat: ignored', chat('agent'), bot({ type: 'endOfConversation', from: null }), { state: 'agent' }],
    ['another event: ignored', chat('bot'), bot({ type: 'other', activityType: 'event' }), { state: 'bot' }],
    // bot-failures.test "does not answer in time" (the greeting, then the customer's next turn)
    ['no answer in time to the greeting', chat('bot'), botFailed('conversationUpdate', 'timeout'), { state: 'bot', shown: ['Notice[bot-timeout]'] }],
    ['no answer in time to a message', chat('bot'), botFailed('message', 'timeout'), { state: 'bot', shown: ['Notice[bot-timeout]'] }],
    // bot-failures.test "is down", "answers 500"
    ['unreachable', chat('bot'), botFailed('message', 'unreachable'), { state: 'bot', shown: ['Notice[bot-unavailable]'] }],
    ['an error answer', chat('bot'), botFailed('conversationUpdate', 'error'), { state: 'bot', shown: ['Notice[bot-unavailable]'] }],
    ['a lost handoff.status or goodbye: nothing to tell', chat('bot'), botFailed('event', 'timeout'), { state: 'bot' }],
    ['a failure once an agent holds the chat: nothing to tell', chat('agent'), botFailed('message', 'timeout'), { state: 'agent' }],
    // bot-failures.test "is down and BOT_FAILURE=handover"
    [
      'BOT_FAILURE=handover: a message the bot did not take hands over',
      chat('bot'),
      botFailed('message', 'unreachable'),
      { state: 'handover', shown: ['Notice[bot-unavailable]'], queued: ['gateway create #1'] },
      { botFailure: 'handover' },
    ],
    [
      'BOT_FAILURE=handover: a greeting the bot did not take is only told',
      chat('bot'),
      botFailed('conversationUpdate', 'unreachable'),
      { state: 'bot', shown: ['Notice[bot-unavailable]'] },
      { botFailure: 'handover' },
    ],
    // bot-failures.test "the message that found no bot reaches the agent"
    [
      'a message that waited for the bot while the handover began goes to the agent',
      chat('handover'),
      { type: 'bot-turn-missed', text: 'I need help', jobKey: 's1:cmid:u1' },
      { state: 'handover', queued: ['gateway message #1 "I need help"'] },
    ],
    ['… unless the chat has ended', chat('ended'), { type: 'bot-turn-missed', text: 'I need help', jobKey: 's1:cmid:u1' }, { state: 'ended' }],
    [
      '… and to the bot after all if the handover is over again',
      backWithBot(),
      { type: 'bot-turn-missed', text: 'I need help', jobKey: 's1:cmid:u1' },
      { state: 'bot', queued: ['bot message "I need help"'] },
    ],
  ])('%s', (_what, session, event, expected, ctx) => {
    check(session, event, expected, ctx);
  });

  it('shows its quick replies and its name, keyed by the activity id', () => {
    const r = transition(chat('bot'), bot({ type: 'message', id: 'act-1', from: 'Helper', text: 'Pick one', quickReplies: [{ title: 'Returns', payload: 'Returns' }] }), context());
    expect(r.entries).toEqual([
      {
        type: 'Text',
        from: { nickname: 'Helper', participantId: 'bot', type: 'External' },
        text: 'Pick one',
        utcTime: NOW,
        quickReplies: [{ title: 'Returns', payload: 'Returns' }],
        key: 'bot:act-1',
      },
    ]);
    expect(r.facts).toEqual([{ type: 'bot-activity', activity: 'message', result: 'shown' }]);
  });

  it.each([
    [chat('agent'), botSays('late'), 'message', 'refused_during_handover'],
    [chat('ended'), bot({ type: 'typing', from: null }), 'typing', 'dropped_after_end'],
    [chat('bot'), handoff(), 'event', 'handover'],
    [chat('handover'), handoff(), 'event', 'ignored'],
    [chat('bot'), bot({ type: 'endOfConversation', from: null }), 'endOfConversation', 'shown'],
    [chat('bot'), bot({ type: 'other', activityType: 'invoke' }), 'invoke', 'ignored'],
  ])('counts each activity by type and result (%#)', (session, event, activity, result) => {
    expect(transition(session, event, context()).facts).toContainEqual({ type: 'bot-activity', activity, result });
  });

  it('starts the handover with its context, transcript and queue, bound by a new reference', () => {
    const history = [{ authorType: 'user' as const, text: 'I want a human' }];
    const r = transition(chat('bot'), bot({ type: 'handoff', context: { Reason: 'asked', 'Order number': 12345, queue: 'billing' }, history }), context());
    expect(r.session.handover).toMatchObject({
      seq: 1,
      ref: 'id-1',
      requestedAt: NOW,
      queueId: 'billing',
      context: { Reason: 'asked', 'Order number': '12345', queue: 'billing' },
      history,
    });
    expect(r.session.handoverCount).toBe(1);
    expect(r.binds).toEqual(['ref:id-1']);
    expect(r.facts).toContainEqual({ type: 'handover-requested', seq: 1, queueId: 'billing', via: 'bot' });
  });

  it('hands a customer whose bot did not answer to an agent with the reason, and the bridge’s own transcript', () => {
    const r = transition(chat('bot'), botFailed('message', 'timeout'), context({ botFailure: 'handover' }));
    expect(r.entries[0]).toMatchObject({ text: DEFAULT_TEXTS.botUnavailableHandover, key: 'bot-failed:act-9' });
    expect(r.session.handover).toMatchObject({ context: { Reason: 'The bot did not answer' }, history: null });
  });

  it('ends the chat with reason "bot"', () => {
    const r = transition(chat('bot'), bot({ type: 'endOfConversation', from: null }), context());
    expect(r.session).toMatchObject({ state: 'ended', endedReason: 'bot' });
    expect(r.entries.map((e) => e.key)).toEqual(['bot-ended', 'bot-left']);
    expect(r.facts).toContainEqual({ type: 'bot-ended' });
  });
});

describe('the handover', () => {
  it.each<Row>([
    // handover.test "hands over on agent" (queued; the bot is told accepted; AFTER_AGENT=bot asks post-agent-assignment)
    [
      'created: queued, the bot told, post-agent asked, early events applied',
      chat('handover'),
      created(),
      { state: 'queued', queued: ['inbox conv-1', 'bot handoff.status accepted', 'gateway post-agent conv-1'] },
    ],
    [
      'created without the gateway webhook known: no post-agent',
      chat('handover'),
      created(),
      { state: 'queued', queued: ['inbox conv-1', 'bot handoff.status accepted'] },
      { postAgent: false },
    ],
    [
      'created with AFTER_AGENT=end: no post-agent',
      chat('handover'),
      created(),
      { state: 'queued', queued: ['inbox conv-1', 'bot handoff.status accepted'] },
      { afterAgent: 'end' },
    ],
    // handover-api.test "hands over …" (handover.accepted, then queued)
    ['created for an API handover', chat('handover', 'api'), created(), { state: 'queued', queued: ['inbox conv-1', 'callback handover.accepted'] }],
    [
      'created after the customer left: the conversation is left at once',
      chat('ended', 'widget', { handover: { ...chat('handover').handover!, closed: true }, handoverCount: 1 }),
      created(),
      { state: 'ended', queued: ['inbox conv-1', 'gateway leave conv-1'] },
    ],
    // gateway-faults.test "creating the conversation while the gateway fails" (the create job runs again)
    [
      'created again (the job ran again): told again under the same keys',
      chat('queued'),
      created(),
      { state: 'queued', queued: ['inbox conv-1', 'bot handoff.status accepted', 'gateway post-agent conv-1'] },
    ],
    ['created for a handover that is not this one: nothing', chat('queued'), created(2, 'conv-2'), { state: 'queued' }],
    // handover.test "when closed, tells the bot … and creates no conversation"; "when no agent is available"
    ['failed, closed: back with the bot, which is told', chat('handover'), failed('closed'), { state: 'bot', queued: ['bot handoff.status failed'] }],
    ['failed, no agents', chat('handover'), failed('no-agents'), { state: 'bot', queued: ['bot handoff.status failed'] }],
    ['failed, not created in time', chat('handover'), failed('timeout'), { state: 'bot', queued: ['bot handoff.status failed'] }],
    ['failed for an API handover: it ends', chat('handover', 'api'), failed('error'), { state: 'ended', queued: ['callback handover.failed'] }],
    ['failed after it was created: nothing', chat('queued'), failed('error'), { state: 'queued' }],
    // gateway-faults.test "tells the customer when a message cannot be delivered at all"
    [
      'a message the gateway would not take: the customer is told',
      chat('agent'),
      { type: 'message-not-delivered', text: 'into the void', why: 'HTTP 404', jobId: 'j1' },
      { state: 'agent', shown: ['Notice[not-delivered]'] },
    ],
    [
      '… an API bot gets message.failed',
      chat('agent', 'api'),
      { type: 'message-not-delivered', text: 'into the void', why: 'HTTP 404', jobId: 'j1' },
      { state: 'agent', queued: ['callback message.failed'] },
    ],
    [
      'a message for a handover that is over, with the bot back: to the bot',
      backWithBot(),
      { type: 'agent-turn-missed', text: 'Returns', jobKey: 's1:cmid:d2', jobId: 'j2' },
      { state: 'bot', queued: ['bot message "Returns"'] },
    ],
    [
      '… with the chat ended: not delivered',
      chat('ended'),
      { type: 'agent-turn-missed', text: 'hello?', jobKey: 's1:cmid:x', jobId: 'j3' },
      { state: 'ended', shown: ['Notice[not-delivered]'] },
    ],
    [
      '… of an ended API handover: message.failed',
      chat('ended', 'api'),
      { type: 'agent-turn-missed', text: 'hello?', jobKey: 's1:cmid:x', jobId: 'j3' },
      { state: 'ended', queued: ['callback message.failed'] },
    ],
  ])('%s', (_what, session, event, expected, ctx) => {
    check(session, event, expected, ctx);
  });

  it('remembers the conversation and says so once', () => {
    const first = transition(chat('handover'), created(), context());
    expect(first.session.handover!.conversationId).toBe(CID);
    expect(first.facts).toEqual([{ type: 'handover-created', seq: 1, conversationId: CID }]);
    const again = transition(first.session, created(), context());
    expect(again.session).toBe(first.session);
    expect(again.facts).toEqual([]);
    expect(again.jobs.map((j) => j.key)).toEqual(first.jobs.map((j) => j.key));
  });

  it('tells why it failed, under keys of its own', () => {
    const widget = transition(chat('handover'), failed('closed'), context());
    expect(widget.session.handover!.closed).toBe(true);
    expect(widget.jobs[0]).toMatchObject({ key: 'status:s1:1:failed', data: { activity: { value: { state: 'failed', message: 'closed' } } } });
    expect(widget.facts).toEqual([{ type: 'handover-failed', seq: 1, reason: 'closed' }]);
    const api = transition(chat('handover', 'api'), failed('error'), context());
    expect(api.session).toMatchObject({ state: 'ended', endedReason: 'contact-center' });
    expect(api.jobs[0]!.data).toMatchObject({ event: { id: 'failed:s1:1', type: 'handover.failed', data: { reason: 'error', message: 'error' } } });
  });

  it('records the user texts of the history it sent, for its own handover only', () => {
    const s = chat('handover');
    const counted = transition(s, { type: 'history-counted', seq: 1, counts: { abc: 2 } }, context());
    expect(counted.session.handover!.historyUserTexts).toEqual({ abc: 2 });
    expect(transition(s, { type: 'history-counted', seq: 2, counts: { abc: 2 } }, context()).session).toBe(s);
  });

  it('quotes a message that was not delivered, shortened', () => {
    const long = 'x'.repeat(80);
    const r = transition(chat('agent'), { type: 'message-not-delivered', text: long, why: 'gone', jobId: 'j9' }, context());
    expect(r.entries[0]).toMatchObject({ key: 'undelivered:j9', text: `Sorry, your message "${'x'.repeat(57)}…" could not be delivered to the agent.` });
  });
});

describe('purity', () => {
  it('answers the same for the same inputs, and the same session object when nothing changed', () => {
    const s = chat('agent');
    expect(transition(s, leaves('customer'), context())).toEqual(transition(s, leaves('customer'), context()));
    expect(transition(s, message('hi'), context()).session).toBe(s);
    expect(transition(s, leaves('customer'), context()).session).not.toBe(s);
  });
});
