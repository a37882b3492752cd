// What leaves the net folder: requests to URLs a caller chose (the generic API's callbackUrl), made
// so they cannot reach loopback, private or metadata addresses, with the address pinned for the
// connection and no redirects; the URL check the API uses to answer 400 early; the address judge.
export { nonPublicReason } from './address';
export { checkUrl, MAX_URL_LENGTH, type OutboundPolicy, type UrlCheck } from './policy';
export { OutboundError, safeRequest, type Resolver, type SafeRequestOptions, type SafeResponse } from './safe-request';
