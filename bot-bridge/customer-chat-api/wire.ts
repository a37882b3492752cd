// The Customer Chat API on the wire (protocols/customer-chat-api.md): what the widget sends, what
// the bridge and the emulator answer, and the limits both servers enforce. Types and constants
// only, with no imports: the widget (browser tsconfig, size budget) reads this file too.

/** A name the protocol defines, or one a newer peer may add (a client ignores what it does not know). */
export type Open<T extends string> = T | (string & {});

/** What userData values may be: what an agent's desktop can display. */
export type Primitive = string | number | boolean;
export type UserData = Record<string, Primitive>;

// ---- The envelope ------------------------------------------------------------------------------

/** 0 is success; the others are the errors of envelope.ts's table. */
export type StatusCode = 0 | ErrorStatusCode;
export type ErrorStatusCode = 1 | 2 | 3 | 4 | 6 | 7 | 8 | 9;

export interface Ok {
  statusCode: 0;
}

export interface ErrorBody {
  statusCode: ErrorStatusCode;
  statusMessage: string;
}

// ---- Requests ----------------------------------------------------------------------------------

/** POST /api/v2/chats */
export interface RequestChatRequest {
  operationName: 'RequestChat';
  nickname: string;
  subject?: string;
  /** The queue; the chat script's chatWindow.endpoint when absent. */
  endpoint?: string;
  userData?: UserData;
}

/** POST /api/v2/chats/{id}: one of these. */
export type ChatOperation = SendMessageRequest | TypingRequest | CompleteRequest;
export type OperationName = ChatOperation['operationName'];

export interface SendMessageRequest {
  operationName: 'SendMessage';
  /** Required unless `attachments` are given. A reply button sends its title here. */
  text: string;
  /** (ext) The same id twice adds one message: a retried send is never doubled. */
  clientMessageId?: string;
  /** (ext) Files uploaded to this chat first (POST /api/v2/chats/{id}/files), by id. */
  attachments?: { id: string }[];
  /** (ext) A reply button's JSON value (an Adaptive Card's Action.Submit data), passed to the bot as the activity's value. */
  value?: Record<string, unknown>;
}

export interface TypingRequest {
  operationName: 'SendStartTypingNotification' | 'SendStopTypingNotification';
}

export interface CompleteRequest {
  operationName: 'Complete';
}

/** (ext) POST /api/v2/offline-messages */
export interface OfflineMessageRequest {
  fields: Record<string, string>;
  userData?: UserData;
}

// ---- Responses ---------------------------------------------------------------------------------

export interface RequestChatResponse extends Ok {
  id: string;
  path: string;
}

/** GET /api/v2/me/chat/{id} (= GET /api/v2/chats/{id}) */
export interface GetChatResponse extends Ok {
  chat: Chat;
}

/**
 * GET /api/v2/me/chat/{id}/messages[?index=N][&waitSeconds=S] (= GET /api/v2/chats/{id}/messages).
 * `waitSeconds` (ext), only where GetChat advertises longPoll: with nothing from the index on, the
 * server holds the request until an entry is appended or min(S, maxWaitSeconds) pass, then answers
 * (an empty list when the wait ended). A server without the extension ignores it and answers at once.
 */
export interface GetMessagesResponse extends Ok {
  messages: Entry[];
  /**
   * (ext) The answer is a full page (LIMITS.pageEntries): more may follow from the index after the
   * last one here, and the client asks again at once.
   */
  more?: boolean;
}

export type ChatScriptResponse = Ok & ChatScript;

export interface OfflineMessageResponse extends Ok {
  id: string;
}

/** (ext) POST /api/v2/chats/{id}/files (multipart/form-data, one part named `file`). */
export interface UploadResponse extends Ok {
  file: Attachment;
}

// ---- The chat and its transcript ---------------------------------------------------------------

export type ChatState = 'WaitingForAgent' | 'Chatting' | 'Idle';
export type Capability = 'SendMessage' | 'SendStartTypingNotification' | 'SendStopTypingNotification' | 'Complete';

/** What an open chat allows (an Idle one allows nothing). */
export const CAPABILITIES: readonly Capability[] = ['SendMessage', 'SendStartTypingNotification', 'SendStopTypingNotification', 'Complete'];

export interface Chat {
  id: string;
  state: ChatState;
  capabilities: readonly Capability[];
  participants: Participant[];
  /** (ext) What this server offers beyond the seed; a client uses a feature only when it is listed here. */
  extensions?: ChatExtensions;
}

/** (ext) Advertised in GetChat; the vendor's servers send none, and a client then behaves as the seed says. */
export interface ChatExtensions {
  /** GetMessages takes `waitSeconds` (at most this) and holds the request until an entry exists or the wait ends. */
  longPoll?: { maxWaitSeconds: number };
  /** The customer may upload files within these limits (checked again by the server, by content). */
  files?: { maxBytes: number; contentTypes: string[] };
}

export type ParticipantType = 'Customer' | 'Agent' | 'External';

export interface Participant {
  nickname: string;
  participantId: string;
  type: ParticipantType;
}

export type EntryType = 'ParticipantJoined' | 'ParticipantLeft' | 'Text' | 'TypingStarted' | 'TypingStopped' | 'Notice';

export interface QuickReply {
  title: string;
  payload: string;
}

/** (ext) What a Notice is about: queuePosition, or `event` naming what happened (queued, transfer, …). */
export interface Notice {
  queuePosition?: number;
  event?: string;
  [key: string]: unknown;
}

