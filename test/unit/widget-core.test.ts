import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  afterAgentLeft,
  agentOfLines,
  applyEntries,
  backoffDelay,
  checkForm,
  createPoller,
  entryPhase,
  formUserData,
  initialState,
  triggerAllowed,
  triggerTarget,
  type ChatScript,
  type SharedState,
  type WireEntry,
} from '../../src/core';
import { createTranslator, fill } from '../../src/i18n';
import { matchLanguage } from '../../src/i18n/languages';
import { linkify } from '../../src/ui/linkify';

const chatState = (over: Partial<SharedState> = {}): SharedState => ({
  ...initialState(),
  phase: 'chatWindow',
  chat: { id: 'c', requestId: 'r', status: 'queued', lastIndex: 2, agent: null, agentsSeen: 0, queuePosition: 1, startedAt: 0, startedBy: 'user', ending: null, endReason: null },
  ...over,
});
const entry = (index: number, type: string, fromType: string, extra: Partial<WireEntry> = {}): WireEntry => ({
  index,
  type,
  from: { nickname: fromType === 'Agent' ? 'Kristi' : fromType === 'Customer' ? 'Chris' : 'Bot', participantId: '2', type: fromType },
  utcTime: 1000 + index,
  ...extra,
});

describe('phases', () => {
  it('follows the trigger rules of the bus note', () => {
    const table = (['closed', 'invitation', 'preChat', 'chatWindow', 'offlineForm'] as const).map((p) => [
      p,
      triggerAllowed(p, 'invitation'),
      triggerAllowed(p, 'preChat'),
      triggerAllowed(p, 'chatWindow'),
    ]);
    expect(table).toEqual([
      ['closed', true, true, true],
      ['invitation', true, true, true],
      ['preChat', false, false, true],
      ['chatWindow', false, false, false],
      ['offlineForm', false, false, false],
    ]);
  });

  it('opens where the chat script leads, offline when nobody can answer', () => {
    const script = (over: Partial<ChatScript>): ChatScript => ({
      preChat: { enabled: true, fields: [] },
      chatWindow: { enabled: true },
      offlineForm: { enabled: true, fields: [] },
      availability: { open: true },
      ...over,
    });
    expect(entryPhase(script({}))).toBe('preChat');
    expect(entryPhase(script({ preChat: { enabled: false, fields: [] } }))).toBe('chatWindow');
    expect(entryPhase(script({ availability: { open: false } }))).toBe('offlineForm');
    expect(entryPhase(script({ availability: { open: false }, offlineForm: { enabled: false, fields: [] } }))).toBeNull();
    expect(triggerTarget(script({ availability: { open: false } }), 'chatWindow')).toBe('offlineForm');
    expect(triggerTarget(script({ availability: { open: false } }), 'invitation')).toBe('invitation');
  });
});

