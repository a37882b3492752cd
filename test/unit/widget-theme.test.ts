import { describe, expect, it } from 'vitest';
import { cssVar, themeCss } from '../../src/ui/theme';
import { stylesheetAllowed } from '../../src/ui/stylesheet';

describe('themeCustom', () => {
  it('turns the v2 properties into custom properties of the widget', () => {
    const warnings: string[] = [];
    const css = themeCss({ headerBackgroundColor: '#C90C90', buttonBorderRadius: '0px', chatShadow: 'rgb(0 0 0 / 0.4)' }, (m) => warnings.push(m));
    expect(css).toBe(':host { --parley-header-background-color: #C90C90; --parley-button-border-radius: 0px; --parley-chat-shadow: rgb(0 0 0 / 0.4); }');
    expect(warnings).toEqual([]);
    expect(cssVar('messageIncomingLinkColorVisited')).toBe('--parley-message-incoming-link-color-visited');
  });

  it('ignores unknown properties and unsafe values, with a warning each', () => {
    const warnings: string[] = [];
    const css = themeCss({ headerColour: 'red', headerTextColor: 'red; } * { display: none', chatBackgroundColor: 'url(https://evil.test/x.png)' }, (m) => warnings.push(m));
    expect(css).toBe('');
    expect(warnings).toEqual([
      'Parley: theme property "headerColour" is unknown and will be ignored',
      'Parley: theme property "headerTextColor" has a value that is not a colour or a length ("red; } * { display: none") and will be ignored',
      'Parley: theme property "chatBackgroundColor" has a value that is not a colour or a length ("url(https://evil.test/x.png)") and will be ignored',
    ]);
  });
});

describe('stylesheetURL', () => {
  it('takes https, and http only for localhost and 127.0.0.1', () => {
    (globalThis as { document?: unknown }).document ??= { baseURI: 'https://shop.example/' };
    expect(stylesheetAllowed('https://cdn.example/theme.css')?.href).toBe('https://cdn.example/theme.css');
    expect(stylesheetAllowed('http://localhost:8080/theme.css')).not.toBeNull();
    expect(stylesheetAllowed('http://127.0.0.1/theme.css')).not.toBeNull();
    for (const bad of ['http://cdn.example/theme.css', 'javascript:alert(1)', 'data:text/css,body{}', 'ftp://x/y.css']) expect(stylesheetAllowed(bad), bad).toBeNull();
  });
});
