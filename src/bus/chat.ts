/*!
 * Parley: the types of the embedded chat's bus, chatApp, webview bridge and window.__8x8Chat.
 * dist/chat.d.ts is emitted from src/bus/chat.ts by `npm run build` (src/bus/tsconfig.dts.json).
 */

// One map of the command topics and one of the event topics with their data, and the bus, chatApp
// and the webview bridge typed against them. The widget's own code is typed by the same maps, so a
// topic it emits that is not here fails the type check.
//
// Types only, and no imports, so that the declaration ships alone. The few unions the widget's
// core also declares (languages, phases, end reasons) are repeated here; test/types/bus.ts checks
// that they agree.

/** The 22 chat languages. */
export type Language =
  'en' | 'ru' | 'de' | 'ja' | 'es' | 'fr' | 'pt' | 'it' | 'pl' | 'hr' | 'hi' | 'nl' | 'ar' | 'da' | 'ko' | 'no' | 'sv' | 'vi' | 'cy' | 'th' | 'zh-CN' | 'zh-TW';

/** Where the customer is: the button only, the invitation, the pre-chat form, the chat window, the offline form. */
export type Phase = 'closed' | 'invitation' | 'preChat' | 'chatWindow' | 'offlineForm';

/** Why a chat ended: the customer, the page (chat:end, endChat()), the agent, or the server gave up. */
export type EndReason = 'user' | 'chat-api' | 'agent' | 'timeout';

/** Who closed the widget back to its launcher: the customer, or the page (chat:end, endChat()). */
export type CloseReason = 'user' | 'chat-api';

export type Primitive = string | number | boolean;

/** Customer info as the widget holds and sends it. */
export type CustomerInfo = Record<string, Primitive>;

/** customer:set-info: merged into the customer info; `null` removes a key, `undefined` changes nothing. */
export type CustomerInfoPatch = Record<string, Primitive | null | undefined>;

/** The CRM variables chat:set-variables accepts besides `_custom` ones. */
export type CrmVariable = '$language' | '$caseNumber' | '$accountNumber' | '$emailAddress' | '$emailSubject' | '$emailBody';

/** chat:set-variables: strings of at most 255 characters; `$language` sets the chat language at once. */
export type ChatVariables = { [custom: `_${string}`]: string } & { $language?: Language } & { [K in Exclude<CrmVariable, '$language'>]?: string };

/** A message of the agent or the bot, as chat:message-received carries it. */
export interface ChatMessage {
  /** Its place in the chat's transcript (the Customer Chat API's index). */
  index: number;
  from: 'agent' | 'bot';
  /** The agent's or the bot's name. */
  name: string;
  text: string;
  /** When it was sent, in milliseconds since 1970. */
  at: number;
  /** Suggested replies; a tap sends the reply's payload as the customer's message. */
  quickReplies?: { title: string; payload: string }[];
}

export type ChatErrorCode = 'connection-lost' | 'chat-request-failed' | 'chat-script-unavailable' | 'offline-message-failed';

export interface ChatError {
  code: ChatErrorCode;
  message: string;
}

/** The commands a page publishes, topic → data (`null`: none; a subscriber then receives null). */
export interface Commands {
  'customer:set-info': CustomerInfoPatch;
  'customer:reset-info': null;
  'chat:set-language': Language;
  'chat:set-variables': ChatVariables;
  /** Before a chat: closes; queued: ends and closes; with an agent: asks the customer first. */
  'chat:end': null;
  /** Opens the chat as the launcher does (our extension; chatApp.startChat()). */
  'chat:start': null;
  'chat:trigger-invitation': null;
  'chat:trigger-pre-chat': null;
  'chat:trigger-chat-window': null;
  /** At most 10 strings of at most 100 characters (our extension). */
  'chat:set-invitation-quick-replies': readonly string[];
  /** In every tab of the visitor (our extension). */
  'chat:set-notification-sound': boolean;
  /** What chatApp.setProxy() publishes (our extension). */
  'chat:set-proxy': ProxyCallbacks;
}

/** The events the widget publishes, topic → data. Every tab of the visitor publishes those of the shared chat. */
export interface Events {
  /** The customer info just sent: with the chat request (queued) or with the offline form. */
  'customer:info-sent': { info: CustomerInfo; phase: 'chatWindow' | 'offlineForm' };
  'chat:phase-changed': { from: Phase; to: Phase };
  'chat:message-received': { message: ChatMessage };
  'chat:ended': { reason: EndReason };
  'chat:unread-changed': { count: number };
  'chat:error': ChatError;
  /** The app has loaded (our extension). */
  'chat:ready': null;
  /** The chat request succeeded, in the tab that made it; chatApp's onSessionCreated (our extension). */
  'chat:session-created': { chatId: string };
  /**
   * This tab learnt the chat's id: in every tab of the visitor when the request succeeds, and in a
   * page loaded into a chat under way (a reload, another page of the site) (our extension).
   */
  'chat:session-started': { chatId: string };
  /** The widget closed back to its launcher (our extension). */
  'chat:closed': { reason: CloseReason };
  /** Webview mode: the widget is ready for the app's commands. */
  'webview:ready': null;
  /** Webview mode: close the screen (the customer closed, or the chat was closed: then its reason). */
  'webview:close-requested': { reason: CloseReason } | null;
}

export type CommandTopic = keyof Commands;
export type EventTopic = keyof Events;

/** Every topic the widget knows: what a subscriber of it receives. */
export interface Topics extends Commands, Events {}