describe('poller', () => {
  afterEach(() => vi.useRealTimers());

  it('backs off with jitter between half and the whole of a doubling delay, capped at 30 s', () => {
    expect(backoffDelay(2000, 1, 30_000, () => 0)).toBe(2000);
    expect(backoffDelay(2000, 1, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(2000, 3, 30_000, () => 1)).toBe(16_000);
    expect(backoffDelay(2000, 10, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(2000, 10, 30_000, () => 0)).toBe(15_000);
  });

  it('polls at the interval, backs off on failures, recovers, and stops', async () => {
    vi.useFakeTimers();
    const at: number[] = [];
    let fail = false;
    const results: number[] = [];
    const poller = createPoller({
      tick: async () => {
        at.push(Date.now());
        if (fail) throw new Error('down');
      },
      interval: () => 2000,
      random: () => 1,
      onResult: (failures) => results.push(failures),
    });
    const start = Date.now();
    poller.start();
    await vi.advanceTimersByTimeAsync(4100);
    fail = true;
    await vi.advanceTimersByTimeAsync(2000 + 4000 + 8000 + 100);
    fail = false;
    await vi.advanceTimersByTimeAsync(16_000 + 100);
    poller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(at.map((t) => t - start)).toEqual([0, 2000, 4000, 6000, 10_000, 18_000, 34_000]);
    expect(results).toEqual([0, 0, 0, 1, 2, 3, 0]);
  });

  it('stops by itself when the interval says so', async () => {
    vi.useFakeTimers();
    let ticks = 0;
    const poller = createPoller({ tick: async () => void ticks++, interval: () => (ticks < 2 ? 1000 : null) });
    poller.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ticks).toBe(2);
  });
});

describe('applyEntries', () => {
  it('names the agent who joins, and says "a new agent" after a transfer', () => {
    let s = applyEntries(chatState(), [entry(3, 'ParticipantJoined', 'Agent')]).state;
    expect(s.chat).toMatchObject({ status: 'chatting', agent: { name: 'Kristi' }, agentsSeen: 1, queuePosition: null });
    expect(s.transcript.at(-1)).toMatchObject({ kind: 'system', key: 'chatEstablishedName', agent: 'Kristi' });
    s = applyEntries(s, [entry(4, 'ParticipantLeft', 'Agent'), entry(5, 'ParticipantJoined', 'Agent', { from: { nickname: 'Bo', participantId: '3', type: 'Agent' } })]).state;
    expect(s.transcript.at(-1)).toMatchObject({ key: 'chatEstablishedAgentNew' });
  });

  it('says "an agent" when the agent has no name', () => {
    const s = applyEntries(chatState(), [{ index: 3, type: 'ParticipantJoined', from: { nickname: '', participantId: '2', type: 'Agent' } }]).state;
    expect(s.transcript.at(-1)).toMatchObject({ key: 'chatEstablishedAgent' });
  });

  it('ignores entries it already has, whatever their order', () => {
    const first = applyEntries(chatState(), [entry(4, 'Text', 'Agent', { text: 'b' }), entry(3, 'Text', 'Agent', { text: 'a' })]);
    expect(first.incoming.map((m) => m.text)).toEqual(['a', 'b']);
    const again = applyEntries(first.state, [entry(3, 'Text', 'Agent', { text: 'a' }), entry(4, 'Text', 'Agent', { text: 'b' })]);
    expect(again.incoming).toEqual([]);
    expect(again.state.transcript).toHaveLength(2);
  });

  it('drops the customer\u2019s own outgoing message once the server holds it, oldest first', () => {
    const outbox = [
      { id: 'm1', text: 'ok', at: 0, status: 'sent' as const, attempts: 0 },
      { id: 'm2', text: 'ok', at: 1, status: 'sending' as const, attempts: 0 },
    ];
    const s = applyEntries(chatState({ outbox }), [entry(3, 'Text', 'Customer', { text: 'ok' })]).state;
    expect(s.outbox.map((o) => o.id)).toEqual(['m2']);
    expect(s.transcript.at(-1)).toMatchObject({ kind: 'message', from: 'customer', text: 'ok' });
  });

  it('reports typing, quick replies, and the queue position', () => {
    const r = applyEntries(chatState(), [
      entry(3, 'Notice', 'External', { text: 'You are number 2', notice: { queuePosition: 2 } }),
      entry(4, 'TypingStarted', 'External'),
      entry(5, 'Text', 'External', { text: 'Pick one', quickReplies: [{ title: 'Hours', payload: 'hours' }] }),
      entry(6, 'TypingStarted', 'External'),
    ]);
    expect(r.state.chat?.queuePosition).toBe(2);
    expect(r.typing).toEqual({ on: true, name: 'Bot' });
    expect(r.incoming[0]).toMatchObject({ from: 'bot', quickReplies: [{ title: 'Hours', payload: 'hours' }] });
  });

  it('ends with "timeout" when the customer leaves without asking, and with the asked reason otherwise', () => {
    const timedOut = applyEntries(chatState(), [entry(3, 'ParticipantLeft', 'Customer')]);
    expect(timedOut.ended).toBe('timeout');
    expect(timedOut.state.transcript.at(-1)).toMatchObject({ key: 'sessionDisconnected' });
    const asked = applyEntries(chatState({ chat: { ...chatState().chat!, ending: 'chat-api' } }), [entry(3, 'ParticipantLeft', 'Customer')]);
    expect(asked.ended).toBe('chat-api');
    expect(asked.state.transcript.at(-1)).toMatchObject({ key: 'endChatNotification' });
  });

  it('after the agent left: Idle means the end, anything else a transfer', () => {
    const left = applyEntries(applyEntries(chatState(), [entry(3, 'ParticipantJoined', 'Agent')]).state, [entry(4, 'ParticipantLeft', 'Agent')]);
    expect(left.agentLeft).toBe(true);
    const ended = afterAgentLeft(left.state, 'Idle');
    expect(ended.state.chat).toMatchObject({ status: 'ended', endReason: 'agent' });
    expect(ended.state.transcript.at(-1)).toMatchObject({ key: 'agentDisconnected' });
    const forwarded = afterAgentLeft(left.state, 'WaitingForAgent');
    expect(forwarded.state.chat?.status).toBe('queued');
    expect(forwarded.state.transcript.at(-1)).toMatchObject({ key: 'chatForwarded' });
  });
});

describe('forms', () => {
  const fields = [
    { id: 'name', label: 'Name', type: 'text', required: true },
    { id: 'email', label: 'Email', type: 'email' },
    { id: 'age', label: 'Age', type: 'number' },
    { id: 'language', label: 'Language', type: 'language' },
  ];
  it('names the system message of each wrong field', () => {
    expect(checkForm(fields, { name: ' ', email: 'nope', age: 'x' })).toEqual({ name: 'errorRequiredMessage', email: 'errorInvalidEmail', age: 'errorInvalidNumber' });
    expect(checkForm(fields, { name: 'Chris', email: 'c@example.com', age: '42' })).toEqual({});
  });
  it('gives the agent the answers by label, without the language question', () => {
    expect(formUserData(fields, { name: 'Chris', email: '', language: 'pt' })).toEqual({ Name: 'Chris' });
  });
});

describe('text', () => {
  it('links http(s) URLs only, without trailing punctuation', () => {
    expect(linkify('see https://example.com/a?b=1. or javascript:alert(1) <b>x</b>')).toEqual([
      'see ',
      { href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      '. or javascript:alert(1) <b>x</b>',
    ]);
    expect(linkify('(http://x.test/path)')).toEqual(['(', { href: 'http://x.test/path', text: 'http://x.test/path' }, ')']);
  });

  it('fills both placeholder forms, in built-in and custom texts', () => {
    expect(fill('You are now chatting with {<agent>}.', { agent: 'Kristi' })).toBe('You are now chatting with Kristi.');
    expect(fill('{{agent}} is here', { agent: 'Kristi' })).toBe('Kristi is here');
    const t = createTranslator('en', { chatEstablishedName: 'Say hi to {{agent}}!' }).t;
    expect(t('chatEstablishedName', { agent: 'Bo' })).toBe('Say hi to Bo!');
    expect(t('agentTypingName', { agent: 'Bo' })).toBe('Bo is typing...');
  });

  it('names the agent a line speaks of: its own, else the last one named, else "Agent"', () => {
    const lines = [
      { kind: 'system' as const, key: 'chatEstablished', agent: 'FAQ bot', at: 1 },
      { kind: 'system' as const, key: 'chatEstablishedName', agent: 'Kristi', at: 2 },
      { kind: 'message' as const, index: 3, from: 'agent' as const, name: 'Kristi', text: 'Hi', at: 3 },
      { kind: 'system' as const, key: 'agentDisconnected', at: 4 },
      { kind: 'system' as const, key: 'chatForwarded', at: 5 },
    ];
    expect(agentOfLines(lines)).toEqual(['FAQ bot', 'Kristi', undefined, 'Kristi', 'Kristi']);
    expect(agentOfLines([{ kind: 'system', key: 'chatQueued', at: 1 }])).toEqual([undefined]);
    const t = createTranslator('en', { agentDisconnected: '{{agent}} has left', agentTyping: '{<agent>} types' }).t;
    expect(t('agentDisconnected', { agent: 'Kristi' })).toBe('Kristi has left');
    expect(t('agentDisconnected', { agent: undefined })).toBe('Agent has left');
    expect(t('agentTyping')).toBe('Agent types');
    expect(createTranslator('en', { agent: 'Advisor', chatQueued: 'Soon, {{agent}}' }).t('chatQueued')).toBe('Soon, Advisor');
  });

  it('maps browser languages onto the 22', () => {
    expect(['pt-BR', 'zh-Hant-TW', 'zh', 'nb-NO', 'en-GB', 'xx'].map(matchLanguage)).toEqual(['pt', 'zh-TW', 'zh-CN', 'no', 'en', null]);
  });
});

describe('notices with an event', () => {
  it('become system messages in the chat language, once each', () => {
    const r = applyEntries(chatState(), [
      entry(3, 'Notice', 'External', { text: 'You are in the Support queue.', notice: { event: 'queued', queuePosition: 2 } }),
      entry(4, 'Notice', 'External', { text: 'Forwarded', notice: { event: 'transfer' } }),
      entry(5, 'Notice', 'External', { text: 'Forwarded again', notice: { event: 'transfer' } }),
      entry(6, 'Notice', 'External', { text: 'Please hold on' }),
    ]);
    expect(r.state.transcript.map((i) => (i.kind === 'system' ? i.key : ''))).toEqual(['chatQueued', 'chatForwarded', 'notice']);
    expect(r.state.chat?.queuePosition).toBe(2);
  });

  it('after the agent, a bot among the participants means the bot is back, not a transfer', () => {
    const joined = applyEntries(chatState(), [entry(3, 'ParticipantJoined', 'Agent')]).state;
    const left = applyEntries(joined, [entry(4, 'ParticipantLeft', 'Agent')]).state;
    const back = afterAgentLeft(left, 'Chatting', [{ type: 'Customer' }, { type: 'External' }]);
    expect(back.ended).toBe(false);
    expect(back.state.chat?.status).toBe('chatting');
    expect(back.state.transcript.at(-1)).toMatchObject({ key: 'agentDisconnected' });
  });
});

describe('the bot coming back after the agent', () => {
  it('says once that the agent left, and does not announce the bot again', () => {
    const bot = (index: number, type: string, extra: Partial<WireEntry> = {}) => entry(index, type, 'External', extra);
    let s = applyEntries(chatState(), [bot(3, 'ParticipantJoined'), bot(4, 'Text', { text: 'Hi, I am the assistant' })]).state;
    s = applyEntries(s, [
      entry(5, 'ParticipantJoined', 'Agent'),
      entry(6, 'ParticipantLeft', 'Agent'),
      bot(7, 'Notice', { text: 'Back with the bot', notice: { event: 'returned-to-bot' } }),
      bot(8, 'ParticipantJoined'),
      bot(9, 'Text', { text: 'Welcome back!' }),
    ]).state;
    s = afterAgentLeft(s, 'Chatting', [{ type: 'Customer' }, { type: 'External' }]).state;
    const keys = s.transcript.filter((i) => i.kind === 'system').map((i) => (i as { key: string }).key);
    expect(keys).toEqual(['chatEstablished', 'chatEstablishedName', 'agentDisconnected']);
  });
});
