// Compressed sizes of the built widget, as a visitor downloads it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST } from './host-page';

export const gzipSize = (file: string) => gzipSync(readFileSync(file)).length;

/** Everything the English chat window needs: the loader, the app chunk and the chunks it imports statically. */
export function widgetSizes() {
  const loader = gzipSize(join(DIST, 'chat.js'));
  const app = gzipSize(join(DIST, 'app.js'));
  const appSource = readFileSync(join(DIST, 'app.js'), 'utf8');
  const staticImports = [...appSource.matchAll(/^import[^'"]*["'](\.\/chunks\/[^"']+)["']/gm)].map((m) => m[1]!);
  const imported = staticImports.reduce((sum, file) => sum + gzipSize(join(DIST, file)), 0);
  const dir = join(DIST, 'chunks');
  const chunks = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.js')) : [];
  const languages = chunks.filter((c) => /^[a-z]{2}(-[A-Z]{2})?-[\w-]+\.js$/.test(c.name)).map((c) => gzipSize(join(dir, c.name)));
  // The cards UI: loaded only when a message with cards arrives (src/ui/lazy-cards.ts), never by the chat window itself.
  const cardsChunk = chunks.find((c) => c.name.startsWith('cards-'));
  const cards = cardsChunk ? gzipSize(join(dir, cardsChunk.name)) : -1;
  const cardsStatic = cardsChunk ? staticImports.includes(`./chunks/${cardsChunk.name}`) : false;
  return { loader, app, imported, chatWindow: loader + app + imported, chunkCount: chunks.length, largestLanguage: Math.max(0, ...languages), cards, cardsStatic };
}
