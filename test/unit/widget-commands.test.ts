// The page's commands as the widget carries them out (protocols/embedded-chat-bus.md): chat:end in
// each phase, the "Missing next step" messages, the language rules, and what is stored when. A
// scripted Customer Chat API stands in for the server; everything else is the widget's own code.
import { afterEach, describe, expect, it } from 'vitest';
import { createWidget } from '../../src/app/widget';
import { createConversation } from '../../src/core/conversation';
import { createCustomer, createShared, initialState, type ChatScript, type SharedState, type Store } from '../../src/core';
import { countingStore, fakeChatApi, loneTab } from '../support/widget-fakes';

const SCRIPT: ChatScript = {
  invitation: { enabled: true, delaySeconds: null },
  preChat: { enabled: true, fields: [{ id: 'name', type: 'text', label: 'Name', required: false } as never] },
  chatWindow: { enabled: true },
  offlineForm: { enabled: true, fields: [] },
  availability: { open: true },
};

/** REQUEST_LOST_MS, shortened for the tests. */
const LOST_MS = 300;

let cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function setup(options: { script?: ChatScript; store?: Store<SharedState> & { writes: number }; seed?: Partial<SharedState> } = {}) {
  const api = fakeChatApi({ script: options.script ?? SCRIPT });
  const store = options.store ?? countingStore();
  const t = loneTab();
  const shared = createShared(store, t);
  const warnings: string[] = [];
  const events: [string, unknown][] = [];
  const log = { warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
  const conversation = createConversation({
    client: api.client,
    shared,
    tabs: t,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify: () => {},
    intervals: { watching: 50, visible: 50, hidden: 50 },
    random: () => 0,
    requestLostMs: LOST_MS,
  });
  const customer = createCustomer(log, () => null);
  const widget = createWidget({ config: {}, client: api.client, shared, conversation, customer, emit: (topic, data) => void events.push([topic, data]), log });
  cleanups.push(() => {
    widget.destroy();
    conversation.destroy();
  });
  return { api, store, shared, widget, customer, warnings, events, state: () => shared.state.value };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A widget whose page triggered the chat window: the chat is queued, optionally with `who` joined. */
async function queuedChat(who?: 'Agent' | 'External') {
  const w = setup();
  await w.widget.start();
  w.widget.command('chat:trigger-chat-window', null);
  await until(() => w.state().chat?.status === 'queued');
  if (who) {
    w.api.add('ParticipantJoined', who);
    await until(() => w.state().chat?.status === 'chatting' && (who !== 'Agent' || !!w.state().chat?.agent));
  }
  return w;
}

describe('chat:end', () => {
  it('before a chat: closes, with no network call', async () => {
    const w = setup();
    await w.widget.start();
    w.widget.command('chat:trigger-pre-chat', null);
    await until(() => w.state().phase === 'preChat');
    const before = w.api.calls.length;
    w.widget.command('chat:end', null);
    await until(() => w.state().phase === 'closed');
    expect(w.api.calls.slice(before)).toEqual([]);
  });

  it('while queued: ends the chat on the server (Complete) and closes', async () => {
    const w = await queuedChat();
    w.widget.command('chat:end', null);
    await until(() => w.api.calls.includes('complete') && w.state().phase === 'closed');
    expect(w.widget.confirmingEnd.value).toBeNull();
  });

  it('with an agent: asks first, opening a minimized window to ask', async () => {
    const w = await queuedChat('Agent');
    await w.widget.minimize();
    w.widget.command('chat:end', null);
    await until(() => w.widget.confirmingEnd.value === 'chat-api' && w.state().open);
    expect(w.api.calls).not.toContain('complete');
    await w.widget.confirmEnd(true);
    expect(w.api.calls).toContain('complete');
    await until(() => w.state().chat?.status === 'ended');
    expect(w.state().transcript.at(-1)).toMatchObject({ kind: 'system', key: 'endChatNotification' });
  });

  it('with a bot only (no agent): ends at once', async () => {
    const w = await queuedChat('External');
    w.widget.command('chat:end', null);
    await until(() => w.api.calls.includes('complete'));
    expect(w.widget.confirmingEnd.value).toBeNull();
  });

  it('a question pending when the agent leaves goes away', async () => {
    const w = await queuedChat('Agent');
    w.widget.command('chat:end', null);
    await until(() => w.widget.confirmingEnd.value !== null);
    w.api.add('ParticipantLeft', 'Agent');
    await until(() => w.widget.confirmingEnd.value === null);
  });
});

describe('triggers', () => {
  it.each([
    ['chat:trigger-invitation', 'invitation', 'Missing next step from step initInvitation [invitation]'],
    ['chat:trigger-pre-chat', 'preChat', 'Missing next step from step initPreChat [preChat]'],
    ['chat:trigger-chat-window', 'chatWindow', 'Missing next step from step initChatWindow [chatWindow]'],
  ] as const)('%s without its step in the chat script logs "%s"', async (topic, step, message) => {
    const w = setup({ script: { ...SCRIPT, [step]: { enabled: false, fields: [], delaySeconds: null } } });
    await w.widget.start();
    w.widget.command(topic, null);
    await until(() => w.warnings.includes(message));
    expect(w.state().phase).toBe('closed');
  });

  it('a page trigger stores nothing; the visitor submitting the form, or a chat request, does', async () => {
    const w = setup();
    await w.widget.start();
    w.widget.command('chat:trigger-pre-chat', null);
    await until(() => w.state().phase === 'preChat');
    w.widget.command('chat:start', null);
    expect(w.store.writes).toBe(0);
    expect(w.shared.persisting).toBe(false);
    await w.widget.submitPreChat({ name: 'Chris' });
    expect(w.shared.persisting).toBe(true);
    expect(w.store.writes).toBeGreaterThan(0);
  });
});

describe('language', () => {
  it('the last of chat:set-language and $language wins, whichever came last', () => {
    const w = setup();
    w.customer.setVariables({ $language: 'pt' });
    expect(w.customer.language.value).toBe('pt');
    w.customer.setLanguage('de');
    expect(w.customer.language.value).toBe('de');
    w.customer.setVariables({ $language: 'pt' });
    expect(w.customer.language.value).toBe('pt');
    // A refused $language changes nothing, and keeps the variable it had.
    w.customer.setLanguage('ja');
    w.customer.setVariables({ $language: 'xx' });
    expect(w.customer.language.value).toBe('ja');
    expect(w.customer.variables.value.$language).toBe('pt');
    expect(w.warnings.at(-1)).toMatch(/xx/);
  });

  it('customer:reset-info erases what customer:set-info gave', () => {
    const w = setup();
    w.customer.setInfo({ 'First name': 'John' });
    w.customer.resetInfo();
    expect(w.customer.userData()).toEqual({ $language: 'en' });
  });
});

describe('a chat request lost with its page', () => {
  it('ends once it is surely lost, and what was typed meanwhile shows as not sent', async () => {
    const store = countingStore();
    const startedAt = Date.now() - 100;
    await store.write({
      ...initialState(),
      rev: 3,
      phase: 'chatWindow',
      open: true,
      chat: {
        id: null,
        requestId: 'r-gone',
        status: 'requesting',
        lastIndex: 0,
        agent: null,
        agentsSeen: 0,
        queuePosition: null,
        startedAt,
        startedBy: 'user',
        ending: null,
        endReason: null,
      },
      outbox: [{ id: 'm1', text: 'Hello?', at: startedAt, status: 'sending', attempts: 0 }],
    });
    const w = setup({ store });
    await w.shared.hydrate();
    expect(w.state().chat?.status).toBe('requesting');
    await until(() => w.state().chat?.status === 'ended', 2000);
    expect(w.state().transcript.at(-1)).toMatchObject({ kind: 'system', key: 'errorInvalidLogin' });
    expect(w.state().outbox).toMatchObject([{ id: 'm1', status: 'failed' }]);
    // The customer can start again.
    await w.widget.start();
    await w.widget.close('user');
    w.widget.command('chat:trigger-chat-window', null);
    await until(() => w.state().chat?.status === 'queued');
  });

  it('is left alone while this tab still waits for its answer', async () => {
    const w = setup();
    w.api.hangRequests();
    await w.widget.start();
    w.widget.command('chat:trigger-chat-window', null);
    await until(() => w.state().chat?.status === 'requesting');
    await new Promise((r) => setTimeout(r, LOST_MS * 3));
    expect(w.state().chat?.status).toBe('requesting');
  });
});

describe('chat:session-created and chat:session-started', () => {
  const sessionEvents = (events: [string, unknown][]) => events.filter(([topic]) => topic.startsWith('chat:session-'));

  it('the tab whose request succeeds publishes both, once each, with the chat id', async () => {
    const w = await queuedChat();
    await until(() => sessionEvents(w.events).length === 2);
    expect(sessionEvents(w.events)).toEqual(
      expect.arrayContaining([
        ['chat:session-started', { chatId: 'chat-1' }],
        ['chat:session-created', { chatId: 'chat-1' }],
      ]),
    );
    // Later changes of the chat (an agent joins, messages) publish neither again.
    w.api.add('ParticipantJoined', 'Agent');
    await until(() => !!w.state().chat?.agent);
    expect(sessionEvents(w.events)).toHaveLength(2);
  });

  it('a page loaded into a chat under way publishes chat:session-started only: it made no request', async () => {
    const store = countingStore();
    await store.write({
      ...initialState(),
      rev: 5,
      phase: 'chatWindow',
      open: true,
      chat: {
        id: 'chat-9',
        requestId: 'r-earlier-page',
        status: 'chatting',
        lastIndex: 0,
        agent: null,
        agentsSeen: 0,
        queuePosition: null,
        startedAt: Date.now() - 60_000,
        startedBy: 'user',
        ending: null,
        endReason: null,
      },
    });
    const w = setup({ store });
    await w.shared.hydrate();
    await w.widget.start();
    expect(w.state().chat?.id).toBe('chat-9');
    expect(sessionEvents(w.events)).toEqual([['chat:session-started', { chatId: 'chat-9' }]]);
  });
});
