// The widget's core, no UI: the API client, shared state across tabs and its store, the customer, forms, phases and transcript rules.
// The conversation leaves through its own index (./conversation): it is built on these files, so re-exporting it here would make a core <-> conversation loop.
export { ChatRequestError, createClient, type ChatApiClient } from './client';
export { createCustomer, type Customer } from './customer';
export { databaseListed } from './database';
export { checkForm, formUserData, type FieldErrors } from './forms';
// Lookups by a key the server or the page chose (a form field id, a notice event): own properties only.
export { own } from '../../bot-bridge/customer-chat-api/own';
export { MISSING_STEP, entryPhase, stepExists, triggerAllowed, triggerTarget, type Trigger } from './phases';
export { backoffDelay, createPoller } from './poller';
export { createShared, type Shared, type TabMessage } from './shared';
export { memoryStore, openBlobs, openStore, type BlobStore, type Store } from './store';
export { createTabs, type Tabs } from './tabs';
export { afterAgentLeft, agentOfLines, applyEntries } from './transcript';
export {
  initialState,
  isActive,
  type ChatScript,
  type ChatSession,
  type EndReason,
  type FormField,
  type Item,
  type Outgoing,
  type OutgoingFile,
  type FileLimits,
  type Attachment,
  type Card,
  type CardButton,
  type CardImage,
  type Phase,
  type SharedState,
  type WireEntry,
} from './types';
