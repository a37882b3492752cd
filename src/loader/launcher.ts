// The launcher the loader shows before the app arrives; the app renders the same button itself.
import { CHAT_ICON_PATH } from '../ui/icons';

export const LAUNCHER_CSS = `
:host{all:initial!important;position:fixed!important;z-index:2147483000!important;display:block!important;inset:auto var(--parley-offset-x,20px) var(--parley-offset-y,20px) auto!important}
:host([data-align=left]){inset:auto auto var(--parley-offset-y,20px) var(--parley-offset-x,20px)!important}
:host([data-mode=webview]){inset:0!important}
.launcher{all:initial;box-sizing:border-box;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;cursor:pointer;background:var(--parley-button-primary-background-color,#1b4fa8);color:var(--parley-button-primary-text-color,#fff);box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher:focus-visible{outline:3px solid #f5a623;outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
`;

export function launcherButton(): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-label', 'Open chat');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', CHAT_ICON_PATH);
  svg.append(path);
  button.append(svg);
  return button;
}
