// The rules for customer files both servers share: accepted by content, served so they cannot run
// as pages, reachable only through short-lived signed URLs.
import { describe, expect, it } from 'vitest';
import { fileResponseHeaders, safeFileName, signFileUrl, sniffFileType, verifyFileUrl } from '../../bot-bridge/customer-chat-api';

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));

describe('sniffFileType', () => {
  it.each([
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest'), 'image/png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['GIF', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['UTF-8 text', bytes('Order 98765 — broken lid, ça va'), 'text/plain'],
  ])('takes %s by its bytes', (_name, content, type) => {
    expect(sniffFileType(content)).toBe(type);
  });

  it.each([
    ['SVG (can carry script)', bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'text/plain'],
    ['HTML', bytes('<!doctype html><script>alert(1)</script>'), 'text/plain'],
  ])('takes %s only as plain text, which is never served inline', (_name, content, type) => {
    expect(sniffFileType(content)).toBe(type);
    expect(fileResponseHeaders({ name: 'x.svg', contentType: type, size: content.length })['content-disposition']).toMatch(/^attachment;/);
  });

  it.each([
    ['an executable', bytes([0x4d, 0x5a, 0x90, 0x00, 0x03, 0, 0, 0])],
    ['a ZIP', bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0])],
    ['invalid UTF-8', bytes([0x66, 0xff, 0xfe, 0x66])],
    ['nothing', bytes()],
  ])('refuses %s', (_name, content) => {
    expect(sniffFileType(content)).toBeNull();
  });

  it('ignores a name or claimed type: a PNG named .html is a PNG', () => {
    expect(sniffFileType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
  });
});

describe('fileResponseHeaders', () => {
  it('shows safe images inline, with nosniff and a sandbox', () => {
    const h = fileResponseHeaders({ name: 'lid.png', contentType: 'image/png', size: 10 });
    expect(h).toMatchObject({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'content-length': '10' });
    expect(h['content-disposition']).toMatch(/^inline; filename="lid.png"/);
    expect(h['content-security-policy']).toContain('sandbox');
  });

  it('makes everything else a download, with a header-safe name', () => {
    const h = fileResponseHeaders({ name: '../../etc/"rech\u202enung".pdf', contentType: 'application/pdf', size: 5 });
    expect(h['content-disposition']).toBe(`attachment; filename="_rechnung_.pdf"; filename*=UTF-8''${encodeURIComponent('"rechnung".pdf')}`);
    expect(fileResponseHeaders({ name: 'a.txt', contentType: 'text/plain', size: 1 })['content-type']).toBe('text/plain; charset=utf-8');
    expect(fileResponseHeaders({ name: 'a', contentType: 'text/html', size: 1 })['content-type']).toBe('application/octet-stream');
  });
});

describe('safeFileName', () => {
  it.each([
    ['C:\\Users\\jo\\photo.jpg', 'photo.jpg'],
    ['../../secret', 'secret'],
    ['invoice\u202egpj.exe', 'invoicegpj.exe'],
    ['..', 'file'],
    ['', 'file'],
    ['x'.repeat(300), 'x'.repeat(200)],
  ])('%j → %j', (given, expected) => {
    expect(safeFileName(given)).toBe(expected);
  });
});

describe('signed file URLs', () => {
  const secret = 'a-server-secret-of-some-length';
  const query = (signed: string) => Object.fromEntries(new URLSearchParams(signed));

  it('work for their file until they expire', () => {
    const signed = query(signFileUrl(secret, 'f1', 1_000, 60_000));
    expect(verifyFileUrl(secret, 'f1', signed, 2_000)).toBe(true);
    expect(verifyFileUrl(secret, 'f1', signed, 61_001)).toBe(false);
  });

  it('do not work for another file, with another secret, or changed', () => {
    const signed = query(signFileUrl(secret, 'f1', 1_000, 60_000));
    expect(verifyFileUrl(secret, 'f2', signed, 2_000)).toBe(false);
    expect(verifyFileUrl('another-secret-entirely', 'f1', signed, 2_000)).toBe(false);
    expect(verifyFileUrl(secret, 'f1', { ...signed, expires: String(Number(signed.expires) + 1) }, 2_000)).toBe(false);
    expect(verifyFileUrl(secret, 'f1', { expires: signed.expires }, 2_000)).toBe(false);
  });
});
