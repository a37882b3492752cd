// How a journey finds things, run inside the page so that every engine finds the same elements:
// through open shadow roots, by CSS, by ARIA role and accessible name, by label, by text. The
// function is sent to the page as its source text, so it must not use anything from outside it.
import type { Target } from './types';

export type WireTarget = { css: string } | { role: string; name?: WireText } | { label: WireText } | { text: WireText };
type WireText = { exact: string } | { source: string; flags: string };

export type Operation = 'count' | 'text' | 'point' | 'focus';

const wireText = (t: string | RegExp): WireText => (typeof t === 'string' ? { exact: t } : { source: t.source, flags: t.flags });

export function toWire(target: Target): WireTarget {
  if (typeof target === 'string') return { css: target };
  if ('role' in target) return target.name === undefined ? { role: target.role } : { role: target.role, name: wireText(target.name) };
  if ('label' in target) return { label: wireText(target.label) };
  return { text: wireText(target.text) };
}

/** Runs in the page: what the operation answers for the visible elements matching the target. */
export function inPage(op: Operation, target: WireTarget): unknown {
  const roots: (Document | ShadowRoot)[] = [];
  const collect = (root: Document | ShadowRoot) => {
    roots.push(root);
    root.querySelectorAll('*').forEach((el) => el.shadowRoot && collect(el.shadowRoot));
  };
  collect(document);
  const all = () => roots.flatMap((r) => [...r.querySelectorAll('*')]);
  const visible = (el: Element) => {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none';
  };
  const textOf = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const matches = (value: string, want: WireText) => ('exact' in want ? value === want.exact : new RegExp(want.source, want.flags).test(value));
  const byId = (el: Element, id: string) => (el.getRootNode() as Document | ShadowRoot).getElementById?.(id) ?? null;
  const labelOf = (el: Element): string => {
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by)
      return by
        .split(/\s+/)
        .map((id) => textOf(byId(el, id)))
        .join(' ')
        .trim();
    if (el.id) {
      const root = el.getRootNode() as Document | ShadowRoot;
      const label = root.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (label) return textOf(label);
    }
    const wrapping = el.closest('label');
    if (wrapping) return textOf(wrapping);
    return '';
  };
  const IMPLICIT: Record<string, (el: Element) => boolean> = {
    button: (el) => el.localName === 'button' || (el.localName === 'input' && ['button', 'submit', 'reset'].includes((el as HTMLInputElement).type)),
    link: (el) => el.localName === 'a' && el.hasAttribute('href'),
    textbox: (el) => el.localName === 'textarea' || (el.localName === 'input' && ['text', 'email', 'tel', 'url', 'search', ''].includes((el as HTMLInputElement).type)),
    combobox: (el) => el.localName === 'select',
    heading: (el) => /^h[1-6]$/.test(el.localName),
    dialog: (el) => el.localName === 'dialog',
    list: (el) => el.localName === 'ul' || el.localName === 'ol',
    listitem: (el) => el.localName === 'li',
    img: (el) => el.localName === 'img',
    checkbox: (el) => el.localName === 'input' && (el as HTMLInputElement).type === 'checkbox',
  };
  const hasRole = (el: Element, role: string) => (el.getAttribute('role') ? el.getAttribute('role') === role : (IMPLICIT[role]?.(el) ?? false));
  const nameOf = (el: Element) =>
    labelOf(el) || (['button', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li'].includes(el.localName) ? textOf(el) : '') || el.getAttribute('title') || '';

  let found: Element[];
  if ('css' in target) found = roots.flatMap((r) => [...r.querySelectorAll(target.css)]);
  else if ('role' in target) found = all().filter((el) => hasRole(el, target.role) && (!target.name || matches(nameOf(el), target.name)));
  else if ('label' in target) found = all().filter((el) => ['input', 'textarea', 'select'].includes(el.localName) && matches(labelOf(el), target.label));
  else {
    const want = target.text;
    found = all().filter((el) => matches(textOf(el), want) && ![...el.children].some((child) => matches(textOf(child), want)));
  }
  found = found.filter(visible);

  if (op === 'count') return found.length;
  const first = found[0] as HTMLElement | undefined;
  if (op === 'text') return first ? textOf(first) : null;
  if (!first) return null;
  if (op === 'focus') {
    first.focus();
    if (first instanceof HTMLInputElement || first instanceof HTMLTextAreaElement) first.select();
    return true;
  }
  first.scrollIntoView({ block: 'center', inline: 'center' });
  const rect = first.getBoundingClientRect();
  return { x: Math.round(rect.left + rect.width / 2), y: Math.round(rect.top + rect.height / 2) };
}

/** The call as an expression any driver can evaluate (it is not the page's own eval: CSP does not apply). */
export const inPageCall = (op: Operation, target: Target) => `(${inPage.toString()})(${JSON.stringify(op)}, ${JSON.stringify(toWire(target))})`;

/** A target for messages: its description in errors. */
export const describe = (target: Target) => (typeof target === 'string' ? target : JSON.stringify(target, (_k, v) => (v instanceof RegExp ? String(v) : v)));
