import { describe, expect, it, vi } from 'vitest';
import type { Emit } from '../../src/bus';
import { createBus, createChatApp } from '../../src/loader/bus';
import { createProxy } from '../../src/app/proxy';

describe('the bus', () => {
  it('delivers data, or null when none was given', () => {
    const { bus } = createBus(() => {});
    const seen: unknown[] = [];
    bus.subscribe('page:thing', (d) => seen.push(d));
    bus.publish('page:thing', { a: 1 });
    bus.publish('page:thing');
    expect(seen).toEqual([{ a: 1 }, null]);
  });

  it('remove() is idempotent and removes only that subscription', () => {
    const { bus } = createBus(() => {});
    const seen: string[] = [];
    const handler = (d: unknown) => seen.push(String(d));
    const a = bus.subscribe('t', handler);
    bus.subscribe('t', handler);
    a.remove();
    a.remove();
    bus.publish('t', 'x');
    expect(seen).toEqual(['x']);
  });

  it('keeps going when a subscriber throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const core = createBus(() => {});
    const seen: string[] = [];
    core.bus.subscribe('chat:end', () => {
      throw new Error('page bug');
    });
    core.bus.subscribe('chat:end', () => seen.push('second'));
    const app: string[] = [];
    core.attach((topic) => app.push(topic));
    core.bus.publish('chat:end');
    expect(seen).toEqual(['second']);
    expect(app).toEqual(['chat:end']);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('a subscriber of "chat:end" threw'), expect.any(Error));
    error.mockRestore();
  });

  it('queues commands for the app until it attaches, then passes them on live; page topics never reach it', () => {
    const intents: string[] = [];
    const core = createBus((t) => intents.push(t));
    core.bus.publish('customer:set-info', { a: 1 });
    core.bus.publish('my-page:hello', 1);
    core.bus.publish('chat:trigger-pre-chat');
    const app: [string, unknown][] = [];
    core.attach((topic, data) => app.push([topic, data]));
    core.bus.publish('chat:set-language', 'pt');
    expect(app).toEqual([
      ['customer:set-info', { a: 1 }],
      ['chat:trigger-pre-chat', null],
      ['chat:set-language', 'pt'],
    ]);
    expect(intents).toEqual(['customer:set-info', 'chat:trigger-pre-chat', 'chat:set-language']);
  });

  it('events the widget emits reach page subscribers only', () => {
    const core = createBus(() => {});
    const app: string[] = [];
    core.attach((t) => app.push(t));
    const page: unknown[] = [];
    core.bus.subscribe('customer:info-sent', (d) => page.push(d));
    core.emit('customer:info-sent', { info: {}, phase: 'chatWindow' });
    expect(page).toEqual([{ info: {}, phase: 'chatWindow' }]);
    expect(app).toEqual([]);
  });

  it('refuses a publish or subscribe without a topic, clearly', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { bus } = createBus(() => {});
    bus.publish(undefined as unknown as string);
    const sub = bus.subscribe('t', 'nope' as unknown as () => void);
    sub.remove();
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

describe('the chatApp facade', () => {
  it('maps each method onto the bus and chains', () => {
    const core = createBus(() => {});
    const published: [string, unknown][] = [];
    core.attach((topic, data) => published.push([topic, data]));
    const unmount = vi.fn();
    const app = createChatApp(core.bus, unmount);
    const result = app.setCustomerInfo!({ a: 1 }).resetCustomerInfo!().setCustomerLanguage!('pt').setVariables!({ _x: 'y' }).setInvitationQuickReplies!(['A'])
      .setNotificationSoundToggle!(false).startChat!().endChat!();
    expect(result).toBe(app);
    expect(published).toEqual([
      ['customer:set-info', { a: 1 }],
      ['customer:reset-info', null],
      ['chat:set-language', 'pt'],
      ['chat:set-variables', { _x: 'y' }],
      ['chat:set-invitation-quick-replies', ['A']],
      ['chat:set-notification-sound', false],
      ['chat:start', null],
      ['chat:end', null],
    ]);
    app.unmount!();
    expect(unmount).toHaveBeenCalledOnce();
  });

  it('setProxy hands the callbacks to the app, which calls them from its events', () => {
    const core = createBus(() => {});
    const proxy = createProxy({ error: () => {} });
    core.attach((topic, data) => topic === 'chat:set-proxy' && proxy.set(data));
    const app = createChatApp(core.bus, () => {});
    const calls: unknown[][] = [];
    const record =
      (name: string) =>
      (...args: unknown[]) =>
        calls.push([name, ...args]);
    expect(
      app.setProxy!({
        onAppStart: record('start'),
        onAppEnd: record('end'),
        onOpenInvitation: record('invitation'),
        onOpenOnlineForm: record('preChat'),
        onOpenChat: record('chat'),
        onOpenOfflineForm: record('offline'),
        onCustomerInfoSent: record('info'),
        onSessionCreated: record('session'),
        onSessionEnd: record('sessionEnd'),
        onSessionError: record('error'),
        // @ts-expect-error a misspelt callback is a type error, and at run time it is never called
        onAppStartTypo: record('never'),
      }),
    ).toBe(app);
    const emit: Emit = (topic, data) => proxy.notify(topic, data);
    emit('chat:ready', null);
    emit('chat:phase-changed', { from: 'closed', to: 'invitation' });
    emit('chat:phase-changed', { from: 'invitation', to: 'preChat' });
    emit('chat:phase-changed', { from: 'preChat', to: 'chatWindow' });
    emit('chat:phase-changed', { from: 'closed', to: 'offlineForm' });
    emit('customer:info-sent', { info: { a: 1 }, phase: 'chatWindow' });
    emit('chat:session-created', { chatId: 'c1' });
    emit('chat:ended', { reason: 'agent' });
    emit('chat:error', { code: 'connection-lost', message: 'y' });
    emit('chat:closed', { reason: 'chat-api' });
    expect(calls).toEqual([
      ['start'],
      ['invitation'],
      ['preChat'],
      ['chat'],
      ['offline'],
      ['info', { info: { a: 1 }, phase: 'chatWindow' }],
      ['session', { chatId: 'c1' }],
      ['sessionEnd', 'agent'],
      ['error', { code: 'connection-lost', message: 'y' }],
      ['end', 'chat-api'],
    ]);
  });

  it('a throwing callback does not break the others', () => {
    const errors: string[] = [];
    const proxy = createProxy({ error: (m) => errors.push(m) });
    const seen: string[] = [];
    proxy.set({
      onAppStart: () => {
        throw new Error('page bug');
      },
      onSessionEnd: (r: unknown) => seen.push(String(r)),
    });
    proxy.notify('chat:ready', null);
    proxy.notify('chat:ended', { reason: 'user' });
    expect(seen).toEqual(['user']);
    expect(errors).toEqual(['the onAppStart callback threw; the chat goes on']);
  });
});