/** One GetMessages entry; `index` starts at 1 and grows by one per entry. */
export interface Entry {
  index: number;
  type: EntryType;
  from: Participant;
  /** On a Text entry with cards or attachments: a readable fallback, so a client that knows neither still shows something meaningful. */
  text?: string;
  /**
   * (ext) On a Text entry with cards or attachments: what the author wrote themselves ('' when only
   * cards or files came). A client that shows the cards and files shows this instead of `text`,
   * which may be a summary of them.
   */
  body?: string;
  utcTime: number;
  notice?: Notice;
  /** (ext) A bot's suggested answers; clients that do not know them show the text. */
  quickReplies?: QuickReply[];
  /** (ext) Rich content (a bot's or an agent's cards). */
  cards?: Card[];
  /** (ext) How several cards are shown: one after another (the default) or side by side, scrolled. */
  layout?: 'list' | 'carousel';
  /** (ext) Files sent with the message (by the customer, an agent or a bot). */
  attachments?: Attachment[];
}

// ---- (ext) Cards and files ---------------------------------------------------------------------

/**
 * The card model every richer format (Bot Framework hero/thumbnail/receipt/signin/media cards,
 * Adaptive Cards, gateway cards) is mapped to. Every field is optional; a card has at least one.
 */
export interface Card {
  title?: string;
  subtitle?: string;
  text?: string;
  facts?: CardFact[];
  images?: CardImage[];
  media?: CardMedia[];
  buttons?: CardButton[];
}

export interface CardFact {
  title: string;
  value: string;
}

export interface CardImage {
  url: string;
  /** Always present: the card's own alt text, else its title, else a generic word. */
  alt: string;
  /** Intrinsic size when known, so the client reserves the space before the image loads. */
  width?: number;
  height?: number;
  /** An image that is also a link. */
  link?: string;
}

export interface CardMedia {
  kind: 'audio' | 'video' | 'animation';
  url: string;
  title?: string;
  /** A still shown before a video plays. */
  poster?: string;
}

export type CardButton =
  /** Opens `value` (an http(s) URL) in a new tab. */
  | { type: 'openUrl'; title: string; value: string }
  /** Sends `title` as the customer's message, with `value` when it is JSON (Action.Submit data); a string value is what the customer "says" instead. */
  | { type: 'reply'; title: string; value: string | Record<string, unknown> }
  /** Reveals a nested card in place (Adaptive Action.ShowCard). */
  | { type: 'showCard'; title: string; card: Card };

/** A file in the transcript. `url` is served by the same server, unguessable and short-lived (a fresh one comes with every GetMessages). */
export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

// ---- (ext) The chat script and offline messages ------------------------------------------------

export interface FormField {
  id: string;
  label: string;
  type: Open<'text' | 'email' | 'textarea' | 'number' | 'language'>;
  required?: boolean;
}

/** The steps of an embed, as a server configures them. */
export interface ChatScriptSteps {
  /** `delaySeconds: null`: shown only when triggered. */
  invitation?: { enabled: boolean; delaySeconds: number | null; text?: string; quickReplies?: string[] };
  preChat?: { enabled: boolean; fields: FormField[] };
  chatWindow?: { enabled: boolean; endpoint?: string };
  offlineForm?: { enabled: boolean; fields: FormField[] };
}

/** Whether anyone can answer now; when not `open` the widget shows the offline form. */
export interface ChatAvailability {
  open: boolean;
  agentsAvailable?: number;
  reason?: string | null;
}

/** GET /api/v2/chat-script: the steps, and availability computed per request. */
export interface ChatScript extends ChatScriptSteps {
  availability: ChatAvailability;
}

/** An offline form submission as a server keeps it (and hands it to agents or a CRM). */
export interface OfflineMessage {
  id: string;
  contactCenterId: string;
  receivedAt: number;
  fields: Record<string, string>;
  userData: UserData;
}

// ---- Limits and patterns (both servers enforce them; the widget keeps within them) -------------

/** A message's text, a userData string, an offline form answer. */
export const MAX_TEXT = 4000;

export const LIMITS = {
  nickname: 100,
  subject: 500,
  endpoint: 100,
  clientMessageId: 100,
  userDataProperties: 200,
  userDataKey: 255,
  offlineFields: 50,
  offlineFieldKey: 100,
  /** chat-script's tenant, channel and uuid. */
  queryValue: 200,
  /** (ext) Files one SendMessage may reference. */
  attachmentsPerMessage: 10,
  /** (ext) A reply's JSON `value`, serialised. */
  value: 4000,
  /** (ext) Entries in one GetMessages answer; a fuller transcript comes in pages (`more: true`). */
  pageEntries: 100,
} as const;

/** What the widget, both servers and the demo bot take as an e-mail address. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Chat ids are random UUIDv4: the customer's only credential. */
export const CHAT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const CLIENT_MESSAGE_ID = /^[\w.:-]{1,100}$/;
/** A queue name: a plain word, never a path. */
export const ENDPOINT = /^[\w.-]{1,100}$/;
/** GetMessages' index: a whole number, 0 or more. */
export const INDEX = /^\d{1,9}$/;
/** (ext) GetMessages' waitSeconds: a whole number of seconds, 0 or more (a server holds at most its maxWaitSeconds). */
export const WAIT_SECONDS = /^\d{1,4}$/;
/** (ext) A file id as SendMessage references it: what a server's upload answered (letters, digits, - and _). */
export const FILE_ID = /^[\w-]{1,100}$/;
