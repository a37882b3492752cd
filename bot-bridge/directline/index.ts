// The bridge's Direct Line 3.0 client (BOT_TRANSPORT=directline uses it: bot-transport/directline.ts).
// What leaves this folder: the client factory, a conversation's interface, its
// error family and the shapes a caller stores (ResumeState) or receives (ActivityBatch).
export { createDirectLineClient, DEFAULT_DIRECT_LINE_URL, type DirectLineClient, type SecretCheck, type StartInput } from './client';
export { DirectLineConversation, type PostOptions, type PostResult, type UploadFile } from './conversation';
export { DirectLineClientError, isDirectLineClientError, type DirectLineFailure } from './errors';
export type { ActivityBatch, ActivitySet, ClientLog, ConversationStatus, DirectLineActivity, DirectLineClientOptions, ResumeState } from './types';
