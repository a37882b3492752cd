// Secrets and tokens. The secret is the master key of the bot's Direct Line channel; a token opens
// one conversation and expires (expires_in, default 1800 s) unless refreshed. Tokens are JWTs, as
// the real ones are (botframework-directlinejs decodes them to find a user id bound at generation),
// signed HS256 with a key made at start: a restart of this in-memory service forgets its
// conversations anyway, so their tokens need not survive it.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DirectLineError } from './errors';

export interface TokenClaims {
  /** The conversation the token opens. */
  conv: string;
  /** A user id bound at generation: activities posted with the token are from this user. */
  user?: string;
  userName?: string;
  /** `conversation` for the Authorization header, `stream` for a streamUrl's `t`. */
  purpose: 'conversation' | 'stream';
  /** Issued at and expiry, in milliseconds (finer than JWT's seconds: tests run short lifetimes). */
  iat: number;
  exp: number;
  jti: string;
}

export type Auth = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export class Tokens {
  private readonly key = randomBytes(32);
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly ttlS: number,
    private readonly streamTtlS: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = Buffer.from(secret);
  }

  get ttlSeconds(): number {
    return this.ttlS;
  }

  /** A conversation token: `{ token, expires_in }` as the generate and refresh calls answer. */
  issue(conversationId: string, user?: { id: string; name?: string }): { token: string; expires_in: number } {
    const claims: TokenClaims = { conv: conversationId, purpose: 'conversation', ...this.times(this.ttlS), jti: randomUUID() };
    if (user) {
      claims.user = user.id;
      if (user.name) claims.userName = user.name;
    }
    return { token: this.sign(claims), expires_in: this.ttlS };
  }

  /** The `t` of a streamUrl: opens that conversation's stream only, for a short while. */
  streamToken(conversationId: string): string {
    return this.sign({ conv: conversationId, purpose: 'stream', ...this.times(this.streamTtlS), jti: randomUUID() });
  }

  isSecret(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.secret.length && timingSafeEqual(given, this.secret);
  }

  /** The claims of a token this service signed, or a 403 (TokenExpired once it has lapsed). */
  verify(token: string, purpose: TokenClaims['purpose']): TokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) throw new DirectLineError('Forbidden', 'Invalid token or secret');
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DirectLineError('Forbidden', 'Invalid token or secret');
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw new DirectLineError('Forbidden', 'Invalid token or secret');
    }
    if (claims.purpose !== purpose) throw new DirectLineError('Forbidden', 'Invalid token or secret');
    if (this.now() >= claims.exp) throw new DirectLineError('TokenExpired', 'Token expired');
    return claims;
  }

  /** Who is calling: the secret, or a conversation token (401 without a Bearer header, 403 for a wrong one). */
  authorize(request: FastifyRequest): Auth {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new DirectLineError('Unauthorized', 'The Authorization header must be "Bearer <secret or token>"');
    const credential = match[1]!;
    if (this.isSecret(credential)) return { kind: 'secret' };
    return { kind: 'token', claims: this.verify(credential, 'conversation') };
  }

  private times(ttlS: number): { iat: number; exp: number } {
    const iat = this.now();
    return { iat, exp: iat + ttlS * 1000 };
  }

  private sign(claims: TokenClaims): string {
    const body = `${HEADER}.${b64(JSON.stringify({ ...claims, nbf: Math.floor(claims.iat / 1000), iss: 'parley-directline' }))}`;
    return `${body}.${this.mac(body)}`;
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
