// The Customer Chat API (protocols/customer-chat-api.md), written once: the bridge's widget front
// and the emulated contact center serve it with this, each with its own routes and state; the
// widget reads ./wire (types and constants only) and ./own (own-key lookups) and nothing else from here.
export * from './wire';
export { own, put } from './own';
export { CHAT_ERRORS, ChatApiError, badParameter, chatEnded, envelopeOf, forbidden, invalidState, notFound, tooLarge, tooManyRequests } from './envelope';
export {
  checkChatScriptQuery,
  objectBody,
  optionalString,
  parseIndex,
  parseOfflineMessage,
  parseOperation,
  parseRequestChat,
  parseWaitSeconds,
  requiredString,
  userData,
  type ChatRequest,
} from './validate';
export { longPolls, type LongPollOptions, type LongPolls } from './long-poll';
export { contactCenterRules, type ContactCenterRules, type ContactCenterRulesOptions } from './contact-center';
export { PREFLIGHT_HEADERS, corsPolicy } from './cors';
export { serveCustomerChatApi, type ChatApiServer, type ChatIdRequest, type ServeOptions } from './serve';
export { FILE_TYPES, FILE_URL_TTL_MS, MAX_FILE_BYTES, fileResponseHeaders, safeFileName, signFileUrl, sniffFileType, verifyFileUrl, type FileType } from './files';
