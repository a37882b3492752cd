// The idle timeout's poll marks: at most one per chat every few seconds, written together once a
// second in one store write, written again after a failed write, and flushed when the server closes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollTracker } from '../../bot-bridge/fronts/customer-chat/poll-tracker';

afterEach(() => vi.useRealTimers());

function recordingStore(fail = () => false) {
  const writes: (readonly (readonly [string, number])[])[] = [];
  return {
    writes,
    touchSessions: async (touches: readonly (readonly [string, number])[]) => {
      if (fail()) throw new Error('store away');
      writes.push(touches);
    },
  };
}

describe('poll tracker', () => {
  it('writes the polls of many chats in one store write, once a second, and each chat at most once per interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = recordingStore();
    const polls = pollTracker(store, 120);
    for (const id of ['a', 'b', 'c', 'a', 'b']) polls.polled(id);
    expect(store.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes.map((w) => w.map(([id]) => id))).toEqual([['a', 'b', 'c']]);
    // Within the interval (10 s here): no new mark.
    polls.polled('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(9000);
    polls.polled('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes.map((w) => w.map(([id]) => id))).toEqual([['a', 'b', 'c'], ['a']]);
  });

  it('marks a chat again at its next poll when the write failed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let away = true;
    const store = recordingStore(() => away);
    const polls = pollTracker(store, 120);
    polls.polled('a');
    await vi.advanceTimersByTimeAsync(1000);
    away = false;
    polls.polled('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.writes.map((w) => w.map(([id]) => id))).toEqual([['a']]);
  });

  it('writes what is pending at once when flushed (the server closing)', async () => {
    const store = recordingStore();
    const polls = pollTracker(store, 120);
    polls.polled('a');
    await polls.flush();
    expect(store.writes.map((w) => w.map(([id]) => id))).toEqual([['a']]);
  });
});
