// Links in message text: what becomes a link, where it ends, and what its text may hold; and the work
// it does on a long text, which must grow with the text, not with its square.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linkify, stripBidiControls, trailingPunctuation } from '../../src/ui/linkify';
import { tempRoot } from '../support/temp';

describe('linkify', () => {
  it('leaves sentence punctuation after a link outside it', () => {
    expect(linkify('see https://shop.example/orders/7?x=1). Thanks!')).toEqual([
      'see ',
      { href: 'https://shop.example/orders/7?x=1', text: 'https://shop.example/orders/7?x=1' },
      '). Thanks!',
    ]);
    expect(trailingPunctuation('https://a.example/b...!?')).toBe(5);
    expect(trailingPunctuation('https://a.example/b')).toBe(0);
    expect(trailingPunctuation('...')).toBe(3);
  });

  it('takes the bidi controls out of a link, so its text reads as where it goes', () => {
    // U+202E (right-to-left override) would show ".../\u202Efdp.exe" as ".../exe.pdf".
    const [before, link, after] = linkify('file: https://evil.example/\u202Efdp.exe\u202C now');
    expect(before).toBe('file: ');
    expect(link).toEqual({ href: 'https://evil.example/fdp.exe', text: 'https://evil.example/fdp.exe' });
    // A control at the very end is left with the text after the link (the link is isolated from it).
    expect(after).toBe('\u202C now');
    for (const c of ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(stripBidiControls(`a${c}b`)).toBe('ab');
    }
    expect(stripBidiControls('שלום مرحبا')).toBe('שלום مرحبا');
  });

  it('keeps the text around links exactly, and links only http(s)', () => {
    const text = 'a http://x.example b javascript:alert(1) c https://y.example/\u202E.';
    const parts = linkify(text);
    expect(parts.map((p) => (typeof p === 'string' ? p : `[${p.text}]`)).join('')).toBe('a [http://x.example] b javascript:alert(1) c [https://y.example/]\u202E.');
  });

  // The old trailing-punctuation regex (/[.,:;!?'")\]}]+$/ on each link) tried every run of
  // punctuation to the end of the link and failed at the next letter: quadratic. 50,000 characters
  // took 6.8 s; the 2,000,000 here would take hours. Linear, they take milliseconds. The test does
  // not time the work: it runs it in its own process and kills that after a bound hundreds of times
  // what linear work needs (most of it is starting Node and tsx), however busy the machine is.
  it('does linear work on a link that is one long run of punctuation', async () => {
    const n = 2_000_000;
    const script = fileURLToPath(new URL('./processes/linkify-long.ts', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', script, String(n)], { timeout: 30_000, maxBuffer: 1 << 20, env: { ...process.env, TMPDIR: tempRoot() } }, (error, stdout) => {
        if (error) reject(error.killed ? new Error('linkify did not finish 4,000,000 characters in 30 s: its work grows faster than the text') : error);
        else resolve(stdout);
      });
    });
    const link = 'https://a.example/'.length + n + 1;
    expect(JSON.parse(out)).toEqual([{ link, href: link }, { text: ' and '.length + n }]);
  }, 60_000);
});
