// What leaves the gateway folder: the client, webhook verification, availability and bootstrap.
export { GatewayClient, problemMessage, retryAfterMs, type CallObserver, type Outcome } from './client';
export { WebhookVerifier, detachedPayload, type Rejection, type Verdict } from './verify';
export { Availability, type AvailabilityResult, type Unavailable } from './availability';
export { bootstrapGateway, BootstrapError, type GatewaySetup } from './bootstrap';
export { normalizeEvent, type GatewayEvent } from './events';
