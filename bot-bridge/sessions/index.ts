// What leaves the sessions folder: the Sessions service the fronts call, the one writer the jobs
// call (`apply`), the machine and its vocabulary (for tests and the jobs' events), the job kinds and
// activities the machine queues (for their handlers in jobs/), and the session document's types.
export { Sessions, SessionError } from './service';
export { SessionWriter, originOf, type Applied, type Apply } from './apply';
export { transition } from './machine';
export type { BotActivity, BotFailure, Fact, HandoverFailure, MachineContext, SessionEvent, Transition } from './events';
export { activity, botUserId, job, queueOf, type CallbackEvent, type QueuedActivity } from './outputs';
export { newApiHandover, newHandover, newWidgetChat, pickQueue, type ApiHandoverInput, type ChatRequest } from './create';
export { agentOf, botOf, customerOf, BOT_ID, CUSTOMER_ID } from './entries';
export * from './payload';
export type { AgentRef, EndReason, GatewayUser, Handover, HistoryMessage, Primitive, Session, SessionState } from './types';
export { newSession } from './types';
