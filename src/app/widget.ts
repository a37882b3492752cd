// The widget's behaviour between the page, the customer and the chat: phases and triggers, the chat
// script, the invitation, forms, ending and closing, and the events the page hears.
import { computed, effect, signal } from '@preact/signals';
import type { ChatMessage, CommandTopic, Emit } from '../bus';
import {
  checkForm,
  entryPhase,
  formUserData,
  isActive,
  MISSING_STEP,
  own,
  stepExists,
  triggerAllowed,
  triggerTarget,
  type ChatApiClient,
  type ChatScript,
  type Customer,
  type EndReason,
  type FieldErrors,
  type Item,
  type Phase,
  type Shared,
  type SharedState,
  type Trigger,
} from '../core';
import type { Conversation } from '../core/conversation';
import { createTranslator, loadMessages } from '../i18n';
import { isLanguage } from '../i18n/languages';

export interface WidgetDeps {
  config: { tenant?: string; channel?: string; uuid?: string; customSystemMessages?: Record<string, string> };
  client: ChatApiClient;
  shared: Shared;
  conversation: Conversation;
  customer: Customer;
  /** Only the events of the map (src/bus/chat.ts), each with its data. */
  emit: Emit;
  log: { warn(message: string): void; error(message: string, detail?: unknown): void };
}

const SCRIPT_TTL_MS = 60_000;

