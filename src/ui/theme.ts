// The v2 theming properties (themeCustom) as CSS custom properties inside the shadow root.
// Documented properties for parts this widget does not have (a header menu, attachments, a loader)
// are accepted and have no effect; unknown ones are ignored with a warning.

export const THEME_PROPERTIES = [
  'chatBorderRadius',
  'chatShadow',
  'chatBackgroundColor',
  'chatTextColor',
  'chatLoaderColor',
  'chatSeparatorBackgroundColor',
  'headerBackgroundColor',
  'headerBorderWidth',
  'headerBorderColor',
  'headerBorderRadius',
  'headerTextColor',
  'headerIconColor',
  'headerIconBackgroundColorActive',
  'headerIconBackgroundColorHover',
  'headerMenuBackgroundColor',
  'headerMenuBorderRadius',
  'headerMenuBorderColor',
  'headerMenuBorderWidth',
  'headerMenuShadow',
  'headerMenuLinkIconColor',
  'headerMenuLinkTextColor',
  'headerMenuLinkTextColorFocus',
  'headerMenuLinkTextColorHover',
  'headerMenuLinkBackgroundColor',
  'headerMenuLinkBackgroundColorFocus',
  'headerMenuLinkBackgroundColorHover',
  'messageIncomingBorderRadius',
  'messageIncomingBackgroundColor',
  'messageIncomingTextColor',
  'messageIncomingLinkColor',
  'messageIncomingLinkColorHover',
  'messageIncomingLinkColorFocus',
  'messageIncomingLinkColorVisited',
  'messageOutgoingBorderRadius',
  'messageOutgoingTextColor',
  'messageOutgoingBackgroundColor',
  'messageOutgoingLinkColor',
  'messageOutgoingLinkColorHover',
  'messageOutgoingLinkColorFocus',
  'messageOutgoingLinkColorVisited',
  'formLabelTextColor',
  'formElementTextColor',
  'formElementBorderColor',
  'formElementBorderRadius',
  'formElementBackgroundColor',
  'formElementBackgroundColorHover',
  'buttonPrimaryTextColor',
  'buttonPrimaryTextColorDisabled',
  'buttonPrimaryBackgroundColor',
  'buttonPrimaryBackgroundColorHover',
  'buttonPrimaryBackgroundColorActive',
  'buttonPrimaryBackgroundColorDisabled',
  'buttonSecondaryTextColor',
  'buttonSecondaryTextColorDisabled',
  'buttonSecondaryBackgroundColor',
  'buttonSecondaryBackgroundColorHover',
  'buttonSecondaryBackgroundColorActive',
  'buttonSecondaryBackgroundColorDisabled',
  'buttonBorderRadius',
  'attachmentItemColor',
  'attachmentItemBackgroundColor',
  'attachmentItemBorderRadius',
  'attachmentItemBorderColor',
  'attachmentLinkColor',
  'attachmentLinkColorHover',
  'attachmentLinkColorFocus',
  'attachmentIconDownloadColor',
  'attachmentIconDownloadColorHover',
] as const;

const KNOWN = new Set<string>(THEME_PROPERTIES);

/** camelCase property → its custom property: headerBackgroundColor → --parley-header-background-color */
export const cssVar = (property: string) => `--parley-${property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Colours, lengths and shadows only: nothing that could fetch (url()) or break out of the rule. */
const SAFE_VALUE = /^[#\w\s.,%()+/-]+$/;

export function themeCss(theme: Record<string, string> | undefined, warn: (message: string) => void): string {
  const declarations: string[] = [];
  for (const [property, value] of Object.entries(theme ?? {})) {
    if (!KNOWN.has(property)) {
      warn(`Parley: theme property "${property}" is unknown and will be ignored`);
      continue;
    }
    if (!SAFE_VALUE.test(value) || /url\s*\(|expression\s*\(|\/\*|\*\//i.test(value)) {
      warn(`Parley: theme property "${property}" has a value that is not a colour or a length ("${value}") and will be ignored`);
      continue;
    }
    declarations.push(`${cssVar(property)}: ${value.trim()};`);
  }
  return declarations.length ? `:host { ${declarations.join(' ')} }` : '';
}