/** The widget's namespaces: a topic in them must be one of the maps'. */
export type WidgetTopic = `chat:${string}` | `customer:${string}` | `webview:${string}` | `bus:${string}`;

/**
 * A page's own topic: any string outside the widget's namespaces. It passes between the page's
 * subscribers and does nothing inside the widget.
 */
export type PageTopic<T extends string> = T extends WidgetTopic ? never : T;

/** A command's data argument, optional for the commands without data. */
export type CommandArgs<K extends CommandTopic> = null extends Commands[K] ? [data?: Commands[K]] : [data: Commands[K]];

export interface Subscription {
  /** Idempotent. */
  remove(): void;
}

/** The bus handed to the page by onInit. A handler that throws is logged and harms nothing else. */
export interface Bus {
  /** Publishes a command to the widget (its subscribers on the page receive it too). */
  publish<K extends CommandTopic>(topic: K, ...data: CommandArgs<K>): void;
  /** Publishes a page's own topic to the page's subscribers (null when no data is given). */
  publish<T extends string>(topic: PageTopic<T>, data?: unknown): void;
  subscribe<K extends keyof Topics>(topic: K, handler: (data: Topics[K]) => void): Subscription;
  subscribe<T extends string>(topic: PageTopic<T>, handler: (data: unknown) => void): Subscription;
}

/** chatApp.setProxy(callbacks): the v2 lifecycle callbacks, each fed by one event. */
export interface ProxyCallbacks {
  /** chat:ready */
  onAppStart?(): void;
  /** chat:closed */
  onAppEnd?(reason: CloseReason): void;
  /** chat:phase-changed to invitation */
  onOpenInvitation?(): void;
  /** chat:phase-changed to preChat */
  onOpenOnlineForm?(): void;
  /** chat:phase-changed to chatWindow */
  onOpenChat?(): void;
  /** chat:phase-changed to offlineForm */
  onOpenOfflineForm?(): void;
  /** customer:info-sent */
  onCustomerInfoSent?(data: Events['customer:info-sent']): void;
  /** chat:session-created */
  onSessionCreated?(data: Events['chat:session-created']): void;
  /** chat:ended */
  onSessionEnd?(reason: EndReason): void;
  /** chat:error */
  onSessionError?(error: ChatError): void;
}

/** The v2 facade: every method publishes its command on the bus and returns chatApp, so calls chain. */
export interface ChatApp {
  /** chat:start */
  startChat(): ChatApp;
  /** chat:end */
  endChat(): ChatApp;
  /** customer:set-info */
  setCustomerInfo(info: Commands['customer:set-info']): ChatApp;
  /** customer:reset-info */
  resetCustomerInfo(): ChatApp;
  /** chat:set-language */
  setCustomerLanguage(language: Commands['chat:set-language']): ChatApp;
  /** chat:set-variables */
  setVariables(variables: Commands['chat:set-variables']): ChatApp;
  /** chat:set-invitation-quick-replies */
  setInvitationQuickReplies(replies: Commands['chat:set-invitation-quick-replies']): ChatApp;
  /** chat:set-notification-sound */
  setNotificationSoundToggle(on: Commands['chat:set-notification-sound']): ChatApp;
  /** chat:set-proxy; later calls add to (and replace) earlier callbacks. */
  setProxy(callbacks: Commands['chat:set-proxy']): ChatApp;
  /** Removes the widget and everything it runs (our extension). */
  unmount(): ChatApp;
}

/** window.__8x8Chat (or the loader script's data-* attributes). */
export interface ChatConfig {
  /** Base URL of the Customer Chat API. */
  domain: string;
  /** Sent as the ContactCenterId header. */
  contactCenterId: string;
  uuid?: string;
  tenant?: string;
  channel?: string;
  /** Called once, when the bus is ready (before the app chunk has loaded). */
  onInit?(bus: Bus, chatApp: ChatApp): void;
  /** Overrides system messages by key, in every language. */
  customSystemMessages?: Record<string, string>;
  /** https only (http for localhost and 127.0.0.1). */
  stylesheetURL?: string;
  /** The v2 theming properties, e.g. headerBackgroundColor. */
  themeCustom?: Record<string, string>;
  mode?: 'embedded' | 'webview';
  align?: 'left' | 'right';
  colorScheme?: 'auto' | 'light' | 'dark';
  /** A CSP nonce for the custom stylesheet's <link>. */
  nonce?: string;
}

/** What the webview bridge posts to the app: every event, and bus:error for a refused message. */
export interface NativeEvents extends Events {
  'bus:error': NativeError;
}

export interface NativeError {
  message: string;
  /** The command whose rules refused the data (absent when the message itself was malformed). */
  topic?: CommandTopic;
  /** What the app sent (a string is cut at 500 characters). */
  received: unknown;
}

/** To the app, as JSON (React Native, Android) or as the object itself (iOS); data is null when none. */
export type ToAppMessage = { [K in keyof NativeEvents]: { type: 'bus'; topic: K; data: NativeEvents[K] } }[keyof NativeEvents];

/** From the app, to window.parley.receive(message), as the object or as its JSON. */
export type FromAppMessage = {
  [K in CommandTopic]: null extends Commands[K] ? { type: 'bus'; topic: K; data?: null } : { type: 'bus'; topic: K; data: Commands[K] };
}[CommandTopic];

declare global {
  interface Window {
    __8x8Chat?: ChatConfig;
    /** Webview mode only: the app's way in. */
    parley?: { receive(message: FromAppMessage | string): void };
  }
}
