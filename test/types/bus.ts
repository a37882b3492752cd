// Type-level tests of the bus topic maps (src/bus/chat.ts). Checked by `npm run typecheck` (the
// root tsconfig includes test/), never run: each line under `@ts-expect-error` must be a type error
// (or the check fails with "Unused '@ts-expect-error' directive"), and every other line must compile.
import type { Bus, ChatApp, ChatConfig, Emit, EndReason, FromAppMessage, Language, Phase, ToAppMessage } from '../../src/bus';
import type { Widget } from '../../src/app/widget';
import type { EndReason as CoreEndReason, Phase as CorePhase } from '../../src/core';
import type { Language as CoreLanguage } from '../../src/i18n/languages';

declare const emit: Emit;
declare const bus: Bus;
declare const chatApp: ChatApp;
declare const widget: Widget;
declare const someTopic: string;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The unions src/bus/chat.ts repeats (it imports nothing, so that it ships alone) are the core's. */
export const repeatedUnionsAgree: [Equal<Language, CoreLanguage>, Equal<Phase, CorePhase>, Equal<EndReason, CoreEndReason>] = [true, true, true];

export function internalEmit(): void {
  emit('chat:ready', null);
  emit('chat:session-started', { chatId: 'c1' });
  emit('chat:ended', { reason: 'agent' });
  emit('webview:close-requested', null);
  // @ts-expect-error an event topic that is not in the map
  emit('chat:session-begun', { chatId: 'c1' });
  // @ts-expect-error wrong data for a mapped event
  emit('chat:ended', { reason: 'bored' });
  // @ts-expect-error a mapped event without its data
  emit('chat:unread-changed');
  // @ts-expect-error a command is not an event the widget emits
  emit('chat:set-language', 'pt');
  // @ts-expect-error bus:error goes to a mobile app only, through the webview bridge
  emit('bus:error', { message: 'x', received: null });
}

export function appDispatch(): void {
  widget.command('chat:trigger-chat-window', null);
  // The page's data is unchecked when it arrives: the rules check it, so any data type-checks here.
  widget.command('chat:set-language', 42);
  // @ts-expect-error a topic that is not a command
  widget.command('chat:fly', null);
  // @ts-expect-error chat:set-proxy goes to the proxy, not to the widget's dispatch
  widget.command('chat:set-proxy', {});
}

export function pagePublishes(): void {
  bus.publish('chat:set-language', 'pt');
  bus.publish('customer:set-info', { 'First name': 'John', Premium: true, Age: 25, Old: null, Kept: undefined });
  bus.publish('chat:set-variables', { _plan: 'gold', $language: 'pt', $caseNumber: '42' });
  bus.publish('chat:set-invitation-quick-replies', ['Yes', 'No']);
  bus.publish('chat:end');
  bus.publish('chat:end', null);
  // The page's own topics pass between its subscribers, with any data, and so does a topic known only at run time.
  bus.publish('shop:cart-changed', { items: 3 });
  bus.publish('shop:ping');
  bus.publish(someTopic, 1);
  // @ts-expect-error a command with the wrong data
  bus.publish('chat:set-language', 'xx');
  // @ts-expect-error an unknown topic in the widget's namespace (a misspelt command), with wrong data
  bus.publish('chat:set-langauge', 42);
  // @ts-expect-error an unknown topic in the widget's namespace, even with the right data
  bus.publish('chat:set-langauge', 'pt');
  // @ts-expect-error a command that needs data, without it
  bus.publish('customer:set-info');
  // @ts-expect-error customer info values are primitives
  bus.publish('customer:set-info', { address: { city: 'Lisbon' } });
  // @ts-expect-error variables start with _ or are one of the CRM variables
  bus.publish('chat:set-variables', { plan: 'gold' });
  // @ts-expect-error $language is a chat language
  bus.publish('chat:set-variables', { $language: 'xx' });
  // @ts-expect-error a page does not publish the widget's events
  bus.publish('chat:ended', { reason: 'user' });
}

export function pageSubscribes(): void {
  bus.subscribe('chat:message-received', ({ message }) => {
    const from: 'agent' | 'bot' = message.from;
    const text: string = message.text;
    return [from, text];
  });
  bus.subscribe('chat:session-started', ({ chatId }) => chatId.length);
  bus.subscribe('chat:end', (data) => {
    const none: null = data;
    return none;
  });
  bus.subscribe('shop:cart-changed', (data) => {
    // @ts-expect-error a page topic's data is unknown: the page checks it
    return data.items;
  });
  // @ts-expect-error an unknown topic in the widget's namespace
  bus.subscribe('chat:session-begun', () => {});
  // @ts-expect-error a handler that expects other data
  bus.subscribe('chat:unread-changed', (data: { unread: number }) => data.unread);
}

export function facade(): void {
  chatApp
    .setCustomerInfo({ 'Email address': 'james@example.com' })
    .setCustomerLanguage('pt')
    .setVariables({ _plan: 'gold' })
    .setProxy({ onSessionEnd: (reason) => reason === 'agent', onCustomerInfoSent: ({ info, phase }) => [info, phase] })
    .startChat()
    .unmount();
  // @ts-expect-error not a chat language
  chatApp.setCustomerLanguage('xx');
  // @ts-expect-error a callback with the wrong argument
  chatApp.setProxy({ onAppEnd: (reason: number) => reason });
  // @ts-expect-error a misspelt callback
  chatApp.setProxy({ onSessionEnded: () => {} });
  // @ts-expect-error the sound toggle is a boolean
  chatApp.setNotificationSoundToggle('off');
}

export function configuration(): void {
  window.__8x8Chat = {
    domain: 'https://cc.example.com',
    contactCenterId: 'cc',
    onInit(pageBus, app) {
      pageBus.publish('chat:trigger-chat-window');
      app.endChat();
    },
  };
  // @ts-expect-error contactCenterId is required
  const missing: ChatConfig = { domain: 'https://cc.example.com' };
  // @ts-expect-error an unknown key
  const unknown: ChatConfig = { domain: 'https://cc.example.com', contactCenterId: 'cc', colour: 'red' };
  // @ts-expect-error mode is embedded or webview
  const mode: ChatConfig = { domain: 'https://cc.example.com', contactCenterId: 'cc', mode: 'fullscreen' };
  void [missing, unknown, mode];
}

export function webviewBridge(message: ToAppMessage): void {
  const toWidget: FromAppMessage[] = [
    { type: 'bus', topic: 'chat:set-language', data: 'pt' },
    { type: 'bus', topic: 'chat:end' },
    { type: 'bus', topic: 'chat:end', data: null },
  ];
  // @ts-expect-error wrong data for the command (another command's kind of data)
  const wrong: FromAppMessage = { type: 'bus', topic: 'chat:set-language', data: true };
  // @ts-expect-error not a command topic
  const unknownTopic: FromAppMessage = { type: 'bus', topic: 'chat:ended', data: { reason: 'user' } };
  void [toWidget, wrong, unknownTopic];
  // Messages to the app narrow by topic.
  if (message.topic === 'chat:ended') message.data.reason satisfies EndReason;
  if (message.topic === 'bus:error') message.data.message satisfies string;
  window.parley?.receive({ type: 'bus', topic: 'customer:set-info', data: { Plan: 'Gold' } });
  window.parley?.receive('{"type":"bus","topic":"chat:end"}');
}
