// The widget's long-poll: used only when GetChat advertises it (else polls as before), one held
// request per visitor from the leader tab, sends apart from it, a cut long-poll resumed from the
// index (nothing lost or doubled), a server that answers at once despite waitSeconds polled at the
// plain cadence (no tight loop), a new leader's term starting with GetChat, and pages followed.
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation } from '../../src/core/conversation';
import { longPollWait } from '../../src/core/conversation/polling';
import { ChatRequestError, createShared, memoryStore, type ChatApiClient, type SharedState } from '../../src/core';
import { fakeChatApi, tabGroup, type FakeChatApi } from '../support/widget-fakes';

function tab(
  server: FakeChatApi,
  group: ReturnType<typeof tabGroup>,
  leader: boolean,
  intervals = { watching: 50, visible: 50, hidden: 50 },
  change: (client: ChatApiClient) => ChatApiClient = (c) => c,
) {
  const tabs = group.make(leader);
  const shared = createShared(memoryStore<SharedState>(), tabs);
  const conversation = createConversation({
    client: change(server.clientOf(tabs.id)),
    shared,
    tabs,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify: () => {},
    intervals,
    random: () => 0,
  });
  cleanups.push(conversation.destroy);
  return { tabs, shared, conversation, pollsBy: () => server.polls.filter((p) => p.by === tabs.id) };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await wait(10);
  }
};
const texts = (shared: { state: { value: SharedState } }) => shared.state.value.transcript.flatMap((i) => (i.kind === 'message' ? [i.text] : []));

let cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

describe('long-polling', () => {
  it('long-polls with the advertised wait, one held request at a time, and shows what comes at once', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20 } });
    const a = tab(server, tabGroup(), true);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => server.heldWaits === 1);
    expect(server.waits.filter((w) => w > 0).every((w) => w === 20)).toBe(true);
    const before = server.polls.length;
    server.add('Text', 'Agent', { text: 'Hello!' });
    await until(() => texts(a.shared).includes('Hello!'));
    await until(() => server.heldWaits === 1);
    // One answer, one new held request: no poll in between.
    expect(server.polls.length - before).toBe(1);
  });

  it('polls exactly as before on a server that does not advertise it (no waitSeconds)', async () => {
    const server = fakeChatApi();
    const a = tab(server, tabGroup(), true);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => server.polls.length >= 3);
    expect(server.waits.every((w) => w === 0)).toBe(true);
    server.add('Text', 'Agent', { text: 'Plain' });
    await until(() => texts(a.shared).includes('Plain'));
  });

  it('keeps the plain cadence with a server that advertises it but answers at once (no tight loop)', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20, ignoreWait: true } });
    const a = tab(server, tabGroup(), true, { watching: 200, visible: 200, hidden: 200 });
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await wait(1000);
    // About 5 at a 200 ms cadence; a loop re-asking at once would make thousands.
    expect(server.polls.length).toBeLessThan(15);
    server.add('Text', 'Agent', { text: 'Still works' });
    await until(() => texts(a.shared).includes('Still works'));
  });

  it('resumes a cut long-poll from the same index: nothing lost, nothing doubled', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20 } });
    const a = tab(server, tabGroup(), true);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => server.heldWaits === 1);
    const index = server.polls.at(-1)!.index;
    server.cutWaits();
    server.add('Text', 'Agent', { text: 'during the cut' });
    await until(() => texts(a.shared).includes('during the cut'));
    expect(server.polls.filter((p) => p.index === index).length).toBeGreaterThanOrEqual(2);
    await until(() => server.heldWaits === 1);
    server.add('Text', 'Agent', { text: 'after' });
    await until(() => texts(a.shared).includes('after'));
    expect(texts(a.shared).filter((t) => t === 'during the cut')).toHaveLength(1);
  });

  it('sends while a long-poll is held, as a request of its own, and the long-poll brings the echo', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20 } });
    const a = tab(server, tabGroup(), true);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => server.heldWaits === 1);
    await a.conversation.send('while held');
    expect(server.sends.map((s) => s.text)).toEqual(['while held']);
    await until(() => a.shared.state.value.outbox.length === 0 || a.shared.state.value.outbox.every((m) => m.status === 'sent'));
  });

  it('only the leader holds a request; a new leader aborts nothing of its own and takes over with one held request', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20 } });
    const group = tabGroup();
    const first = tab(server, group, true);
    const second = tab(server, group, false);
    await first.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => second.shared.state.value.chat?.id === 'chat-1');
    await until(() => server.heldWaits === 1);
    expect(second.pollsBy()).toEqual([]);
    first.tabs.isLeader.value = false;
    second.tabs.isLeader.value = true;
    await until(() => server.abortedWaits === 1 && second.pollsBy().length > 0 && server.heldWaits === 1);
    server.add('Text', 'Agent', { text: 'to the new leader' });
    await until(() => texts(second.shared).includes('to the new leader') && texts(first.shared).includes('to the new leader'));
    expect(server.heldWaits).toBeLessThanOrEqual(1);
  });

  it('follows pages (more: true) at once', async () => {
    const server = fakeChatApi({ pageSize: 2 });
    const a = tab(server, tabGroup(), true, { watching: 60_000, visible: 60_000, hidden: 60_000 });
    for (let i = 0; i < 5; i++) server.add('Text', 'Agent', { text: `m${i}` });
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    // With a minute between plain polls, only following `more` brings all five now.
    await until(() => texts(a.shared).length === 5);
  });

  it('ends the chat locally when GetChat says the server no longer knows it', async () => {
    const server = fakeChatApi({ longPoll: { maxWaitSeconds: 20 } });
    const gone = (client: ChatApiClient): ChatApiClient => ({
      ...client,
      getChat: async () => {
        throw new ChatRequestError('not-found', 'No such chat', 404, 6);
      },
    });
    const a = tab(server, tabGroup(), true, undefined, gone);
    await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
    await until(() => a.shared.state.value.transcript.at(-1)?.kind !== 'message' && (a.shared.state.value.transcript.at(-1) as { key?: string })?.key === 'sessionDisconnected');
    expect(server.polls).toEqual([]);
  });

  it('reads the advertised wait defensively', () => {
    expect(longPollWait({})).toBeNull();
    expect(longPollWait({ extensions: { longPoll: { maxWaitSeconds: 25 } } })).toBe(25);
    expect(longPollWait({ extensions: { longPoll: { maxWaitSeconds: '25' } } })).toBeNull();
    expect(longPollWait({ extensions: { longPoll: { maxWaitSeconds: 0 } } })).toBeNull();
    expect(longPollWait({ extensions: { longPoll: { maxWaitSeconds: 1e9 } } })).toBe(120);
  });
});
