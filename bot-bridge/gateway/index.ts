// What leaves the gateway folder: the client, webhook verification (and the identity webhooks must
// be signed for), availability and bootstrap.
export { GatewayClient, problemMessage, retryAfterMs, type CallClass, type CallObserver, type Outcome } from './client';
export { WebhookVerifier, detachedPayload, type GatewayIdentity, type KeyPins, type Rejection, type Verdict } from './verify';
export { gatewayIdentity, knownGatewayIdentity, learnFromPing, IdentityError, LEARN_PARAM } from './identity';
export { Availability, type AvailabilityResult, type Unavailable } from './availability';
export { bootstrapGateway, BootstrapError, type GatewaySetup } from './bootstrap';
export { normalizeEvent, type GatewayEvent } from './events';
