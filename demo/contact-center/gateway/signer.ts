import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface SignatureInput {
  body: Buffer;
  customerId: string;
  eventId: string;
  retry: number;
  tenantId: string;
  transmissionTime: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Signs webhook deliveries as the Chat Gateway does: a JWS (RS256) with a detached, unencoded
 * payload (RFC 7797) over a small JSON document that binds the CRC-32 of the exact body bytes
 * to the delivery headers.
 */
export class WebhookSigner {
  readonly kid = randomBytes(16).toString('base64url');
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly protectedHeader: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.protectedHeader = b64url(JSON.stringify({ b64: false, crit: ['b64'], kid: this.kid, alg: 'RS256' }));
  }

  /** The public key as the JWK endpoint serves it. */
  jwk(): { kty: 'RSA'; e: string; n: string; kid: string } {
    const { e, n } = this.publicKey.export({ format: 'jwk' }) as { e: string; n: string };
    return { kty: 'RSA', e, n, kid: this.kid };
  }

  sign(input: SignatureInput): string {
    const checksum = crc32(input.body) >>> 0;
    // Key order is part of the contract: checksum, cid, eid, retry, tid, tt.
    const payload = JSON.stringify({
      checksum,
      cid: input.customerId,
      eid: input.eventId,
      retry: input.retry,
      tid: input.tenantId,
      tt: input.transmissionTime,
    });
    const signature = sign('sha256', Buffer.from(`${this.protectedHeader}.${payload}`), this.privateKey);
    return `${this.protectedHeader}..${b64url(signature)}`;
  }
}
