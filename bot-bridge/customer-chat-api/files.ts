// Customer files on the Customer Chat API (ext), written once for both servers: which files are
// taken (by their bytes, never by their name or the type the client claims), how a stored file is
// served so that it can never run as a page of the server's origin, and the short-lived,
// unguessable URLs a transcript hands out for them (an <img> cannot send the ContactCenterId
// header, so the URL itself is the credential).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The largest file a customer may upload (both servers; the widget reads it from GetChat). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** What a customer may upload: pictures of the problem, a PDF, plain text. */
export const FILE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** Shown in the page (an <img>); every other type is only ever downloaded. SVG is never here: it can carry script. */
const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The type of a file by its content, or null when it is none of FILE_TYPES. Plain text must be
 * valid UTF-8 without NUL bytes; it is still served as a download, so text that looks like HTML
 * is harmless.
 */
export function sniffFileType(bytes: Uint8Array): FileType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (bytes.length > 0 && !bytes.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return 'text/plain';
    } catch {
      return null;
    }
  }
  return null;
}

/** A file name fit to show and to put in a header: no path, no control or bidi-override characters, at most 200 characters. */
export function safeFileName(name: string, fallback = 'file'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return (clean && clean !== '.' && clean !== '..' ? clean : fallback).slice(0, 200);
}

/**
 * Response headers for a stored file: its own type (never guessed again by the browser), inline
 * only for the safe image types, and a sandbox so that even a mislabelled file cannot script the
 * server's origin. Cross-origin: the widget's page is another origin than the API.
 */
export function fileResponseHeaders(file: { name: string; contentType: string; size: number }): Record<string, string> {
  const inline = INLINE_TYPES.has(file.contentType);
  const name = safeFileName(file.name);
  const quoted = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return {
    'content-type':
      inline || file.contentType === 'application/pdf' ? file.contentType : file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    'content-length': String(file.size),
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': 'private, max-age=300',
    'referrer-policy': 'no-referrer',
  };
}

/** How long a file URL in a GetMessages answer works (each answer hands out fresh ones). */
export const FILE_URL_TTL_MS = 15 * 60_000;

/** `?expires=<ms>&token=<hmac>` for a file id: unguessable without the server's secret, and short-lived. */
export function signFileUrl(secret: string, fileId: string, now = Date.now(), ttlMs = FILE_URL_TTL_MS): string {
  const expires = now + ttlMs;
  return `expires=${expires}&token=${fileToken(secret, fileId, expires)}`;
}

/** Whether a file URL's query is ours for this file and has not expired. */
export function verifyFileUrl(secret: string, fileId: string, query: { expires?: unknown; token?: unknown }, now = Date.now()): boolean {
  const expires = Number(query.expires);
  if (typeof query.token !== 'string' || !Number.isSafeInteger(expires) || expires < now) return false;
  const expected = Buffer.from(fileToken(secret, fileId, expires));
  const given = Buffer.from(query.token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function fileToken(secret: string, fileId: string, expires: number): string {
  return createHmac('sha256', secret).update(`file:${fileId}:${expires}`).digest('base64url');
}
