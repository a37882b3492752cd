// The agent console puts only these in an href or a src: its own file links, http(s), and inline
// pictures of a safe type. The emulator already drops other links from cards; this is the
// console's own check, for anything that gets past it.
import { describe, expect, it } from 'vitest';
import { fileSize, safeImage, safeLink } from '../../demo/contact-center/agent/console/safe-url';

describe('safeLink', () => {
  it.each([
    ['/files/abc?expires=1&token=x', '/files/abc?expires=1&token=x'],
    ['https://track.example/A-1001', 'https://track.example/A-1001'],
    ['http://127.0.0.1:4010/files/x', 'http://127.0.0.1:4010/files/x'],
    ['javascript:alert(1)', null],
    [' JavaScript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:x', null],
    ['//evil.example/x', null],
    ['/agent/api/interactions', null],
    ['not a url', null],
  ])('%s → %s', (url, expected) => {
    expect(safeLink(url)).toBe(expected);
  });
});

describe('safeImage', () => {
  it.each([
    ['data:image/png;base64,iVBOR', true],
    ['data:image/webp;base64,UklGR', true],
    ['data:image/svg+xml;base64,PHN2Zz4=', false],
    ['data:image/svg+xml,<svg onload=alert(1)>', false],
    ['https://shop.example/box.png', true],
    ['javascript:alert(1)', false],
  ])('%s → shown: %s', (url, shown) => {
    expect(safeImage(url) !== null).toBe(shown);
  });
});

it('writes sizes as people read them', () => {
  expect([0, 1023, 1024, 2100, 10 * 1024 * 1024].map(fileSize)).toEqual(['0 B', '1023 B', '1 KB', '2 KB', '10.0 MB']);
});
