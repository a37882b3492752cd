// The conversation core with its transport and its tabs handed in as fakes (no sockets, no browser).
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRequestError, type ChatApiClient } from '../../src/core/client';
import { createConversation } from '../../src/core/conversation';
import { createShared, type TabMessage } from '../../src/core/shared';
import { memoryStore } from '../../src/core/store';
import type { Tabs } from '../../src/core/tabs';
import type { SharedState, WireEntry } from '../../src/core/types';

/** Tabs joined by an in-memory channel; the test decides who leads. */
function tabGroup() {
  const members: { tabs: Tabs<TabMessage>; handlers: Set<(m: TabMessage) => void> }[] = [];
  const make = (leader: boolean): Tabs<TabMessage> => {
    const handlers = new Set<(m: TabMessage) => void>();
    const isLeader = signal(leader);
    const tabs: Tabs<TabMessage> & { isLeader: typeof isLeader } = {
      id: `t${members.length}`,
      isLeader,
      post: (m) => members.filter((x) => x.tabs !== tabs).forEach((x) => x.handlers.forEach((h) => h(structuredClone(m)))),
      onMessage: (h) => (handlers.add(h), () => handlers.delete(h)),
      close: () => handlers.clear(),
    };
    members.push({ tabs, handlers });
    return tabs;
  };
  return { make };
}

/** A Customer Chat API that keeps a transcript and can be told to fail. */
function fakeServer() {
  const transcript: WireEntry[] = [];
  const sends: { text: string; id: string }[] = [];
  const seenIds = new Set<string>();
  let failures = 0;
  const calls: string[] = [];
  const add = (type: string, fromType: string, extra: Partial<WireEntry> = {}) =>
    transcript.push({ index: transcript.length + 1, type, from: { nickname: fromType === 'Agent' ? 'Kristi' : 'Chris', participantId: '1', type: fromType }, ...extra });
  const maybeFail = () => {
    if (failures > 0) {
      failures--;
      throw new ChatRequestError('network', 'offline');
    }
  };
  const client: ChatApiClient = {
    chatScript: async () => ({ availability: { open: true } }),
    requestChat: async () => {
      calls.push('request');
      add('ParticipantJoined', 'Customer');
      return { id: 'chat-1' };
    },
    sendMessage: async (_id, text, clientMessageId) => {
      calls.push('send');
      maybeFail();
      sends.push({ text, id: clientMessageId });
      if (!seenIds.has(clientMessageId)) {
        seenIds.add(clientMessageId);
        add('Text', 'Customer', { text });
      }
    },
    typing: async () => undefined,
    complete: async () => {
      calls.push('complete');
      add('ParticipantLeft', 'Customer');
    },
    getChat: async () => ({ id: 'chat-1', state: 'Chatting', capabilities: [], participants: [] }),
    getMessages: async (_id, index) => {
      calls.push('poll');
      maybeFail();
      return transcript.slice(index - 1);
    },
    offlineMessage: async () => ({ id: 'o' }),
  };
  return { client, transcript, sends, calls, add, failNext: (n: number) => (failures = n) };
}

const pollsBy: string[] = [];

function setup(server = fakeServer(), group = tabGroup(), leader = true) {
  const tabs = group.make(leader);
  const client: ChatApiClient = {
    ...server.client,
    getMessages: (id, index) => {
      pollsBy.push(tabs.id);
      return server.client.getMessages(id, index);
    },
  };
  const shared = createShared(memoryStore<SharedState>(), tabs);
  const notify = vi.fn();
  const conversation = createConversation({
    client,
    shared,
    tabs,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify,
    intervals: { watching: 100, visible: 100, hidden: 100 },
    random: () => 0,
  });
  return { server, shared, tabs, conversation, notify, group };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await wait(10);
  }
};

let cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

