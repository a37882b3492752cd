// The conversation core with its transport and its tabs handed in as fakes (no sockets, no browser).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../../src/core/conversation';
import { createShared, memoryStore, type SharedState, type Store } from '../../src/core';
import { fakeChatApi, loneTab, tabGroup } from '../support/widget-fakes';

function setup(server = fakeChatApi(), group = tabGroup(), leader = true, options: { store?: Store<SharedState> } = {}) {
  const tabs = group.make(leader);
  const shared = createShared(options.store ?? memoryStore<SharedState>(), tabs);
  const notify = vi.fn();
  const conversation = createConversation({
    // Polls recorded by tab, per test: tab ids restart in each group.
    client: server.clientOf(tabs.id),
    shared,
    tabs,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify,
    intervals: { watching: 100, visible: 100, hidden: 100 },
    random: () => 0,
  });
  const pollsBy = () => server.polls.filter((p) => p.by === tabs.id);
  return { server, shared, tabs, conversation, notify, group, pollsBy };
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

  it('retries a send whose answer got lost with the same clientMessageId, so the server holds it once', async () => {
    const a = setup();
    cleanups.push(a.conversation.destroy);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    // A slow poll keeps the transcript from telling the tab that the server has the message: the
    // tab can only retry.
    const release = a.server.holdPolls();
    await until(() => a.server.heldPolls === 1);
    a.server.loseAnswers(1);
    await a.conversation.send('hello');
    await until(() => a.server.sends.length === 2, 8000);
    release();
    await until(() => a.shared.state.value.outbox.length === 0);
    expect(a.server.sends.map((s) => s.id)).toEqual([a.server.sends[0]!.id, a.server.sends[0]!.id]);
    expect(a.server.transcript.filter((e) => e.type === 'Text').map((e) => e.text)).toEqual(['hello']);
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
    await until(() => a.server.polls.length > 0);
    a.server.failNext(3);
    await until(() => a.shared.state.value.connection === 'lost', 5000);
    await until(() => a.shared.state.value.connection === 'ok', 8000);
  });

  it('only the leader polls and sends; a follower shows the same chat and its sends go out once', async () => {
    const server = fakeChatApi();
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
    expect(leader.pollsBy().length).toBeGreaterThan(0);
    expect(follower.pollsBy()).toEqual([]);
  });

  it('hands polling over when the leader goes', async () => {
    const server = fakeChatApi();
    const group = tabGroup();
    const first = setup(server, group, true);
    const second = setup(server, group, false);
    cleanups.push(second.conversation.destroy);
    await first.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => first.pollsBy().length > 0);
    expect(second.pollsBy()).toEqual([]);
    first.conversation.destroy();
    first.tabs.isLeader.value = false;
    second.tabs.isLeader.value = true;
    server.add('Text', 'Agent', { text: 'still here' });
    await until(() => second.shared.state.value.transcript.some((i) => i.kind === 'message' && i.text === 'still here'));
    expect(second.pollsBy().length).toBeGreaterThan(0);
  });

  it('after a reload, polls on from the last index it has seen', async () => {
    const server = fakeChatApi();
    const group = tabGroup();
    const store = memoryStore<SharedState>();
    const before = setup(server, group, true, { store });
    await before.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    server.add('ParticipantJoined', 'Agent');
    server.add('Text', 'Agent', { text: 'Hi!' });
    await until(() => before.shared.state.value.transcript.some((i) => i.kind === 'message'));
    const seen = before.shared.state.value.chat!.lastIndex;
    expect(seen).toBe(server.transcript.length);
    // The page goes; the next one finds the chat in the store.
    before.conversation.destroy();
    before.tabs.close();
    const after = setup(server, group, true, { store });
    cleanups.push(after.conversation.destroy);
    await after.shared.hydrate();
    await until(() => after.pollsBy().length > 0);
    expect(after.pollsBy()[0]!.index).toBe(seen + 1);
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
    const server = fakeChatApi();
    const tabs = loneTab();
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
    const fast = server.polls.length;
    visible = false;
    listeners.forEach((fn) => fn());
    await wait(100);
    const mark = server.polls.length;
    await wait(900);
    const slow = server.polls.length - mark;
    expect(fast).toBeGreaterThanOrEqual(6);
    expect(slow).toBeLessThanOrEqual(3);
  });
});
