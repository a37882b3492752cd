// Metric labels of the webhook route, from fixed sets: an event type the protocol names, else
// "other". The body is anyone's to write (even unsigned deliveries are counted), so a label taken
// from it as is would let a sender mint a time series per request.
import type { Rejection } from '../../gateway';

const EVENT_TYPES = new Set([
  'WEB_HOOK_VERIFY',
  'CONVERSATION_UPDATE',
  'QUEUED',
  'MEMBERS_CHANGED',
  'TRANSFER',
  'MESSAGE',
  'ACTIVITY',
  // The older Chat API v2 events the bridge accepts too.
  'AGENT_JOINED',
  'AGENT_LEFT',
  'TEXT',
]);

export type EventLabel = string & { readonly __label: unique symbol };

export const eventLabel = (eventType: unknown): EventLabel => (typeof eventType === 'string' && EVENT_TYPES.has(eventType) ? eventType : 'other') as EventLabel;

/** What became of a delivery (or, for `unconfirmed`, of a MESSAGE the gateway's list did not confirm). */
export type WebhookResult = 'accepted' | 'duplicate' | 'malformed' | 'unknown-conversation' | 'unconfirmed' | Rejection;
