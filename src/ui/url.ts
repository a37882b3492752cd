// Which URLs from the server the widget puts in a link or an image: http(s) only (no javascript:,
// no blob: of another page), and for images also the inline picture types a bot may send as data:
// URLs (never SVG, which can carry script).

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

export function safeUrl(url: unknown, image = false): string | null {
  if (typeof url !== 'string') return null;
  if (image && DATA_IMAGE.test(url)) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Picture types shown inline; any other file is a download link. */
export const INLINE_IMAGES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** A file size for people, in the chat language: 900 B, 12 KB, 3.4 MB. */
export function fileSize(bytes: number, language: string): string {
  const [value, unit] = bytes < 1024 ? [bytes, 'byte'] : bytes < 1024 * 1024 ? [bytes / 1024, 'kilobyte'] : [bytes / (1024 * 1024), 'megabyte'];
  try {
    return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0 }).format(value);
  } catch {
    return `${Math.round(value)} ${unit === 'byte' ? 'B' : unit === 'kilobyte' ? 'KB' : 'MB'}`;
  }
}

/** The accepted types, as a customer reads them: PNG, JPEG, PDF, TXT. */
export const typeNames = (types: readonly string[]) => [...new Set(types.map((t) => (t.split('/')[1] ?? t).replace(/^plain$/, 'txt').toUpperCase()))].join(', ');
