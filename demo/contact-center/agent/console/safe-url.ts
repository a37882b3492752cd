// Only these ever go into an href or a src: links to files on this origin, http(s) URLs, and
// inline pictures of a safe type (never SVG, never javascript:).
export function safeLink(url: string): string | null {
  if (url.startsWith('/files/')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function safeImage(url: string): string | null {
  if (/^data:image\/(png|jpeg|gif|webp);base64,/i.test(url)) return url;
  return safeLink(url);
}

/** The types shown as a picture; every other file is a download link. */
export const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
