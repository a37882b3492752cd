// Cross-origin embeds are the normal case: a page on the shop's origin calls the API with the
// ContactCenterId header, so browsers send a preflight first. Each server says which origins it
// serves: a list, or '*' for any (the emulator).
import { forbidden } from './envelope';

/** What a preflight answers; cached 2 h, so a widget pays for it once per visitor. */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'ContactCenterId, Content-Type',
  'access-control-max-age': '7200',
};

/**
 * The CORS headers of every answer (errors included) to a request from `origin`; throws 403
 * statusCode 3 for an origin the server does not serve. `allowedOrigins` holding '*' serves any.
 */
export function corsPolicy(allowedOrigins: readonly string[]): (origin: string | undefined) => Record<string, string> {
  const anyOrigin = allowedOrigins.includes('*');
  const origins = new Set(allowedOrigins);
  return (origin) => {
    if (origin === undefined) return anyOrigin ? { 'access-control-allow-origin': '*' } : {};
    if (!anyOrigin && !origins.has(origin)) throw forbidden(`Origin ${origin} may not use this chat (ALLOWED_ORIGINS)`);
    // The answer depends on the caller's origin: caches must keep one per origin. Retry-After is
    // not a header scripts may read cross-origin unless exposed: a refused client must see it.
    return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'Retry-After' };
  };
}