describe('conversation', () => {
  it('requests a chat, polls it, and shows the agent', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    const id = await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    expect(id).toBe('chat-1');
    a.server.add('ParticipantJoined', 'Agent');
    a.server.add('Text', 'Agent', { text: 'Hi!' });
    await until(() => a.shared.state.value.chat?.status === 'chatting' && a.shared.state.value.transcript.some((i) => i.kind === 'message'));
    expect(a.shared.state.value.transcript.map((i) => (i.kind === 'message' ? i.text : i.key))).toEqual(['chatQueued', 'chatEstablishedName', 'Hi!']);
  });

  it('never starts a second chat while one is active', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    expect(await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' })).toBeNull();
    expect(a.server.calls.filter((c) => c === 'request')).toHaveLength(1);
  });

  it('retries a failed send with the same clientMessageId until it is through, and records it once', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    a.server.failNext(2);
    await a.conversation.send('hello');
    await until(() => a.shared.state.value.outbox.length === 0, 8000);
    expect(new Set(a.server.sends.map((s) => s.id)).size).toBe(1);
    expect(a.server.transcript.filter((e) => e.type === 'Text')).toHaveLength(1);
    expect(a.shared.state.value.transcript.filter((i) => i.kind === 'message').map((i) => (i as { text: string }).text)).toEqual(['hello']);
  });

  it('cuts a message to 4,000 characters and says so', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await a.conversation.send('x'.repeat(4500));
    await until(() => a.server.sends.length === 1);
    expect(a.server.sends[0]!.text).toHaveLength(4000);
    expect(a.shared.state.value.transcript.some((i) => i.kind === 'system' && i.key === 'chatMsgTooLong')).toBe(true);
  });

  it('says the connection is lost after three failed polls, and clears it when one works', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => a.server.calls.includes('poll'));
    a.server.failNext(3);
    await until(() => a.shared.state.value.connection === 'lost', 5000);
    await until(() => a.shared.state.value.connection === 'ok', 8000);
  });

  it('only the leader polls and sends; a follower shows the same chat and its sends go out once', async () => {
    const server = fakeServer();
    const group = tabGroup();
    const leader = setup(server, group, true);
    const follower = setup(server, group, false);
    cleanups.push(leader.conversation.destroy, follower.conversation.destroy);
    await follower.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await follower.conversation.send('from the follower');
    server.add('ParticipantJoined', 'Agent');
    server.add('Text', 'Agent', { text: 'Hello both' });
    await until(() => follower.shared.state.value.transcript.some((i) => i.kind === 'message' && i.from === 'agent'));
    await until(() => follower.shared.state.value.outbox.length === 0);
    expect(server.sends.map((s) => s.text)).toEqual(['from the follower']);
    expect(leader.shared.state.value.transcript).toEqual(follower.shared.state.value.transcript);
    expect(pollsBy.filter((t) => t === leader.tabs.id).length).toBeGreaterThan(0);
    expect(pollsBy.filter((t) => t === follower.tabs.id)).toEqual([]);
  });

  it('hands polling over when the leader goes', async () => {
    const server = fakeServer();
    const group = tabGroup();
    const first = setup(server, group, true);
    const second = setup(server, group, false);
    cleanups.push(second.conversation.destroy);
    await first.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => pollsBy.includes(first.tabs.id));
    first.conversation.destroy();
    (first.tabs.isLeader as ReturnType<typeof signal<boolean>>).value = false;
    (second.tabs.isLeader as ReturnType<typeof signal<boolean>>).value = true;
    server.add('Text', 'Agent', { text: 'still here' });
    await until(() => second.shared.state.value.transcript.some((i) => i.kind === 'message' && i.text === 'still here'));
    expect(pollsBy).toContain(second.tabs.id);
  });

  it('ends with Complete and shows the end', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await a.conversation.end('user');
    expect(a.server.calls).toContain('complete');
    expect(a.shared.state.value.chat).toMatchObject({ status: 'ended', endReason: 'user' });
    expect(a.shared.state.value.transcript.at(-1)).toMatchObject({ key: 'chatEnded' });
  });

  it('counts unread messages and chimes once when nobody watches', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    a.server.add('Text', 'Agent', { text: 'one' });
    a.server.add('Text', 'Agent', { text: 'two' });
    await until(() => a.shared.state.value.unread === 2);
    expect(a.notify).toHaveBeenCalledTimes(1);
    // More in the same burst, in a later poll: no second chime.
    a.server.add('Text', 'Agent', { text: 'three' });
    await until(() => a.shared.state.value.unread === 3);
    expect(a.notify).toHaveBeenCalledTimes(1);
  });
});

describe('polling pace', () => {
  it('slows down when no tab is visible', async () => {
    const server = fakeServer();
    const tabs = tabGroup().make(true);
    const shared = createShared(memoryStore<SharedState>(), tabs);
    let visible = true;
    const listeners = new Set<() => void>();
    const conversation = createConversation({
      client: server.client,
      shared,
      tabs,
      isVisible: () => visible,
      onVisibilityChange: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
      notify: () => {},
      intervals: { watching: 40, visible: 40, hidden: 400 },
    });
    cleanups.push(conversation.destroy);
    await conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await wait(450);
    const fast = server.calls.filter((c) => c === 'poll').length;
    visible = false;
    listeners.forEach((fn) => fn());
    await wait(100);
    const mark = server.calls.filter((c) => c === 'poll').length;
    await wait(900);
    const slow = server.calls.filter((c) => c === 'poll').length - mark;
    expect(fast).toBeGreaterThanOrEqual(6);
    expect(slow).toBeLessThanOrEqual(3);
  });
});
