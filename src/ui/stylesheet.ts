// The page's custom stylesheet (stylesheetURL), applied inside the shadow root with a <link>, so a
// strict CSP governs it with style-src as site owners expect. Only https, or http for local work.

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);
const WAIT_MS = 4000;

export function stylesheetAllowed(url: string): URL | null {
  try {
    const parsed = new URL(url, document.baseURI);
    if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOCAL.has(parsed.hostname))) return parsed;
  } catch {
    /* not a URL */
  }
  return null;
}

/** Resolves once the stylesheet has loaded or failed (or after a few seconds): never blocks the chat for long. */
export function loadStylesheet(root: ShadowRoot, url: string, nonce: string | undefined, log: { error(message: string): void }): Promise<void> {
  const allowed = stylesheetAllowed(url);
  if (!allowed) {
    log.error(`stylesheetURL must be an https URL (http is allowed for localhost and 127.0.0.1 only): "${url}" will not be loaded`);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = allowed.href;
    link.setAttribute('data-parley-stylesheet', '');
    if (nonce) link.nonce = nonce;
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, WAIT_MS);
    link.addEventListener('load', done, { once: true });
    link.addEventListener(
      'error',
      () => {
        log.error(`the stylesheet ${allowed.href} could not be loaded; the chat goes on with its own styles`);
        done();
      },
      { once: true },
    );
    root.prepend(link);
  });
}
