// The one writer of a session (bot-bridge/sessions/apply.ts) against a real SQLite store: effects
// before the save, so a crash in between loses nothing and a repeat duplicates nothing; the
// compare-and-set retried on the newer session with the same ids; a caller's stale copy never
// decides a change.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../support/bridge-config';
import type { Deps } from '../../bot-bridge/context';
import { createLogger, Metrics } from '../../bot-bridge/ops';
import { SessionWriter } from '../../bot-bridge/sessions/apply';
import type { SessionEvent } from '../../bot-bridge/sessions/events';
import type { Session } from '../../bot-bridge/sessions/types';
import { SqliteStore } from '../../bot-bridge/store';
import { chat, gw, leftEv } from './bridge-machine-rows';

let store: SqliteStore;
let deps: Deps;
let writer: SessionWriter;

beforeEach(() => {
  store = new SqliteStore(':memory:');
  deps = {
    config: testConfig(),
    store,
    log: createLogger('silent'),
    metrics: new Metrics(() => store),
    wake: vi.fn(),
    setup: null,
    publicUrl: () => 'http://bridge',
    botHealth: { failedAt: 0, okAt: 0 },
  } as unknown as Deps;
  writer = new SessionWriter(deps);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
});

const handoff: SessionEvent = { type: 'bot-activity', activity: { type: 'handoff', context: { Reason: 'asked' }, history: null } };
const shownCount = async () => (await store.readEntries('s1', 1)).length;
const counted = async (result: string) => (await deps.metrics.handovers.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('apply', () => {
  it('carries a transition out: binds, queues, shows, saves, wakes, and counts', async () => {
    await writer.create(chat('bot'));
    expect(await store.sessionByConversation('bot:botconv-1')).toBe('s1');
    expect(await shownCount()).toBe(2);
    expect(await store.outboxDepth()).toBe(1);

    const applied = await writer.apply('s1', handoff);
    expect(applied).toMatchObject({ changed: true, after: { state: 'handover' }, enqueued: 1 });
    const saved = (await store.getSession('s1'))!;
    expect(saved).toMatchObject({ state: 'handover', version: 2 });
    expect(await store.sessionByConversation(`ref:${saved.handover!.ref}`)).toBe('s1');
    expect(await store.outboxDepth()).toBe(2);
    expect(deps.wake).toHaveBeenCalled();
    expect(await counted('requested')).toBe(1);
  });

  it('after a crash before the save, the event applied again shows and queues nothing twice, and is saved', async () => {
    await store.createSession(chat('agent'));
    const event = gw(leftEv('agent-kristi'), { eventId: 'e1' });
    vi.spyOn(store, 'saveSession').mockRejectedValueOnce(new Error('the process died'));
    await expect(writer.apply('s1', event)).rejects.toThrow('the process died');
    // The effects are in; the session is as it was, so the redelivered event still has work to do.
    expect(await shownCount()).toBe(3);
    expect(await store.outboxDepth()).toBe(1);
    expect((await store.getSession('s1'))!.state).toBe('agent');
    expect(await counted('completed')).toBe(0);

    await writer.apply('s1', event);
    expect(await shownCount()).toBe(3);
    expect(await store.outboxDepth()).toBe(1);
    expect((await store.getSession('s1'))!.state).toBe('bot');
    expect(await counted('completed')).toBe(1);
  });

  it('when another writer saves first, runs the transition again on the newer session, with the same ids', async () => {
    await store.createSession(chat('bot'));
    const save = store.saveSession.bind(store);
    const refs: string[] = [];
    vi.spyOn(store, 'saveSession').mockImplementation(async (session: Session, expected: number) => {
      refs.push(session.handover!.ref);
      if (refs.length === 1) {
        const other = (await store.getSession(session.id))!;
        other.userData = { Plan: 'Gold' };
        await save(other, other.version);
      }
      return save(session, expected);
    });
    await writer.apply('s1', handoff);
    const saved = (await store.getSession('s1'))!;
    expect(saved).toMatchObject({ state: 'handover', userData: { Plan: 'Gold' }, handoverCount: 1 });
    expect(refs).toHaveLength(2);
    expect(refs[1]).toBe(refs[0]);
    expect(saved.handover!.ref).toBe(refs[0]);
    expect(await store.outboxDepth()).toBe(1);
    expect(await counted('requested')).toBe(1);
  });

  it("decides a change on the stored session, not on the caller's older copy", async () => {
    const stale = chat('bot');
    await store.createSession(structuredClone(stale));
    const moved = (await store.getSession('s1'))!;
    await store.saveSession({ ...chat('agent'), version: moved.version }, moved.version);
    const applied = await writer.apply('s1', { type: 'bot-activity', activity: { type: 'endOfConversation', from: null } }, stale);
    expect(applied).toMatchObject({ changed: false, after: { state: 'agent' } });
    expect(await shownCount()).toBe(0);
    expect((await store.getSession('s1'))!.state).toBe('agent');
  });

  it("carries out an event that changes nothing on the caller's copy: no read, no write", async () => {
    const session = chat('agent');
    await store.createSession(structuredClone(session));
    const read = vi.spyOn(store, 'getSession');
    const write = vi.spyOn(store, 'saveSession');
    const applied = await writer.apply('s1', { type: 'customer-message', text: 'hi', clientMessageId: 'c1' }, session);
    expect(applied).toMatchObject({ changed: false, enqueued: 1 });
    expect(read).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
    expect(await shownCount()).toBe(1);
    // The same message again: one job, one entry.
    expect(await writer.apply('s1', { type: 'customer-message', text: 'hi', clientMessageId: 'c1' }, session)).toMatchObject({ enqueued: 0 });
    expect(await shownCount()).toBe(1);
  });

  it('does nothing for a session that does not exist, and creates none twice', async () => {
    expect(await writer.apply('nope', handoff)).toBeNull();
    expect(await writer.create(chat('bot'))).not.toBeNull();
    expect(await writer.create(chat('bot'))).toBeNull();
    expect(await shownCount()).toBe(2);
  });
});
