// What leaves the conversation: the factory the composition root calls, and the shapes and limits
// the app and the tests name. Its parts (presence, polling, outbox, …) stay inside.
export { createConversation, type Conversation, type ConversationDeps } from './conversation';
export type { ChatRequest } from './request';
export type { FileRefusal } from './outbox';
export type { Intervals } from './polling';
export { MAX_TEXT } from '../../../bot-bridge/customer-chat-api/wire';
export { CHIME_GAP_MS } from './arrivals';
export { REQUEST_LOST_MS } from './lost-requests';
export type { SharedState } from '../types';
