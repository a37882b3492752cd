// Finds web links in message text. Only http(s) links become anchors; everything else stays text
// (Preact renders text, so HTML in messages is never interpreted).
export type Part = string | { href: string; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,:;!?'")\]}]+$/;

export function linkify(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    let href: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') continue;
      href = parsed.href;
    } catch {
      continue;
    }
    const start = match.index!;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