export function createWidget(deps: WidgetDeps) {
  const { client, shared, conversation, customer, emit, log } = deps;
  const script = signal<ChatScript | null>(null);
  const scriptError = signal<string | null>(null);
  const confirmingEnd = signal<EndReason | null>(null);
  const invitationReplies = signal<string[] | null>(null);
  const offlineSent = signal(false);
  const state = shared.state;
  let scriptAt = 0;
  let scriptLoad: Promise<ChatScript | null> | null = null;
  let startedByApi = false;
  let firstMessage: string | null = null;
  let invitationTimer: ReturnType<typeof setTimeout> | undefined;

  const language = computed(() => (state.value.chat ? state.value.language : null) ?? customer.language.value);
  const table = signal<{ language: string; messages: Record<string, string> }>({ language: 'en', messages: {} });
  const stopLoading = effect(() => {
    const wanted = language.value;
    if (table.peek().language === wanted) return;
    void loadMessages(wanted).then((messages) => {
      if (language.peek() === wanted) table.value = { language: wanted, messages: messages as Record<string, string> };
    });
  });
  // Until a language's messages arrive, its texts show in English.
  const translator = computed(() => createTranslator(language.value, deps.config.customSystemMessages, table.value.language === language.value ? table.value.messages : {}));

  function loadScript(force = false): Promise<ChatScript | null> {
    if (!force && script.value && Date.now() - scriptAt < SCRIPT_TTL_MS) return Promise.resolve(script.value);
    return (scriptLoad ??= client
      .chatScript({ tenant: deps.config.tenant, channel: deps.config.channel, uuid: deps.config.uuid })
      .then((loaded) => {
        script.value = loaded;
        scriptAt = Date.now();
        scriptError.value = null;
        return loaded;
      })
      .catch((error) => {
        scriptError.value = 'errorServerUnavailable';
        emit('chat:error', { code: 'chat-script-unavailable', message: (error as Error).message });
        return script.value;
      })
      .finally(() => (scriptLoad = null)));
  }

  const commit = (change: (s: SharedState) => SharedState) => shared.commit(change);
  const setPhase = (phase: Phase, open = true) => commit((s) => ({ ...s, phase, open }));

  async function startChat(extra: Record<string, string> = {}, nickname = 'Customer', subject?: string): Promise<void> {
    const loaded = script.value;
    const info = { ...customer.info.value };
    await commit((s) => ({ ...s, language: customer.language.value }));
    try {
      const id = await conversation.request({
        nickname,
        subject,
        endpoint: loaded?.chatWindow?.endpoint,
        userData: customer.userData({ ...extra, ...(startedByApi ? { 'Started by': 'Chat API' } : {}) }),
        startedBy: startedByApi ? 'chat-api' : 'user',
      });
      if (!id) return;
      emit('customer:info-sent', { info, phase: 'chatWindow' });
      emit('chat:session-created', { chatId: id });
      if (firstMessage) {
        const text = firstMessage;
        firstMessage = null;
        await conversation.send(text);
      }
    } catch (error) {
      emit('chat:error', { code: 'chat-request-failed', message: (error as Error).message });
    }
  }

  /** Opening the chat as the launcher does: wherever the chat script leads. */
  async function open(byApi = false): Promise<void> {
    // The visitor's click is an interaction; the page's chat:start is not (a chat request is).
    if (!byApi) await shared.allowPersist();
    const current = state.value;
    if (current.phase !== 'closed' && current.phase !== 'invitation') {
      await commit((s) => ({ ...s, open: true }));
      await conversation.markRead();
      return;
    }
    const loaded = await loadScript(true);
    if (!loaded) return;
    const target = entryPhase(loaded);
    if (!target) {
      log.warn(MISSING_STEP.chatWindow);
      return;
    }
    startedByApi = byApi;
    await setPhase(target);
    if (target === 'chatWindow') await startChat();
  }

  async function trigger(kind: Trigger): Promise<void> {
    if (!triggerAllowed(state.value.phase, kind)) return;
    const loaded = await loadScript(true);
    if (!loaded) return;
    if (!stepExists(loaded, kind)) {
      log.warn(MISSING_STEP[kind]);
      return;
    }
    // The customer may have moved on while the script loaded.
    if (!triggerAllowed(state.value.phase, kind)) return;
    startedByApi = true;
    const target = triggerTarget(loaded, kind);
    await setPhase(target);
    if (target === 'chatWindow') await startChat();
  }

  async function submitPreChat(values: Record<string, string>): Promise<FieldErrors> {
    const fields = script.value?.preChat?.fields ?? [];
    await shared.allowPersist();
    const errors = checkForm(fields, values);
    if (Object.keys(errors).length) return errors;
    const languageField = fields.find((f) => f.type === 'language');
    const language = languageField && own(values, languageField.id);
    if (isLanguage(language)) customer.chosenLanguage.value = language;
    const nameField = fields.find((f) => f.id === 'name') ?? fields.find((f) => f.type === 'text');
    const subjectField = fields.find((f) => f.id === 'subject');
    await setPhase('chatWindow');
    await startChat(formUserData(fields, values), (nameField && own(values, nameField.id)?.trim()) || 'Customer', subjectField ? own(values, subjectField.id) : undefined);
    return {};
  }

  async function submitOffline(values: Record<string, string>): Promise<FieldErrors | 'failed'> {
    const fields = script.value?.offlineForm?.fields ?? [];
    await shared.allowPersist();
    const errors = checkForm(fields, values);
    if (Object.keys(errors).length) return errors;
    const info = { ...customer.info.value };
    try {
      const fieldsSent: Record<string, string> = {};
      for (const field of fields) {
        const value = own(values, field.id)?.trim();
        if (value) fieldsSent[field.id] = value;
      }
      await client.offlineMessage({ fields: fieldsSent, userData: customer.userData() });
      offlineSent.value = true;
      emit('customer:info-sent', { info, phase: 'offlineForm' });
      return {};
    } catch (error) {
      emit('chat:error', { code: 'offline-message-failed', message: (error as Error).message });
      return 'failed';
    }
  }

  /** Closes the widget back to its launcher; an ended chat's log is dropped then. */
  async function close(reason: 'user' | 'chat-api'): Promise<void> {
    if (reason === 'user') await shared.allowPersist();
    confirmingEnd.value = null;
    offlineSent.value = false;
    // An ended chat's log goes with the window; a chat still ending finishes on its own.
    await commit((s) => ({
      ...s,
      phase: 'closed',
      open: false,
      invitationDismissed: s.invitationDismissed || s.phase === 'invitation',
      ...(isActive(s.chat) ? {} : { chat: null, transcript: [], outbox: [], typing: null, unread: 0 }),
    }));
    emit('chat:closed', { reason });
  }

  /** chat:end and the end button: close before a chat, end at once while queued, confirm with an agent. */
  async function end(reason: 'user' | 'chat-api'): Promise<void> {
    const { phase, chat } = state.value;
    if (phase !== 'chatWindow' || !chat || chat.status === 'ended') return close(reason);
    if (chat.agent) {
      confirmingEnd.value = reason;
      // The question is asked in the window: a minimized chat opens to ask it.
      if (!state.value.open) await commit((s) => ({ ...s, open: true }));
      return;
    }
    await conversation.end(reason);
    await close(reason);
  }

  async function confirmEnd(yes: boolean): Promise<void> {
    const reason = confirmingEnd.value;
    confirmingEnd.value = null;
    if (yes && reason) await conversation.end(reason);
  }

  async function acceptInvitation(reply?: string): Promise<void> {
    await shared.allowPersist();
    firstMessage = reply ?? null;
    await commit((s) => ({ ...s, invitationDismissed: true }));
    await open(startedByApi);
  }

  async function dismissInvitation(): Promise<void> {
    await shared.allowPersist();
    await commit((s) => ({ ...s, phase: 'closed', open: false, invitationDismissed: true }));
  }

  function scheduleInvitation(loaded: ChatScript): void {
    const invitation = loaded.invitation;
    clearTimeout(invitationTimer);
    if (!invitation?.enabled || invitation.delaySeconds === null || invitation.delaySeconds === undefined) return;
    invitationTimer = setTimeout(
      () => {
        const s = state.value;
        if (s.phase === 'closed' && !s.invitationDismissed && !isActive(s.chat)) {
          startedByApi = false;
          void setPhase('invitation');
        }
      },
      Math.max(0, invitation.delaySeconds) * 1000,
    );
  }

  /**
   * The page's commands (the bus topics of protocols/embedded-chat-bus.md), but chat:set-proxy, which
   * the composition root hands to the proxy. The data is as the page sent it: the rules check it.
   */
  function command(topic: Exclude<CommandTopic, 'chat:set-proxy'>, data: unknown): void {
    switch (topic) {
      case 'customer:set-info':
        return customer.setInfo(data);
      case 'customer:reset-info':
        return customer.resetInfo();
      case 'chat:set-language':
        return customer.setLanguage(data);
      case 'chat:set-variables':
        return customer.setVariables(data);
      case 'chat:end':
        void end('chat-api');
        return;
      case 'chat:start':
        void open(true);
        return;
      case 'chat:trigger-invitation':
        void trigger('invitation');
        return;
      case 'chat:trigger-pre-chat':
        void trigger('preChat');
        return;
      case 'chat:trigger-chat-window':
        void trigger('chatWindow');
        return;
      case 'chat:set-invitation-quick-replies':
        if (Array.isArray(data) && data.every((d) => typeof d === 'string' && d.length <= 100) && data.length <= 10) invitationReplies.value = data as string[];
        else log.warn('Invitation quick replies must be an array of at most 10 strings of at most 100 characters; they will be discarded');
        return;
      case 'chat:set-notification-sound':
        if (typeof data === 'boolean') void conversation.setSound(data);
        else log.warn('The notification sound toggle must be true or false; it will be discarded');
        return;
      default:
        // A command of the map that no case handles fails the type check here.
        return topic satisfies never;
    }
  }

  // ---- events: every tab tells its page what changed, whoever changed it ----
  let previous: SharedState | null = null;
  const stopEvents = effect(() => {
    const next = state.value;
    const before = previous;
    previous = next;
    if (!before) return;
    if (before.phase !== next.phase) emit('chat:phase-changed', { from: before.phase, to: next.phase });
    if (next.chat?.id && before.chat?.id !== next.chat.id) emit('chat:session-started', { chatId: next.chat.id });
    if (before.chat && before.chat.status !== 'ended' && next.chat?.status === 'ended' && before.chat.requestId === next.chat.requestId) {
      emit('chat:ended', { reason: next.chat.endReason ?? 'timeout' });
    }
    // A question about ending a chat that is over, or has no agent any more, is moot.
    if (confirmingEnd.peek() && !next.chat?.agent) confirmingEnd.value = null;
    const seen = new Set(before.transcript.map((i) => i.index).filter((i) => i !== undefined));
    for (const item of next.transcript) {
      if (isIncoming(item) && !seen.has(item.index) && before.chat?.requestId === next.chat?.requestId) {
        emit('chat:message-received', { message: publicMessage(item) });
      }
    }
    if (before.unread !== next.unread) emit('chat:unread-changed', { count: next.unread });
    if (before.connection !== next.connection && next.connection === 'lost')
      emit('chat:error', { code: 'connection-lost', message: 'The chat cannot reach the server; it keeps trying' });
  });

  return {
    script,
    scriptError,
    state,
    language,
    translator,
    confirmingEnd,
    invitationReplies,
    offlineSent,
    conversation,
    customer,
    /** Called once mounted: loads the chat script and arms the invitation. */
    async start(): Promise<void> {
      previous = state.value;
      const loaded = await loadScript();
      if (loaded) scheduleInvitation(loaded);
      emit('chat:ready', null);
    },
    command,
    open,
    trigger,
    submitPreChat,
    submitOffline,
    end,
    confirmEnd,
    close,
    acceptInvitation,
    dismissInvitation,
    async minimize() {
      await shared.allowPersist();
      await commit((s) => ({ ...s, open: false }));
    },
    send: (text: string) => conversation.send(text),
    /** What the customer may upload in this chat; null: no attach button. */
    files: computed(() => (isActive(state.value.chat) && state.value.chat.id ? (state.value.chat.files ?? null) : null)),
    async attach(files: File[]) {
      const limits = state.value.chat?.files;
      if (!limits) return [];
      await shared.allowPersist();
      return conversation.attach(files, limits);
    },
    cancel: (id: string) => conversation.cancel(id),
    retry: (id: string) => conversation.retry(id),
    progress: conversation.progress,
    blob: (key: string) => conversation.blob(key),
    refreshFiles: () => void conversation.refreshFiles(),
    reply: (index: number, text: string, value?: Record<string, unknown>) => conversation.reply(index, text, value),
    typing: (on: boolean) => conversation.typing(on),
    destroy() {
      clearTimeout(invitationTimer);
      stopEvents();
      stopLoading();
    },
  };
}

type Incoming = Extract<Item, { kind: 'message' }> & { from: ChatMessage['from'] };

/** An agent's or a bot's message (what chat:message-received tells the page about). */
const isIncoming = (item: Item): item is Incoming => item.kind === 'message' && item.from !== 'customer';

function publicMessage(item: Incoming): ChatMessage {
  return { index: item.index, from: item.from, name: item.name, text: item.text, at: item.at, ...(item.quickReplies ? { quickReplies: item.quickReplies } : {}) };
}

export type Widget = ReturnType<typeof createWidget>;
