// Finds web links in message text. Only http(s) links become anchors; everything else stays text
// (Preact renders text, so HTML in messages is never interpreted).
export type Part = string | { href: string; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that ends a sentence rather than a link ("see https://x.example/a."). */
const TRAILING = new Set(['.', ',', ':', ';', '!', '?', "'", '"', ')', ']', '}']);
/**
 * Bidirectional controls (ALM, LRM, RLM, the embeddings and overrides, the isolates): inside a link
 * they make its text read differently from where it goes ("https://x.example/\u202Efdp.exe" shows
 * as ".../exe.pdf"), so a link's text, and the address it is made from, have none.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const isBidiControl = (c: string) => c === '\u061C' || c === '\u200E' || c === '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

export const stripBidiControls = (text: string): string => text.replace(BIDI_CONTROLS, '');

/**
 * How many characters at the end of `url` are trailing punctuation (or invisible bidi controls
 * among it). A walk back from the end: it reads each character once. (The regex it replaces, /[.,:;!?'")\]}]+$/, tried every run of
 * punctuation to its end and failed at the next letter: quadratic, 6.8 s for 50,000 characters.)
 */
export function trailingPunctuation(url: string): number {
  let end = url.length;
  while (end > 0 && (TRAILING.has(url[end - 1]!) || isBidiControl(url[end - 1]!))) end--;
  return url.length - end;
}

export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].slice(0, match[0].length - trailingPunctuation(match[0]));
    const shown = stripBidiControls(raw);
    let href: string;
    try {
      const parsed = new URL(shown);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') continue;
      href = parsed.href;
    } catch {
      continue;
    }
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: shown });
    last = start + raw.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
