// One HTTP request to a URL a caller chose, made so that it cannot reach the bridge's own network.
//
// How the address is pinned: the request goes through node:http(s).request with a `lookup`
// function of ours. Node calls it when it opens the socket; it resolves the name once, refuses the
// whole request if ANY answer is not public (net/address.ts), and hands the socket exactly the
// address it checked. There is no second resolution for a rebinding DNS server to answer
// differently, and no pooled socket (agent: false) from an earlier check. TLS still verifies the
// certificate for the host name (servername), and Host is the URL's. Redirects are never followed
// (node:http does not follow them): a 3xx is an answer like any other non-2xx.
// Node's fetch (undici) would need an undici Agent with a connect.lookup to do the same, and undici
// is not a dependency of the bridge; node:http needs none.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { nonPublicReason } from './address';
import { checkUrl, type OutboundPolicy } from './policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeRequestOptions {
  method: 'POST' | 'GET' | 'PUT';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  policy: OutboundPolicy;
  /** The answer's body is read up to this many bytes and dropped (the bridge only needs the status). */
  maxResponseBytes?: number;
  /** Tests: another resolver, another judge of addresses. */
  resolve?: Resolver;
  nonPublic?: (address: string) => string | null;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The address the request went to (what was checked). */
  address: string;
}

/**
 * Why a request did not get an answer. `refused`: the policy said no (the URL, or an address it
 * resolved to); `failed`: no answer (DNS, connection, TLS, timeout). `detail` is for the bridge's
 * own log only: it tells closed ports from open ones, so it never goes back to a caller.
 */
export class OutboundError extends Error {
  override name = 'OutboundError';
  constructor(
    readonly kind: 'refused' | 'failed',
    readonly detail: string,
  ) {
    super(`outbound request ${kind}: ${detail}`);
  }
}

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export function safeRequest(rawUrl: string, opts: SafeRequestOptions): Promise<SafeResponse> {
  const checked = checkUrl(rawUrl, opts.policy);
  if (!checked.ok) return Promise.reject(new OutboundError('refused', `the URL ${checked.message}`));
  const { url, literal } = checked;
  const judge = opts.nonPublic ?? nonPublicReason;
  const resolve = opts.resolve ?? systemResolver;
  let used: string | null = literal;

  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const bad = opts.policy.allowPrivate ? undefined : answers.find((a) => judge(a.address) !== null);
        const first = answers[0];
        if (bad || !first) {
          const error = bad ? new OutboundError('refused', `${hostname} resolves to a ${judge(bad.address)} address`) : new OutboundError('failed', `${hostname}: no address`);
          callback(error as NodeJS.ErrnoException, '', 4);
          return;
        }
        used = first.address;
        if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [first]);
        else callback(null, first.address, first.family);
      },
      (error: Error & { code?: string }) => callback(new OutboundError('failed', `${hostname}: ${error.code ?? error.message}`) as NodeJS.ErrnoException, '', 4),
    );
  };

  return new Promise<SafeResponse>((resolvePromise, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...opts.headers, host: url.host };
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (error instanceof OutboundError) reject(error);
      else {
        const e = error as Error & { code?: string };
        reject(new OutboundError('failed', e.code ?? e.message));
      }
    };
    const request = send(
      {
        protocol: url.protocol,
        hostname: literal ?? url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: opts.method,
        headers,
        agent: false,
        // A literal is dialled as it is (checked above); a name goes through our lookup.
        ...(literal ? {} : { lookup, servername: url.hostname }),
      },
      (response) => {
        let read = 0;
        const limit = opts.maxResponseBytes ?? 64 * 1024;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > limit) response.destroy();
        });
        const done = () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolvePromise({ status: response.statusCode ?? 0, headers: response.headers, address: used ?? '' });
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => fail(new OutboundError('failed', `no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    request.on('error', fail);
    request.end(opts.body);
  });
}
