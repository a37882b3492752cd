// What leaves the outbox folder: the worker and the retry timing.
export { OutboxWorker, type Handler, type JobResult, type WorkerOptions } from './worker';
export { backoff, nextAttempt } from './backoff';
