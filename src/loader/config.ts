// Reads the page's configuration (window.__8x8Chat and the script tag's data-* attributes) once,
// with one clear console error per problem. Kept small: it ships in the loader.
import type { ChatConfig } from '../bus';

export type { ChatConfig };

const STRINGS = ['uuid', 'tenant', 'channel', 'stylesheetURL', 'nonce'];
const MAPS = ['customSystemMessages', 'themeCustom'];
const ENUMS: Record<string, string[]> = { mode: ['embedded', 'webview'], align: ['left', 'right'], colorScheme: ['auto', 'light', 'dark'] };
const KNOWN = new Set(['domain', 'contactCenterId', 'onInit', ...STRINGS, ...MAPS, ...Object.keys(ENUMS)]);

export const PREFIX = 'Parley:';

export function readConfig(global: unknown, dataset: DOMStringMap | undefined): ChatConfig | null {
  const fromPage = typeof global === 'object' && global !== null ? (global as Record<string, unknown>) : {};
  if (global !== undefined && (typeof global !== 'object' || global === null)) {
    console.error(`${PREFIX} window.__8x8Chat must be an object`);
  }
  const config: Record<string, unknown> = { ...dataset, ...fromPage };
  let ok = true;
  const fail = (message: string) => {
    console.error(`${PREFIX} configuration: ${message}`);
    ok = false;
  };
  for (const key of Object.keys(config)) {
    if (!KNOWN.has(key)) console.warn(`${PREFIX} configuration key "${key}" is unknown and will be ignored`);
  }
  const domain = config.domain;
  if (domain === undefined || domain === '') fail('"domain" is required: the base URL of the Customer Chat API, e.g. "https://cc.example.com"');
  else if (typeof domain !== 'string' || !/^https?:\/\/[^\s/]+/.test(domain)) fail(`"domain" must be an http(s) URL, got ${JSON.stringify(domain)}`);
  const ccId = config.contactCenterId;
  if (ccId === undefined || ccId === '') fail('"contactCenterId" is required: it is sent as the ContactCenterId header');
  else if (typeof ccId !== 'string') fail(`"contactCenterId" must be a string, got ${typeof ccId}`);
  if (config.onInit !== undefined && typeof config.onInit !== 'function') fail('"onInit" must be a function');
  for (const key of STRINGS) {
    if (config[key] !== undefined && typeof config[key] !== 'string') fail(`"${key}" must be a string`);
  }
  for (const key of MAPS) {
    let value = config[key];
    if (value === undefined) continue;
    // A data-* attribute carries the object as JSON.
    if (typeof value === 'string') {
      try {
        value = config[key] = JSON.parse(value);
      } catch {
        /* refused below */
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      fail(`"${key}" must be an object of strings (JSON in a data-* attribute)`);
    }
  }
  for (const [key, allowed] of Object.entries(ENUMS)) {
    if (config[key] !== undefined && !allowed.includes(config[key] as string)) fail(`"${key}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  if (!ok) return null;
  config.domain = (domain as string).replace(/\/+$/, '');
  // Every key was checked above.
  return config as Partial<ChatConfig> as ChatConfig;
}
