// Microsoft's side of Bot Framework authentication, played for a bot that has a MicrosoftAppId
// (DIRECTLINE_BOT_APP_ID): what the bot checks and what it asks for, so that a bot configured as on
// Azure runs behind this service unchanged, only its settings pointing here.
// - Channel → bot: every activity carries a Bearer JWT (RS256) with the bot's app id as audience,
//   this service as issuer and the serviceUrl claim, signed with a key the bot finds through the
//   OpenID metadata here (ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer), the key
//   endorsed for the "directline" channel.
// - Bot → channel: a bot with a managed identity (MicrosoftAppType=UserAssignedMSI) gets its token
//   from App Service's identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER): served at /msi/token.
//   A bot with a password asks Azure AD over https with instance discovery, which cannot be
//   played here: run such a bot with a managed identity, or without credentials.
// What the bot sends back is not checked: this service never checks the bot's credentials.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const OPENID_PATH = '/v1/.well-known/openidconfiguration';
export const KEYS_PATH = '/v1/.well-known/keys';
export const MSI_PATH = '/msi/token';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class MicrosoftAuth {
  private readonly privateKey: KeyObject;
  private readonly jwk: { kty: string; n: string; e: string };
  private readonly kid = randomUUID();

  constructor(
    /** The bot's MicrosoftAppId: the audience of what this service sends it. */
    readonly appId: string,
    private readonly publicUrl: () => string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
    this.jwk = { kty: jwk.kty, n: jwk.n, e: jwk.e };
  }

  /** The issuer the bot expects (ToBotFromChannelTokenIssuer). */
  get issuer(): string {
    return `${this.publicUrl()}/`;
  }

  /** A token as Microsoft's channels send one to the bot. */
  channelToken(serviceUrl: string): string {
    return this.signed({ aud: this.appId, serviceurl: serviceUrl });
  }

  private signed(claims: Record<string, unknown>, lifetimeS = 3600): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid }));
    const payload = b64url(JSON.stringify({ iss: this.issuer, nbf: now - 60, iat: now, exp: now + lifetimeS, ...claims }));
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  routes(app: FastifyInstance): void {
    app.get(OPENID_PATH, async () => ({
      issuer: this.issuer,
      jwks_uri: `${this.publicUrl()}${KEYS_PATH}`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    }));
    app.get(KEYS_PATH, async () => ({ keys: [{ ...this.jwk, use: 'sig', kid: this.kid, endorsements: ['directline'] }] }));
    // App Service's managed identity endpoint (api-version 2019-08-01), for the bot's own token.
    app.get<{ Querystring: { resource?: string; client_id?: string } }>(MSI_PATH, async (request, reply) => {
      if (!request.headers['x-identity-header']) return reply.code(400).send({ error: 'invalid_request', error_description: 'X-IDENTITY-HEADER is required' });
      const resource = request.query.resource ?? 'https://api.botframework.com';
      const lifetimeS = 3600;
      return {
        access_token: this.signed({ aud: resource, appid: request.query.client_id ?? this.appId }, lifetimeS),
        expires_on: String(Math.floor(Date.now() / 1000) + lifetimeS),
        resource,
        token_type: 'Bearer',
        client_id: request.query.client_id ?? this.appId,
      };
    });
  }
}
